"""The annotated corpus and gold-label files: loaded into pandas with one call."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .errors import InputError
from .jsonl import read_json_objects

CORPUS_COLUMNS = ["id", "doc_id", "sent_index", "text", "move", "frames", "lang", "date", "speaker", "source",
                  "genre"]


def default_corpus_dir() -> Path:
    """``corpus/`` of the source tree (the bundled corpus is not installed into site-packages)."""
    return Path(__file__).resolve().parent.parent / "corpus"


def load_corpus(path: str | Path | None = None, codebook: Codebook | None = None) -> pd.DataFrame:
    """Load an annotated corpus: a directory of JSONL documents (``corpus/documents/*.jsonl``) or one JSONL/CSV file.

    One row per sentence with ``id`` (``doc_id:sent_index``), the text, its gold
    ``move`` and ``frames`` (a list) and the document's metadata. With a codebook,
    labels are checked against it and a wrong one is reported with file and line.
    """
    path = Path(path) if path else default_corpus_dir()
    if path.is_dir():
        files = sorted((path / "documents").glob("*.jsonl")) if (path / "documents").is_dir() \
            else sorted(path.glob("*.jsonl"))
    else:
        files = [path]
    if not files:
        raise InputError("no annotated JSONL files found", str(path))
    frames = [load_annotations(f, codebook) for f in files]
    table = pd.concat(frames, ignore_index=True)
    if "id" not in table or table["id"].isna().any():
        table["id"] = table["doc_id"].astype(str) + ":" + table["sent_index"].astype(str)
    return table


def load_annotations(path: str | Path, codebook: Codebook | None = None) -> pd.DataFrame:
    """Read gold labels from JSONL (``frames`` a list) or CSV (``frames`` ``;``-joined): needs ``move``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError) as exc:
            raise InputError(f"cannot read annotations ({exc})", str(path)) from None
        if "frames" in table:
            table["frames"] = table["frames"].map(lambda s: [f for f in str(s).split(";") if f])
    else:
        rows = [row for _, row in read_json_objects(path)]
        table = pd.DataFrame(rows)
    if "move" not in table:
        raise InputError(f"annotations need a 'move' column; found {list(table.columns)}", str(path))
    if "frames" not in table:
        table["frames"] = [[] for _ in range(len(table))]
    table["frames"] = table["frames"].map(lambda v: list(v) if isinstance(v, (list, tuple)) else [])
    if codebook is not None:
        _check_labels(table, codebook, path)
    return table


def _check_labels(table: pd.DataFrame, codebook: Codebook, path: Path) -> None:
    moves, frames = set(codebook.move_names), set(codebook.frame_names)
    for n, (move, labels) in enumerate(zip(table["move"], table["frames"]), 1):
        if move not in moves:
            raise InputError(f"move '{move}' is not one of {sorted(moves)}", str(path), n)
        bad = set(labels) - frames
        if bad:
            raise InputError(f"frames {sorted(bad)} are not among {sorted(frames)}", str(path), n)


def codebook_examples(codebook: Codebook, weight: int = 5) -> pd.DataFrame:
    """The codebook's constructed examples as annotated rows, each repeated ``weight`` times.

    The examples define the scheme, so training counts each of them as ``weight`` corpus
    sentences; otherwise a few dozen examples vanish among thousands of corpus sentences.
    """
    rows = [{"id": f"codebook-example:{i}", "doc_id": f"codebook-example-{i}", "sent_index": 0, "text": e.text,
             "lang": e.lang, "move": e.move, "frames": list(e.frames), "genre": "codebook_example"}
            for i, e in enumerate(codebook.examples)]
    return pd.DataFrame(rows * weight, columns=CORPUS_COLUMNS)
