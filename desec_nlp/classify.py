"""Batch classification of files: read, tag, write, and account for every input unit.

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
from .resume import ResumableOutput
from .tagger import Tagger, UnitNumbering, batched
from .writers import RecordWriter, open_output


@dataclass
class RunSummary:
    """What a run did: records written and every skipped input, with its reason."""

    documents: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    moves: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        moves = ", ".join(f"{k} {v}" for k, v in sorted(self.moves.items()))
        text = f"{self.records} units classified from {self.documents} documents ({moves or 'nothing'})"
        if self.problems:
            text += f"; {len(self.problems)} input(s) skipped:"
            text += "".join(f"\n  {p}" for p in self.problems)
        return text


def classify_files(inputs: Iterable[str], output: str | Path | None = None, fmt: str = "jsonl",
                   read_options: ReadOptions | None = None, tagger: Tagger | None = None, lang: str = "auto",
                   errors_path: str | Path | None = None, batch_size: int = 64,
                   on_record: Callable[[dict], None] | None = None, n_process: int = 1, resume: bool = False,
                   checkpoint_every: float = 2.0) -> RunSummary:
    """Classify every unit of ``inputs`` and write one record per unit to ``output`` (stdout when None).

    Unreadable files, malformed lines and empty documents are skipped, listed in the
    summary and, with ``errors_path``, written there one JSON object per line.
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
            sink = _StreamSink(RecordWriter(stream, fmt, tagger.codebook.frame_names))
            _run(inputs, sink, read_options, tagger, lang, batch_size, n_process, on_record)
    else:
        sink = ResumableOutput(output, fmt, tagger.codebook.frame_names,
                               run_settings(inputs, fmt, read_options, tagger, lang), resume, checkpoint_every)
        try:
            _run(inputs, sink, read_options, tagger, lang, batch_size, n_process, on_record)
        except BaseException:
            sink.close()
            raise
        sink.finish()
    summary = RunSummary(len(sink.counters), sink.records, sink.problems, sink.moves)
    if errors_path:
        write_text_atomic(errors_path, "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n"
                                               for p in summary.problems))
    return summary


def run_settings(inputs: list[str], fmt: str, read_options: ReadOptions, tagger: Tagger, lang: str) -> dict:
    """What must not change between a run and its resumption (as JSON would store it)."""
    settings = {"inputs": [os.path.abspath(i) for i in inputs], "format": fmt,
                "read_options": dataclasses.asdict(read_options), "lang": lang, "model": tagger.model_name,
                "codebook": tagger.codebook.fingerprint}
    return json.loads(json.dumps(settings))


def _run(inputs: list[str], sink, read_options: ReadOptions, tagger: Tagger, lang: str, batch_size: int,
         n_process: int, on_record: Callable[[dict], None] | None) -> None:
    numbering = UnitNumbering(read_options.unit, sink.counters)
    consumed = sink.skip
    batches = batched(islice(read_documents(inputs, read_options), sink.skip, None), batch_size)
    for results in tag_batches(tagger, batches, lang, read_options.unit, n_process):
        for result in results:
            for item in numbering.number(result):
                if isinstance(item, Problem):
                    sink.problems.append(item)
                    continue
                sink.write(item)
                if on_record:
                    on_record(item)
        consumed += len(results)
        sink.save(consumed, force=False)
    sink.save(consumed)


class _StreamSink:
    """Standard output: the same bookkeeping as :class:`ResumableOutput`, nothing to resume."""

    skip = 0

    def __init__(self, writer: RecordWriter):
        self.writer, self.records, self.moves = writer, 0, Counter()
        self.counters: dict[str, int] = {}
        self.problems: list[Problem] = []

    def write(self, record: dict) -> None:
        self.writer.write(record)
        self.records += 1
        self.moves[record["move"]] += 1

    def save(self, consumed: int, force: bool = True) -> None:
        """Nothing to checkpoint on a stream."""
