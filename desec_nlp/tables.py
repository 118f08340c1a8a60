"""Frame-frequency tables per period x group, with the securitization balance and its uncertainty.

Scholars compare periods (and speakers, outlets, genres) by how often each move
and frame occurs, so every cell reports counts, shares of sentences and rates
per 1,000 sentences, plus the *securitization balance*
``(securitizing - desecuritizing) / (securitizing + desecuritizing)``, where the
move directions come from the codebook (+1 / -1). Sentences of one speech are
not independent, so the balance's confidence interval is a bootstrap that
resamples whole documents. Tables come wide (one row per cell, for papers) or
tidy long (one row per number, for R/ggplot) and export to csv, xlsx, parquet,
markdown or latex.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import atomic_path, write_text_atomic
from .codebook import Codebook
from .errors import InputError

EXPORT_FORMATS = ("csv", "xlsx", "parquet", "markdown", "latex")
_EXTENSIONS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".md": "markdown", ".markdown": "markdown",
               ".tex": "latex"}
UNKNOWN_GROUP = "(unknown)"
LONG_COLUMNS = ["kind", "label", "statistic", "value"]


def table_columns(codebook: Codebook) -> list[tuple[str, str, str, str]]:
    """The numeric columns of a wide table as ``(column, kind, label, statistic)``: one source for wide and long."""
    spec = [("sentences", "total", "sentences", "n"), ("documents", "total", "documents", "n")]
    for kind, names in (("move", codebook.move_names), ("frame", codebook.frame_names)):
        for name in names:
            spec += [(f"{kind}_{name}_{stat}", kind, name, stat) for stat in ("n", "share", "per_1000")]
    spec += [("balance", "balance", "balance", "estimate"), ("balance_low", "balance", "balance", "low"),
             ("balance_high", "balance", "balance", "high"), ("balance_moves", "balance", "balance", "n")]
    return spec


def securitization_balance(securitizing: float, desecuritizing: float) -> float:
    """(sec - desec) / (sec + desec): +1 all securitizing, -1 all desecuritizing, NaN without either."""
    total = securitizing + desecuritizing
    return (securitizing - desecuritizing) / total if total else float("nan")


def bootstrap_balance(doc_securitizing: np.ndarray, doc_desecuritizing: np.ndarray, n_boot: int = 1000,
                      level: float = 0.95, rng: np.random.Generator | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval of the balance, resampling documents (their per-document move counts).

    Resampling documents rather than sentences respects that one speech repeats
    its own framing. Resamples without any directional move are left out. With
    fewer than two documents, or ``n_boot=0``, there is no interval (NaN, NaN).
    """
    sec = np.asarray(doc_securitizing, dtype=float)
    desec = np.asarray(doc_desecuritizing, dtype=float)
    if n_boot <= 0 or len(sec) < 2 or (sec + desec).sum() == 0:
        return float("nan"), float("nan")
    rng = rng if rng is not None else np.random.default_rng(0)
    picks = rng.integers(0, len(sec), size=(n_boot, len(sec)))
    s, d = sec[picks].sum(axis=1), desec[picks].sum(axis=1)
    defined = (s + d) > 0
    values = (s[defined] - d[defined]) / (s[defined] + d[defined])
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)


def _check(df: pd.DataFrame, codebook: Codebook, keys: list[str]) -> None:
    missing = [c for c in ["doc_id", "move", "frames", *keys] if c not in df.columns]
    if missing:
        raise InputError(f"the tagged records have no column(s) {missing}; columns: {list(df.columns)}")
    moves = set(df["move"]) - set(codebook.move_names)
    frames = {f for fs in df["frames"] for f in fs} - set(codebook.frame_names)
    if moves or frames:
        raise InputError(f"the tagged records use labels the codebook '{codebook.name}' does not define "
                         f"(moves {sorted(moves)}, frames {sorted(frames)}); pass the codebook they were tagged with")


def frame_table(df: pd.DataFrame, codebook: Codebook, period: str | None = "period", group: str | None = None,
                n_boot: int = 1000, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """One row per period x group: sentences, documents, each move and frame (n, share, per 1,000), balance + CI.

    Parameters
    ----------
    df : tagged records (see :func:`desec_nlp.tagged.read_tagged`), with a period column from
        :func:`desec_nlp.periods.add_periods` unless ``period`` is None
    codebook : gives the move and frame labels and the move directions
    period, group : column names (None: no split on that axis); rows without a period are left out,
        a missing group value becomes "(unknown)"
    n_boot, level, seed : bootstrap resamples, interval level, seed of the numpy Generator
    """
    keys = [k for k in (period, group) if k]
    _check(df, codebook, keys)
    data = df.dropna(subset=[period]) if period else df.copy()
    if group:
        data = data.assign(**{group: data[group].astype("string").fillna(UNKNOWN_GROUP).replace("", UNKNOWN_GROUP)
                              .astype(str)})
    directions = codebook.move_directions
    flags = pd.DataFrame(index=data.index)
    for move in codebook.move_names:
        flags[f"move_{move}"] = (data["move"] == move).astype(int)
    for frame in codebook.frame_names:
        flags[f"frame_{frame}"] = data["frames"].map(lambda fs, f=frame: int(f in fs))
    flags["sec"] = data["move"].map(lambda m: int(directions.get(m, 0) > 0))
    flags["desec"] = data["move"].map(lambda m: int(directions.get(m, 0) < 0))
    flags["doc_id"] = data["doc_id"]
    for key in keys:
        flags[key] = data[key]
    if not keys:
        flags["_all"], keys = "all", ["_all"]
    rng = np.random.default_rng(seed)
    rows = []
    for cell, part in flags.groupby(keys, observed=True, sort=True):
        cell = cell if isinstance(cell, tuple) else (cell,)
        n = len(part)
        row: dict = dict(zip(keys, cell))
        row.update(sentences=n, documents=part["doc_id"].nunique())
        for kind, names in (("move", codebook.move_names), ("frame", codebook.frame_names)):
            for name in names:
                count = int(part[f"{kind}_{name}"].sum())
                row.update({f"{kind}_{name}_n": count, f"{kind}_{name}_share": count / n,
                            f"{kind}_{name}_per_1000": 1000 * count / n})
        per_doc = part.groupby("doc_id")[["sec", "desec"]].sum()
        sec, desec = int(per_doc["sec"].sum()), int(per_doc["desec"].sum())
        low, high = bootstrap_balance(per_doc["sec"].to_numpy(), per_doc["desec"].to_numpy(), n_boot, level, rng)
        row.update(balance=securitization_balance(sec, desec), balance_low=low, balance_high=high,
                   balance_moves=sec + desec)
        rows.append(row)
    table = pd.DataFrame(rows, columns=keys + [c for c, *_ in table_columns(codebook)])
    if period and period in df.columns and isinstance(df[period].dtype, pd.CategoricalDtype):
        table[period] = pd.Categorical(table[period], categories=df[period].cat.categories, ordered=True)
    return table.drop(columns="_all", errors="ignore")


def to_long(table: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Tidy long form: the key columns, then kind, label, statistic, value (one row per number)."""
    spec = table_columns(codebook)
    keys = [c for c in table.columns if c not in {s[0] for s in spec}]
    long = table.melt(id_vars=keys, value_vars=[s[0] for s in spec], var_name="column", value_name="value")
    meta = pd.DataFrame(spec, columns=["column", "kind", "label", "statistic"])
    long = long.merge(meta, on="column", how="left", sort=False).drop(columns="column")
    return long[keys + LONG_COLUMNS].sort_values(keys, kind="stable", ignore_index=True)


def format_from_path(path: str | Path) -> str:
    """The export format implied by a file's extension (.csv .xlsx .parquet .md .tex)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise InputError(f"cannot tell the table format from '{suffix or path}'; use one of "
                         f"{sorted(_EXTENSIONS)} or --format {{{','.join(EXPORT_FORMATS)}}}", str(path))
    return _EXTENSIONS[suffix]


def to_markdown(table: pd.DataFrame, decimals: int = 3) -> str:
    """A GitHub-flavoured Markdown pipe table; numbers right-aligned, NaN left blank."""
    def cell(value) -> str:
        if isinstance(value, (float, np.floating)):
            return "" if np.isnan(value) else f"{value:.{decimals}f}"
        return str(value).replace("|", "\\|")

    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    lines = ["| " + " | ".join(str(c) for c in table.columns) + " |",
             "|" + "|".join("---:" if num else ":---" for num in numeric) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def table_to_text(table: pd.DataFrame, fmt: str, decimals: int = 3) -> str:
    """Serialise a table as csv (full precision), markdown or latex (``decimals`` places)."""
    if fmt == "csv":
        return table.to_csv(index=False)
    if fmt == "markdown":
        return to_markdown(table, decimals)
    if fmt == "latex":
        return table.to_latex(index=False, escape=True, na_rep="", float_format=f"%.{decimals}f")
    raise InputError(f"format '{fmt}' is binary or unknown; text formats are csv, markdown, latex")


def write_table(table: pd.DataFrame, path: str | Path, fmt: str | None = None, decimals: int = 3) -> Path:
    """Write ``table`` atomically as csv, xlsx, parquet, markdown or latex (from the extension when ``fmt`` is None)."""
    path = Path(path)
    fmt = fmt or format_from_path(path)
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown table format '{fmt}'; choose one of {list(EXPORT_FORMATS)}")
    if fmt in ("csv", "markdown", "latex"):
        write_text_atomic(path, table_to_text(table, fmt, decimals))
    else:
        with atomic_path(path) as tmp:
            if fmt == "xlsx":
                table.to_excel(tmp, index=False, sheet_name="table", engine="openpyxl")
            else:
                table.to_parquet(tmp, index=False)
    return path
