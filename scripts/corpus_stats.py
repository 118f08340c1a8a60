"""Print the corpus datasheet's count tables (Markdown): `python scripts/corpus_stats.py [corpus]`.

The tables in corpus/README.md are this script's output; re-run it after editing the corpus.
"""
from __future__ import annotations

import sys

import pandas as pd

from desec_nlp import load_codebook, load_corpus


def main(path: str = "corpus") -> None:
    codebook = load_codebook()
    corpus = load_corpus(path, codebook)
    corpus["period"] = corpus["doc_id"].str.split("-").str[2]
    print(f"{len(corpus)} sentences in {corpus['doc_id'].nunique()} documents\n")
    for column in ("lang", "period", "genre"):
        table = corpus.groupby(column).agg(documents=("doc_id", "nunique"), sentences=("text", "size"))
        moves = pd.crosstab(corpus[column], corpus["move"])[codebook.move_names]
        print(table.join(moves).to_markdown(), "\n")
    frames = pd.DataFrame({f: corpus["frames"].map(lambda fs, f=f: f in fs) for f in codebook.frame_names})
    counts = frames.groupby(corpus["lang"]).sum().T
    counts["all"] = counts.sum(axis=1)
    print(counts.to_markdown(), "\n")
    print(f"sentences with no frame: {(frames.sum(axis=1) == 0).sum()}")


if __name__ == "__main__":
    main(*sys.argv[1:])
