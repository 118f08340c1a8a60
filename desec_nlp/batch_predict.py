"""Predict a whole batch of sentences with the learned model, fast and with identical results.

Profiling ``desec classify`` showed most of its time in scikit-learn's
``TfidfVectorizer.transform``: the character n-grams of every word of every
sentence are built and looked up in pure Python, and the move and frame
classifiers each did it once more. :class:`BatchPredictor` computes the feature
matrix once per batch for both classifiers when their (identically fitted)
feature steps are equal, and counts each column for the whole batch with a few
C-level passes: the n-grams of ``char_wb`` never cross a word, so the batch's
counts are (sentences x distinct words) times (distinct words x n-grams), with
each word's n-grams cached (words repeat: Zipf); word n-grams and the evidence
dicts are looked up with ``map`` over the batch's flattened tokens and keys.
The counts then go through the vectorizer's own tf-idf weighting, so the matrix
is the one scikit-learn would build, bit for bit (``tests/test_batch_predict.py``).
"""
from __future__ import annotations

from array import array
from itertools import chain, repeat

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer

from .model import SentenceClassifier

WORD_CACHE_SIZE = 300_000  # distinct words kept; cleared when full, so memory stays bounded


class _CountingVectorizer:
    """Term counts of a fitted TfidfVectorizer for a whole batch, then its own tf-idf step.

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
        self._words: dict[str, bytes] = {}  # word -> its n-grams' column indices (int32 bytes)
        self._ngrams = _NgramKeys.of(self.vocabulary, vectorizer.ngram_range) if self.mode == "word_ngrams" else None

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        if self.mode == "fallback":
            return sp.csr_matrix(self.vectorizer.transform(texts))
        counts = self._char_counts(texts) if self.mode == "per_word" \
            else self._word_counts(texts) if self.mode == "word_ngrams" else self._text_counts(texts)
        counts.sum_duplicates()  # also sorts the indices, as scikit-learn's counts are
        return sp.csr_matrix(self.vectorizer._tfidf.transform(counts, copy=False))

    def _char_counts(self, texts: list[str]) -> sp.csr_matrix:
        # ``char_wb`` n-grams never cross a word, so the counts are (texts x distinct words) times
        # (distinct words x n-grams): Python runs once per distinct word of the batch, not per word.
        words = list(map(str.split, texts))  # lower() never adds or removes whitespace: same words as sklearn
        flat = list(chain.from_iterable(words))
        distinct = list(dict.fromkeys(flat))
        column = dict(zip(distinct, range(len(distinct))))
        occurrences = _ones(np.fromiter(map(column.__getitem__, flat), np.int32, len(flat)),
                            _indptr(map(len, words), len(words)), (len(texts), len(distinct)))
        grams = [self._grams(word) for word in distinct]
        indices = np.frombuffer(b"".join(grams), dtype=np.int32).copy()  # writable: scipy sorts in place
        per_word = _ones(indices, _indptr((len(g) // 4 for g in grams), len(grams)), (len(distinct), len(self.vocabulary)))
        occurrences.sum_duplicates()
        per_word.sum_duplicates()
        return sp.csr_matrix(occurrences @ per_word)  # sums of ones: exact integer counts

    def _grams(self, word: str) -> bytes:
        found = self._words.get(word)
        if found is None:
            if len(self._words) >= WORD_CACHE_SIZE:
                self._words.clear()
            vocabulary = self.vocabulary
            found = self._words[word] = array("i", [vocabulary[g] for g in self.analyze(word)
                                                    if g in vocabulary]).tobytes()
        return found

    def _word_counts(self, texts: list[str]) -> sp.csr_matrix:
        # scikit-learn's word n-grams (tokens of the preprocessed text, joined by a space) of the whole
        # batch at once, as integer keys of word ids (see _NgramKeys): no n-gram string is built
        tokens = list(map(self.tokenize, map(self.preprocess, texts)))
        flat = list(chain.from_iterable(tokens))
        if self._ngrams is None or " " in "".join(flat):  # a token with a space would read as an n-gram
            return self._text_counts(texts)
        text_of = np.repeat(np.arange(len(texts)), list(map(len, tokens)))
        rows, columns = self._ngrams.find(flat, text_of)
        return sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(texts), len(self.vocabulary)))

    def _text_counts(self, texts: list[str]) -> sp.csr_matrix:
        vocabulary, indices = self.vocabulary, array("i")
        lengths = []
        for text in texts:
            before = len(indices)
            indices.extend([vocabulary[g] for g in self.analyze(text) if g in vocabulary])
            lengths.append(len(indices) - before)
        return _ones(np.frombuffer(indices, dtype=np.int32), _indptr(lengths, len(texts)),
                     (len(texts), len(vocabulary)))


class _NgramKeys:
    """The word n-grams of a vocabulary as integers: ``id[0] * W**(n-1) + ... + id[n-1]``, per n.

    Each distinct word of the vocabulary's terms gets an id below W, so an n-gram of tokens is
    in the vocabulary when its key is among the sorted keys of the vocabulary's n-grams: a
    look-up per token instead of a string built and hashed per n-gram.
    """

    def __init__(self, words: dict[str, int], tables: dict[int, tuple[np.ndarray, np.ndarray]]):
        self.words, self.tables, self.width = words, tables, len(words)

    @classmethod
    def of(cls, vocabulary: dict[str, int], ngram_range: tuple[int, int]) -> "_NgramKeys | None":
        """None when a term is not 1 to ``max_n`` space-separated words or the keys would overflow."""
        low, high = ngram_range
        words: dict[str, int] = {}
        terms: dict[int, tuple[list, list]] = {n: ([], []) for n in range(low, high + 1)}
        for term, column in vocabulary.items():
            parts = term.split(" ")
            if len(parts) not in terms:
                return None
            terms[len(parts)][0].append([words.setdefault(word, len(words)) for word in parts])
            terms[len(parts)][1].append(column)
        if (len(words) + 1) ** high >= 2 ** 63:
            return None
        tables = {}
        for n, (ids, term_columns) in terms.items():
            keys = cls._keys(np.array(ids, dtype=np.int64).reshape(-1, n), len(words))
            order = np.argsort(keys)
            tables[n] = keys[order], np.array(term_columns, dtype=np.int64)[order]
        return cls(words, tables)

    @staticmethod
    def _keys(ids: np.ndarray, width: int) -> np.ndarray:
        keys = np.zeros(len(ids), dtype=np.int64)
        for i in range(ids.shape[1]):
            keys = keys * width + ids[:, i]
        return keys

    def find(self, tokens: list[str], text_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row (``text_of`` the token that starts it) and column of every vocabulary n-gram in ``tokens``.

        N-grams that span two texts, or hold a word that is in no term, are not counted.
        """
        ids = np.fromiter(map(self.words.get, tokens, repeat(-1)), np.int64, len(tokens))
        rows, columns = [], []
        for n, (keys, term_columns) in self.tables.items():
            count = len(ids) - n + 1
            if count <= 0 or not len(keys):
                continue
            window = np.lib.stride_tricks.sliding_window_view(ids, n)
            keep = (window >= 0).all(axis=1) & (text_of[:count] == text_of[n - 1:])
            wanted = self._keys(window, self.width)
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            keep &= keys[at] == wanted
            rows.append(text_of[:count][keep])
            columns.append(term_columns[at[keep]])
        return (np.concatenate(rows), np.concatenate(columns)) if rows else (np.array([], np.int64),) * 2


def _indptr(lengths, count: int) -> np.ndarray:
    indptr = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.fromiter(lengths, np.int64, count), out=indptr[1:])
    return indptr


def _ones(indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=shape)


class _NumberDicts:
    """A fitted ``DictVectorizer`` (then the rest of its pipeline) for dicts of numbers, for a whole batch.

    The same matrix as ``DictVectorizer.transform``, built from the batch's keys and values in
    a few C-level passes instead of a Python loop with type checks per entry; other value types
    (strings, lists, None) go through the pipeline itself.
    """

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.vectorizer = pipeline.steps[0][1]
        self.rest = [step for _, step in pipeline.steps[1:]]

    @staticmethod
    def applies_to(transformer) -> bool:
        steps = getattr(transformer, "steps", None)
        return bool(steps) and isinstance(steps[0][1], DictVectorizer) and steps[0][1].sparse

    def transform(self, dicts: list[dict]):
        values = list(chain.from_iterable(d.values() for d in dicts))
        if not set(map(type, values)) <= {float, int}:
            return self.pipeline.transform(dicts)
        vocabulary = self.vectorizer.vocabulary_
        columns = np.fromiter(map(vocabulary.get, chain.from_iterable(dicts), repeat(-1)), np.int64, len(values))
        rows = np.repeat(np.arange(len(dicts)), list(map(len, dicts)))
        keep = columns >= 0
        X = sp.csr_array((np.asarray(values, dtype=self.vectorizer.dtype)[keep], (rows[keep], columns[keep])),
                         shape=(len(dicts), len(vocabulary)), dtype=self.vectorizer.dtype)
        X.sum_duplicates()  # none (keys are distinct); sorts the indices, as DictVectorizer does
        for step in self.rest:
            X = step.transform(X)
        return X


class _Features:
    """The fitted ColumnTransformer of a model pipeline, with its columns transformed a batch at a time."""

    def __init__(self, column_transformer):
        self.parts = []
        for name, transformer, column in column_transformer.transformers_:
            if transformer == "drop" or (name == "remainder" and not column):
                continue
            fast = _CountingVectorizer(transformer) if isinstance(transformer, TfidfVectorizer) \
                else _NumberDicts(transformer) if _NumberDicts.applies_to(transformer) else None
            self.parts.append((column, fast or transformer))
        self.fitted = [t for _, t, _ in column_transformer.transformers_ if t != "drop"]

    def transform(self, rows: pd.DataFrame) -> sp.csr_matrix:
        blocks = [transformer.transform(rows[column].tolist()) for column, transformer in self.parts]
        return sp.csr_matrix(sp.hstack(blocks, format="csr"))


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
        moves, confidences = model.decide_moves(model.move_model_.named_steps["clf"].predict_proba(X))
        frame_X = X if self.shares_features else self._frames.transform(rows)
        frames = model.decide_frames(model.frame_model_.named_steps["clf"].predict_proba(frame_X))
        return moves, frames, confidences
