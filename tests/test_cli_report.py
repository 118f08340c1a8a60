"""`desec report`, `desec shifts`, `desec kwic` through click's CliRunner: outputs, files, one-line errors."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from desec_nlp.cli_report import kwic, report, shifts

MINI = str(Path(__file__).parent / "data" / "mini_codebook" / "codebook.yaml")


@click.group()
def cli() -> None:
    """Local group: the lead registers the commands on `desec`."""


for command in (report, shifts, kwic):
    cli.add_command(command)


def _record(doc: str, i: int, date: str, speaker: str, move: str, frames: list[str], text: str) -> dict:
    return {"id": f"{doc}:{i}", "doc_id": doc, "sent_index": i, "text": text, "lang": "es", "move": move,
            "frames": frames, "confidence": 1.0, "cues": [], "date": date, "speaker": speaker, "source": "Archivo"}


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> Path:
    """Calderón: 40 sentences, 20 war / 20 securitizing; López Obrador: 40, 4 war, 18 desecuritizing."""
    rows = []
    for d in range(4):
        for i in range(10):
            rows.append(_record(f"c{d}", i, f"2009-0{d + 1}-10", "FCH" if d % 2 else "Vocero",
                                "securitizing" if i < 5 else "none", ["war_military"] if i < 5 else [],
                                "Hay que combatir con el Ejército." if i < 5 else "Gracias."))
            rows.append(_record(f"a{d}", i, f"2020-0{d + 1}-10", "AMLO",
                                "desecuritizing" if i < 4 or (i == 4 and d < 2) else "none",
                                ["war_military"] if i == 9 else ["peace_reconciliation"] if i < 3 else [],
                                "Abrazos, no balazos." if i < 3 else "La guerra terminó." if i == 9 else "Bien."))
    path = tmp_path_factory.mktemp("tagged") / "tagged.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(cli, [*args, "--codebook", MINI])


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help and len(command.help) > 30, name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_report_prints_a_markdown_table(tagged):
    result = _run("report", str(tagged))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| period | sentences | documents |")
    assert lines[2].startswith("| Calderón | 40 | 4 | 20 |") and lines[3].startswith("| López Obrador | 40 | 4 | 0 |")


def test_report_writes_table_plots_and_html(tagged, tmp_path):
    out = tmp_path / "t.csv"
    result = _run("report", str(tagged), "--by", "year", "--group", "speaker", "-o", str(out),
                  "--plots", str(tmp_path / "plots"), "--html", str(tmp_path / "r.html"), "--bootstrap", "200")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(zip(table["period"], table["speaker"], table["sentences"])) == [
        (2009, "FCH", 20), (2009, "Vocero", 20), (2020, "AMLO", 40)]
    assert table.loc[2, "balance"] == -1.0
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == [
        "balance.png", "balance.svg", "frame_shares.png", "frame_shares.svg", "frames_by_speaker.png",
        "frames_by_speaker.svg"]
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in result.stderr


def test_report_long_parquet_and_format_errors(tagged, tmp_path):
    out = tmp_path / "long.parquet"
    assert _run("report", str(tagged), "--long", "-o", str(out)).exit_code == 0
    long = pd.read_parquet(out)
    war = long[(long["label"] == "war_military") & (long["statistic"] == "per_1000")]
    assert list(war["value"]) == [500.0, 100.0]
    result = _run("report", str(tagged), "--format", "xlsx")
    assert result.exit_code == 2 and "give -o FILE" in result.output
    result = _run("report", str(tagged), "--format", "latex")
    assert result.exit_code == 0 and result.stdout.startswith("\\begin{tabular}")


def test_report_errors_are_one_line(tagged, tmp_path):
    result = _run("report", str(tagged), "--by", "decade")
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "unknown period 'decade'" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "x", "text": "hola", "frames": []}\n', encoding="utf-8")
    result = _run("report", str(bad))
    assert result.exit_code == 1 and f"{bad}:1: record lacks ['move']" in result.output
    assert "Traceback" not in result.output


def test_report_notes_sentences_outside_every_period(tagged, tmp_path):
    result = _run("report", str(tagged), "--periods", "Calderón")
    assert result.exit_code == 0
    assert "40 sentence(s) without a date or outside every period were left out" in result.stderr


def test_shifts_names_the_shift(tagged, tmp_path):
    out = tmp_path / "shifts.csv"
    result = _run("shifts", str(tagged), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert ("war_military fell from 50% to 10% of sentences between Calderón and López Obrador (p < 0.001"
            in result.stdout)
    assert "the securitization balance fell from +1.00 to -1.00" in result.stdout
    assert set(pd.read_csv(out)["label"]) == {"war_military", "peace_reconciliation", "balance"}


def test_shifts_by_group_and_alpha(tagged):
    result = _run("shifts", str(tagged), "--alpha", "1e-12")
    assert result.exit_code == 0 and "No significant shift found." in result.stdout
    result = _run("shifts", str(tagged), "--all", "--alpha", "1e-12")
    assert "peace_reconciliation rose from 0% to 30%" in result.stdout


def test_kwic_term_and_label(tagged):
    result = _run("kwic", "ejercito", str(tagged), "--limit", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("2009-01-10  Archivo") and "[Ejército]" in lines[0]
    assert "2 of 20 line(s)" in result.stderr
    result = _run("kwic", "peace_reconciliation", str(tagged))
    assert result.exit_code == 0 and result.stdout.count("[no cue]") == 12
    result = _run("kwic", "guerr(", str(tagged), "--regex")
    assert result.exit_code == 1 and "not a valid regular expression" in result.output


def test_shifts_every_pair_and_period_selection(tagged):
    result = _run("shifts", str(tagged), "--by", "year", "--pairs", "all", "--periods", "2009,2020")
    assert result.exit_code == 0, result.output
    assert "war_military fell from 50% to 10% of sentences between 2009 and 2020" in result.stdout
    result = _run("shifts", str(tagged), "--by", "year", "--periods", "2009,1999")
    assert result.exit_code == 1 and "unknown period(s) ['1999']" in result.output
