"""Each CLI command end to end on small files, with CliRunner: exit codes, outputs, messages."""
from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from desec_nlp.cli import main


@pytest.fixture
def runner():
    return CliRunner()


def write_examples_csv(path, examples):
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "text"])
        for i, example in enumerate(examples):
            writer.writerow([f"ex{i}", example.text])


def read_jsonl(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def test_every_command_has_help(runner):
    for name, command in main.commands.items():
        assert command.help, name
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name


@pytest.mark.parametrize("model, sources", [("default", {"codebook", "adjudication"}), ("rules", {"codebook"})])
def test_codebook_examples_are_classified_right(runner, tmp_path, codebook, model, sources):
    """The exact call the project is measured through, on the codebook's examples (both languages).

    The shipped model must get all of them right; the rule tagger alone the codebook's own
    constructed examples (the adjudication examples need more than cues).
    """
    examples = [e for e in codebook.examples if e.source in sources]
    sents, pred = tmp_path / "sents.csv", tmp_path / "pred.jsonl"
    write_examples_csv(sents, examples)
    result = runner.invoke(main, ["classify", str(sents), "--unit", "row", "--id-col", "id", "--text-col", "text",
                                  "-o", str(pred), "--model", model])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in read_jsonl(pred)}
    assert len(records) == len(examples)
    for i, example in enumerate(examples):
        record = records[f"ex{i}"]
        assert record["move"] == example.move, (model, example.text, record)
        assert sorted(record["frames"]) == sorted(example.frames), (model, example.text, record)


def test_classify_csv_output_has_frame_columns(runner, tmp_path):
    text = tmp_path / "speech.txt"
    text.write_text("---\nspeaker: X\ndate: 2010-01-05\n---\nDeclaramos la guerra al narcotráfico. "
                    "Gracias a todos por venir.", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(main, ["classify", str(text), "-o", str(out), "--model", "rules"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table["sent_index"]) == [0, 1]
    assert {"id", "doc_id", "text", "lang", "move", "frames", "cues", "confidence", "war_military"} <= set(table)
    assert table.loc[0, "war_military"] == 1 and table.loc[0, "speaker"] == "X"
    assert table.loc[0, "lang"] == "es"


def test_classify_writes_to_stdout_without_output(runner, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("We will attend to the root causes of violence.", encoding="utf-8")
    result = runner.invoke(main, ["classify", str(path), "--model", "rules", "--lang", "en"])
    assert result.exit_code == 0
    record = json.loads(result.stdout.splitlines()[0])
    assert record["lang"] == "en" and record["move"] == "desecuritizing"


def test_bad_inputs_are_listed_the_rest_is_written_and_exit_code_is_nonzero(runner, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "1", "text": "Abrazos, no balazos."}\n{"id": "2", "text": \n', encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    errors, out, counts = tmp_path / "errors.jsonl", tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = runner.invoke(main, ["classify", str(good), str(binary), "--id-col", "id", "--unit", "row",
                                  "-o", str(out), "--errors", str(errors), "--summary-json", str(counts),
                                  "--model", "rules"])
    assert result.exit_code == 1
    assert "good.jsonl:2" in result.stderr and "bin.txt" in result.stderr
    assert "3 input unit(s) read: 1 classified into 1 record(s)" in result.stderr
    assert "skipped by reason: binary_file 1, malformed_line 1" in result.stderr
    assert [r["id"] for r in read_jsonl(out)] == ["1"]
    assert [(e["file"].split("/")[-1], e["line"], e["code"]) for e in read_jsonl(errors)] == [
        ("good.jsonl", 2, "malformed_line"), ("bin.txt", None, "binary_file")]
    written = json.loads(counts.read_text())
    assert (written["read"], written["classified"], written["skipped"]) == (3, 1, 2)
    assert written["skipped_by_reason"] == {"binary_file": 1, "malformed_line": 1}
    assert written["records"] == len(read_jsonl(out)) and written["skipped"] == len(read_jsonl(errors))


def test_missing_column_message(runner, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,body\n1,hola\n", encoding="utf-8")
    counts = tmp_path / "summary.json"
    result = runner.invoke(main, ["classify", str(path), "--model", "rules", "--summary-json", str(counts)])
    assert result.exit_code == 1 and "missing column" in result.stderr and "t.csv" in result.stderr
    assert json.loads(counts.read_text()) == {"read": 1, "classified": 0, "skipped": 1, "records": 0, "documents": 0,
                                              "skipped_by_reason": {"missing_column": 1}, "moves": {}}


def test_failed_run_keeps_previous_output(runner, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    result = runner.invoke(main, ["classify", str(tmp_path / "x.txt"), "-o", str(out), "--codebook",
                                  str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1 and "codebook file not found" in result.stderr
    assert out.read_text() == "previous\n"


def test_codebook_command_shows_and_exports(runner, tmp_path):
    result = runner.invoke(main, ["codebook"])
    assert result.exit_code == 0 and "war_military" in result.output
    out = tmp_path / "cb.json"
    result = runner.invoke(main, ["codebook", "export", "--to", "json", "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text())["move"]["default"] == "none"


def test_user_codebook_swaps_labels(runner, tmp_path, data_dir):
    path = tmp_path / "a.txt"
    path.write_text("We must declare war.", encoding="utf-8")
    result = runner.invoke(main, ["classify", str(path), "--model", "rules", "--codebook",
                                  str(data_dir / "mini_codebook" / "codebook.yaml")])
    assert result.exit_code == 0
    assert json.loads(result.stdout.splitlines()[0])["frames"] == ["war_military"]


def test_evaluate_scores_predictions(runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    gold.write_text('{"id": "a", "move": "securitizing", "frames": ["war_military"]}\n'
                    '{"id": "b", "move": "none", "frames": []}\n', encoding="utf-8")
    pred.write_text('{"id": "b", "move": "none", "frames": []}\n'
                    '{"id": "a", "move": "none", "frames": ["war_military"]}\n', encoding="utf-8")
    result = runner.invoke(main, ["evaluate", str(gold), "--pred", str(pred), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["move"]["accuracy"] == 0.5
    assert scores["frames"]["micro_f1"] == 1.0
    assert scores["move"]["per_label"]["securitizing"]["recall"] == 0.0


def test_model_trained_for_other_labels_is_refused(runner, tmp_path, data_dir):
    path = tmp_path / "a.txt"
    path.write_text("Hola.", encoding="utf-8")
    result = runner.invoke(main, ["classify", str(path), "--codebook",
                                  str(data_dir / "mini_codebook" / "codebook.yaml")])
    assert result.exit_code == 1 and "retrain" in result.stderr


def test_split_datelines_makes_one_dated_document_per_piece(runner, tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("Ciudad de México, viernes, 1º de diciembre de 2006\n\nPrimer discurso.\n\n"
                    "Yautepec, Morelos, lunes, 8 de enero de 2007\n\nSegundo discurso.\n", encoding="utf-8")
    base = ["classify", str(path), "--model", "rules", "--lang", "es", "--n-process", "1"]
    whole = [json.loads(line) for line in runner.invoke(main, base).stdout.splitlines()]
    result = runner.invoke(main, [*base, "--split-datelines"])
    assert result.exit_code == 0, result.output
    split = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["doc_id"] for r in whole} == {"book"}
    assert [(r["doc_id"], r.get("date"), r["text"]) for r in split] == [
        ("book#0000", "2006-12-01", "Primer discurso."), ("book#0001", "2007-01-08", "Segundo discurso.")]
    assert "2 input unit(s) read: 2 classified" in result.stderr
