"""Shift detection: did a frame's share, or the securitization balance, change from one period to the next?

Each frame is a share of sentences, and the balance ``(sec - desec) / (sec + desec)``
is ``2p - 1`` with ``p`` the securitizing share of directional moves, so both
are compared with statsmodels' two-proportion z-test. With many frames and
periods some differences look significant by chance, so p-values are adjusted
with the Benjamini-Hochberg false-discovery rate. Cohen's h gives the size of a
change independently of the sample size. The z-test treats sentences as
independent; the document-level bootstrap interval in the tables is the
conservative companion when a period holds few long documents.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

from .codebook import Codebook

PAIRS = ("consecutive", "all")
SHIFT_COLUMNS = ["kind", "label", "period_from", "period_to", "value_from", "value_to", "count_from", "total_from",
                 "count_to", "total_to", "difference", "cohens_h", "z", "p_value", "p_adjusted", "significant",
                 "description"]


def _compare(count: tuple[int, int], total: tuple[int, int]) -> tuple[float, float, float] | None:
    """(z, p, h) for the change from the first proportion to the second; None when there is nothing to test."""
    if min(total) == 0 or sum(count) in (0, sum(total)):
        return None  # an empty period, or a frame absent (or present) everywhere: no variance to test
    z, p = proportions_ztest(np.array(count), np.array(total))
    h = proportion_effectsize(count[1] / total[1], count[0] / total[0])
    return -float(z), float(p), float(h)  # statsmodels tests first minus second; report the change forward


def shift_tests(table: pd.DataFrame, codebook: Codebook, period: str = "period", group: str | None = None,
                alpha: float = 0.05, pairs: str = "consecutive") -> pd.DataFrame:
    """Test every frame and the balance between periods (within each group), FDR-adjusted.

    Parameters
    ----------
    table : a wide table from :func:`desec_nlp.tables.frame_table` (its counts are used, not its shares)
    codebook : gives the frame labels and which moves count as securitizing (+1) or desecuritizing (-1)
    period, group : the table's period and (optional) group columns
    alpha : false-discovery rate at which a shift is called significant
    pairs : "consecutive" compares each period with the next one that has data; "all" compares
        every pair (e.g. Calderón with López Obrador across Peña Nieto), at the price of more tests

    Returns
    -------
    DataFrame with one row per test (columns ``SHIFT_COLUMNS``, after the group column if any):
    values are shares of sentences for frames and balances for the balance; ``difference`` is
    to minus from; ``p_adjusted`` is Benjamini-Hochberg adjusted.
    """
    if pairs not in PAIRS:
        raise ValueError(f"pairs must be one of {list(PAIRS)}, got {pairs!r}")
    directions = codebook.move_directions
    sec = sum(table[f"move_{m}_n"] for m, d in directions.items() if d > 0)
    desec = sum(table[f"move_{m}_n"] for m, d in directions.items() if d < 0)
    data = table.assign(_sec=sec, _directional=sec + desec)
    rows = []
    for key, part in (data.groupby(group, sort=True) if group else [(None, data)]):
        part = part.sort_values(period)
        rows_in_order = [row for _, row in part.iterrows()]
        compared = combinations(rows_in_order, 2) if pairs == "all" else zip(rows_in_order, rows_in_order[1:])
        for a, b in compared:
            tests = [("frame", f, (a[f"frame_{f}_n"], b[f"frame_{f}_n"]), (a["sentences"], b["sentences"]))
                     for f in codebook.frame_names]
            tests.append(("balance", "balance", (a["_sec"], b["_sec"]), (a["_directional"], b["_directional"])))
            for kind, label, count, total in tests:
                result = _compare(tuple(int(c) for c in count), tuple(int(t) for t in total))
                if result is None:
                    continue
                values = (a["balance"], b["balance"]) if kind == "balance" else (count[0] / total[0],
                                                                                 count[1] / total[1])
                row = {group: key} if group else {}
                row.update(kind=kind, label=label, period_from=str(a[period]), period_to=str(b[period]),
                           value_from=float(values[0]), value_to=float(values[1]), count_from=int(count[0]),
                           total_from=int(total[0]), count_to=int(count[1]), total_to=int(total[1]),
                           difference=float(values[1] - values[0]), cohens_h=result[2], z=result[0],
                           p_value=result[1])
                rows.append(row)
    columns = ([group] if group else []) + SHIFT_COLUMNS
    if not rows:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(rows)
    reject, adjusted, _, _ = multipletests(result["p_value"], alpha=alpha, method="fdr_bh")
    result["p_adjusted"], result["significant"] = adjusted, reject
    result["description"] = [describe_shift(row, group) for row in result.to_dict("records")]
    return result[columns]


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%" if share >= 0.1 or share == 0 else f"{share * 100:.1f}%"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def describe_shift(row: dict, group: str | None = None) -> str:
    """One shift in plain words, e.g. "war_military fell from 31% to 12% of sentences between Calderón and
    López Obrador (p < 0.001, h = -0.47)"; the p-value is the FDR-adjusted one."""
    verb = "rose" if row["difference"] > 0 else "fell" if row["difference"] < 0 else "stayed"
    when = f"between {row['period_from']} and {row['period_to']}"
    stats = f"({_p(row['p_adjusted'])}, h = {row['cohens_h']:.2f})"
    if row["kind"] == "balance":
        text = (f"the securitization balance {verb} from {row['value_from']:+.2f} to {row['value_to']:+.2f} "
                f"{when} {stats}")
    else:
        text = (f"{row['label']} {verb} from {_percent(row['value_from'])} to {_percent(row['value_to'])} "
                f"of sentences {when} {stats}")
    return f"{row[group]}: {text}" if group else text


def format_shifts(tests: pd.DataFrame, alpha: float = 0.05, show_all: bool = False) -> str:
    """The significant shifts (or every test with ``show_all``) as plain-text lines, most significant first."""
    shown = tests if show_all else tests[tests["significant"]]
    header = (f"Changes between periods; p-values Benjamini-Hochberg adjusted, "
              f"significant at FDR {alpha:g}; h is Cohen's h.")
    if shown.empty:
        return header + "\nNo significant shift found.\n"
    shown = shown.assign(_size=-shown["cohens_h"].abs()).sort_values(["p_adjusted", "_size"])
    lines = [("* " if row.significant else "  ") + row.description for row in shown.itertuples()]
    return header + "\n" + "\n".join(lines) + "\n"
