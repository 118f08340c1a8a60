"""The learned sentence classifier: move (multiclass) and frames (one-vs-rest), saved as a model directory.

A model directory holds ``model.pkl.gz`` (the estimators: a gzip-compressed pickle) and
``meta.json`` (name, creation date, library versions,
codebook name, version and fingerprint, labels, metrics, the command that
produced them and the SHA-256 of the estimator file). Loading checks the
metadata and the checksum before unpickling, and says what does not match.
(skops' safe format was tried: it stores the n-gram vocabularies item by item
and made a 120 MB model out of an 11 MB one. joblib was used first: its loader
unpickles in pure Python, which took 7 of the 9 seconds a run needed to start;
the standard library's C unpickler reads the same estimators in half a second.
Like any pickle, load only models you trust: the checksum guards against a
damaged or swapped file, not against a malicious author.)
"""
from __future__ import annotations

import gzip
import hashlib
import json
import pickle
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from .atomic import atomic_path, write_text_atomic
from .codebook import Codebook
from .errors import ModelError
from .features import FEATURE_COLUMNS, make_features

SEED = 13
MODEL_FILE = "model.pkl.gz"
META_FILE = "meta.json"


@dataclass
class SentenceClassifier:
    """Move and frame classifiers over :func:`~desec_nlp.features.feature_rows` tables.

    Parameters are stored as given; learned attributes end in ``_`` (scikit-learn convention).
    """

    moves: list[str]
    frames: list[str]
    C_move: float = 4.0
    C_frames: float = 2.0
    frame_threshold: float = 0.5
    move_prior_power: float = 0.25
    meta: dict = field(default_factory=dict)

    def fit(self, rows: pd.DataFrame, moves: list[str], frames: list[list[str]]) -> "SentenceClassifier":
        """Fit both classifiers; probabilities of the move are calibrated by cross-validation (sigmoid)."""
        X = rows[FEATURE_COLUMNS]
        move_estimator = CalibratedClassifierCV(
            LogisticRegression(C=self.C_move, max_iter=3000, class_weight="balanced", random_state=SEED),
            method="sigmoid", cv=3)
        self.move_model_ = Pipeline([("features", make_features()), ("clf", move_estimator)]).fit(X, moves)
        # Calibrated probabilities follow the training prior, in which "none" dominates; dividing by
        # prior ** move_prior_power before the argmax trades a little "none" precision for move recall
        # (document-grouped CV on the bundled corpus: move macro-F1 0.752 at power 0, 0.765 at 0.25,
        # 0.762 at 0.5, 0.712 at 1). The reported confidence stays the calibrated probability.
        prior = np.array([moves.count(label) for label in self.move_model_.classes_], dtype=float) / len(moves)
        self.move_weights_ = prior ** -self.move_prior_power
        self.binarizer_ = MultiLabelBinarizer(classes=self.frames).fit([self.frames])
        Y = self.binarizer_.transform(frames)
        frame_estimator = OneVsRestClassifier(
            LogisticRegression(C=self.C_frames, max_iter=3000, class_weight="balanced", solver="liblinear",
                               random_state=SEED))
        self.frame_model_ = Pipeline([("features", make_features()), ("clf", frame_estimator)]).fit(X, Y)
        for pipeline in (self.move_model_, self.frame_model_):
            _drop_pruned_vocabulary(pipeline.named_steps["features"])
        return self

    def predict(self, rows: pd.DataFrame) -> tuple[list[str], list[list[str]], list[float]]:
        """Return moves, frame lists and the move's probability for each row."""
        if rows.empty:
            return [], [], []
        X = rows[FEATURE_COLUMNS]
        moves, confidences = self.decide_moves(self.move_model_.predict_proba(X))
        return moves, self.decide_frames(self.frame_model_.predict_proba(X)), confidences

    def decide_moves(self, move_proba: np.ndarray) -> tuple[list[str], list[float]]:
        """The move of each row (argmax of the prior-weighted probabilities) and its calibrated probability."""
        best = (move_proba * self.move_weights_).argmax(axis=1)
        chosen = move_proba[np.arange(len(best)), best]
        return [str(self.move_model_.classes_[i]) for i in best], [round(float(p), 3) for p in chosen]

    def decide_frames(self, frame_proba: np.ndarray) -> list[list[str]]:
        """The frames of each row: those whose probability reaches ``frame_threshold``, in codebook order."""
        return [[label for label, on in zip(self.frames, row) if on]
                for row in (frame_proba >= self.frame_threshold).tolist()]


def _drop_pruned_vocabulary(features) -> None:
    """Forget the terms the vectorizers pruned (``stop_words_``): only kept for introspection,
    they would make the saved model a hundred megabytes (scikit-learn documents this)."""
    for _, transformer, _ in features.transformers_:
        if hasattr(transformer, "stop_words_"):
            transformer.stop_words_ = None


def save_model(model: SentenceClassifier, directory: str | Path, codebook: Codebook, meta: dict) -> Path:
    """Write ``model.pkl.gz`` and ``meta.json`` into ``directory`` (atomically, file by file)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    payload = {"move": model.move_model_, "frames": model.frame_model_, "frame_labels": list(model.frames),
               "frame_threshold": model.frame_threshold, "move_weights": model.move_weights_}
    with atomic_path(directory / MODEL_FILE) as tmp:
        # mtime=0: the same estimators give the same bytes, so a retrain reproduces the checksum
        with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as stream:
            pickle.dump(payload, stream, protocol=5)
    checksum = _sha256(directory / MODEL_FILE)
    full_meta = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "library_versions": library_versions(),
        "codebook": {"name": codebook.name, "version": codebook.version, "fingerprint": codebook.fingerprint},
        "moves": list(model.moves), "frames": list(model.frames),
        "sha256": checksum,
        "params": {"C_move": model.C_move, "C_frames": model.C_frames, "frame_threshold": model.frame_threshold,
                   "move_prior_power": model.move_prior_power, "seed": SEED},
        **meta,
    }
    write_text_atomic(directory / META_FILE, json.dumps(full_meta, indent=2, ensure_ascii=False) + "\n")
    model.meta = full_meta
    return directory


def load_model(directory: str | Path, codebook: Codebook) -> SentenceClassifier:
    """Load a model directory, refusing one built for other labels and warning in ``meta`` on version drift.

    Raises
    ------
    ModelError
        when files are missing, the labels differ from the codebook's, or scikit-learn's major.minor differs.
    """
    directory = Path(directory)
    meta_path, model_path = directory / META_FILE, directory / MODEL_FILE
    if not meta_path.is_file() or not model_path.is_file():
        raise ModelError(f"{directory}: not a model directory (needs {META_FILE} and {MODEL_FILE}); "
                         f"train one with 'desec train CORPUS -o {directory}' or use --model rules")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"{meta_path}: unreadable model metadata ({exc})") from None
    if meta.get("moves") != codebook.move_names or meta.get("frames") != codebook.frame_names:
        raise ModelError(f"{directory}: the model was trained for labels {meta.get('moves')} + {meta.get('frames')} "
                         f"but the codebook '{codebook.name}' has {codebook.move_names} + {codebook.frame_names}; "
                         "retrain with this codebook or pass --model rules")
    trained = meta.get("library_versions", {}).get("scikit-learn", "")
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(f"{directory}: trained with scikit-learn {trained}, this environment has "
                         f"{sklearn.__version__}; install scikit-learn=={trained} or retrain with 'desec train'")
    if meta.get("sha256") != _sha256(model_path):
        raise ModelError(f"{model_path}: checksum differs from meta.json; the file is corrupt or was replaced. "
                         "Only load models from sources you trust; retrain with 'desec train'")
    try:
        with gzip.open(model_path, "rb") as stream:
            payload = pickle.load(stream)
    except Exception as exc:  # unpickling raises many types on damaged files
        raise ModelError(f"{model_path}: cannot load model ({exc.__class__.__name__}: {exc})") from None
    params = meta.get("params", {})
    model = SentenceClassifier(list(codebook.move_names), list(payload["frame_labels"]),
                               frame_threshold=payload["frame_threshold"],
                               move_prior_power=params.get("move_prior_power", 0.0), meta=meta)
    model.move_model_, model.frame_model_ = payload["move"], payload["frames"]
    model.move_weights_ = payload["move_weights"]
    return model


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions recorded in a model's metadata, checked when it is loaded."""
    import spacy

    return {"scikit-learn": sklearn.__version__, "spacy": spacy.__version__, "numpy": np.__version__,
            "pandas": pd.__version__}

