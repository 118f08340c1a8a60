"""desec_nlp: securitization discourse analysis.

Read texts (:func:`read_documents`), tag each sentence with a move, frames and
evidence (:class:`Tagger`, :func:`classify_files`), train and evaluate the
learned model (:func:`train_model`, :func:`cross_validate`), all driven by a
codebook loaded from data (:func:`load_codebook`).
"""
from .classify import RunSummary, classify_files
from .codebook import Codebook, Cue, Label, load_codebook
from .corpus import load_annotations, load_corpus
from .documents import Document, Problem
from .errors import CodebookError, DesecError, InputError, ModelError
from .evaluate import cross_validate, evaluate_predictions, score
from .pipeline import build_pipeline
from .readers import ReadOptions, read_documents
from .tagged import read_tagged
from .tagger import Tagger
from .training import train_model
from .writers import write_records

__version__ = "0.1.0"

_LAZY = {"build_report": "report_job", "compute_report": "report_job"}  # matplotlib: import only when reporting


def __getattr__(name: str):
    """Import the reporting functions on first use: classifying should not pay for matplotlib."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "Codebook", "CodebookError", "Cue", "DesecError", "Document", "InputError", "Label", "ModelError", "Problem",
    "ReadOptions", "RunSummary", "Tagger", "build_pipeline", "build_report", "compute_report", "read_tagged", "classify_files", "cross_validate",
    "evaluate_predictions", "load_annotations", "load_codebook", "load_corpus", "read_documents", "score",
    "train_model", "write_records",
]
