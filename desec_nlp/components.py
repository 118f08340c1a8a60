"""spaCy pipeline components: a lemma normaliser and the rule tagger.

Both are registered factories with JSON-serialisable configs, so a pipeline
saved with ``nlp.to_disk`` carries its rules (the cue patterns travel with the
SpanRuler) and reloads without the codebook file.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

from .rules import CueHit, SentenceTag, clause_weights, decide_move, drop_blocked, is_negated

CUES_KEY = "desec_cues"
EVIDENCE_KEY = "desec_evidence"
CLAUSE_BREAKS = {",", ";", ":", "—", "–", "(", ")"}

if not Doc.has_extension("desec"):
    Doc.set_extension("desec", default=None)


def strip_accents(text: str) -> str:
    """Lower-case ``text`` and remove diacritics, so "Ejército" and "ejercito" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Normalizer:
    """Set ``token.lemma_`` (lookup table of spacy-lookups-data) and ``token.norm_`` (lemma without accents).

    Matching cues on NORM makes them case-, accent- and inflection-insensitive in
    one attribute, with the same function applied to patterns and to text.
    """

    def __init__(self, lang: str):
        lookups = load_lookups(lang, ["lemma_lookup"], strict=False)
        table = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else {}
        self._table = table

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

    def __call__(self, doc: Doc) -> Doc:
        normalise = self._normalise
        for token in doc:
            lemma, norm = normalise(token.lower_)
            token.lemma_ = lemma
            token.norm_ = norm
        return doc


@Language.component("desec_paragraph_breaks")
def mark_paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: readers put one paragraph, heading or list item per line."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory("desec_normalizer")
def make_normalizer(nlp: Language, name: str) -> Normalizer:
    return Normalizer(nlp.lang)


def _trim_space(span):
    """Drop leading and trailing whitespace tokens; None when nothing but whitespace is left."""
    start, end = span.start, span.end
    while start < end and span.doc[start].is_space:
        start += 1
    while end > start and span.doc[end - 1].is_space:
        end -= 1
    return span.doc[start:end] if end > start else None


class RuleTagger:
    """Apply the codebook's decision rules to the cue spans of each sentence.

    Writes ``doc._.desec``: one :class:`~desec_nlp.rules.SentenceTag` per sentence
    (the whole doc when no sentence boundaries are set, i.e. ``--unit row``), and
    ``doc.spans["desec_evidence"]``: the cue spans that back the labels.
    """

    def __init__(self, directions: dict[str, int], default_move: str, negation_window: int):
        self.directions = directions
        self.default_move = default_move
        self.negation_window = negation_window

    def __call__(self, doc: Doc) -> Doc:
        sentences = [trimmed for sent in (doc.sents if doc.has_annotation("SENT_START") else [doc[:]])
                     if (trimmed := _trim_space(sent)) is not None]
        all_hits = [
            CueHit(*span.label_.split(":", 1), span.start, span.end, span.start_char, span.end_char, span.text)
            for span in doc.spans.get(CUES_KEY, [])
        ]
        tags, evidence = [], []
        for sent in sentences:
            hits = [h for h in all_hits if sent.start <= h.start and h.end <= sent.end]
            tag = self.tag_sentence(doc, sent, hits)
            tags.append(tag)
            evidence.extend(doc.char_span(c["start"], c["end"], label=c["label"], alignment_mode="expand")
                            for c in tag.cues)
        doc.spans[EVIDENCE_KEY] = [span for span in evidence if span is not None]
        doc._.desec = tags
        return doc

    def tag_sentence(self, doc: Doc, sent, hits: list[CueHit]) -> SentenceTag:
        hits = drop_blocked(hits)
        negators = [h for h in hits if h.kind == "trigger" and h.label == "negation"]
        concessive = [h for h in hits if h.kind == "clause" and h.label == "concessive"]
        adversative = [h for h in hits if h.kind == "clause" and h.label == "adversative"]
        breaks = [t.i for t in sent if t.text in CLAUSE_BREAKS]
        labelled = [h for h in hits if h.kind in ("move", "frame")]
        negator_ends = sorted(h.end for h in negators)
        negated = {h for h in labelled if is_negated(h, negator_ends, self.negation_window, breaks)}
        weights = clause_weights(labelled, concessive, adversative, breaks)
        move, confidence, scores = decide_move(labelled, weights, negated, self.directions, self.default_move)
        frames = sorted({h.label for h in labelled if h.kind == "frame"})
        cues = [{"label": f"{h.kind}:{h.label}", "text": h.text, "start": h.start_char, "end": h.end_char,
                 "negated": h in negated} for h in labelled]
        features = {f"length:{min(len(sent) // 10, 6)}": 1.0}
        for h in hits:
            key = f"{h.kind}:{h.label}"
            features[key] = features.get(key, 0.0) + 1.0
        for h in negated:
            key = f"negated:{h.kind}:{h.label}"
            features[key] = features.get(key, 0.0) + 1.0
        for label, score in scores.items():
            features[f"score:{label}"] = score
        features[f"rule_move:{move}"] = 1.0
        norm_text = " ".join(t.norm_ for t in sent if not t.is_space)
        return SentenceTag(sent.start_char, sent.end_char, move, frames, confidence, cues, features, norm_text)


@Language.factory(
    "desec_rules",
    default_config={"directions": {}, "default_move": "none", "negation_window": 4},
)
def make_rule_tagger(nlp: Language, name: str, directions: dict, default_move: str,
                     negation_window: int) -> RuleTagger:
    return RuleTagger(directions, default_move, negation_window)
