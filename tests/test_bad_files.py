"""Whole files that go wrong: gzip (intact, truncated, corrupt), permissions, link loops, UTF-16 without BOM,
a directory of thousands of files. Each gives a clear Problem naming the file, the rest is read, the counts add up."""
from __future__ import annotations

import gzip
import json
import os
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from accounting import classify_checked
from desec_nlp import Document, Problem, ReadOptions, read_documents
from desec_nlp.cli import main

WORDS = "guerra paz ejército familias violencia causas becas seguridad cárteles frontera".split()
PLAIN = {
    ".txt": "---\nspeaker: Ana\n---\nVamos a atender las causas.\n\nNo a la guerra.\n",
    ".md": "# Título\n\n**PRESIDENTE:** Abrazos, no balazos.\n",
    ".html": "<html><head><meta name='date' content='2020-05-04'></head><body><p>La paz.</p></body></html>",
    ".csv": "id,text,speaker\na,Primera fila.,Ana\nb,Segunda fila.,Beto\n",
    ".tsv": "id\ttext\na\tUna fila.\n",
    ".jsonl": '{"id": "a", "text": "Uno.", "genre": "op_ed"}\n{"id": "b", "text": "Dos."}\n',
}


def items_of(paths, **options):
    return list(read_documents([str(p) for p in paths], ReadOptions(**options)))


def random_rows(n: int, seed: int = 1) -> str:
    """JSON lines of varied text, so that gzip cannot shrink them to nothing."""
    rng = random.Random(seed)
    rows = [{"id": f"r{i}", "text": " ".join(rng.choice(WORDS) for _ in range(12)) + f" {rng.random()}."}
            for i in range(n)]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@pytest.mark.parametrize("suffix", sorted(PLAIN))
def test_gzipped_input_reads_like_the_plain_file(tmp_path, suffix):
    (tmp_path / "plain").mkdir()
    (tmp_path / "gz").mkdir()
    plain = tmp_path / "plain" / f"2020-01-02{suffix}"
    plain.write_text(PLAIN[suffix], encoding="utf-8")
    packed = tmp_path / "gz" / f"2020-01-02{suffix}.gz"
    packed.write_bytes(gzip.compress(PLAIN[suffix].encode("utf-8")))
    options = {"id_col": "id"} if suffix in (".csv", ".tsv", ".jsonl") else {}
    expected = items_of([plain], **options)
    assert expected and all(isinstance(d, Document) for d in expected)
    for found in (items_of([packed], **options), items_of([tmp_path / "gz"], **options)):  # the file, its folder
        assert [(d.id, d.text, d.meta) for d in found] == [(d.id, d.text, d.meta) for d in expected]


def test_truncated_gzip_keeps_the_lines_before_the_damage_and_the_batch_goes_on(tmp_path, rules_tagger):
    data = gzip.compress(random_rows(2000).encode("utf-8"))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[:len(data) * 6 // 10])
    after = tmp_path / "after.txt"
    after.write_text("Abrazos, no balazos.", encoding="utf-8")
    items = items_of([cut, after], id_col="id", unit="row")
    docs = [i for i in items if isinstance(i, Document)]
    [problem] = [i for i in items if isinstance(i, Problem)]
    kept = len(docs) - 1  # the last document is after.txt
    assert 0 < kept < 2000 and [d.id for d in docs[:kept]] == [f"r{i}" for i in range(kept)]
    assert docs[-1].path == str(after)
    assert problem.code == "truncated_gzip" and problem.path == str(cut) and problem.line == kept + 1
    assert f"first {kept} line(s) were read" in problem.reason and "compress the file again" in problem.reason
    summary = classify_checked([cut, after], rules_tagger, tmp_path, id_col="id", unit="row")
    assert (summary.read, summary.classified, summary.records) == (kept + 2, kept + 1, kept + 1)
    assert summary.reasons == {"truncated_gzip": 1}


@pytest.mark.parametrize("damage", ["not gzip at all", "garbled", "header only"])
def test_corrupt_gzip_is_one_problem_naming_the_file(tmp_path, rules_tagger, damage):
    data = gzip.compress("Una línea.\nOtra línea.\n".encode("utf-8"))
    broken = {"not gzip at all": b"plain text, not gzip\n",
              "garbled": data[:12] + bytes(b ^ 0x5A for b in data[12:]),
              "header only": data[:10]}[damage]
    path = tmp_path / "speech.txt.gz"
    path.write_bytes(broken)
    [problem] = items_of([path])
    assert problem.code == "truncated_gzip" and problem.path == str(path) and problem.line is None
    assert "nothing could be read" in problem.reason
    summary = classify_checked([path], rules_tagger, tmp_path)
    assert (summary.read, summary.skipped) == (1, 1)


def test_truncated_gzip_on_the_command_line_is_a_message_not_a_traceback(tmp_path):
    data = gzip.compress(random_rows(2000).encode("utf-8"))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[:len(data) // 2])
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["classify", str(cut), "--unit", "row", "--id-col", "id", "--model", "rules",
                                       "--lang", "es", "-o", str(out), "--n-process", "1"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert "cut.jsonl.gz:" in result.stderr and "gzip file truncated" in result.stderr
    assert "Traceback" not in result.output and out.exists()


def test_pdf_inside_gzip_is_refused_by_name(tmp_path):
    path = tmp_path / "book.pdf.gz"
    path.write_bytes(gzip.compress(b"%PDF-1.4"))
    [problem] = items_of([path])
    assert problem.code == "unknown_type" and "'.pdf.gz'" in problem.reason


def deny(monkeypatch, *denied: Path) -> None:
    """Reading these files fails as it does without read permission (the tests run as root, which may read all)."""
    read_bytes = Path.read_bytes

    def guarded(self):
        if self in denied:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)
    monkeypatch.setattr(Path, "read_bytes", guarded)


def test_unreadable_file_is_named_with_what_to_do_and_the_rest_is_read(tmp_path, monkeypatch, rules_tagger):
    for name in ("a.txt", "secret.txt", "z.txt"):
        (tmp_path / name).write_text(f"Texto de {name}.", encoding="utf-8")
    deny(monkeypatch, tmp_path / "secret.txt")
    items = items_of([tmp_path])
    assert [i.path.split("/")[-1] for i in items if isinstance(i, Document)] == ["a.txt", "z.txt"]
    [problem] = [i for i in items if isinstance(i, Problem)]
    assert problem.code == "unreadable_file" and problem.path.endswith("secret.txt")
    assert "Permission denied" in problem.reason and "chmod u+r" in problem.reason
    summary = classify_checked([tmp_path], rules_tagger, tmp_path)
    assert (summary.read, summary.classified, summary.reasons) == (3, 2, {"unreadable_file": 1})


def test_unlistable_directory_is_a_problem_not_a_silent_gap(tmp_path, monkeypatch, rules_tagger):
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text("Texto.", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("Oculto.", encoding="utf-8")
    scandir = os.scandir

    def guarded(path="."):
        if Path(path) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)
    monkeypatch.setattr(os, "scandir", guarded)
    items = items_of([tmp_path])
    assert [i.text for i in items if isinstance(i, Document)] == ["Texto."]
    [problem] = [i for i in items if isinstance(i, Problem)]
    assert problem.code == "unreadable_dir" and problem.path == str(tmp_path / "locked")
    assert "chmod u+rx" in problem.reason
    summary = classify_checked([tmp_path], rules_tagger, tmp_path)
    assert (summary.read, summary.classified, summary.reasons) == (2, 1, {"unreadable_dir": 1})


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read a file whatever its permissions")
def test_chmod_000_file_is_reported(tmp_path, rules_tagger):
    (tmp_path / "a.txt").write_text("Texto.", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("Oculto.", encoding="utf-8")
    secret.chmod(0)
    try:
        summary = classify_checked([tmp_path], rules_tagger, tmp_path)
    finally:
        secret.chmod(0o644)
    assert (summary.read, summary.classified, summary.reasons) == (2, 1, {"unreadable_file": 1})


def test_link_loops_and_broken_links_are_named_and_the_rest_is_read(tmp_path, rules_tagger):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Abrazos, no balazos.", encoding="utf-8")
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    (folder / "up").symlink_to(folder, target_is_directory=True)  # a loop through a directory: not followed
    items = items_of([folder])
    assert [i.text for i in items if isinstance(i, Document)] == ["Abrazos, no balazos."]
    problems = sorted((Path(p.path).name, p.code) for p in items if isinstance(p, Problem))
    assert problems == [("a.txt", "broken_link"), ("b.txt", "broken_link"), ("gone.txt", "broken_link")]
    summary = classify_checked([folder], rules_tagger, tmp_path)
    assert (summary.read, summary.classified, summary.reasons) == (4, 1, {"broken_link": 3})


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes("La pacificación del país.".encode(encoding))
    [doc] = items_of([path])
    assert doc.text == "La pacificación del país."


def test_a_directory_of_thousands_of_files(tmp_path, rules_tagger):
    folder = tmp_path / "many"
    for n in range(30):
        (folder / f"{n:02d}").mkdir(parents=True)
    for i in range(3000):
        (folder / f"{i % 30:02d}" / f"speech{i:04d}.txt").write_text(f"Discurso número {i}. Paz y seguridad.",
                                                                     encoding="utf-8")
    (folder / "00" / "image.txt").write_bytes(b"\x89PNG\x00\x00" * 20)
    (folder / "01" / "blank.md").write_text("  \n", encoding="utf-8")
    (folder / "02" / "rows.jsonl").write_text('{"text": "Uno."}\n{"text": \n', encoding="utf-8")
    (folder / "03" / "cut.txt.gz").write_bytes(gzip.compress(b"Texto.\n")[:15])
    (folder / "04" / "notes.docx").write_bytes(b"ignored in a directory")
    start = time.monotonic()
    summary = classify_checked([folder], rules_tagger, tmp_path, unit="document")
    assert time.monotonic() - start < 120
    assert (summary.read, summary.classified, summary.records) == (3000 + 5, 3000 + 1, 3001)
    assert summary.reasons == {"binary_file": 1, "empty_document": 1, "malformed_line": 1, "truncated_gzip": 1}
