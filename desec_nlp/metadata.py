"""Document metadata: front matter, sidecar CSV files, dates from file names, ISO dates."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .errors import InputError

_MONTHS = {name: i + 1 for i, names in enumerate([
    ("enero", "january"), ("febrero", "february"), ("marzo", "march"), ("abril", "april"), ("mayo", "may"),
    ("junio", "june"), ("julio", "july"), ("agosto", "august"), ("septiembre", "setiembre", "september"),
    ("octubre", "october"), ("noviembre", "november"), ("diciembre", "december")]) for name in names}
# "Ciudad de México, viernes, 1º de diciembre de 2006" / "Washington, D.C., March 3, 2011"
_DATELINE_ES = re.compile(r"^[^\n]{2,80}?,\s*(?:[a-záéíóú]+,?\s+)?(\d{1,2})[º°o]?\s+de\s+([a-z]+)\s+(?:de|del)\s+(\d{4})\.?$",
                          re.I)
_DATELINE_EN = re.compile(r"^[^\n]{2,80}?,\s*(?:[a-z]+day,?\s+)?([a-z]+)\s+(\d{1,2}),\s+(\d{4})\.?$", re.I)
_DATE_IN_NAME = re.compile(r"(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)


def normalise_date(value) -> str | None:
    """Return ``value`` as an ISO date (YYYY-MM-DD), or None when it is empty or not a date.

    Day-first is assumed for ambiguous numeric dates (12/03/2009 is 12 March), as in Mexican sources.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or not str(value).strip():
        return None
    return _normalise_date_text(str(value).strip())


@lru_cache(maxsize=4096)
def _normalise_date_text(text: str) -> str | None:
    # pandas takes about 0.5 ms per call, and every speaker turn and table row of a source repeats its date
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2}).*", text)
    try:
        stamp = pd.to_datetime(text, dayfirst=not iso, errors="raise")
    except (ValueError, OverflowError, TypeError):
        return None
    return stamp.strftime("%Y-%m-%d")


def date_from_filename(path: str) -> str | None:
    """Mañanera transcripts and many archives name files by date: 2019-03-12.md."""
    match = _DATE_IN_NAME.search(Path(path).stem)
    return normalise_date("-".join(match.groups())) if match else None


def dateline_date(paragraph: str) -> str | None:
    """The ISO date of a place-and-date line that opens a speech in a compilation, else None."""
    if len(paragraph) > 120:
        return None
    match = _DATELINE_ES.match(paragraph)
    if match:
        day, month, year = match.group(1), _MONTHS.get(match.group(2).lower()), match.group(3)
    else:
        match = _DATELINE_EN.match(paragraph)
        if not match:
            return None
        month, day, year = _MONTHS.get(match.group(1).lower()), match.group(2), match.group(3)
    if not month:
        return None
    return normalise_date(f"{year}-{month:02d}-{int(day):02d}")


def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    """Split a YAML front-matter block (``---`` ... ``---``) off the top of a text or Markdown file."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"front matter is not valid YAML ({exc.__class__.__name__}); fix or remove it",
                         path, 1, "bad_front_matter") from None
    if not isinstance(meta, dict):
        raise InputError("front matter must be a mapping of key: value lines", path, 1, "bad_front_matter")
    return {str(k): v for k, v in meta.items()}, text[match.end():]


def load_sidecar(path: str | Path) -> dict[str, dict]:
    """Read a metadata CSV with a ``file`` (or ``doc_id``) column; returns metadata keyed by file name and stem."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read metadata file ({exc})", str(path)) from None
    key = next((c for c in ("file", "doc_id", "id") if c in table.columns), None)
    if key is None:
        raise InputError(f"metadata file needs a 'file' or 'doc_id' column; it has {list(table.columns)}",
                         str(path))
    sidecar = {}
    for row in table.to_dict("records"):
        name = row.pop(key)
        sidecar[name] = row
        sidecar[Path(name).stem] = row
    return sidecar


def clean_meta(meta: dict) -> dict:
    """Drop empty values and normalise the ``date`` field to ISO."""
    out = {}
    for key, value in meta.items():
        if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
            continue
        out[str(key)] = value
    if "date" in out:
        out["date"] = normalise_date(out["date"]) or str(out["date"])
    return out
