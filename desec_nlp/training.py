"""Train the learned classifier on an annotated corpus (plus a scholar's corrections)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .features import feature_rows
from .model import SentenceClassifier, save_model
from .model_card import write_model_card
from .tagger import Tagger


def featurise(corpus: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, list[str], list[list[str]]]:
    """Run the rule tagger over each gold sentence (as one unit): features, and the rules' own labels."""
    tagger = Tagger(codebook, model="rules")
    texts = [str(t) for t in corpus["text"]]
    given = corpus["lang"] if "lang" in corpus else pd.Series([None] * len(corpus))
    langs = [lang if isinstance(lang, str) and lang in codebook.languages else tagger.language_of(text)
             for text, lang in zip(texts, given)]
    tags = [units[0] for units in tagger.rule_tags(texts, langs, split=False)]
    rows = feature_rows(tags, texts, langs)
    return rows, [t.move for t in tags], [t.frames for t in tags]


def fit_classifier(rows: pd.DataFrame, gold: pd.DataFrame, codebook: Codebook) -> SentenceClassifier:
    """Fit a :class:`SentenceClassifier` on feature rows and their gold labels."""
    model = SentenceClassifier(codebook.move_names, codebook.frame_names)
    return model.fit(rows, list(gold["move"]), list(gold["frames"]))


def train_model(corpus: pd.DataFrame, codebook: Codebook, output: str | Path, command: str = "",
                cv_folds: int = 0) -> SentenceClassifier:
    """Train on ``corpus`` (one row per gold sentence) and save the model directory ``output`` with its card.

    With ``cv_folds``, document-grouped cross-validation scores (model and rules) go into the card.
    """
    rows, _, _ = featurise(corpus, codebook)
    model = fit_classifier(rows, corpus, codebook)
    extra_meta = {}
    if cv_folds:
        from .evaluate import cross_validate

        extra_meta["cross_validation"] = {**cross_validate(corpus, codebook, cv_folds),
                                          "command": f"desec evaluate CORPUS --cv {cv_folds}"}
    meta = {"name": Path(output).name, "command": command,
            "training_data": {"sentences": int(len(corpus)), "documents": int(corpus["doc_id"].nunique())
                              if "doc_id" in corpus else None,
                              "moves": corpus["move"].value_counts().to_dict()},
            **extra_meta}
    save_model(model, output, codebook, meta)
    write_model_card(output, model.meta)
    return model
