"""Read the output of ``desec classify`` back into one pandas DataFrame for reporting.

JSON Lines, CSV (``frames`` joined by ";", ``cues`` as a JSON string), a Parquet
file, or a directory of partitioned Parquet files all come back in one shape:
one row per sentence, ``frames`` as a list of labels and ``cues`` as a list of
dicts, so no reporting function has to care where the records came from.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .errors import InputError
from .jsonl import read_json_objects

REQUIRED = ("doc_id", "text", "move", "frames")
_JSONL = {".jsonl", ".ndjson", ".json"}
_CSV = {".csv"}
_PARQUET = {".parquet", ".pq"}


def read_tagged(paths: Iterable[str | Path] | str | Path) -> pd.DataFrame:
    """Read tagged records from every path into one DataFrame.

    Raises
    ------
    InputError
        naming the file (and line, where there is one) of a missing file, a record
        without a required key (``doc_id``, ``text``, ``move``, ``frames``), bad JSON,
        or a file type that is not JSONL, CSV or Parquet.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    tables = [_read_one(Path(p)) for p in paths]
    if not tables:
        raise InputError("no tagged files given")
    data = pd.concat(tables, ignore_index=True)
    if data.empty:
        raise InputError("the tagged files hold no records: " + ", ".join(str(p) for p in paths))
    return data


def _read_one(path: Path) -> pd.DataFrame:
    if path.is_dir():
        if not any(path.rglob("*.parquet")):
            raise InputError("a directory of tagged records must hold Parquet files (*.parquet); none found",
                             str(path))
        return normalise_tagged(_read_parquet(path))
    if not path.is_file():
        raise InputError("no such file or directory", str(path))
    suffix = path.suffix.lower()
    if suffix in _JSONL:
        return normalise_tagged(_read_jsonl(path))
    if suffix in _CSV:
        return normalise_tagged(_read_csv(path))
    if suffix in _PARQUET:
        return normalise_tagged(_read_parquet(path))
    raise InputError(f"unknown tagged-file type '{suffix}'; use .jsonl, .csv, .parquet or a Parquet directory",
                     str(path))


def _read_jsonl(path: Path) -> pd.DataFrame:
    records = []
    for n, record in read_json_objects(path):
        missing = [key for key in REQUIRED if key not in record]
        if missing:
            raise InputError(f"record lacks {missing}; is this the output of 'desec classify'?", str(path), n)
        records.append(record)
    return pd.DataFrame(records)


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        # Everything as text, so "NA" in a sentence stays a word; numbers are converted below.
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read CSV ({exc})", str(path)) from None
    _check_columns(table, path, line=1)
    if "cues" in table.columns:
        cues = []
        for row, value in enumerate(table["cues"], 1):
            try:
                cues.append(json.loads(value) if value else [])
            except json.JSONDecodeError:
                raise InputError(f"data row {row}: 'cues' is not a JSON list", str(path)) from None
        table["cues"] = cues
    for column in ("sent_index", "confidence"):
        if column in table.columns:
            table[column] = pd.to_numeric(table[column], errors="coerce")
    return table


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged or foreign file
        raise InputError(f"cannot read Parquet ({exc.__class__.__name__}: {exc})", str(path)) from None
    _check_columns(table, path)
    for column in table.columns:
        if isinstance(table[column].dtype, pd.CategoricalDtype):  # partition keys come back as categories
            table[column] = table[column].astype(str)
    table["frames"] = [list(v) if isinstance(v, (list, tuple, np.ndarray)) else v for v in table["frames"]]
    if "cues" in table.columns:
        table["cues"] = [json.loads(v) if isinstance(v, str) else
                         [dict(c) for c in v] if v is not None else [] for v in table["cues"]]
    return table


def _check_columns(table: pd.DataFrame, path: Path | None, line: int | None = None) -> None:
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; found {list(table.columns)}", str(path) if path else None,
                         line)


def normalise_tagged(table: pd.DataFrame) -> pd.DataFrame:
    """One shape whatever the source: string ids and labels, lists of frames and cues (a copy).

    Also for records built in memory (e.g. from ``Tagger.tag_documents``), so every reporting
    function can rely on it.
    """
    if table.empty:
        return table
    _check_columns(table, None)
    table = table.copy()
    table["doc_id"] = table["doc_id"].astype(str)
    table["move"] = table["move"].astype(str)
    table["frames"] = [[str(f) for f in frames] if isinstance(frames, list) else
                       [f for f in frames.split(";") if f] if isinstance(frames, str) else []
                       for frames in table["frames"]]
    if "cues" not in table.columns:
        table["cues"] = [[] for _ in range(len(table))]
    table["cues"] = [c if isinstance(c, list) else [] for c in table["cues"]]
    return table
