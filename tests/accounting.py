"""The accounting guarantee, checked against what a run wrote: every input unit is classified or skipped."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from desec_nlp.classify import RunSummary
from desec_nlp.documents import REASONS


def output_records(path: str | Path) -> int:
    """Records in a JSONL or CSV output file."""
    with open(path, encoding="utf-8", newline="") as stream:
        if str(path).endswith(".csv"):
            return sum(1 for _ in csv.DictReader(stream))
        return sum(1 for line in stream if line.strip())


def assert_counts_add_up(summary: RunSummary, output: str | Path | None = None,
                         errors: str | Path | None = None) -> None:
    """read == classified + skipped, the reasons sum to skipped, and the files hold exactly those counts."""
    assert summary.read == summary.classified + summary.skipped, summary.to_dict()
    assert sum(summary.reasons.values()) == summary.skipped and set(summary.reasons) <= set(REASONS)
    assert summary.records >= summary.classified and sum(summary.moves.values()) == summary.records
    if output is not None:
        assert output_records(output) == summary.records
    if errors is not None:
        lines = [json.loads(line) for line in Path(errors).read_text(encoding="utf-8").splitlines()]
        assert len(lines) == summary.skipped
        assert Counter(line["code"] for line in lines) == summary.reasons
        assert all({"file", "line", "code", "reason"} <= set(line) for line in lines)


def classify_checked(paths, tagger, tmp_path: Path, **options) -> RunSummary:
    """Classify ``paths`` (read with ``options``) and check the counts against the output and --errors files."""
    from desec_nlp.classify import classify_files
    from desec_nlp.readers import ReadOptions

    run = tmp_path / ".run"  # hidden: a walk of tmp_path does not read it back
    out, errors = run / "out.jsonl", run / "errors.jsonl"
    summary = classify_files([str(p) for p in paths], out, read_options=ReadOptions(**options), tagger=tagger,
                             lang="es", errors_path=errors)
    assert_counts_add_up(summary, out, errors)
    return summary
