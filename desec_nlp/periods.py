"""Periods: which year, quarter, month, administration or custom era each dated sentence belongs to.

A shift is only meaningful between periods a scholar recognises, so the calendar
of Mexican presidential terms ships as data (``data/administrations.csv``) and
can be replaced by the user's own calendar file or a breakpoints file. Period
labels come back as an *ordered* categorical so every later step (tables,
shift tests between consecutive periods, plots) keeps chronological order.
"""
from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pandas as pd

from .errors import InputError

PERIODS = ("year", "quarter", "month", "administration")
_FORMATS = {"year": "%Y", "month": "%Y-%m"}
# Stand-ins for "open" ends (a current term, the era before the first breakpoint), inside Timestamp's range.
OPEN_START = pd.Timestamp("1700-01-01")
OPEN_END = pd.Timestamp("2200-12-31")


def default_calendar_path() -> Path:
    """The shipped calendar of Mexican presidential terms."""
    return Path(str(resources.files("desec_nlp") / "data" / "administrations.csv"))


def _data_lines(path: Path) -> list[tuple[int, str]]:
    """Non-blank lines that are not ``#`` comments, with their 1-based line numbers (for error messages)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file ({exc})", str(path)) from None
    return [(n, line) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


def _date(value: str, path: Path, line: int, field: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(value.strip(), format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise InputError(f"{field} '{value}' is not a date in the form YYYY-MM-DD", str(path), line) from None


def load_calendar(path: str | Path | None = None) -> pd.DataFrame:
    """Read a calendar CSV with columns ``name,start,end`` (ISO dates; an empty ``end`` means "until now").

    Returns the terms sorted by start, with ``start``/``end`` as Timestamps.

    Raises
    ------
    InputError
        naming the file and line of a missing column, a bad date, a term that ends
        before it starts, or two terms that overlap.
    """
    path = Path(path) if path else default_calendar_path()
    lines = _data_lines(path)
    if not lines:
        raise InputError("the calendar is empty; it needs a header 'name,start,end' and one line per term", str(path))
    header_line = lines[0][0]
    reader = csv.DictReader(line for _, line in lines)
    missing = {"name", "start", "end"} - {h.strip() for h in reader.fieldnames or []}
    if missing:
        raise InputError(f"the calendar needs columns name,start,end; missing {sorted(missing)}",
                         str(path), header_line)
    terms = []
    for (n, _), row in zip(lines[1:], reader):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not row["name"]:
            raise InputError("a term needs a name", str(path), n)
        start = _date(row["start"], path, n, "start")
        end = _date(row["end"], path, n, "end") if row["end"] else OPEN_END
        if end < start:
            raise InputError(f"term '{row['name']}' ends ({row['end']}) before it starts ({row['start']})",
                             str(path), n)
        if any(t["name"] == row["name"] for t in terms):
            raise InputError(f"term '{row['name']}' is listed twice", str(path), n)
        terms.append({"name": row["name"], "start": start, "end": end, "line": n})
    if not terms:
        raise InputError("the calendar lists no terms", str(path))
    terms.sort(key=lambda t: t["start"])
    for before, after in zip(terms, terms[1:]):
        if after["start"] <= before["end"]:
            raise InputError(f"term '{after['name']}' starts before '{before['name']}' ends", str(path), after["line"])
    return pd.DataFrame(terms).drop(columns="line")


def load_breakpoints(path: str | Path) -> pd.DataFrame:
    """Read a breakpoints file: one ``YYYY-MM-DD[,label]`` per line, each date starting a new period.

    Dates before the first breakpoint fall in a period labelled ``before YYYY-MM-DD``;
    a breakpoint without a label names its period ``from YYYY-MM-DD``. Returned as a
    calendar (``name,start,end``) so it is applied like the administrations.
    """
    path = Path(path)
    rows = []
    for k, (n, line) in enumerate(_data_lines(path)):
        date, _, label = (part.strip() for part in line.partition(","))
        if k == 0 and date.lower() == "date":
            continue  # an optional header line "date,label"
        rows.append((_date(date, path, n, "breakpoint"), label or f"from {date}", n))
    if not rows:
        raise InputError("the breakpoints file lists no dates; write one YYYY-MM-DD[,label] per line", str(path))
    rows.sort()
    for (a, _, _), (b, _, n) in zip(rows, rows[1:]):
        if a == b:
            raise InputError(f"breakpoint {b.date()} is listed twice", str(path), n)
    labels = [r[1] for r in rows]
    for date, label, n in rows:
        if labels.count(label) > 1:
            raise InputError(f"the label '{label}' names two periods", str(path), n)
    first = rows[0][0]
    starts = [OPEN_START] + [r[0] for r in rows]
    names = [f"before {first.date()}"] + [r[1] for r in rows]
    ends = [s - pd.Timedelta(days=1) for s in starts[1:]] + [OPEN_END]
    return pd.DataFrame({"name": names, "start": starts, "end": ends})


def parse_dates(dates: pd.Series, ids: pd.Series | None = None) -> pd.Series:
    """Parse ISO dates; missing values stay NaT, but a value that is not a date is an error, not a silent drop."""
    text = dates.astype("string").str.strip()
    parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & text.notna() & (text != "")
    if bad.any():
        where = ids[bad] if ids is not None else bad[bad].index.to_series()
        examples = ", ".join(f"{i}: '{v}'" for i, v in list(zip(where, text[bad]))[:3])
        raise InputError(f"{int(bad.sum())} record(s) have a date that is not YYYY-MM-DD ({examples})")
    return parsed


def assign_periods(dates: pd.Series, by: str = "year", calendar: str | Path | pd.DataFrame | None = None
                   ) -> pd.Series:
    """Label each date with its period, as an ordered categorical in chronological order.

    Parameters
    ----------
    dates : Series of Timestamps (NaT allowed: the label is missing)
    by : "year", "quarter", "month", "administration", or the path of a breakpoints file
    calendar : for ``by="administration"``: a calendar file or a table from :func:`load_calendar`
        (the shipped Mexican terms when None). Dates outside every term get no label.
    """
    dates = pd.to_datetime(dates)
    if by in _FORMATS or by == "quarter":
        labels = dates.dt.to_period("Q").astype("string") if by == "quarter" else dates.dt.strftime(_FORMATS[by])
        order = sorted(labels.dropna().unique())
        return pd.Series(pd.Categorical(labels, categories=order, ordered=True), index=dates.index)
    if by == "administration":
        terms = calendar if isinstance(calendar, pd.DataFrame) else load_calendar(calendar)
    elif Path(by).is_file():
        terms = load_breakpoints(by)
    else:
        raise InputError(f"unknown period '{by}'; choose one of {list(PERIODS)} or give a breakpoints file")
    bins = pd.IntervalIndex.from_arrays(terms["start"], terms["end"] + pd.Timedelta(days=1), closed="left")
    position = bins.get_indexer(dates.dt.normalize())
    names = list(terms["name"])
    labels = [names[p] if p >= 0 else None for p in position]
    return pd.Series(pd.Categorical(labels, categories=names, ordered=True), index=dates.index)


def add_periods(df: pd.DataFrame, by: str = "year", calendar: str | Path | pd.DataFrame | None = None,
                date_col: str = "date") -> pd.DataFrame:
    """Return a copy of tagged records with a ``period`` column (missing where undated or outside every period)."""
    if date_col not in df.columns:
        raise InputError(f"the tagged records have no '{date_col}' column, so they cannot be put in periods; "
                         f"columns: {list(df.columns)}")
    out = df.copy()
    out["period"] = assign_periods(parse_dates(df[date_col], df.get("id")), by, calendar)
    return out


def keep_periods(periods: pd.Series, names: list[str]) -> pd.Series:
    """Keep only the named periods (others become missing), so e.g. Calderón is compared with López Obrador
    directly rather than through Peña Nieto; chronological order is kept."""
    categories = [str(c) for c in periods.cat.categories]
    unknown = [n for n in names if n not in categories]
    if unknown:
        raise InputError(f"unknown period(s) {unknown}; the periods are {categories}")
    return periods.cat.set_categories([c for c in periods.cat.categories if str(c) in names], ordered=True)
