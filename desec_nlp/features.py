"""Features for the learned classifier: the rule tagger's evidence plus word and character n-grams.

Built as one scikit-learn ``ColumnTransformer`` over a DataFrame with three
columns, so training and prediction share exactly the same transformation.
"""
from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MaxAbsScaler

from .rules import SentenceTag

FEATURE_COLUMNS = ["norm", "raw", "evidence"]


def feature_rows(tags: list[SentenceTag], texts: list[str], langs: list[str]) -> pd.DataFrame:
    """One row per sentence: accentless lemmas, raw text and the rule evidence (cue counts, negation, clause)."""
    evidence = []
    for tag, lang in zip(tags, langs):
        feats = dict(tag.features)
        feats[f"lang={lang}"] = 1.0
        evidence.append(feats)
    return pd.DataFrame({"norm": [t.norm_text for t in tags], "raw": texts, "evidence": evidence})


def make_features(word_max_features: int = 60_000, char_max_features: int = 60_000) -> ColumnTransformer:
    """Word 1-2-grams of lemmas, character 2-5-grams within words, and the evidence dictionary."""
    return ColumnTransformer(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=word_max_features,
                                      sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"), "norm"),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                      max_features=char_max_features, sublinear_tf=True, lowercase=True), "raw"),
            # counts on the scale of the tf-idf columns, so the solver converges and no column dominates
            ("evidence", make_pipeline(DictVectorizer(), MaxAbsScaler()), "evidence"),
        ],
        sparse_threshold=1.0,
    )
