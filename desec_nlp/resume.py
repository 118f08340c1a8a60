"""Resumable output for ``desec classify -o OUT``: an interrupted run continues where it stopped.

While a run writes ``OUT`` it writes ``OUT.partial`` (the records so far) and, at
most every few seconds and at the end of each batch it flushes, the checkpoint
``OUT.partial.json``: how many input units (documents, rows, skipped inputs)
are fully written and how many of them were classified, the byte size of
``OUT.partial`` at that point, the problems met so far and the run's settings. Only a finished run renames ``OUT.partial``
to ``OUT`` (atomically) and removes the checkpoint, so ``OUT`` is always either
the previous complete output or the new complete one.

After an interruption (Ctrl-C, a killed job, a crash) ``--resume`` truncates
``OUT.partial`` to the checkpointed size, which drops any record written after
the checkpoint (a partial last line included), rebuilds the counts and sentence
numbering from the records kept, skips the checkpointed number of input items
and goes on: every unit is written exactly once. The inputs and settings must be
the same as the interrupted run's; the checkpoint says which one differs.
"""
from __future__ import annotations

import csv
import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import IO

from .atomic import write_text_atomic
from .documents import Problem
from .errors import DesecError
from .writers import EncodedRecord, RecordWriter

CHECKPOINT_VERSION = 2


def partial_path(output: str | Path) -> Path:
    return Path(str(output) + ".partial")


def checkpoint_path(output: str | Path) -> Path:
    return Path(str(output) + ".partial.json")


class RecordSink:
    """Where a run writes its records, with the counts its summary needs; on a stream, nothing to resume.

    ``skip`` input items are already done (none here); ``save`` checkpoints (nothing to save here).
    """

    skip = 0

    def __init__(self, writer: RecordWriter | None = None):
        self.writer = writer
        self.records, self.classified = 0, 0
        self.moves: Counter = Counter()
        self.counters: dict[str, int] = {}
        self.problems: list[Problem] = []

    def write(self, record: dict | EncodedRecord) -> None:
        """Write one record and count it."""
        self.writer.write(record)
        self.records += 1
        self.moves[record.move if isinstance(record, EncodedRecord) else record["move"]] += 1

    def save(self, consumed: int, force: bool = True) -> None:
        """Nothing to checkpoint on a stream."""


class ResumableOutput(RecordSink):
    """``OUT.partial`` plus its checkpoint; see the module docstring.

    Parameters
    ----------
    output : path
        the final output file.
    fmt : "jsonl" or "csv"
    frame_names : list of str
        the codebook's frames (CSV columns).
    settings : dict
        JSON-serialisable description of the run (inputs, options, model, codebook); a
        resumed run must have the same.
    resume : bool
        continue from the checkpoint when there is one (else start afresh).
    every : float
        seconds between checkpoints (0: after every batch).

    Attributes
    ----------
    skip : int
        input items already done, to be skipped by the caller.
    records, moves, counters, classified, problems
        what the kept part of ``OUT.partial`` holds: record count, move counts, records per
        ``doc_id`` (the sentence numbering goes on from these), the input units that gave
        them, and the skipped units.
    """

    def __init__(self, output: str | Path, fmt: str, frame_names: list[str], settings: dict, resume: bool = False,
                 every: float = 2.0):
        super().__init__()
        self.output, self.fmt, self.settings, self.every = Path(output), fmt, settings, every
        self.partial, self.checkpoint_file = partial_path(output), checkpoint_path(output)
        state = self._load_state() if resume else None
        self.output.parent.mkdir(parents=True, exist_ok=True)
        if state is None:
            self.stream: IO[str] = open(self.partial, "w", encoding="utf-8", newline="")
            self.writer = RecordWriter(self.stream, fmt, frame_names)
        else:
            self._restore(state, frame_names)
        self._last = 0.0
        self.save(0 if state is None else self.skip)

    def _load_state(self) -> dict | None:
        if not self.checkpoint_file.is_file() or not self.partial.is_file():
            return None
        try:
            state = json.loads(self.checkpoint_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DesecError(f"{self.checkpoint_file}: unreadable checkpoint ({exc}); delete it and "
                             f"{self.partial} to start afresh") from None
        if state.get("version") != CHECKPOINT_VERSION:
            raise DesecError(f"{self.checkpoint_file}: checkpoint of another desec version; delete it and "
                             f"{self.partial} to start afresh")
        differ = sorted(k for k in set(state["settings"]) | set(self.settings)
                        if state["settings"].get(k) != self.settings.get(k))
        if differ:
            was = ", ".join(f"{k}={state['settings'].get(k)!r}" for k in differ)
            raise DesecError(f"cannot resume {self.output}: the interrupted run had other {', '.join(differ)} "
                             f"({was}); rerun it with the same settings, or without --resume to start afresh")
        if self.partial.stat().st_size < state["bytes"]:
            raise DesecError(f"{self.partial} is shorter than its checkpoint says; it was changed after the "
                             "run stopped. Run without --resume to start afresh")
        return state

    def _restore(self, state: dict, frame_names: list[str]) -> None:
        with open(self.partial, "r+b") as raw:
            raw.truncate(state["bytes"])  # drops whatever was written after the checkpoint
        header = None
        with open(self.partial, encoding="utf-8", newline="") as stream:
            rows = csv.DictReader(stream) if self.fmt == "csv" else (json.loads(line) for line in stream)
            for row in rows:
                self.records += 1
                self.moves[row["move"]] += 1
                self.counters[row["doc_id"]] = self.counters.get(row["doc_id"], 0) + 1
            if self.fmt == "csv":
                header = rows.fieldnames
        if self.records != state["records"]:
            raise DesecError(f"{self.partial} holds {self.records} records where its checkpoint says "
                             f"{state['records']}; run without --resume to start afresh")
        self.skip, self.classified = state["consumed"], state["classified"]
        self.problems = [Problem.from_dict(p) for p in state["problems"]]
        self.stream = open(self.partial, "a", encoding="utf-8", newline="")
        self.writer = RecordWriter(self.stream, self.fmt, frame_names)
        if header:
            # Go on under the header already written (it was fixed by the first record), with its line ends.
            with open(self.partial, "rb") as raw:
                ending = "\r\n" if raw.readline().endswith(b"\r\n") else "\n"
            self.writer.continue_csv(header, ending)

    def save(self, consumed: int, force: bool = True) -> None:
        """Checkpoint: ``consumed`` input items are fully written (at most every ``every`` seconds unless forced)."""
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        self.stream.flush()
        state = {"version": CHECKPOINT_VERSION, "settings": self.settings, "consumed": consumed,
                 "bytes": os.fstat(self.stream.fileno()).st_size, "records": self.records,
                 "classified": self.classified, "problems": [p.to_dict() for p in self.problems]}
        write_text_atomic(self.checkpoint_file, json.dumps(state, ensure_ascii=False))

    def finish(self) -> None:
        """Publish ``OUT`` (atomic rename) and remove the checkpoint."""
        self.stream.close()
        os.replace(self.partial, self.output)
        self.checkpoint_file.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop without publishing: ``OUT.partial`` and its checkpoint stay for ``--resume``."""
        self.stream.close()
