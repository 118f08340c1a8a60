"""Write tagged records as JSON Lines or CSV, streaming, to a file (atomically) or to standard output."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from .atomic import atomic_path

FORMATS = ("jsonl", "csv")
# json.dumps(..., ensure_ascii=False) builds a new encoder on every call; one shared encoder is the same output
_encode_json = json.JSONEncoder(ensure_ascii=False).encode
CORE_COLUMNS = ["id", "doc_id", "sent_index", "text", "lang", "move", "frames", "confidence", "cues"]


class RecordWriter:
    """Serialise records one at a time; CSV gets a ``;``-joined ``frames`` column plus one 0/1 column per frame.

    CSV columns are fixed by the first record (core columns, one per frame, then the
    metadata keys seen first); later metadata keys that were not there are dropped
    from the CSV only, so JSON Lines is the lossless format.
    """

    def __init__(self, stream: IO[str], fmt: str, frame_names: list[str]):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format '{fmt}'; choose one of {list(FORMATS)}")
        self.stream, self.fmt, self.frame_names = stream, fmt, list(frame_names)
        self._csv: csv.DictWriter | None = None

    def write(self, record: dict) -> None:
        if self.fmt == "jsonl":
            self.stream.write(_encode_json(record) + "\n")
            return
        row = dict(record)
        row["frames"] = ";".join(record.get("frames", []))
        for frame in self.frame_names:
            row[frame] = int(frame in record.get("frames", []))
        row["cues"] = _encode_json(record.get("cues", []))
        if self._csv is None:
            meta = [k for k in record if k not in CORE_COLUMNS and k not in self.frame_names]
            self._csv = csv.DictWriter(self.stream, fieldnames=CORE_COLUMNS + self.frame_names + meta,
                                       extrasaction="ignore", lineterminator="\r\n")  # RFC 4180; quotes fields with \r too
            self._csv.writeheader()
        self._csv.writerow(row)

    def continue_csv(self, header: list[str], line_end: str) -> None:
        """Go on writing under a CSV header already in the stream (a resumed run), with its line ends."""
        self._csv = csv.DictWriter(self.stream, fieldnames=header, extrasaction="ignore", lineterminator=line_end)


@contextlib.contextmanager
def open_output(path: str | Path | None, append: bool = False) -> Iterator[IO[str]]:
    """Standard output when ``path`` is None or "-"; otherwise an atomically replaced (or appended) file."""
    if path in (None, "-"):
        yield sys.stdout
        return
    if append:
        with open(path, "a", encoding="utf-8", newline="") as stream:
            yield stream
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as stream:
        yield stream


def write_records(records: Iterable[dict], path: str | Path | None, fmt: str, frame_names: list[str]) -> int:
    """Write all ``records``; returns how many were written."""
    count = 0
    with open_output(path) as stream:
        writer = RecordWriter(stream, fmt, frame_names)
        for record in records:
            writer.write(record)
            count += 1
    return count


def records_to_string(records: Iterable[dict], fmt: str, frame_names: list[str]) -> str:
    """Serialise records in memory (tests, notebooks)."""
    buffer = io.StringIO()
    writer = RecordWriter(buffer, fmt, frame_names)
    for record in records:
        writer.write(record)
    return buffer.getvalue()
