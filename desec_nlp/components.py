"""spaCy pipeline components: a lemma normaliser, the cue ruler and the rule tagger.

All are registered factories with JSON-serialisable configs, so a pipeline
saved with ``nlp.to_disk`` carries its rules (the cue patterns travel with the
cue ruler, a SpanRuler) and reloads without the codebook file.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, LOWER, NORM, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import load_language_data, registry

from .rules import CueHit, SentenceTag, clause_weights, decide_move, drop_blocked, is_negated

CUES_KEY = "desec_cues"
EVIDENCE_KEY = "desec_evidence"
CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}
_BREAK_IDS = np.array([get_string_id(b) for b in sorted(CLAUSE_BREAKS)], dtype="uint64")

for _extension in ("desec", CUES_KEY):
    if not Doc.has_extension(_extension):
        Doc.set_extension(_extension, default=None)


def strip_accents(text: str) -> str:
    """Lower-case ``text`` and remove diacritics, so "Ejército" and "ejercito" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lemma_table(lang: str) -> dict[str, str]:
    """The lemma lookup table of spacy-lookups-data for ``lang`` as a plain dict ({} when there is none).

    What ``spacy.lookups.load_lookups`` reads, without copying it into a ``Table``: that re-hashes
    every one of the hundreds of thousands of forms and cost seconds of every start-up.
    """
    data = registry.lookups.get(lang) if lang in registry.lookups else {}
    return load_language_data(data["lemma_lookup"]) if "lemma_lookup" in data else {}


class Normalizer:
    """Set ``token.lemma_`` (lookup table of spacy-lookups-data) and ``token.norm_`` (lemma without accents).

    Matching cues on NORM makes them case-, accent- and inflection-insensitive in
    one attribute, with the same function applied to patterns and to text.
    """

    def __init__(self, lang: str):
        self._table = lemma_table(lang)

        vowels = "aeiouáéíóú"

        @lru_cache(maxsize=200_000)
        def normalise(lower: str) -> tuple[str, str]:
            lemma = self._table.get(lower, lower) if self._table else lower
            if not isinstance(lemma, str):
                lemma = lower
            if lemma != lower and lower:
                # The lookup table has one lemma per form, often a verb reading ("fuerza" -> "forzar").
                # A word that is the lemma of its own plural is a noun here: keep it, so singular
                # and plural match the same cue ("fuerza armada", "fuerzas armadas").
                plural = lower + ("es" if lang == "es" and lower[-1] not in vowels else "s")
                if self._table.get(plural) == lower:
                    lemma = lower
            return lemma, strip_accents(lemma)

        self._normalise = normalise
        self._hashes: dict[int, tuple[int, int]] = {}  # hash of a lower-case form -> hashes of (lemma, norm)

    def __call__(self, doc: Doc) -> Doc:
        # Vectorised over the doc's distinct forms: one table lookup per new form, one array write
        # for all tokens (setting ``token.lemma_`` token by token was the pipeline's hot spot).
        if not len(doc):
            return doc
        forms, inverse = np.unique(doc.to_array(LOWER), return_inverse=True)
        pairs = self._hashes
        strings = doc.vocab.strings
        values = np.empty((len(forms), 2), dtype="uint64")
        for row, form in enumerate(forms.tolist()):
            pair = pairs.get(form)
            if pair is None:
                lemma, norm = self._normalise(strings[form])
                pair = pairs[form] = (strings.add(lemma), strings.add(norm))
            values[row] = pair
        doc.from_array([LEMMA, NORM], values[inverse.reshape(-1)])
        return doc


@Language.component("desec_paragraph_breaks")
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: readers put one paragraph, heading or list item per line."""
    if len(doc) < 2:
        return doc
    after_break = [i + 1 for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist() if "\n" in doc[i].text]
    if after_break:
        # One array write: the token setter re-scans the whole doc for a parse on every call.
        starts = doc.to_array([SENT_START])
        starts[after_break] = 1
        doc.from_array([SENT_START], starts)
    return doc


@Language.factory("desec_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp.lang)


class CueRuler(SpanRuler):
    """spaCy's SpanRuler (same patterns, matching and serialisation) that keeps its matches as plain tuples.

    Writes ``doc._.desec_cues``: the distinct ``(start, end, label)`` of the matches, in the order
    the SpanRuler sorts its spans. The rule tagger needs nothing more, and building a spaCy
    ``Span`` per match (then reading it back) cost it eight times what matching does.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sort_keys: dict[int, tuple[int, int, str]] = {}  # match id -> (label hash, span id hash, label)

    def __call__(self, doc: Doc) -> Doc:
        self._require_patterns()
        matches = []
        for matcher in (self.matcher, self.phrase_matcher):
            if len(matcher):  # an empty matcher warns (W036) on every doc
                matches.extend(matcher(doc))
        keys = self._sort_keys
        distinct = {(start, end) + (keys.get(m) or self._sort_key(m)) for m, start, end in matches if start != end}
        # Spans sort by (start_char, end_char, label hash, kb_id, span id hash); token offsets order as characters do
        doc._.desec_cues = [(start, end, label) for start, end, _, _, label in sorted(distinct)]
        return doc

    def _sort_key(self, match_id: int) -> tuple[int, int, str]:
        # a match id is the hash of its (label, id) pair, so what it maps to never changes
        entry = self._match_label_id_map[match_id]
        key = self._sort_keys[match_id] = (get_string_id(entry["label"]), get_string_id(entry["id"]), entry["label"])
        return key


@Language.factory("desec_cue_ruler", default_config={"phrase_matcher_attr": None, "validate": False})
def make_cue_ruler(nlp: Language, name: str, phrase_matcher_attr: str | None, validate: bool) -> CueRuler:
    return CueRuler(nlp, name, spans_key=None, phrase_matcher_attr=phrase_matcher_attr, validate=validate,
                    scorer=None)


class _Sentence(NamedTuple):
    """A sentence's token range ``[start, end)`` without leading or trailing space, and its character range."""

    start: int
    end: int
    start_char: int
    end_char: int


class RuleTagger:
    """Apply the codebook's decision rules to the cues of each sentence.

    Reads the cue ruler's ``doc._.desec_cues``; writes ``doc._.desec``: one
    :class:`~desec_nlp.rules.SentenceTag` per sentence (the whole doc when no sentence
    boundaries are set, i.e. ``--unit row``), and ``doc.spans["desec_evidence"]``: the cue
    spans that back the labels.
    """

    def __init__(self, directions: dict[str, int], default_move: str, negation_window: int):
        self.directions = directions
        self.default_move = default_move
        self.negation_window = negation_window

    def __call__(self, doc: Doc) -> Doc:
        context = _DocArrays(doc)
        sentences = context.sentences(doc.has_annotation("SENT_START"))
        by_sentence: list[list[CueHit]] = [[] for _ in sentences]
        starts = [sent.start for sent in sentences]
        # Each hit belongs to the (trimmed, non-overlapping) sentence that starts at or before it,
        # if it also ends inside it; a bisection instead of a scan of every hit for every sentence.
        for start, end, full_label in doc._.desec_cues or ():
            k = bisect_right(starts, start) - 1
            if k >= 0 and end <= sentences[k].end:
                kind, label = full_label.split(":", 1)
                by_sentence[k].append(CueHit(kind, label, start, end))
        tags, evidence = [], []
        for sent, hits in zip(sentences, by_sentence):
            tag, cited = self.tag_sentence(sent, hits, context)
            tags.append(tag)
            evidence.extend(Span(doc, h.start, h.end, cue["label"]) for h, cue in zip(cited, tag.cues))
        doc.spans[EVIDENCE_KEY] = evidence
        doc._.desec = tags
        return doc

    def tag_sentence(self, sent: _Sentence, hits: list[CueHit], context: "_DocArrays") \
            -> tuple[SentenceTag, list[CueHit]]:
        """The sentence's tag, and the hits behind its cues (``tag.cues`` in the same order)."""
        length_key = f"length:{min((sent.end - sent.start) // 10, 6)}"
        if not hits:  # most sentences: no cue, so no rule to apply (same result as the general path)
            return SentenceTag(sent.start_char, sent.end_char, self.default_move, [], 1.0, [],
                               {length_key: 1.0, f"rule_move:{self.default_move}": 1.0},
                               context.norm_text(sent.start, sent.end)), []
        hits = drop_blocked(hits)
        negators = [h for h in hits if h.kind == "trigger" and h.label == "negation"]
        concessive = [h for h in hits if h.kind == "clause" and h.label == "concessive"]
        adversative = [h for h in hits if h.kind == "clause" and h.label == "adversative"]
        breaks = context.breaks_in(sent.start, sent.end)
        labelled = [h for h in hits if h.kind in ("move", "frame")]
        negator_ends = sorted(h.end for h in negators)
        negated = {h for h in labelled if is_negated(h, negator_ends, self.negation_window, breaks)}
        weights = clause_weights(labelled, concessive, adversative, breaks)
        move, confidence, scores = decide_move(labelled, weights, negated, self.directions, self.default_move)
        frames = sorted({h.label for h in labelled if h.kind == "frame"})
        cues = [{"label": f"{h.kind}:{h.label}", "text": context.text(h.start, h.end),
                 "start": context.start_char(h.start), "end": context.end_char(h.end), "negated": h in negated}
                for h in labelled]
        features = {length_key: 1.0}
        for h in hits:
            key = f"{h.kind}:{h.label}"
            features[key] = features.get(key, 0.0) + 1.0
        for h in negated:
            key = f"negated:{h.kind}:{h.label}"
            features[key] = features.get(key, 0.0) + 1.0
        for label, score in scores.items():
            features[f"score:{label}"] = score
        features[f"rule_move:{move}"] = 1.0
        return SentenceTag(sent.start_char, sent.end_char, move, frames, confidence, cues, features,
                           context.norm_text(sent.start, sent.end)), labelled


class _DocArrays:
    """Per-doc token attributes read once as arrays, so sentences need no per-token Python loop.

    ``sentences``: the sentence ranges without surrounding space; ``breaks``: sorted indices of
    clause-break tokens; ``norm_text(start, end)``: the NORMs of the non-space tokens in
    ``[start, end)`` joined by spaces; ``text(start, end)``, ``start_char(start)`` and
    ``end_char(end)``: the text and character offsets of a token range.
    """

    def __init__(self, doc: Doc):
        self.strings = doc.vocab.strings
        values = doc.to_array([ORTH, NORM, IS_SPACE, IDX, LENGTH, SENT_START, SPACY]) if len(doc) \
            else np.zeros((0, 7), dtype="uint64")
        orth, norm, space = values[:, 0], values[:, 1], values[:, 2].astype(bool)
        self._orth, self._spacy = orth.tolist(), values[:, 6].tolist()
        self._idx, self._length, self._sent_start = values[:, 3], values[:, 4], values[:, 5]
        self._starts, self._ends = self._idx.tolist(), (self._idx + self._length).tolist()
        self.breaks = np.flatnonzero((orth[:, None] == _BREAK_IDS).any(axis=1)).tolist()
        self._kept = np.flatnonzero(~space)  # the non-space tokens
        # one string look-up per distinct NORM (words repeat), then a C-level gather for every token
        distinct, inverse = np.unique(norm[self._kept], return_inverse=True)
        self._norms = np.array([self.strings[h] for h in distinct.tolist()], dtype=object)[inverse].tolist()
        # position in ``_norms`` of the first non-space token at or after each token index
        self._offsets = np.concatenate([[0], np.cumsum(~space)]).tolist()

    def sentences(self, split: bool) -> list[_Sentence]:
        """The sentences (``doc.sents``, or the whole doc without ``split``), leading and trailing space dropped."""
        n = len(self._idx)
        if not n:
            return []
        starts = np.concatenate([[0], np.flatnonzero(self._sent_start[1:] == 1) + 1 if split else []]).astype(np.int64)
        ends = np.append(starts[1:], n)
        kept = self._kept
        first = np.searchsorted(kept, starts)  # first non-space token of each sentence (if inside it)
        last = np.searchsorted(kept, ends) - 1  # last one
        nonempty = first <= last
        first, last = kept[first[nonempty]], kept[last[nonempty]]
        start_chars = self._idx[first]
        end_chars = self._idx[last] + self._length[last]
        return list(map(_Sentence._make, zip(first.tolist(), (last + 1).tolist(), start_chars.tolist(),
                                             end_chars.tolist())))

    def breaks_in(self, start: int, end: int) -> list[int]:
        return self.breaks[bisect_left(self.breaks, start):bisect_left(self.breaks, end)]

    def norm_text(self, start: int, end: int) -> str:
        return " ".join(self._norms[self._offsets[start]:self._offsets[end]])

    def start_char(self, start: int) -> int:
        return self._starts[start]

    def end_char(self, end: int) -> int:
        return self._ends[end - 1]

    def text(self, start: int, end: int) -> str:
        """The text of tokens ``[start, end)``, as ``doc[start:end].text`` (without building Tokens)."""
        strings, orth, spacy = self.strings, self._orth, self._spacy
        last = end - 1  # most cues are one token: no join
        return "".join([strings[orth[i]] + (" " if spacy[i] else "") for i in range(start, last)]) + strings[orth[last]]


@Language.factory(
    "desec_rules",
    default_config={"directions": {}, "default_move": "none", "negation_window": 4},
)
def make_rule_tagger(nlp: Language, name: str, directions: dict, default_move: str,
                     negation_window: int) -> RuleTagger:
    return RuleTagger(directions, default_move, negation_window)
