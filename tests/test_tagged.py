"""Reading tagged outputs: JSONL, CSV (as `desec classify` writes it), Parquet, partitioned Parquet; clear errors."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from desec_nlp.errors import InputError
from desec_nlp.tagged import normalise_tagged, read_tagged
from desec_nlp.writers import records_to_string

FRAMES = ["war_military", "peace_reconciliation"]
RECORDS = [
    {"id": "d1:0", "doc_id": "d1", "sent_index": 0, "text": "Declaramos la guerra; NA", "lang": "es",
     "move": "securitizing", "frames": ["war_military"], "confidence": 0.9,
     "cues": [{"label": "frame:war_military", "text": "guerra", "start": 14, "end": 20, "negated": False}],
     "date": "2008-01-02", "speaker": "FCH"},
    {"id": "d2:0", "doc_id": "d2", "sent_index": 0, "text": "Abrazos y paz.", "lang": "es",
     "move": "desecuritizing", "frames": ["peace_reconciliation", "war_military"], "confidence": 0.8, "cues": [],
     "date": "2020-01-02", "speaker": "AMLO"},
]


def _check(df: pd.DataFrame) -> None:
    assert len(df) == 2
    assert list(df["frames"]) == [["war_military"], ["peace_reconciliation", "war_military"]]
    assert df["cues"].iloc[0][0]["text"] == "guerra" and df["cues"].iloc[1] == []
    assert list(df["doc_id"]) == ["d1", "d2"] and df["text"].iloc[0].endswith("NA")


def test_jsonl(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(records_to_string(RECORDS, "jsonl", FRAMES), encoding="utf-8")
    _check(read_tagged(path))


def test_csv_as_classify_writes_it(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(records_to_string(RECORDS, "csv", FRAMES), encoding="utf-8")
    df = read_tagged([path])
    _check(df)
    assert df["confidence"].tolist() == [0.9, 0.8]


def test_parquet_file_and_partitioned_directory(tmp_path):
    table = pd.DataFrame(RECORDS)
    table.to_parquet(tmp_path / "t.parquet")
    _check(read_tagged(tmp_path / "t.parquet"))
    table.to_parquet(tmp_path / "parts", partition_cols=["speaker"])
    df = read_tagged(tmp_path / "parts").sort_values("doc_id", ignore_index=True)
    _check(df)
    assert list(df["speaker"]) == ["FCH", "AMLO"]


def test_several_files_are_concatenated(tmp_path):
    (tmp_path / "a.jsonl").write_text(records_to_string(RECORDS[:1], "jsonl", FRAMES), encoding="utf-8")
    (tmp_path / "b.csv").write_text(records_to_string(RECORDS[1:], "csv", FRAMES), encoding="utf-8")
    _check(read_tagged([tmp_path / "a.jsonl", tmp_path / "b.csv"]))


def test_jsonl_record_without_move_names_file_and_line(tmp_path):
    path = tmp_path / "t.jsonl"
    bad = {k: v for k, v in RECORDS[1].items() if k != "move"}
    path.write_text(json.dumps(RECORDS[0]) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_tagged(path)
    assert info.value.line == 3 and "['move']" in str(info.value) and str(path) in str(info.value)


def test_jsonl_text_with_unicode_line_separators_is_one_record(tmp_path):
    """desec classify writes U+2028 and U+0085 unescaped (valid JSON); they do not end a record."""
    record = {**RECORDS[0], "text": "Primera parte\u2028segunda\u0085tercera"}
    path = tmp_path / "t.jsonl"
    path.write_text(records_to_string([record, RECORDS[1]], "jsonl", FRAMES), encoding="utf-8")
    table = read_tagged(path)
    assert len(table) == 2 and table["text"].iloc[0] == record["text"]


def test_bad_json_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.jsonl:2: malformed JSON"):
        read_tagged(path)


def test_csv_missing_columns_names_the_header_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("doc_id,text\nd1,hola\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t.csv:1: missing column\(s\) \['move', 'frames'\]"):
        read_tagged(path)


@pytest.mark.parametrize("name, message", [("t.txt", "unknown tagged-file type"), ("nope.jsonl", "no such file")])
def test_unreadable_inputs(tmp_path, name, message):
    if name == "t.txt":
        (tmp_path / name).write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_tagged(tmp_path / name)


def test_directory_without_parquet_and_empty_input(tmp_path):
    with pytest.raises(InputError, match="must hold Parquet files"):
        read_tagged(tmp_path)
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="hold no records"):
        read_tagged(tmp_path / "empty.jsonl")


def test_records_built_in_memory_are_normalised():
    df = normalise_tagged(pd.DataFrame({"doc_id": [1], "text": ["x"], "move": ["none"], "frames": ["a;b"]}))
    assert df["doc_id"].tolist() == ["1"] and df["frames"].tolist() == [["a", "b"]] and df["cues"].tolist() == [[]]
    with pytest.raises(InputError, match=r"missing column\(s\) \['frames'\]"):
        normalise_tagged(pd.DataFrame({"doc_id": [1], "text": ["x"], "move": ["none"]}))
