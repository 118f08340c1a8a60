"""The codebook is data: the shipped one loads and validates; broken ones fail naming file and field."""
from __future__ import annotations

import pytest

from desec_nlp import CodebookError, load_codebook


def test_shipped_codebook_has_the_scheme(codebook):
    assert codebook.move_names == ["securitizing", "desecuritizing", "none"]
    assert len(codebook.frame_names) == 8 and "war_military" in codebook.frame_names
    assert codebook.move_directions == {"securitizing": 1, "desecuritizing": -1, "none": 0}
    assert codebook.default_move == "none"


def test_shipped_lexicon_is_rich_in_both_languages(codebook):
    for lang in ("es", "en"):
        cues = codebook.cues_for(lang)
        for frame in codebook.frame_names:
            assert sum(c.kind == "frame" and c.label == frame for c in cues) >= 15, (lang, frame)
        for kind in ("negation", "contrast", "reporting"):
            assert any(c.kind == "trigger" and c.label == kind for c in cues), (lang, kind)
        assert any(c.kind == "block" for c in cues)


def test_required_idioms_are_cues(codebook):
    phrases = {str(c.pattern).lower() for c in codebook.cues}
    for idiom in ["guerra contra el narco", "mano dura", "atender las causas", "war on drugs", "root causes"]:
        assert any(idiom in p for p in phrases), idiom


@pytest.mark.parametrize("name, field", [
    ("missing_frames.yaml", "frames"),
    ("duplicate_label.yaml", "duplicated"),
    ("bad_example.yaml", "examples[0].move"),
    ("bad_lexicon.yaml", "warfare"),
    ("bad_regex.yaml", "invalid regular expression"),
    ("empty_lexicon.yaml", "no cues"),
])
def test_broken_codebook_names_file_and_field(data_dir, name, field):
    with pytest.raises(CodebookError) as info:
        load_codebook(data_dir / "broken" / name)
    assert name.split(".")[0] in str(info.value) and field in str(info.value)


def test_broken_lexicon_names_the_line(data_dir):
    with pytest.raises(CodebookError, match=r"bad_lexicon.jsonl:2"):
        load_codebook(data_dir / "broken" / "bad_lexicon.yaml")


def test_missing_codebook_file(tmp_path):
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_fingerprint_changes_with_the_labels(codebook, data_dir):
    other = load_codebook(data_dir / "mini_codebook" / "codebook.yaml")
    assert other.fingerprint != codebook.fingerprint
