"""The demo job on the bundled corpus: classify every sentence, score it against the gold labels."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .classify import classify_files
from .corpus import default_corpus_dir
from .readers import ReadOptions
from .tagger import Tagger

META_COLUMNS = ("date", "speaker", "source", "genre")


def run_demo(out_dir: str | Path = "out", model: str = "default") -> Iterator[str]:
    """Classify the bundled corpus into ``out_dir``; yields progress lines for the caller to print."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tagger = Tagger(model=model)
    documents = sorted(str(p) for p in (default_corpus_dir() / "documents").glob("*.jsonl"))
    options = ReadOptions(unit="row", doc_col="doc_id", meta_cols=META_COLUMNS)
    summary = classify_files(documents, out / "tagged.jsonl", "jsonl", options, tagger)
    yield f"classified: {summary.describe()} -> {out / 'tagged.jsonl'}"
