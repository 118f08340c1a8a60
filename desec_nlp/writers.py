"""Write tagged records as JSON Lines or CSV, streaming, to a file (atomically) or to standard output."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator, NamedTuple

from .atomic import atomic_path

FORMATS = ("jsonl", "csv")
# json.dumps(..., ensure_ascii=False) builds a new encoder on every call; one shared encoder is the same output
_encode_json = json.JSONEncoder(ensure_ascii=False).encode
CORE_COLUMNS = ["id", "doc_id", "sent_index", "text", "lang", "move", "frames", "confidence", "cues"]


NUMBERED_KEYS = ("id", "doc_id", "sent_index")  # a record's first keys, set when the records are numbered


class EncodedRecord(NamedTuple):
    """One record as its JSON line, and its move (for the run's counts)."""

    line: str
    move: str


class EncodedDocument(NamedTuple):
    """The records of one Document as JSON, encoded by the process that tagged them, before numbering.

    Worker processes send these instead of record dicts: the collecting process then joins
    strings instead of unpickling and encoding dicts (a tenth of a run's CPU time). The records
    of one Document share ``id`` and ``doc_id`` and have ``sent_index`` 0, 1, ... (as
    :meth:`desec_nlp.tagger.Tagger.tag_batch` makes them); ``rests`` holds each record's JSON
    after those three keys.
    """

    id: str
    doc_id: str
    moves: list[str]
    rests: list[str]

    @classmethod
    def of(cls, records: list[dict]) -> "EncodedDocument":
        rests = [_encode_json({k: v for k, v in r.items() if k not in NUMBERED_KEYS})[1:] for r in records]
        return cls(records[0]["id"], records[0]["doc_id"], [r["move"] for r in records], rests)

    def numbered(self, offset: int, sentence_ids: bool) -> list[EncodedRecord]:
        """The records' lines with ``sent_index`` counting from ``offset``, and ids ``doc_id:sent_index`` if ``sentence_ids``."""
        doc_id = _encode_json(self.doc_id)
        lines = []
        for index, rest in enumerate(self.rests, offset):
            unit_id = _encode_json(f"{self.doc_id}:{index}" if sentence_ids else self.id)
            lines.append(f'{{"id": {unit_id}, "doc_id": {doc_id}, "sent_index": {index}'
                         f'{", " if rest != "}" else ""}{rest}\n')
        return list(map(EncodedRecord, lines, self.moves))


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

    def write(self, record: dict | EncodedRecord) -> None:
        if isinstance(record, EncodedRecord):
            if self.fmt != "jsonl":
                raise ValueError("an encoded record can only be written as JSON Lines")
            self.stream.write(record.line)
            return
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
