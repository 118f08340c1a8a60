"""Agreement of predictions with gold labels: move accuracy and macro-F1, per-label P/R/F1, frame micro/macro-F1.

All numbers come from scikit-learn's metrics; cross-validation is grouped by
document so that no document is in both the training and the test fold.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MultiLabelBinarizer

from .codebook import Codebook
from .errors import InputError


def score(gold_moves: list[str], pred_moves: list[str], gold_frames: list[list[str]],
          pred_frames: list[list[str]], codebook: Codebook) -> dict:
    """All the scores of one comparison, as plain data (JSON-ready)."""
    moves, frames = codebook.move_names, codebook.frame_names
    p, r, f, s = precision_recall_fscore_support(gold_moves, pred_moves, labels=moves, zero_division=0)
    binarizer = MultiLabelBinarizer(classes=frames).fit([frames])
    G, P = binarizer.transform(gold_frames), binarizer.transform(pred_frames)
    fp, fr, ff, fs = precision_recall_fscore_support(G, P, zero_division=0)
    return {
        "n": len(gold_moves),
        "move": {
            "accuracy": round(accuracy_score(gold_moves, pred_moves), 4),
            "macro_f1": round(f1_score(gold_moves, pred_moves, labels=moves, average="macro", zero_division=0), 4),
            "per_label": {m: {"precision": round(p[i], 4), "recall": round(r[i], 4), "f1": round(f[i], 4),
                              "support": int(s[i])} for i, m in enumerate(moves)},
            "confusion": {"labels": moves,
                          "matrix": confusion_matrix(gold_moves, pred_moves, labels=moves).tolist()},
        },
        "frames": {
            "micro_f1": round(f1_score(G, P, average="micro", zero_division=0), 4),
            "macro_f1": round(f1_score(G, P, average="macro", zero_division=0), 4),
            "per_label": {fr_: {"precision": round(fp[i], 4), "recall": round(fr[i], 4), "f1": round(ff[i], 4),
                                "support": int(fs[i])} for i, fr_ in enumerate(frames)},
        },
    }


def evaluate_predictions(gold: pd.DataFrame, pred: pd.DataFrame, codebook: Codebook) -> dict:
    """Join gold and predicted records on ``id`` and score them; every gold id must have a prediction."""
    for name, table in (("gold", gold), ("predictions", pred)):
        if "id" not in table:
            raise InputError(f"the {name} file needs an 'id' column to match records")
    pred = pred.drop_duplicates("id")
    pred.index = pred["id"].astype(str).tolist()
    ids = gold["id"].astype(str).tolist()
    missing = sorted(set(ids) - set(pred.index))
    if missing:
        raise InputError(f"{len(missing)} gold ids have no prediction (first: {missing[:5]})")
    aligned = pred.loc[ids]
    return score(list(gold["move"]), list(aligned["move"]), list(gold["frames"]), list(aligned["frames"]), codebook)


def cross_validate(corpus: pd.DataFrame, codebook: Codebook, folds: int = 5) -> dict:
    """Document-grouped K-fold cross-validation of the learned model, with the rule tagger on the same folds."""
    from .training import featurise, fit_classifier

    rows, rule_moves, rule_frames = featurise(corpus, codebook)
    groups = corpus["doc_id"].astype(str).values
    pred_moves = np.empty(len(corpus), dtype=object)
    pred_frames: list[list[str]] = [[] for _ in range(len(corpus))]
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(rows, groups=groups):
        model = fit_classifier(rows.iloc[train_idx], corpus.iloc[train_idx], codebook)
        moves, frames, _ = model.predict(rows.iloc[test_idx])
        pred_moves[test_idx] = moves
        for j, k in enumerate(test_idx):
            pred_frames[k] = frames[j]
    gold_moves, gold_frames = list(corpus["move"]), list(corpus["frames"])
    return {"folds": folds, "grouped_by": "doc_id",
            "model": score(gold_moves, list(pred_moves), gold_frames, pred_frames, codebook),
            "rules": score(gold_moves, rule_moves, gold_frames, rule_frames, codebook)}


def format_report(result: dict) -> str:
    """A plain-text table of a :func:`score` result for the terminal."""
    lines = [f"n = {result['n']}",
             f"move: accuracy {result['move']['accuracy']:.3f}  macro-F1 {result['move']['macro_f1']:.3f}",
             f"{'label':24s} {'prec':>6s} {'rec':>6s} {'f1':>6s} {'support':>8s}"]
    for block in ("move", "frames"):
        for label, m in result[block]["per_label"].items():
            lines.append(f"{label:24s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:8d}")
        if block == "move":
            conf = result["move"]["confusion"]
            lines.append("confusion (rows gold, columns predicted): " + " / ".join(conf["labels"]))
            lines += ["  " + " ".join(f"{v:6d}" for v in row) for row in conf["matrix"]]
            lines.append(f"frames: micro-F1 {result['frames']['micro_f1']:.3f}  "
                         f"macro-F1 {result['frames']['macro_f1']:.3f}")
    return "\n".join(lines)
