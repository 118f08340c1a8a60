"""Batch classification of files: read, tag, write, and account for every input unit."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .atomic import write_text_atomic
from .documents import Problem
from .readers import ReadOptions, read_documents
from .tagger import Tagger
from .writers import open_output, RecordWriter


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
                   on_record: Callable[[dict], None] | None = None) -> RunSummary:
    """Classify every unit of ``inputs`` and write one record per unit to ``output`` (stdout when None).

    Unreadable files, malformed lines and empty documents are skipped, listed in the
    summary and, with ``errors_path``, written there one JSON object per line.
    """
    read_options = read_options or ReadOptions()
    tagger = tagger or Tagger()
    summary = RunSummary()
    seen_docs: set[str] = set()
    with open_output(output) as stream:
        writer = RecordWriter(stream, fmt, tagger.codebook.frame_names)
        items = read_documents(inputs, read_options)
        for item in tagger.tag_documents(items, lang=lang, unit=read_options.unit, batch_size=batch_size):
            if isinstance(item, Problem):
                summary.problems.append(item)
                continue
            writer.write(item)
            summary.records += 1
            summary.moves[item["move"]] += 1
            seen_docs.add(item["doc_id"])
            if on_record:
                on_record(item)
    summary.documents = len(seen_docs)
    if errors_path:
        write_text_atomic(errors_path, "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n"
                                               for p in summary.problems))
    return summary
