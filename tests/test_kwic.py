"""KWIC: accent- and case-insensitive terms, whole words, regexes, label cue spans re-anchored in the sentence."""
from __future__ import annotations


import pandas as pd
import pytest

from desec_nlp import Tagger
from desec_nlp.documents import Document
from desec_nlp.errors import InputError
from desec_nlp.kwic import format_kwic, kwic, pick_examples, sentence_cue_spans, strip_accents

DOC = "Hola amigos. Vamos a declarar la guerra con el Ejército. Abrazos, no balazos."



@pytest.fixture(scope="module")
def records(mini):
    """Real tagger output (document offsets in cues) plus hand-made rows."""
    tagged = list(Tagger(mini, model="rules").tag_documents(
        [Document("d1", DOC, meta={"date": "2008-05-05", "source": "Presidencia"})], lang="es"))
    extra = [{"id": "d2:0", "doc_id": "d2", "text": "La GUERRILLA no es una guerra; el ejercito tampoco.",
              "move": "none", "frames": [], "cues": [], "date": "2001-01-01", "source": "Diario"},
             {"id": "d3:0", "doc_id": "d3", "text": "Sin evidencia explícita, pero con el marco.", "move": "none",
              "frames": ["war_military"], "cues": [], "date": "2019-01-01", "speaker": "Vocero"}]
    return pd.DataFrame(tagged + extra)


def test_strip_accents_keeps_a_map_to_the_original():
    folded, origin = strip_accents("Ejército Peña")
    assert folded == "Ejercito Pena" and len(origin) == len(folded) and origin[3] == 3


def test_term_is_case_and_accent_insensitive_and_whole_word(records):
    lines = kwic(records, "ejercito")
    assert list(lines["match"]) == ["ejercito", "Ejército"]  # sorted by date
    assert list(lines["date"]) == ["2001-01-01", "2008-05-05"]
    assert list(kwic(records, "guerra")["match"]) == ["guerra", "guerra"]  # not "GUERRILLA"
    assert lines.iloc[1]["left"].endswith("la guerra con el ") and lines.iloc[1]["right"] == "."


def test_regex_and_bad_regex(records):
    assert list(kwic(records, r"guerr\w+", regex=True)["match"]) == ["GUERRILLA", "guerra", "guerra"]
    with pytest.raises(InputError, match="not a valid regular expression"):
        kwic(records, "guerr(a", regex=True)


def test_label_shows_its_cue_spans(records, mini):
    lines = kwic(records, "war_military", mini)
    assert list(lines["match"]) == ["guerra", "Ejército", ""]  # the last sentence has the label but no cue
    assert set(lines["label"]) == {"war_military"}
    assert lines.iloc[0]["source"] == "Presidencia" and lines.iloc[2]["speaker"] == "Vocero"
    assert list(kwic(records, "securitizing", mini)["match"]) == ["declarar la guerra"]
    # as_term searches the text for the word instead
    assert kwic(records, "securitizing", mini, as_term=True).empty


def test_cue_offsets_are_re_anchored_in_the_sentence(records):
    row = records[records["text"].str.startswith("Vamos")].iloc[0]
    assert row["cues"][0]["start"] == DOC.index("declarar") != row["text"].index("declarar")  # document offsets
    spans = sentence_cue_spans(row["text"], row["cues"])
    assert [(row["text"][s:e], label) for s, e, label, _ in spans] == [
        ("declarar la guerra", "move:securitizing"), ("guerra", "frame:war_military"),
        ("Ejército", "frame:war_military")]
    # a cue whose offset does not fit falls back to its first occurrence
    assert sentence_cue_spans("no a la guerra", [{"label": "frame:war_military", "text": "guerra",
                                                   "start": 999, "end": 1005}]) == [(8, 14, "frame:war_military",
                                                                                    False)]


def test_format_kwic_lines(records, mini):
    text = format_kwic(kwic(records, "war_military", mini), width=20)
    lines = text.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("2008-05-05  Presidencia") and "[guerra]" in lines[0]
    assert "[no cue]" in lines[2] and "Vocero" in lines[2]
    assert format_kwic(kwic(records, "nada que ver")) == ""


def test_pick_examples_prefers_sentences_with_cues_and_is_reproducible(records, mini):
    examples = pick_examples(records, mini, per_label=1, seed=3)
    chosen = dict(zip(examples["example_label"], examples["text"]))
    assert chosen["war_military"].startswith("Vamos")  # has a war cue; d3 has the label without one
    assert chosen["desecuritizing"].startswith("Abrazos")
    assert list(examples["example_label"]) == ["securitizing", "desecuritizing", "war_military",
                                               "peace_reconciliation"]
    assert examples.equals(pick_examples(records, mini, per_label=1, seed=3))
    assert len(pick_examples(records, mini, per_label=5)[lambda d: d["example_label"] == "war_military"]) == 2


def test_label_lists_cue_spans_before_sentences_without_a_cue(records, mini):
    model_only = {"id": "d4:0", "doc_id": "d4", "text": "Una decisión del modelo.", "move": "none",
                        "frames": ["war_military"], "cues": [], "date": "1999-01-01", "source": "Archivo"}
    lines = kwic(pd.concat([records, pd.DataFrame([model_only])], ignore_index=True), "war_military", mini)
    assert list(lines["match"]) == ["guerra", "Ejército", "", ""]
    assert list(lines["date"]) == ["2008-05-05", "2008-05-05", "1999-01-01", "2019-01-01"]
    assert format_kwic(lines.head(2)).count("[no cue]") == 0  # --limit 2 shows the evidence
