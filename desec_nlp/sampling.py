"""Pick the tagged sentences most worth coding by hand next.

``uncertainty`` takes the least confident predictions (active learning: a
correction there teaches the model most); ``random`` a seeded simple random
sample (for an unbiased estimate of accuracy); ``stratified`` a sample balanced
across strata, by default year × predicted move, so that rare periods and moves
are coded too (for checking a trend or a shift).
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from .errors import InputError

STRATEGIES = ("uncertainty", "random", "stratified")
DEFAULT_STRATA = ("year", "move")
SEED = 13


def sample_records(records: pd.DataFrame, n: int, strategy: str = "uncertainty", seed: int = SEED,
                   by: Iterable[str] = DEFAULT_STRATA, exclude_ids: Iterable[str] = ()) -> pd.DataFrame:
    """Return ``n`` rows of ``records`` (tagged records, one per sentence) chosen by ``strategy``.

    Parameters
    ----------
    records : DataFrame with ``id`` and, per strategy, ``confidence`` or the stratum columns.
    n : how many to pick (fewer when fewer are left).
    strategy : "uncertainty" (lowest ``confidence`` first), "random", or "stratified".
    seed : random seed (random and stratified sampling, and ties).
    by : stratum columns for "stratified"; "year" and "decade" are derived from ``date``.
    exclude_ids : ids already coded, never picked again.

    Uncertainty returns rows by rising confidence; the other strategies keep the input order.
    """
    if strategy not in STRATEGIES:
        raise InputError(f"unknown sampling strategy '{strategy}'; choose one of {list(STRATEGIES)}")
    if n < 1:
        raise InputError(f"the sample size must be at least 1, got {n}")
    if "id" not in records:
        raise InputError("tagged records need an 'id' column")
    pool = records[~records["id"].astype(str).isin({str(i) for i in exclude_ids})]
    if strategy == "uncertainty":
        if "confidence" not in pool or pool["confidence"].isna().any():
            raise InputError("uncertainty sampling needs a 'confidence' for every record (from 'desec classify')")
        shuffled = pool.sample(frac=1.0, random_state=seed)  # random tie-breaking among equal confidences
        return shuffled.sort_values("confidence", kind="stable").head(n)
    if strategy == "random":
        return pool.sample(n=min(n, len(pool)), random_state=seed).sort_index()
    strata = stratum_keys(pool, by)
    quotas = balanced_quotas(strata.value_counts().to_dict(), n)
    picked = [group.sample(n=quotas[key], random_state=seed)
              for key, group in pool.groupby(strata, sort=True) if quotas.get(key)]
    return pd.concat(picked).sort_index() if picked else pool.head(0)


def stratum_keys(records: pd.DataFrame, by: Iterable[str]) -> pd.Series:
    """One stratum label per row, e.g. ``2019|securitizing``; a missing value counts as ``unknown``."""
    parts = []
    for column in by:
        if column in ("year", "decade") and column not in records:
            if "date" not in records:
                raise InputError(f"stratifying by {column} needs a 'date' column (ISO YYYY-MM-DD)")
            years = pd.to_datetime(records["date"], errors="coerce").dt.year
            values = years if column == "year" else years // 10 * 10
            parts.append(values.map(lambda y: "unknown" if pd.isna(y) else str(int(y))))
        elif column in records:
            parts.append(records[column].map(lambda v: "unknown" if v is None or v == "" or
                                             (isinstance(v, float) and pd.isna(v)) else str(v)))
        else:
            raise InputError(f"cannot stratify by '{column}': no such column; have {list(records.columns)}")
    if not parts:
        raise InputError("stratified sampling needs at least one stratum column")
    keys = parts[0]
    for part in parts[1:]:
        keys = keys + "|" + part
    return keys


def balanced_quotas(sizes: dict[str, int], n: int) -> dict[str, int]:
    """Share ``n`` as evenly as possible across strata, handing a small stratum's unused share to the others.

    Round robin over strata in sorted order, one unit at a time, skipping full strata.
    """
    quotas = {key: 0 for key in sizes}
    remaining = min(n, sum(sizes.values()))
    while remaining:
        for key in sorted(sizes):
            if remaining and quotas[key] < sizes[key]:
                quotas[key] += 1
                remaining -= 1
    return quotas
