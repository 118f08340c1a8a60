"""Build the spaCy pipeline for one language from a codebook.

blank(lang) → desec_normalizer (lookup lemmas, NORM) → desec_cue_ruler (a SpanRuler: the
lexicon's cues, matched on NORM) → paragraph breaks → sentencizer → desec_rules.
No trained spaCy model is needed; nothing is downloaded.
"""
from __future__ import annotations

import warnings

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the factories)
from .codebook import Codebook
from .components import CUES_KEY


def build_pipeline(codebook: Codebook, lang: str) -> Language:
    """Return a spaCy ``Language`` that tags sentences per ``codebook`` in ``lang``."""
    nlp = spacy.blank(lang)
    nlp.max_length = 50_000_000
    nlp.add_pipe("desec_normalizer")
    ruler = nlp.add_pipe("desec_cue_ruler", name=CUES_KEY, config={"phrase_matcher_attr": "NORM", "validate": True})
    patterns = [{"label": cue.ruler_label, "pattern": cue.pattern} for cue in codebook.cues_for(lang)]
    patterns += [{"label": f"clause:{kind}", "pattern": marker}
                 for kind in ("concessive", "adversative")
                 for marker in getattr(codebook.rules, kind)]
    with warnings.catch_warnings():
        # W012: the pattern docs carry lemmas, which is exactly what matching on NORM needs.
        warnings.filterwarnings("ignore", message=r".*\[W012\]")
        ruler.add_patterns(patterns)
    nlp.add_pipe("desec_paragraph_breaks")
    nlp.add_pipe("sentencizer")  # after the ruler, so pattern docs are not "parsed" (spaCy W012)
    nlp.add_pipe("desec_rules", config={
        "directions": codebook.move_directions,
        "default_move": codebook.default_move,
        "negation_window": codebook.rules.negation_window,
    })
    return nlp
