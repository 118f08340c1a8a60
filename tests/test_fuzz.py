"""Hostile text never raises, and outputs stay valid JSONL and CSV whatever the text holds."""
from __future__ import annotations

import csv
import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desec_nlp import Document, ReadOptions, read_documents
from desec_nlp.writers import records_to_string

NASTY = ["\u200b", "\u200f", "\u202e", "\ufeff", "\x00", "\x07", "\r", "\n", "\t", "😀", "🇲🇽", "\u0301",
         "\"", ",", ";", "\\", "---\n", "**X:**", "<p>", "ﬁ"]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(NASTY + ["guerra", "war", "no", "paz", " ", "."]), max_size=60).map("".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, lang=st.sampled_from(["es", "en", "auto"]))
def test_tagger_survives_any_text_and_output_stays_parseable(rules_tagger, codebook, text, lang):
    records = rules_tagger.tag_texts([text], lang=lang, unit="sentence")
    for record in records:
        assert record["move"] in codebook.move_names
        assert set(record["frames"]) <= set(codebook.frame_names)
    jsonl = records_to_string(records, "jsonl", codebook.frame_names)
    assert [json.loads(line)["id"] for line in jsonl.split("\n") if line] == [r["id"] for r in records]
    rows = list(csv.DictReader(io.StringIO(records_to_string(records, "csv", codebook.frame_names))))
    assert [row["text"] for row in rows] == [r["text"] for r in records]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_readers_survive_any_file_content(tmp_path, text):
    for suffix in (".txt", ".md", ".html", ".csv", ".jsonl"):
        path = tmp_path / f"f{suffix}"
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        for item in read_documents([str(path)], ReadOptions()):
            assert isinstance(item, Document) or item.reason


def test_a_megabyte_without_punctuation(rules_tagger):
    text = ("la guerra no termina " * 50_000)[:1_000_000]
    [record] = rules_tagger.tag_texts([text], lang="es", unit="row")
    assert record["move"] in ("securitizing", "desecuritizing", "none")
    assert "war_military" in record["frames"]


def test_mixed_languages_in_one_document(rules_tagger):
    records = rules_tagger.tag_texts(["Abrazos, no balazos. The war on drugs failed. Paz."], lang="auto",
                                     unit="sentence")
    assert len(records) == 3 and all(r["lang"] == records[0]["lang"] for r in records)
