"""The codebook's decision rules in both languages, with the shipped lexicon and the rule tagger alone."""
from __future__ import annotations

import pytest

from conftest import tag_one


@pytest.mark.parametrize("text, lang, move", [
    # negation flips a securitizing cue
    ("No vamos a declarar la guerra a nadie.", "es", "desecuritizing"),
    ("We will not declare war on anyone.", "en", "desecuritizing"),
    ("The military will no longer patrol the streets.", "en", "desecuritizing"),
    ("El Ejército ya no va a patrullar las calles.", "es", "desecuritizing"),
    # "not only" adds, it does not negate
    ("No sólo enviamos al Ejército a las calles, también a la frontera.", "es", "securitizing"),
    ("We not only sent the army into the streets but to the border too.", "en", "securitizing"),
    # a mixed sentence takes the move of its main claim
    ("Although he promised hugs, he deployed the army.", "en", "securitizing"),
    ("Aunque prometió abrazos, desplegó al Ejército.", "es", "securitizing"),
    ("Se desplegaron tropas, pero la respuesta de fondo es atender las causas.", "es", "desecuritizing"),
    # a reported move carries the move
    ("The president declared the war over.", "en", "desecuritizing"),
    ("El presidente anunció que enviará al Ejército a combatir a los cárteles.", "es", "securitizing"),
    # the mere topic is not a move
    ("La Guardia Nacional se creó en 2019.", "es", "none"),
    ("Homicides in the state rose by four percent last quarter.", "en", "none"),
])
def test_decision_rules(rules_tagger, text, lang, move):
    assert tag_one(rules_tagger, text, lang)["move"] == move


@pytest.mark.parametrize("text, lang, frame", [
    ("It was a war of words between the two senators.", "en", "war_military"),
    ("Travellers want peace of mind when they book.", "en", "peace_reconciliation"),
    ("Vamos a combatir la pobreza con programas de bienestar.", "es", "war_military"),
    ("El combate a la corrupción es prioridad del gobierno.", "es", "war_military"),
    ("Soldiers delivered vaccines to remote villages.", "en", "war_military"),
])
def test_cue_words_in_unrelated_senses_carry_no_frame(rules_tagger, text, lang, frame):
    record = tag_one(rules_tagger, text, lang)
    assert frame not in record["frames"]
    assert record["move"] == "none" or "pobreza" in text


def test_frames_are_invoked_even_when_negated(rules_tagger):
    record = tag_one(rules_tagger, "Abrazos, no balazos.", "es")
    assert record["move"] == "desecuritizing"
    assert {"peace_reconciliation", "war_military"} <= set(record["frames"])


def test_every_label_has_evidence_spans(rules_tagger):
    text = "No vamos a combatir la violencia con más violencia; vamos a atender las causas de la pobreza."
    record = tag_one(rules_tagger, text, "es")
    labels = {cue["label"] for cue in record["cues"]}
    assert f"move:{record['move']}" in labels or any(c["negated"] for c in record["cues"])
    for frame in record["frames"]:
        assert f"frame:{frame}" in labels
    for cue in record["cues"]:
        assert text[cue["start"]:cue["end"]] == cue["text"]


def test_matching_ignores_case_accents_and_inflection(rules_tagger):
    for text in ["LAS FUERZAS ARMADAS", "las Fuerzas Armadas", "la fuerza armada", "las fuerzas armadas"]:
        assert "war_military" in tag_one(rules_tagger, text, "es")["frames"], text


def test_evidence_spans_match_the_cues_of_every_sentence(rules_tagger):
    text = ("  Abrazos, no balazos.\n\nLas fuerzas armadas combaten al crimen organizado, pero la paz es fruto "
            "de la justicia.  \n  \n")
    doc = rules_tagger.pipeline("es")(text)
    cues = [cue for tag in doc._.desec for cue in tag.cues]
    assert cues and [(s.start_char, s.end_char, s.label_, s.text) for s in doc.spans["desec_evidence"]] == \
        [(c["start"], c["end"], c["label"], c["text"]) for c in cues]
    assert [text[t.start_char:t.end_char] for t in doc._.desec] == [s.text.strip() for s in doc.sents if s.text.strip()]
