"""The hand-coding commands through click: export, import, agreement, sample, codebook export/import."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from desec_nlp import Tagger, load_codebook
from desec_nlp.cli_annotate import CODEBOOK_COMMANDS, COMMANDS
from desec_nlp.documents import Document
from desec_nlp.writers import write_records

MINI = str(Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml")
MIGRATION = str(Path(__file__).parent.parent / "desec_nlp" / "data" / "examples" / "migration" / "codebook.yaml")


@click.group()
def cli() -> None:
    """Stand-in for ``desec``."""


@cli.group("codebook")
@click.option("--codebook", "codebook_path")
@click.pass_context
def codebook_group(ctx, codebook_path) -> None:
    """Stand-in for ``desec codebook`` (it passes the codebook path on)."""
    ctx.obj = codebook_path


for command in COMMANDS:
    cli.add_command(command)
for command in CODEBOOK_COMMANDS:
    codebook_group.add_command(command)


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> Path:
    tagger = Tagger(load_codebook(MINI), model="rules")
    docs = [Document(f"d{i}", text, {"date": date}) for i, (text, date) in enumerate([
        ("They will deploy the army. Hugs, not bullets.", "2018-02-01"),
        ("We declare war on the cartels.", "2019-05-05"),
        ("Peace is near. The weather is fine.", "2019-06-06")])]
    records = list(tagger.tag_documents(docs, lang="en"))
    for record, confidence in zip(records, [0.9, 0.4, 0.7, 0.8, 0.95]):  # distinct, as a model would give
        record["confidence"] = confidence
    path = tmp_path_factory.mktemp("tagged") / "tagged.jsonl"
    write_records(records, path, "jsonl", ["war_military", "peace_reconciliation"])
    return path


def test_every_command_has_help():
    for command in COMMANDS + CODEBOOK_COMMANDS:
        assert command.help and len(command.help.split()) > 5, command.name
    assert {c.name for c in COMMANDS} == {"export", "import", "agreement", "sample"}
    assert {c.name for c in CODEBOOK_COMMANDS} == {"export", "import"}
    assert run("import", "--help").exit_code == 0


@pytest.mark.parametrize("tool, files", [("label-studio", ["tasks.json", "tasks.label_config.xml"]),
                                         ("doccano", ["tasks.json", "tasks.category_types.json",
                                                      "tasks.span_types.json"]),
                                         ("csv", ["tasks.json"])])
def test_export(tagged, tmp_path, tool, files):
    result = run("export", tagged, "--to", tool, "-o", tmp_path / "tasks.json", "--codebook", MINI)
    assert result.exit_code == 0, result.output
    assert "5 tasks for " + tool in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


def test_csv_export_import_agreement(tagged, tmp_path):
    assert run("export", tagged, "--to", "csv", "-o", tmp_path / "sheet.csv", "--codebook", MINI).exit_code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "sheet.csv").read_text())))
    for coder, changes in (("ana", {}), ("ben", {"d1:0": "none", "d2:0": "securitizing"})):
        for row in rows:
            row["move"] = changes.get(row["id"], row["move"])
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        (tmp_path / f"{coder}.csv").write_text(buffer.getvalue())
        result = run("import", tmp_path / f"{coder}.csv", "--from", "csv", "-o", tmp_path / f"{coder}.jsonl",
                     "--codebook", MINI)
        assert result.exit_code == 0, result.output
        assert f"5 annotations of 5 sentences by 1 coder(s) ({coder})" in result.output
    result = run("agreement", tmp_path / "ana.jsonl", tmp_path / "ben.jsonl", "--codebook", MINI,
                 "--disagreements", tmp_path / "dis.csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["label", "kind", "units", "coders", "agreement", "kappa", "alpha"]
    assert lines[1].split()[:5] == ["move", "move", "5", "2", "0.600"]
    assert "2 sentences with disagreements written to" in result.output
    disagreements = list(csv.DictReader(io.StringIO((tmp_path / "dis.csv").read_text())))
    assert [(d["id"], d["move:ana"], d["move:ben"]) for d in disagreements] == \
        [("d1:0", "securitizing", "none"), ("d2:0", "none", "securitizing")]
    as_json = json.loads(run("agreement", tmp_path / "ana.jsonl", tmp_path / "ben.jsonl", "--codebook", MINI,
                             "--json").output)
    move = as_json["labels"][0]
    assert move["label"] == "move" and move["agreement"] == pytest.approx(0.6)
    assert as_json["pairs"][0]["coder_a"] == "ana" and as_json["pairs"][0]["units"] == 5


def test_sample(tagged, tmp_path):
    records = [json.loads(line) for line in tagged.read_text().splitlines()]
    lowest = min(records, key=lambda r: r["confidence"])
    result = run("sample", tagged, "-n", "1", "--strategy", "uncertainty", "-o", tmp_path / "s.jsonl",
                 "--codebook", MINI)
    assert result.exit_code == 0, result.output
    assert "1 of 5 sentences picked (uncertainty)" in result.output
    [picked] = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert picked == lowest
    (tmp_path / "done.jsonl").write_text(json.dumps({"id": lowest["id"], "move": "none"}) + "\n")
    result = run("sample", tagged, "-n", "10", "--strategy", "stratified", "--exclude", tmp_path / "done.jsonl",
                 "-o", tmp_path / "s.csv", "--codebook", MINI)
    assert result.exit_code == 0, result.output
    assert "4 of 5 sentences picked (stratified; 1 already coded left out)" in result.output
    assert lowest["id"] not in (tmp_path / "s.csv").read_text()


def test_codebook_export_and_import(tmp_path):
    result = run("codebook", "--codebook", MIGRATION, "export", "--to", "quanteda-yaml")
    assert result.exit_code == 0, result.output
    dictionary = yaml.safe_load(result.stdout)
    assert "stop the boats" in dictionary["securitizing"] and "refugee" in dictionary["humanitarian"]
    result = run("codebook", "--codebook", MIGRATION, "export", "--to", "liwc-dic", "-o", tmp_path / "m.dic")
    assert result.exit_code == 0 and (tmp_path / "m.dic").read_text().startswith("%\n1\tsecuritizing\n")
    result = run("codebook", "import", tmp_path / "m.dic", "-o", tmp_path / "cb", "--name", "round trip")
    assert result.exit_code == 0, result.output
    assert "7 frames" in result.output
    imported = load_codebook(tmp_path / "cb" / "codebook.yaml")
    assert imported.frame_names == load_codebook(MIGRATION).frame_names
    again = run("codebook", "import", tmp_path / "m.dic", "-o", tmp_path / "cb")
    assert again.exit_code == 1 and "already exists" in again.output and "Traceback" not in again.output


def test_errors_are_one_line(tagged, tmp_path):
    (tmp_path / "bad.csv").write_text("id,move\n1,alarm\n")
    result = run("import", tmp_path / "bad.csv", "--from", "csv", "-o", tmp_path / "out.jsonl", "--codebook", MINI)
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error:") and "move 'alarm' is not one of" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "out.jsonl").exists()
    result = run("sample", tagged, "-n", "2", "--strategy", "stratified", "--by", "party", "-o",
                 tmp_path / "x.jsonl", "--codebook", MINI)
    assert result.exit_code == 1 and "cannot stratify by 'party'" in result.output
