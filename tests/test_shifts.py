"""Shift tests: two-proportion z-tests between consecutive periods, BH-adjusted, with effect sizes and words."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from desec_nlp import load_codebook
from desec_nlp.periods import add_periods
from desec_nlp.shifts import describe_shift, format_shifts, shift_tests
from desec_nlp.tables import frame_table

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"
WAR, PEACE = "war_military", "peace_reconciliation"


@pytest.fixture(scope="module")
def mini():
    return load_codebook(MINI)


def _period(date: str, n: int, war: int, peace: int, sec: int, desec: int, speaker: str = "X") -> list[dict]:
    """``n`` sentences in 10-sentence documents: the first ``war`` carry war_military, etc."""
    return [{"doc_id": f"{date}-{speaker}-{i // 10}", "date": date, "speaker": speaker, "text": "x",
             "frames": ([WAR] if i < war else []) + ([PEACE] if i < peace else []),
             "move": "securitizing" if i < sec else "desecuritizing" if i < sec + desec else "none"}
            for i in range(n)]


def _table(mini, rows, group=None):
    return frame_table(add_periods(pd.DataFrame(rows), "administration"), mini, group=group, n_boot=0)


@pytest.fixture(scope="module")
def two_terms(mini):
    rows = _period("2009-05-01", 100, war=31, peace=5, sec=40, desec=20) + \
        _period("2020-05-01", 100, war=12, peace=6, sec=15, desec=45)
    return shift_tests(_table(mini, rows), mini)


def test_frame_test_matches_chi_square_and_cohens_h(two_terms):
    war = two_terms[two_terms["label"] == WAR].iloc[0]
    assert (war["period_from"], war["period_to"]) == ("Calderón", "López Obrador")
    assert (war["value_from"], war["value_to"], war["difference"]) == (0.31, 0.12, pytest.approx(-0.19))
    # the two-sided two-proportion z-test equals the uncorrected 2x2 chi-square test
    expected_p = chi2_contingency([[31, 69], [12, 88]], correction=False)[1]
    assert war["p_value"] == pytest.approx(expected_p)
    assert war["z"] < 0
    assert war["cohens_h"] == pytest.approx(2 * math.asin(math.sqrt(0.12)) - 2 * math.asin(math.sqrt(0.31)))


def test_balance_is_tested_on_securitizing_share_of_directional_moves(two_terms):
    balance = two_terms[two_terms["kind"] == "balance"].iloc[0]
    assert (balance["count_from"], balance["total_from"], balance["count_to"], balance["total_to"]) == (40, 60, 15, 60)
    assert balance["value_from"] == pytest.approx(20 / 60) and balance["value_to"] == pytest.approx(-30 / 60)
    assert balance["p_value"] == pytest.approx(chi2_contingency([[40, 20], [15, 45]], correction=False)[1])
    assert balance["significant"]


def test_benjamini_hochberg_adjustment(two_terms):
    p = two_terms["p_value"].to_numpy()
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    expected = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1)
    np.testing.assert_allclose(two_terms["p_adjusted"].to_numpy()[order], expected)
    peace = two_terms[two_terms["label"] == PEACE].iloc[0]
    assert not peace["significant"] and peace["p_adjusted"] > 0.5  # 5% vs 6%: no shift


def test_plain_words(two_terms):
    war = two_terms[two_terms["label"] == WAR].iloc[0]
    assert war["description"] == ("war_military fell from 31% to 12% of sentences between Calderón and "
                                  "López Obrador (p = 0.002, h = -0.47)")  # raw p 0.0011 x 3 tests / rank 2
    balance = two_terms[two_terms["kind"] == "balance"].iloc[0]["description"]
    assert balance.startswith("the securitization balance fell from +0.33 to -0.50 "
                              "between Calderón and López Obrador")
    text = format_shifts(two_terms)
    assert "war_military fell" in text and "peace_reconciliation" not in text
    assert text.splitlines()[1].startswith("* the securitization balance")  # most significant first
    assert "peace_reconciliation rose from 5.0% to 6.0%" in format_shifts(two_terms, show_all=True)


def test_p_below_a_thousandth_and_groups():
    row = {"kind": "frame", "label": WAR, "period_from": "A", "period_to": "B", "value_from": 0.05,
           "value_to": 0.5, "difference": 0.45, "p_adjusted": 1e-9, "cohens_h": 1.1, "speaker": "Sedena"}
    assert describe_shift(row, "speaker") == ("Sedena: war_military rose from 5.0% to 50% of sentences "
                                              "between A and B (p < 0.001, h = 1.10)")


def test_only_consecutive_periods_with_data_are_compared(mini):
    rows = (_period("2004-01-01", 50, 10, 0, 5, 5) + _period("2009-01-01", 50, 30, 0, 5, 5)
            + _period("2021-01-01", 50, 10, 0, 5, 5))  # Fox, Calderón, López Obrador (no Peña Nieto)
    tests = shift_tests(_table(mini, rows), mini)
    war = tests[tests["label"] == WAR]
    assert list(zip(war["period_from"], war["period_to"])) == [("Fox", "Calderón"), ("Calderón", "López Obrador")]
    assert (tests["label"] != PEACE).all()  # a frame absent everywhere is not tested


def test_shifts_within_groups(mini):
    rows = (_period("2009-01-01", 80, 40, 0, 10, 10, "A") + _period("2020-01-01", 80, 5, 0, 10, 10, "A")
            + _period("2009-01-01", 80, 20, 0, 10, 10, "B") + _period("2020-01-01", 80, 20, 0, 10, 10, "B"))
    tests = shift_tests(_table(mini, rows, "speaker"), mini, group="speaker")
    war = tests[tests["label"] == WAR].set_index("speaker")
    assert bool(war.loc["A", "significant"]) and not bool(war.loc["B", "significant"])
    assert war.loc["A", "description"].startswith("A: war_military fell from 50% to 6.2%")


def test_nothing_to_compare(mini):
    tests = shift_tests(_table(mini, _period("2009-01-01", 20, 5, 0, 2, 2)), mini)
    assert tests.empty and "kind" in tests.columns
    assert "No significant shift found." in format_shifts(tests)


def test_every_pair_compares_across_the_middle_term(mini):
    rows = (_period("2009-01-01", 100, 40, 0, 5, 5) + _period("2015-01-01", 100, 30, 0, 5, 5)
            + _period("2021-01-01", 100, 20, 0, 5, 5))  # Calderón, Peña Nieto, López Obrador
    table = _table(mini, rows)
    war = shift_tests(table, mini, pairs="all").query("label == @WAR")
    assert list(zip(war["period_from"], war["period_to"])) == [
        ("Calderón", "Peña Nieto"), ("Calderón", "López Obrador"), ("Peña Nieto", "López Obrador")]
    direct = war[war["period_to"] == "López Obrador"].iloc[0]
    assert direct["description"].startswith("war_military fell from 40% to 20% of sentences between Calderón and")
    assert bool(direct["significant"])
    consecutive = shift_tests(table, mini).query("label == @WAR")
    assert not consecutive["significant"].any()  # 40 -> 30 -> 20: no single step is enough
    with pytest.raises(ValueError, match="pairs must be one of"):
        shift_tests(table, mini, pairs="some")
