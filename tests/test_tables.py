"""Frame tables: counts and shares by hand, the balance and its document bootstrap, every export round-trips."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from desec_nlp import load_codebook
from desec_nlp.errors import InputError
from desec_nlp.periods import add_periods
from desec_nlp.tables import (EXPORT_FORMATS, bootstrap_balance, frame_table, securitization_balance, table_to_text,
                              to_long, write_table)

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"
SEC, DESEC, NONE = "securitizing", "desecuritizing", "none"
WAR, PEACE = "war_military", "peace_reconciliation"


@pytest.fixture(scope="module")
def mini():
    return load_codebook(MINI)


def _records() -> pd.DataFrame:
    """Calderón: c1 (sec+war, sec+war, desec, none), c2 (sec+war, none); López Obrador: a1, a2."""
    rows = [("c1", "2008-03-01", "Calderón", SEC, [WAR]), ("c1", "2008-03-01", "Calderón", SEC, [WAR]),
            ("c1", "2008-03-01", "Calderón", DESEC, []), ("c1", "2008-03-01", "Calderón", NONE, []),
            ("c2", "2010-07-09", "Vocero", SEC, [WAR]), ("c2", "2010-07-09", "Vocero", NONE, []),
            ("a1", "2020-02-02", "AMLO", DESEC, [PEACE]), ("a1", "2020-02-02", "AMLO", DESEC, []),
            ("a1", "2020-02-02", "AMLO", SEC, [WAR, PEACE]),
            ("a2", "2021-05-05", "AMLO", DESEC, [PEACE]), ("a2", "2021-05-05", "AMLO", NONE, []),
            ("a2", "2021-05-05", "AMLO", NONE, [])]
    return pd.DataFrame([{"doc_id": d, "date": date, "speaker": who, "move": move, "frames": frames,
                          "text": f"sentence {i}"} for i, (d, date, who, move, frames) in enumerate(rows)])


@pytest.fixture(scope="module")
def table(mini):
    return frame_table(add_periods(_records(), "administration"), mini, n_boot=500, seed=7)


def test_counts_shares_and_rates_by_hand(table):
    assert list(table["period"].astype(str)) == ["Calderón", "López Obrador"]
    cal, amlo = table.iloc[0], table.iloc[1]
    assert (cal["sentences"], cal["documents"]) == (6, 2)
    assert cal[f"frame_{WAR}_n"] == 3 and cal[f"frame_{WAR}_share"] == 0.5 and cal[f"frame_{WAR}_per_1000"] == 500
    assert amlo[f"frame_{PEACE}_n"] == 3 and amlo[f"frame_{WAR}_per_1000"] == pytest.approx(1000 / 6)
    assert cal[f"move_{SEC}_n"] == 3 and cal[f"move_{NONE}_share"] == pytest.approx(2 / 6)
    assert cal["balance"] == 0.5 and amlo["balance"] == -0.5  # (3-1)/4 and (1-3)/4
    assert cal["balance_moves"] == 4


def test_bootstrap_resamples_documents(table):
    # Calderón's documents: c1 (2 sec, 1 desec) and c2 (1 sec). Two-document resamples give
    # {c1,c1} = 1/3, {c1,c2} = 1/2, {c2,c2} = 1: the 95% interval spans the extremes.
    cal = table.iloc[0]
    assert cal["balance_low"] == pytest.approx(1 / 3) and cal["balance_high"] == 1.0


def test_bootstrap_balance_direct():
    rng = np.random.default_rng(1)
    low, high = bootstrap_balance(np.array([2, 1]), np.array([1, 0]), n_boot=2000, rng=rng)
    assert (low, high) == (pytest.approx(1 / 3), 1.0)
    # documents that all have the same balance give no spread
    assert bootstrap_balance(np.array([3, 3, 6]), np.array([1, 1, 2])) == (0.5, 0.5)
    assert np.isnan(bootstrap_balance(np.array([5]), np.array([1]))[0])  # one document: no interval
    assert np.isnan(bootstrap_balance(np.array([0, 0]), np.array([0, 0]))[1])
    assert np.isnan(bootstrap_balance(np.array([2, 1]), np.array([1, 0]), n_boot=0)[0])
    # a 90% interval of many varied documents lies inside the 99% one and contains the estimate
    rng = np.random.default_rng(3)
    sec, desec = rng.integers(0, 6, 40), rng.integers(0, 6, 40)
    narrow = bootstrap_balance(sec, desec, 2000, 0.90, np.random.default_rng(0))
    wide = bootstrap_balance(sec, desec, 2000, 0.99, np.random.default_rng(0))
    estimate = securitization_balance(sec.sum(), desec.sum())
    assert wide[0] < narrow[0] < estimate < narrow[1] < wide[1]


def test_seed_makes_the_interval_reproducible(mini):
    rng = np.random.default_rng(11)
    data = pd.DataFrame({"doc_id": [f"d{i // 3}" for i in range(60)], "date": "2009-01-01", "text": "x",
                         "move": rng.choice([SEC, DESEC, NONE], 60), "frames": [[] for _ in range(60)]})
    data = add_periods(data, "year")
    first, again = (frame_table(data, mini, seed=5) for _ in range(2))
    other = frame_table(data, mini, seed=6)
    assert first["balance_low"].iloc[0] == again["balance_low"].iloc[0]
    assert (first["balance_low"].iloc[0], first["balance_high"].iloc[0]) != \
           (other["balance_low"].iloc[0], other["balance_high"].iloc[0])


def test_balance_is_undefined_without_directional_moves():
    assert np.isnan(securitization_balance(0, 0))
    assert securitization_balance(1, 3) == -0.5


def test_groups_and_no_period(mini):
    data = add_periods(_records(), "administration")
    by_speaker = frame_table(data, mini, group="speaker", n_boot=0)
    assert list(zip(by_speaker["period"].astype(str), by_speaker["speaker"], by_speaker["sentences"])) == [
        ("Calderón", "Calderón", 4), ("Calderón", "Vocero", 2), ("López Obrador", "AMLO", 6)]
    overall = frame_table(data, mini, period=None, group="speaker", n_boot=0)
    assert list(overall["speaker"]) == ["AMLO", "Calderón", "Vocero"] and "period" not in overall.columns
    assert overall.set_index("speaker").loc["Vocero", "balance"] == 1.0


def test_rows_without_period_are_left_out_and_missing_groups_named(mini):
    data = _records()
    data.loc[0, "date"] = None
    data.loc[1, "speaker"] = None
    table = frame_table(add_periods(data, "administration"), mini, group="speaker", n_boot=0)
    assert table["sentences"].sum() == 11
    assert "(unknown)" in set(table["speaker"])


def test_unknown_labels_and_columns_are_clear_errors(mini):
    data = add_periods(_records(), "year")
    with pytest.raises(InputError, match="does not define"):
        frame_table(data.assign(move="threatening"), mini)
    with pytest.raises(InputError, match=r"no column\(s\) \['genre'\]"):
        frame_table(data, mini, group="genre")


def test_long_form_holds_the_same_numbers(table, mini):
    long = to_long(table, mini)
    assert list(long.columns) == ["period", "kind", "label", "statistic", "value"]
    assert len(long) == len(table) * (len(long) // len(table))
    war = long[(long["label"] == WAR) & (long["statistic"] == "per_1000")]
    assert list(war["value"]) == list(table[f"frame_{WAR}_per_1000"])
    low = long[(long["kind"] == "balance") & (long["statistic"] == "low")]["value"]
    assert list(low) == list(table["balance_low"])


def _read_markdown(path: Path) -> pd.DataFrame:
    lines = [line.strip().strip("|").split("|") for line in path.read_text(encoding="utf-8").splitlines()]
    return pd.DataFrame([[c.strip() for c in row] for row in lines[2:]], columns=[c.strip() for c in lines[0]])


def _read_latex(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8")
    header, body = text.split("\\midrule")[0].split("\\toprule")[1], text.split("\\midrule")[1].split("\\bottomrule")[0]
    rows = [[c.strip().replace("\\_", "_") for c in line.rstrip(" \\").split("&")]
            for line in body.strip().splitlines()]
    columns = [c.strip().replace("\\_", "_") for c in header.strip().rstrip(" \\").split("&")]
    return pd.DataFrame(rows, columns=columns)


@pytest.mark.parametrize("fmt, name", [("csv", "t.csv"), ("xlsx", "t.xlsx"), ("parquet", "t.parquet"),
                                       ("markdown", "t.md"), ("latex", "t.tex")])
@pytest.mark.parametrize("form", ["wide", "long"])
def test_every_export_format_round_trips(tmp_path, table, mini, fmt, name, form):
    assert fmt in EXPORT_FORMATS
    original = table if form == "wide" else to_long(table, mini)
    path = write_table(original, tmp_path / name)  # format from the extension
    assert path.is_file() and not list(tmp_path.glob(".*.tmp"))
    back = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet,
            "markdown": _read_markdown, "latex": _read_latex}[fmt](path)
    assert list(back.columns) == list(original.columns)
    assert list(back["period"].astype(str)) == list(original["period"].astype(str))
    numeric = original.select_dtypes("number").columns
    got = back[numeric].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    tolerance = 5e-4 if fmt in ("markdown", "latex") else 1e-12  # text tables are rounded to 3 decimals
    np.testing.assert_allclose(got, original[numeric].to_numpy(float), atol=tolerance, equal_nan=True)


def test_explicit_format_overrides_extension_and_unknown_extension_fails(tmp_path, table):
    write_table(table, tmp_path / "table.txt", "markdown")
    assert (tmp_path / "table.txt").read_text(encoding="utf-8").startswith("| period | sentences |")
    with pytest.raises(InputError, match="cannot tell the table format"):
        write_table(table, tmp_path / "table.txt")
    with pytest.raises(InputError, match="binary or unknown"):
        table_to_text(table, "xlsx")
