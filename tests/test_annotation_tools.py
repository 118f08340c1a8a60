"""Export → (tool-shaped edits) → import round trips for Label Studio, doccano and CSV.

The "tool" files are built the way each tool writes them: Label Studio's JSON export
(tasks with ``id``, ``data``, ``annotations[]`` with ``result[]``, ``completed_by``,
``was_cancelled``, and the ``predictions`` it was given); doccano's JSONL export of an
Intent Detection and Slot Filling project (a zip with one ``<username>.jsonl`` per member,
rows ``{"id", "text", **meta, "entities", "cats", "Comments"}``, every example listed for
every member, unlabelled ones with empty lists).
"""
from __future__ import annotations

import copy
import csv
import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from desec_nlp import InputError, Tagger, load_codebook
from desec_nlp.annotation_tools import (doccano_label_types, export_for_tool, import_annotations, sentence_cues,
                                        tagged_records, to_label_studio)
from desec_nlp.documents import Document

MINI = Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml"
TEXT = "The government will deploy the army in the north. There will be no war, only hugs and peace of mind."


@pytest.fixture(scope="module")
def codebook(mini):
    """These tests use the small codebook under the shared fixture's name."""
    return mini


@pytest.fixture(scope="module")
def records(codebook):
    """Two tagged sentences of one document: cue offsets are relative to the document."""
    tagger = Tagger(codebook, model="rules")
    doc = Document("speech1", TEXT, {"date": "2020-05-01", "speaker": "Minister", "genre": "speech"})
    return [r for r in tagger.tag_documents([doc], lang="en")]


def expected(record: dict, annotator: str) -> dict:
    """What an untouched record must come back as: same labels, cues relative to the sentence, metadata kept.

    Imports list frames in codebook order and cues by position (order carries no information).
    """
    meta = {k: v for k, v in record.items() if k not in ("id", "text", "move", "frames", "cues", "confidence")}
    frames = [f for f in load_codebook(MINI).frame_names if f in record["frames"]]
    cues = sorted(sentence_cues(record), key=lambda c: (c["start"], c["end"], c["label"]))
    return {"id": record["id"], "text": record["text"], "move": record["move"], "frames": frames,
            "annotator": annotator, "cues": cues, **meta}


def test_fixture_has_cues_in_document_offsets(records):
    second = records[1]
    assert second["id"] == "speech1:1" and second["move"] == "desecuritizing"
    assert second["frames"] == ["peace_reconciliation", "war_military"]
    cue = next(c for c in second["cues"] if c["text"] == "war")
    assert TEXT[cue["start"]:cue["end"]] == "war" and cue["start"] > len(second["text"])
    local = next(c for c in sentence_cues(second) if c["text"] == "war")
    assert second["text"][local["start"]:local["end"]] == "war"


# ------------------------------------------------------------------------------------------------ Label Studio

def label_studio_export(tasks: list[dict]) -> list[dict]:
    """Shape tasks as Label Studio's JSON export after three coders worked on them."""
    exported = []
    for n, task in enumerate(tasks, 1):
        prediction = {"id": 100 + n, "model_version": task["predictions"][0]["model_version"],
                      "created_ago": "2 hours", "score": task["predictions"][0].get("score"),
                      "result": task["predictions"][0]["result"], "cluster": None, "neighbors": None,
                      "mislabeling": 0.0, "created_at": "2024-03-01T10:00:00Z", "task": n}
        accepted = copy.deepcopy(task["predictions"][0]["result"])
        for item in accepted:
            item["origin"] = "prediction"
        edited = [item for item in copy.deepcopy(accepted) if item["from_name"] != "frames"]
        if n == 1:  # coder 2 overrules the move and marks a new evidence span
            next(i for i in edited if i["from_name"] == "move")["value"]["choices"] = ["none"]
            start = task["data"]["text"].index("government")
            edited.append({"id": "Xy12Ab", "from_name": "cues", "to_name": "text", "type": "labels",
                           "origin": "manual", "value": {"start": start, "end": start + 10,
                                                         "text": "government", "labels": ["move:securitizing"]}})
        exported.append({
            "id": n, "data": task["data"], "meta": {}, "created_at": "2024-03-01T09:00:00Z",
            "updated_at": "2024-03-02T11:00:00Z", "inner_id": n, "total_annotations": 2,
            "cancelled_annotations": 1, "total_predictions": 1, "comment_count": 0, "project": 7,
            "annotations": [
                {"id": 10 * n + 1, "completed_by": 1, "result": accepted, "was_cancelled": False,
                 "ground_truth": False, "created_at": "2024-03-02T10:00:00Z", "lead_time": 12.5, "task": n,
                 "result_count": 0, "prediction": {}, "parent_prediction": 100 + n},
                {"id": 10 * n + 2, "completed_by": {"id": 2, "email": "coder2@example.org", "first_name": "",
                                                    "last_name": ""}, "result": edited, "was_cancelled": False,
                 "ground_truth": False, "lead_time": 30.1, "task": n},
                {"id": 10 * n + 3, "completed_by": 3, "result": [], "was_cancelled": True, "task": n},
            ],
            "predictions": [prediction],
        })
    return exported


def test_label_studio_files(records, codebook, tmp_path):
    written = export_for_tool(records, codebook, "label-studio", tmp_path / "tasks.json", model_version="rules")
    assert written == [tmp_path / "tasks.json", tmp_path / "tasks.label_config.xml"]
    tasks = json.loads((tmp_path / "tasks.json").read_text())
    config = ElementTree.fromstring((tmp_path / "tasks.label_config.xml").read_text())
    controls = {el.get("name"): el for el in config if el.get("toName")}
    assert set(controls) == {"move", "frames", "cues"}
    assert config.find("Text").get("value") == "$text" and controls["move"].get("required") == "true"
    assert [c.get("value") for c in controls["move"]] == codebook.move_names
    assert [c.get("value") for c in controls["frames"]] == codebook.frame_names
    task = tasks[1]
    assert task["data"]["text"] == records[1]["text"] and task["data"]["desec_id"] == "speech1:1"
    assert task["data"]["date"] == "2020-05-01" and "move" not in task["data"]
    results = task["predictions"][0]["result"]
    for item in results:  # every result names a control of the config and uses its values
        assert item["to_name"] == "text" and item["from_name"] in controls
        values = item["value"].get("choices") or item["value"]["labels"]
        assert set(values) <= {c.get("value") for c in controls[item["from_name"]]}
    spans = [r["value"] for r in results if r["type"] == "labels"]
    assert all(task["data"]["text"][s["start"]:s["end"]] == s["text"] for s in spans)
    assert len({r["id"] for t in tasks for r in t["predictions"][0]["result"]}) == \
        sum(len(t["predictions"][0]["result"]) for t in tasks)


def test_label_studio_round_trip(records, codebook, tmp_path):
    export_for_tool(records, codebook, "label-studio", tmp_path / "tasks.json")
    tasks = json.loads((tmp_path / "tasks.json").read_text())
    (tmp_path / "project-7-at-2024.json").write_text(json.dumps(label_studio_export(tasks)))
    imported = import_annotations(tmp_path / "project-7-at-2024.json", "label-studio", codebook)
    by_coder = {(r["id"], r["annotator"]): r for r in imported}
    assert sorted({a for _, a in by_coder}) == ["1", "coder2@example.org"]  # the cancelled one is gone
    for record in records:  # coder 1 accepted the pre-annotations: nothing is lost
        assert by_coder[(record["id"], "1")] == expected(record, "1")
    first = by_coder[("speech1:0", "coder2@example.org")]
    assert first["move"] == "none" and first["frames"] == []
    assert {"label": "move:securitizing", "text": "government", "start": 4, "end": 14} in first["cues"]
    assert by_coder[("speech1:1", "coder2@example.org")]["move"] == records[1]["move"]


def test_label_studio_rejects_bad_annotations(records, codebook, tmp_path):
    export_for_tool(records, codebook, "label-studio", tmp_path / "tasks.json")
    exported = label_studio_export(json.loads((tmp_path / "tasks.json").read_text()))
    move = next(i for i in exported[0]["annotations"][0]["result"] if i["from_name"] == "move")
    move["value"]["choices"] = ["securitizing", "none"]
    (tmp_path / "bad.json").write_text(json.dumps(exported))
    with pytest.raises(InputError, match="exactly one move"):
        import_annotations(tmp_path / "bad.json", "label-studio", codebook)
    move["value"]["choices"] = ["alarmist"]
    (tmp_path / "bad.json").write_text(json.dumps(exported))
    with pytest.raises(InputError, match="move 'alarmist' is not one of"):
        import_annotations(tmp_path / "bad.json", "label-studio", codebook)


# ------------------------------------------------------------------------------------------------ doccano

def doccano_zip(rows: list[dict], path: Path, edits: dict[str, dict]) -> Path:
    """Shape doccano's export of a non-collaborative project: one JSONL per member in a zip.

    On upload doccano keeps ``text``, turns ``cats``/``entities`` into the uploader's labels and
    everything else into example meta; the export writes {"id", "text", **meta, labels...}.
    """
    members = {"admin": [], "ana": [], "ben": []}
    for n, row in enumerate(rows, 1):
        meta = {k: v for k, v in row.items() if k not in ("text", "cats", "entities")}
        members["admin"].append({"id": n, "text": row["text"], **meta, "entities": row["entities"],
                                 "cats": row["cats"], "Comments": []})
        ana = edits.get(row["desec_id"], {"cats": row["cats"], "entities": row["entities"]})
        members["ana"].append({"id": n, "text": row["text"], **meta, **ana, "Comments": ["checked"]})
        members["ben"].append({"id": n, "text": row["text"], **meta, "entities": [], "cats": [], "Comments": []})
    with zipfile.ZipFile(path, "w") as archive:
        for name, lines in members.items():
            archive.writestr(f"{name}.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines))
    return path


def test_doccano_files(records, codebook, tmp_path):
    written = export_for_tool(records, codebook, "doccano", tmp_path / "tasks.jsonl")
    assert [p.name for p in written] == ["tasks.jsonl", "tasks.category_types.json", "tasks.span_types.json"]
    rows = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    assert rows[1]["cats"] == [records[1]["move"], *records[1]["frames"]]
    assert [rows[1]["text"][s:e] for s, e, _ in rows[1]["entities"]] == \
        [c["text"] for c in sentence_cues(records[1])]
    categories = json.loads((tmp_path / "tasks.category_types.json").read_text())
    spans = json.loads((tmp_path / "tasks.span_types.json").read_text())
    assert [c["text"] for c in categories] == codebook.move_names + codebook.frame_names
    assert [s["text"] for s in spans] == ["move:securitizing", "move:desecuritizing", "frame:war_military",
                                          "frame:peace_reconciliation"]  # "none" has no direction and no cues
    for label in categories + spans:
        assert set(label) == {"text", "prefix_key", "suffix_key", "background_color", "text_color"}
        assert re.fullmatch(r"#[0-9a-f]{6}", label["background_color"])
    assert len({c["suffix_key"] for c in categories}) == len(categories)
    assert len({c["background_color"] for c in categories}) == len(categories)
    assert doccano_label_types(codebook)["category"] == categories


def test_doccano_round_trip(records, codebook, tmp_path):
    export_for_tool(records, codebook, "doccano", tmp_path / "tasks.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    peace = records[1]["text"].index("peace")
    edits = {"speech1:1": {"cats": ["none", "peace_reconciliation"],
                           "entities": [[peace, peace + 5, "frame:peace_reconciliation"]]}}
    archive = doccano_zip(rows, tmp_path / "export.zip", edits)
    everyone = import_annotations(archive, "doccano", codebook)
    assert sorted({r["annotator"] for r in everyone}) == ["admin", "ana"]  # ben labelled nothing
    for record in records:  # the uploader's labels are the pre-annotations, unchanged
        assert next(r for r in everyone if r["id"] == record["id"] and r["annotator"] == "admin") == \
            expected(record, "admin")
    coded = import_annotations(archive, "doccano", codebook, exclude_annotators=["admin"])
    assert {r["annotator"] for r in coded} == {"ana"}
    assert next(r for r in coded if r["id"] == "speech1:0") == expected(records[0], "ana")
    edited = next(r for r in coded if r["id"] == "speech1:1")
    assert edited["move"] == "none" and edited["frames"] == ["peace_reconciliation"]
    assert edited["cues"] == [{"label": "frame:peace_reconciliation", "text": "peace", "start": peace,
                               "end": peace + 5}]
    assert edited["date"] == "2020-05-01" and edited["speaker"] == "Minister"


def test_doccano_single_files_and_legacy_format(codebook, tmp_path):
    collaborative = tmp_path / "all.jsonl"
    collaborative.write_text(json.dumps({"id": 4, "text": "Deploy the army.", "desec_id": "s9",
                                         "label": ["securitizing", "war_military"], "Comments": []}) + "\n")
    [record] = import_annotations(collaborative, "doccano", codebook, annotator="team")
    assert (record["id"], record["annotator"], record["move"], record["frames"]) == \
        ("s9", "team", "securitizing", ["war_military"])
    legacy = tmp_path / "file.json1"  # doccano 1.x: nested meta, labels, username
    legacy.write_text(json.dumps({"id": 4, "text": "Hugs, not bullets.", "meta": {"desec_id": "s3", "date": "2019"},
                                  "annotation_approver": None, "labels": ["desecuritizing"],
                                  "username": "carla"}) + "\n")
    [old] = import_annotations(legacy, "doccano", codebook)
    assert (old["id"], old["annotator"], old["move"], old["date"]) == ("s3", "carla", "desecuritizing", "2019")


def test_doccano_needs_one_move(codebook, tmp_path):
    path = tmp_path / "ana.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "War.", "desec_id": "s1", "cats": ["war_military"]}) + "\n")
    with pytest.raises(InputError, match=r"ana.jsonl:1: choose exactly one move"):
        import_annotations(path, "doccano", codebook)


# ------------------------------------------------------------------------------------------------ CSV

def test_csv_round_trip(records, codebook, tmp_path):
    export_for_tool(records, codebook, "csv", tmp_path / "sheet.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "sheet.csv").read_text())))
    assert list(rows[0])[:6] == ["id", "text", "move", "war_military", "peace_reconciliation", "annotator"]
    assert [r["peace_reconciliation"] for r in rows] == ["0", "1"]
    unchanged = import_annotations(tmp_path / "sheet.csv", "csv", codebook, annotator="dana")
    assert unchanged == [expected(r, "dana") for r in records]
    rows[1].update(move="none", war_military="0", annotator="eve")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (tmp_path / "coded.csv").write_text(buffer.getvalue())
    coded = import_annotations(tmp_path / "coded.csv", "csv", codebook)
    assert [(r["annotator"], r["move"], r["frames"]) for r in coded] == \
        [("coded", records[0]["move"], records[0]["frames"]), ("eve", "none", ["peace_reconciliation"])]


def test_tagged_records_from_jsonl_and_csv(records, codebook, tmp_path):
    from desec_nlp.tagged import read_tagged
    from desec_nlp.writers import write_records

    write_records(records, tmp_path / "t.jsonl", "jsonl", codebook.frame_names)
    write_records(records, tmp_path / "t.csv", "csv", codebook.frame_names)
    assert tagged_records(read_tagged(tmp_path / "t.jsonl"), codebook) == records
    from_csv = tagged_records(read_tagged(tmp_path / "t.csv"), codebook)
    assert [{**r, "sent_index": int(r["sent_index"])} for r in from_csv] == records  # no per-frame 0/1 columns


def test_bad_cue_offsets_are_reported(records, codebook):
    broken = {**records[1], "cues": [{**records[1]["cues"][0], "start": 0, "end": 3, "text": "zzz"}]}
    with pytest.raises(InputError, match="cue offsets do not match"):
        to_label_studio([broken], codebook)
