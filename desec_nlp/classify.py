"""Batch classification of files: read, tag, write, and account for every input unit (:class:`RunSummary`).

Inputs are read lazily and tagged in batches (on several processes with
``n_process``, see :mod:`desec_nlp.parallel`); records are written as they come,
so memory does not grow with the corpus. An output file is written through
:class:`~desec_nlp.resume.ResumableOutput`: an interrupted run can be resumed.
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable

from .atomic import write_text_atomic
from .documents import Problem
from .errors import DesecError
from .parallel import tag_batches
from .readers import ReadOptions, read_documents
from .resume import RecordSink, ResumableOutput
from .tagger import Tagger, UnitNumbering, batched
from .writers import RecordWriter, open_output


LISTED_PROBLEMS = 20  # skipped units the summary lists by name; --errors FILE has them all


@dataclass
class RunSummary:
    """What a run did, counted in input units and output records, with every skipped unit and its reason.

    An *input unit* is one item the readers yield (:func:`desec_nlp.readers.read_documents`):
    a text file (or one speaker turn or dateline piece of it), a table or JSONL row, a text
    line with unit "row"; or something skipped: a file that cannot be read at all counts as
    one unit, a bad row or line as one. Each unit read is either *classified* (it gave one
    record or more: with unit "sentence", one per sentence) or *skipped* (one Problem, with a
    reason code). So ``read == classified + skipped`` and ``records >= classified``.
    """

    read: int = 0
    classified: int = 0
    records: int = 0
    documents: int = 0  # distinct document ids among the records
    problems: list[Problem] = field(default_factory=list)
    moves: Counter = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        return len(self.problems)

    @property
    def reasons(self) -> Counter:
        """Skipped units per reason code (see :data:`desec_nlp.documents.REASONS`)."""
        return Counter(p.code for p in self.problems)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        """The counts, as ``--summary-json`` writes them."""
        return {"read": self.read, "classified": self.classified, "skipped": self.skipped, "records": self.records,
                "documents": self.documents, "skipped_by_reason": dict(sorted(self.reasons.items())),
                "moves": dict(sorted(self.moves.items()))}

    def describe(self, max_listed: int = LISTED_PROBLEMS) -> str:
        """Counts, skipped units per reason, and the first ``max_listed`` skipped units with where and why."""
        moves = ", ".join(f"{k} {v}" for k, v in sorted(self.moves.items()))
        text = (f"{self.read} input unit(s) read: {self.classified} classified into {self.records} record(s) "
                f"of {self.documents} document(s) ({moves or 'nothing'}), {self.skipped} skipped")
        if self.problems:
            text += "\nskipped by reason: " + ", ".join(f"{code} {n}" for code, n in sorted(self.reasons.items()))
            text += "".join(f"\n  {p}" for p in self.problems[:max_listed])
            if self.skipped > max_listed:
                text += f"\n  ... and {self.skipped - max_listed} more (--errors FILE lists them all)"
        return text


def write_errors(problems: Iterable[Problem], path: str | Path) -> None:
    """The ``--errors`` file: one JSON object per skipped unit (file, line, code, reason), written atomically."""
    write_text_atomic(path, "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in problems))


def write_summary(summary: RunSummary, path: str | Path) -> None:
    """The run's counts as one JSON object (``--summary-json``), written atomically."""
    write_text_atomic(path, json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")


def classify_files(inputs: Iterable[str], output: str | Path | None = None, fmt: str = "jsonl",
                   read_options: ReadOptions | None = None, tagger: Tagger | None = None, lang: str = "auto",
                   errors_path: str | Path | None = None, batch_size: int = 64,
                   on_record: Callable[[dict], None] | None = None, n_process: int = 1, resume: bool = False,
                   checkpoint_every: float = 2.0) -> RunSummary:
    """Classify every unit of ``inputs`` and write one record per unit to ``output`` (stdout when None).

    Unreadable files, malformed lines and empty documents are skipped, counted per reason
    in the summary (:class:`RunSummary`) and, with ``errors_path``, written there one JSON
    object per line (:func:`write_errors`).
    ``n_process`` processes tag (1: this one only). With an ``output`` file, a run that
    stops early leaves ``OUT.partial`` and ``OUT.partial.json``, and ``resume=True``
    continues it (:mod:`desec_nlp.resume`); ``checkpoint_every`` is the seconds between
    checkpoints.
    """
    read_options = read_options or ReadOptions()
    tagger = tagger or Tagger()
    inputs = list(inputs)
    if output in (None, "-"):
        if resume:
            raise DesecError("--resume needs an output file (-o OUT); standard output cannot be resumed")
        with open_output(None) as stream:
            sink = RecordSink(RecordWriter(stream, fmt, tagger.codebook.frame_names))
            read = _run(inputs, sink, read_options, tagger, lang, batch_size, n_process, on_record)
    else:
        sink = ResumableOutput(output, fmt, tagger.codebook.frame_names,
                               run_settings(inputs, fmt, read_options, tagger, lang), resume, checkpoint_every)
        try:
            read = _run(inputs, sink, read_options, tagger, lang, batch_size, n_process, on_record)
        except BaseException:
            sink.close()
            raise
        sink.finish()
    summary = RunSummary(read, sink.classified, sink.records, len(sink.counters), sink.problems, sink.moves)
    if errors_path:
        write_errors(summary.problems, errors_path)
    return summary


def run_settings(inputs: list[str], fmt: str, read_options: ReadOptions, tagger: Tagger, lang: str) -> dict:
    """What must not change between a run and its resumption (as JSON would store it)."""
    settings = {"inputs": [os.path.abspath(i) for i in inputs], "format": fmt,
                "read_options": dataclasses.asdict(read_options), "lang": lang, "model": tagger.model_name,
                "codebook": tagger.codebook.fingerprint}
    return json.loads(json.dumps(settings))


def _run(inputs: list[str], sink: RecordSink, read_options: ReadOptions, tagger: Tagger, lang: str, batch_size: int,
         n_process: int, on_record: Callable[[dict], None] | None) -> int:
    """Tag and write everything not yet done; returns the input units read (resumed ones included)."""
    numbering = UnitNumbering(read_options.unit, sink.counters)
    consumed = sink.skip
    batches = batched(islice(read_documents(inputs, read_options), sink.skip, None), batch_size)
    # JSON Lines without a per-record callback: records come encoded (cheaper from worker processes)
    encoded = sink.writer.fmt == "jsonl" and on_record is None
    for results in tag_batches(tagger, batches, lang, read_options.unit, n_process, encoded=encoded):
        for result in results:
            if isinstance(result, Problem):
                sink.problems.append(result)
                continue
            for record in numbering.number(result):
                sink.write(record)
                if on_record:
                    on_record(record)
            sink.classified += 1
        consumed += len(results)
        sink.save(consumed, force=False)
    sink.save(consumed)
    return consumed
