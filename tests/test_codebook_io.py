"""Dictionary exchange: quanteda YAML and LIWC .dic dictionaries in and out of codebooks that tag."""
from __future__ import annotations

import json

import pytest
import yaml

from desec_nlp import CodebookError, Tagger, load_codebook
from desec_nlp.codebook import Codebook, Cue, Label
from desec_nlp.codebook_io import (dictionary_entries, export_codebook, import_dictionary, read_liwc_dic,
                                   read_quanteda_yaml)

QUANTEDA = """\
# a quanteda dictionary, as written by as.yaml(dictionary(...))
migration:
  threat:
    - invasion
    - threat*
  economy:
    - taxpayer
    - public services
humanitarian:
  - refuge*
  - asylum seeker
securitizing:
  - stop the boats
"""

LIWC = """\
%
1\tposemo
2\tSocial Words
3\tnegemo
%
happi*\t1
love\t1
friend*\t1\t2
talk\t2
kind of\t2
hate 3
like\t(02 134)125/464
"""


def frames_of(codebook, text: str) -> list[str]:
    [record] = Tagger(codebook, model="rules").tag_texts([text], lang="en")
    return record["frames"]


@pytest.fixture
def quanteda_codebook(tmp_path):
    (tmp_path / "migration.yml").write_text(QUANTEDA)
    result = import_dictionary(tmp_path / "migration.yml", tmp_path / "cb")
    assert result.frames == ["migration_threat", "migration_economy", "humanitarian"]
    assert result.moves_with_cues == ["securitizing"] and result.cues == 7
    return load_codebook(result.path)


def test_quanteda_import_writes_a_codebook_directory(quanteda_codebook, tmp_path):
    assert quanteda_codebook.move_names == ["securitizing", "desecuritizing", "none"]
    assert quanteda_codebook.move_directions == {"securitizing": 1, "desecuritizing": -1, "none": 0}
    lexicon = [json.loads(line) for line in (tmp_path / "cb" / "lexicon" / "en.jsonl").read_text().splitlines()]
    assert {"kind": "frame", "label": "migration_threat", "pattern": [{"NORM": {"REGEX": "^threat"}}]} in lexicon
    assert {"kind": "frame", "label": "migration_economy", "pattern": "public services"} in lexicon
    assert {"kind": "move", "label": "securitizing", "pattern": "stop the boats"} in lexicon


def test_quanteda_codebook_tags_as_expected(quanteda_codebook):
    assert frames_of(quanteda_codebook, "They call it an invasion that threatens us.") == ["migration_threat"]
    assert frames_of(quanteda_codebook, "Refugees and an asylum seeker need shelter.") == ["humanitarian"]
    assert frames_of(quanteda_codebook, "The public service is stretched, say taxpayers.") == ["migration_economy"]
    assert frames_of(quanteda_codebook, "The weather was fine.") == []
    [record] = Tagger(quanteda_codebook, model="rules").tag_texts(["We will stop the boats."], lang="en")
    assert record["move"] == "securitizing"


def test_liwc_import_tags_as_expected(tmp_path):
    (tmp_path / "small.dic").write_text(LIWC)
    categories, skipped = read_liwc_dic(tmp_path / "small.dic")
    assert categories == {"posemo": ["happi*", "love", "friend*"], "Social Words": ["friend*", "talk", "kind of"],
                          "negemo": ["hate"]}
    assert skipped == ["like\t(02 134)125/464"]
    result = import_dictionary(tmp_path / "small.dic", tmp_path / "cb", name="LIWC test")
    assert result.frames == ["posemo", "social_words", "negemo"] and len(result.skipped) == 1
    codebook = load_codebook(result.path)
    assert codebook.name == "LIWC test"
    assert frames_of(codebook, "Their happiness was obvious.") == ["posemo"]
    assert frames_of(codebook, "She loved her friends.") == ["posemo", "social_words"]
    assert frames_of(codebook, "We talked, kind of.") == ["social_words"]
    assert frames_of(codebook, "They hated it.") == ["negemo"]
    assert frames_of(codebook, "Unhappy days.") == []  # a stem matches from the start of the word only


def test_round_trips(quanteda_codebook, tmp_path):
    exported = yaml.safe_load(export_codebook(quanteda_codebook, "quanteda-yaml"))
    assert exported == {"securitizing": ["stop the boats"], "migration_threat": ["invasion", "threat*"],
                        "migration_economy": ["taxpayer", "public services"],
                        "humanitarian": ["refuge*", "asylum seeker"]}
    (tmp_path / "again.yml").write_text(export_codebook(quanteda_codebook, "quanteda-yaml"))
    assert read_quanteda_yaml(tmp_path / "again.yml") == exported
    (tmp_path / "again.dic").write_text(export_codebook(quanteda_codebook, "liwc-dic"))
    again = load_codebook(import_dictionary(tmp_path / "again.dic", tmp_path / "cb2").path)
    assert sorted((c.kind, c.label, json.dumps(c.pattern)) for c in again.cues) == \
        sorted((c.kind, c.label, json.dumps(c.pattern)) for c in quanteda_codebook.cues)


def test_liwc_export_layout(quanteda_codebook):
    lines = export_codebook(quanteda_codebook, "liwc-dic").splitlines()
    assert lines[:9] == ["%", "1\tsecuritizing", "2\tdesecuritizing", "3\tnone", "4\tmigration_threat",
                         "5\tmigration_economy", "6\thumanitarian", "%", "asylum seeker\t6"]
    assert "threat*\t4" in lines and lines == lines[:8] + sorted(lines[8:])


def test_token_patterns_without_a_glob_are_reported():
    cues = (Cue("frame", "war", "army", "en"), Cue("frame", "war", [{"LOWER": "war"}, {"POS": "NOUN"}], "en"),
            Cue("trigger", "negation", "not", "en"))
    codebook = Codebook("t", "1", ("en",), (Label("none"),), "none", (Label("war"),), cues)
    entries, omitted = dictionary_entries(codebook)
    assert entries == {"none": [], "war": ["army"]} and omitted == [cues[1]]
    assert "1 token pattern(s) with no glob equivalent" in export_codebook(codebook, "quanteda-yaml")


def test_import_errors(tmp_path):
    (tmp_path / "bad.dic").write_text("%\n1\tposemo\n%\nhappy\t1\nsad\t2\n")
    with pytest.raises(CodebookError, match=r"bad.dic:5: category id 2 is not declared"):
        import_dictionary(tmp_path / "bad.dic", tmp_path / "out")
    (tmp_path / "two.yml").write_text("Social Words: [talk]\nsocial-words: [chat]\n")
    with pytest.raises(CodebookError, match="both become label 'social_words'"):
        import_dictionary(tmp_path / "two.yml", tmp_path / "out")
    (tmp_path / "ok.yml").write_text("economy: [tax]\n")
    import_dictionary(tmp_path / "ok.yml", tmp_path / "out")
    with pytest.raises(CodebookError, match="already exists"):
        import_dictionary(tmp_path / "ok.yml", tmp_path / "out")
    (tmp_path / "dict.txt").write_text("economy: [tax]\n")
    with pytest.raises(CodebookError, match="cannot tell the dictionary format"):
        import_dictionary(tmp_path / "dict.txt", tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_scheme_exports_still_work(quanteda_codebook):
    assert yaml.safe_load(export_codebook(quanteda_codebook, "yaml"))["frames"][0]["name"] == "migration_threat"
    assert json.loads(export_codebook(quanteda_codebook, "json"))["move"]["default"] == "none"
