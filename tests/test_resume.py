"""Interrupted runs resume with every unit written exactly once (a killed process and a crash mid-stream)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from accounting import assert_counts_add_up
from desec_nlp.classify import classify_files
from desec_nlp.cli import main
from desec_nlp.errors import DesecError
from desec_nlp.resume import checkpoint_path, partial_path


class Stop(Exception):
    """Stands for Ctrl-C or a crash in the middle of a run."""


def write_rows(path, n, bad_lines=()):
    """``n`` good rows of two sentences each, and a malformed line before each row numbered in ``bad_lines``."""
    lines = [json.dumps({"id": f"r{i}", "doc": f"d{i // 3}", "date": "2020-01-0%d" % (1 + i % 9),
                         "text": f"El Ejército combate a los cárteles en la zona {i}. Abrazos, no balazos."})
             for i in range(n)]
    for i in sorted(bad_lines, reverse=True):
        lines.insert(i, '{"id": "torn", "text": ')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def stop_after(n):
    count = [0]

    def tick(_record):
        count[0] += 1
        if count[0] == n:
            raise Stop
    return tick


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_crash_mid_stream_then_resume_writes_every_unit_once(tmp_path, rules_tagger, fmt):
    source = tmp_path / "rows.jsonl"
    write_rows(source, 40, bad_lines=(5, 30))  # one skipped before the crash, one after
    reference, out = tmp_path / f"ref.{fmt}", tmp_path / f"out.{fmt}"
    common = dict(fmt=fmt, tagger=rules_tagger, batch_size=4, checkpoint_every=0)
    expected = classify_files([str(source)], reference, **common)
    with pytest.raises(Stop):
        classify_files([str(source)], out, on_record=stop_after(37), **common)
    assert not out.exists() and partial_path(out).exists() and checkpoint_path(out).exists()
    with open(partial_path(out), "a", encoding="utf-8") as stream:
        stream.write('{"id": "half a rec')  # a torn last line, as a kill mid-write leaves
    summary = classify_files([str(source)], out, resume=True, **common)
    assert out.read_bytes() == reference.read_bytes()
    assert summary.records == 80 and summary.documents == 40
    assert summary.to_dict() == expected.to_dict() and [str(p) for p in summary.problems] == \
        [str(p) for p in expected.problems]
    assert_counts_add_up(summary, out)
    assert (summary.read, summary.classified, summary.reasons) == (42, 40, {"malformed_line": 2})
    assert not partial_path(out).exists() and not checkpoint_path(out).exists()


def test_doc_numbering_continues_across_the_interruption(tmp_path, rules_tagger):
    from desec_nlp.readers import ReadOptions
    source = tmp_path / "rows.jsonl"
    write_rows(source, 12)
    options = ReadOptions(id_col="id", doc_col="doc", unit="sentence")
    reference, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    common = dict(read_options=options, tagger=rules_tagger, batch_size=2, checkpoint_every=0)
    classify_files([str(source)], reference, **common)
    with pytest.raises(Stop):
        classify_files([str(source)], out, on_record=stop_after(9), **common)
    classify_files([str(source)], out, resume=True, **common)
    assert out.read_bytes() == reference.read_bytes()
    assert [json.loads(line)["id"] for line in reference.read_text().splitlines()][:7] == \
        ["d0:0", "d0:1", "d0:2", "d0:3", "d0:4", "d0:5", "d1:0"]


def test_killed_process_resumes_from_its_checkpoint(tmp_path):
    source = tmp_path / "rows.jsonl"
    write_rows(source, 3000)
    out = tmp_path / "out.jsonl"
    args = [str(source), "-o", str(out), "--model", "rules", "--n-process", "1", "--batch-size", "20",
            "--lang", "es"]
    process = subprocess.Popen([sys.executable, "-m", "desec_nlp", "classify", *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if checkpoint_path(out).exists() and json.loads(checkpoint_path(out).read_text())["consumed"] > 0:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert not out.exists()
    done = json.loads(checkpoint_path(out).read_text())["consumed"]
    assert 0 < done < 3000
    result = CliRunner().invoke(main, ["classify", *args, "--resume"])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"rows:{n}:{k}" for n in range(1, 3001) for k in range(2)]


def test_resume_refuses_other_settings_and_stdout(tmp_path, rules_tagger):
    source = tmp_path / "rows.jsonl"
    write_rows(source, 10)
    out = tmp_path / "out.jsonl"
    with pytest.raises(Stop):
        classify_files([str(source)], out, tagger=rules_tagger, on_record=stop_after(3), checkpoint_every=0)
    with pytest.raises(DesecError, match="other lang"):
        classify_files([str(source)], out, tagger=rules_tagger, lang="es", resume=True)
    with pytest.raises(DesecError, match="standard output"):
        classify_files([str(source)], None, tagger=rules_tagger, resume=True)
    # without --resume a run starts afresh and replaces the partial output
    summary = classify_files([str(source)], out, tagger=rules_tagger)
    assert summary.records == 20 and not partial_path(out).exists()
