"""Predict a whole batch of sentences with the learned model, fast and with identical results.

Profiling ``desec classify`` showed most of its time in scikit-learn's
``TfidfVectorizer.transform``: the character n-grams of every word of every
sentence are built and looked up in pure Python, and the move and frame
classifiers each did it once more. :class:`BatchPredictor` computes the feature
matrix once per batch for both classifiers when their (identically fitted)
feature steps are equal, and counts the character n-grams word by word through
a cache: the n-grams of ``char_wb`` never cross a word, so a sentence's counts
are the sum of its words' counts, and words repeat (Zipf). The counts then go
through the vectorizer's own tf-idf weighting, so the matrix is the one
scikit-learn would build, bit for bit (``tests/test_batch_predict.py``).
"""
from __future__ import annotations

from array import array

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import SentenceClassifier

WORD_CACHE_SIZE = 300_000  # distinct words kept; cleared when full, so memory stays bounded


class _CountingVectorizer:
    """Term counts of a fitted TfidfVectorizer, then its own tf-idf step.

    Falls back to ``vectorizer.transform`` for settings whose analysis is not the
    plain "lower-case, then n-grams" pipeline this class reproduces.
    """

    def __init__(self, vectorizer: TfidfVectorizer):
        self.vectorizer = vectorizer
        self.vocabulary = vectorizer.vocabulary_
        self.analyze = vectorizer.build_analyzer()
        standard = (vectorizer.input == "content" and vectorizer.preprocessor is None and not vectorizer.binary
                    and vectorizer.strip_accents is None and vectorizer.stop_words is None)
        self.mode = "fallback" if not standard or not hasattr(getattr(vectorizer, "_tfidf", None), "transform") \
            else "per_word" if vectorizer.analyzer == "char_wb" and vectorizer.tokenizer is None \
            else "word_ngrams" if vectorizer.analyzer == "word" else "per_text"
        self.preprocess, self.tokenize = vectorizer.build_preprocessor(), vectorizer.build_tokenizer()
        self._words: dict[str, array] = {}

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        if self.mode == "fallback":
            return sp.csr_matrix(self.vectorizer.transform(texts))
        vocabulary, indices, indptr = self.vocabulary, array("i"), array("i", [0])
        if self.mode == "per_word":
            cache, analyze = self._words, self.analyze
            for text in texts:
                for word in text.split():  # lower() never adds or removes whitespace: same words as sklearn
                    found = cache.get(word)
                    if found is None:
                        if len(cache) >= WORD_CACHE_SIZE:
                            cache.clear()
                        found = cache[word] = array("i", [vocabulary[g] for g in analyze(word) if g in vocabulary])
                    indices.extend(found)
                indptr.append(len(indices))
        elif self.mode == "word_ngrams":
            # scikit-learn's word n-grams (tokens of the preprocessed text, joined by a space), looked up
            # with map() over zipped token lists instead of one Python-level join per n-gram
            get, (low, high) = vocabulary.get, self.vectorizer.ngram_range
            for text in texts:
                tokens = self.tokenize(self.preprocess(text))
                for n in range(low, high + 1):
                    grams = tokens if n == 1 else map(" ".join, zip(*(tokens[i:] for i in range(n))))
                    indices.extend([i for i in map(get, grams) if i is not None])
                indptr.append(len(indices))
        else:
            for text in texts:
                indices.extend([vocabulary[g] for g in self.analyze(text) if g in vocabulary])
                indptr.append(len(indices))
        counts = sp.csr_matrix((np.ones(len(indices)), np.frombuffer(indices, dtype=np.int32),
                                np.frombuffer(indptr, dtype=np.int32)), shape=(len(texts), len(vocabulary)))
        counts.sum_duplicates()  # also sorts the indices, as scikit-learn's counts are
        return sp.csr_matrix(self.vectorizer._tfidf.transform(counts, copy=False))


class _Features:
    """The fitted ColumnTransformer of a model pipeline, with its text columns counted fast."""

    def __init__(self, column_transformer):
        self.parts = []
        for name, transformer, column in column_transformer.transformers_:
            if transformer == "drop" or (name == "remainder" and not column):
                continue
            fast = _CountingVectorizer(transformer) if isinstance(transformer, TfidfVectorizer) else None
            self.parts.append((column, fast or transformer))
        self.fitted = [t for _, t, _ in column_transformer.transformers_ if t != "drop"]

    def transform(self, rows: pd.DataFrame) -> sp.csr_matrix:
        blocks = [transformer.transform(rows[column].tolist()) for column, transformer in self.parts]
        return sp.hstack(blocks).tocsr()


def _same_fit(a, b) -> bool:
    """Whether two fitted transformers have the same parameters and learned state.

    Compared directly (dict and array equality run in C): fingerprinting the vocabularies
    cost a second of every start-up.
    """
    if type(a) is not type(b) or repr(sorted(a.get_params(deep=False).items())) != \
            repr(sorted(b.get_params(deep=False).items())):
        return False
    if hasattr(a, "steps"):
        return len(a.steps) == len(b.steps) and all(_same_fit(x, y) for (_, x), (_, y) in zip(a.steps, b.steps))
    if isinstance(a, TfidfVectorizer):
        return a.vocabulary_ == b.vocabulary_ and _equal(a.idf_, b.idf_)
    learned = sorted(k for k in vars(a) if k.endswith("_"))
    return learned == sorted(k for k in vars(b) if k.endswith("_")) and \
        all(_equal(getattr(a, k), getattr(b, k)) for k in learned)


def _equal(x, y) -> bool:
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return isinstance(x, np.ndarray) and isinstance(y, np.ndarray) and x.dtype == y.dtype \
            and x.shape == y.shape and x.tobytes() == y.tobytes()
    return bool(x == y)


class BatchPredictor:
    """``SentenceClassifier.predict`` for large batches: same outputs, features built once and fast.

    Parameters
    ----------
    model : SentenceClassifier
        a loaded model (its pipelines are ``features`` then ``clf``, as :mod:`desec_nlp.model` builds them).
    """

    def __init__(self, model: SentenceClassifier):
        self.model = model
        self._move = _Features(model.move_model_.named_steps["features"])
        frames = _Features(model.frame_model_.named_steps["features"])
        same = len(frames.fitted) == len(self._move.fitted) and \
            all(_same_fit(a, b) for a, b in zip(self._move.fitted, frames.fitted))
        self._frames = self._move if same else frames

    @property
    def shares_features(self) -> bool:
        return self._frames is self._move

    def predict(self, rows: pd.DataFrame) -> tuple[list[str], list[list[str]], list[float]]:
        """Return moves, frame lists and the move's probability for each row (as ``SentenceClassifier.predict``)."""
        model = self.model
        if rows.empty:
            return [], [], []
        X = self._move.transform(rows)
        move_proba = model.move_model_.named_steps["clf"].predict_proba(X)
        frame_X = X if self.shares_features else self._frames.transform(rows)
        frame_proba = model.frame_model_.named_steps["clf"].predict_proba(frame_X)
        classes = model.move_model_.classes_
        frames = [[label for label, on in zip(model.frames, row) if on]
                  for row in (frame_proba >= model.frame_threshold).tolist()]
        return ([str(classes[i]) for i in move_proba.argmax(axis=1)], frames,
                [round(float(p), 3) for p in move_proba.max(axis=1)])
