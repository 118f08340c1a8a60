"""The demo job on the bundled corpus: classify every sentence, then tables, plots, shifts and an HTML report."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .classify import classify_files
from .corpus import default_corpus_dir
from .readers import ReadOptions
from .report_job import build_report
from .tagger import Tagger

META_COLUMNS = ("date", "speaker", "source", "genre")


def run_demo(out_dir: str | Path = "out", model: str = "default") -> Iterator[str]:
    """Classify the bundled corpus into ``out_dir`` and report on it; yields progress lines for the caller.

    The corpus is read as raw input (its gold labels are ignored): one unit per annotated sentence,
    grouped into documents by ``doc_id``, so the report's bootstrap resamples whole documents.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tagger = Tagger(model=model)
    documents = sorted(str(p) for p in (default_corpus_dir() / "documents").glob("*.jsonl"))
    options = ReadOptions(unit="row", doc_col="doc_id", meta_cols=META_COLUMNS)
    tagged = out / "tagged.jsonl"
    summary = classify_files(documents, tagged, "jsonl", options, tagger)
    yield f"classified: {summary.describe()} -> {tagged}"
    paths = build_report(tagged, out, by="administration", codebook=tagger.codebook, pairs="all")
    yield f"report: {len(paths)} files in {out} (open {out / 'report.html'})"
