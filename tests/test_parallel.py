"""Tagging on several processes gives exactly the sequential result, in order, with bounded look-ahead."""
from __future__ import annotations

import json

from click.testing import CliRunner

from accounting import assert_counts_add_up
from desec_nlp.classify import classify_files
from desec_nlp.cli import main
from desec_nlp.documents import Document, Problem
from desec_nlp.parallel import tag_batches
from desec_nlp.tagger import batched


def write_inputs(tmp_path):
    """Two transcripts whose speaker turns share a doc_id, a JSONL with a bad line, an empty file."""
    turns = "\n\n".join(f"ORADOR {i % 2}: Vamos a atender las causas de la violencia. No a la guerra número {i}."
                        for i in range(12))
    (tmp_path / "2020-01-02.txt").write_text(turns, encoding="utf-8")
    (tmp_path / "speech.txt").write_text("We will declare war on the cartels. The army will patrol the streets.\n\n"
                                         "Peace is the fruit of justice.", encoding="utf-8")
    rows = [json.dumps({"id": f"r{i}", "text": f"El Ejército combate a los cárteles en la zona {i}."})
            for i in range(7)]
    rows.insert(3, '{"id": "bad", "text": ')
    (tmp_path / "rows.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    return [str(tmp_path / name) for name in ("2020-01-02.txt", "rows.jsonl", "empty.txt", "speech.txt")]


def test_parallel_output_is_the_sequential_output(tmp_path, rules_tagger):
    inputs = write_inputs(tmp_path)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    first = classify_files(inputs, one, tagger=rules_tagger, batch_size=3, n_process=1)
    second = classify_files(inputs, two, tagger=rules_tagger, batch_size=3, n_process=2)
    assert one.read_bytes() == two.read_bytes()
    records = [json.loads(line) for line in one.read_text(encoding="utf-8").splitlines()]
    # the 12 speaker turns are one document numbered 0..23 across batches
    transcript = [r for r in records if r["doc_id"] == "2020-01-02"]
    assert [r["sent_index"] for r in transcript] == list(range(24))
    assert transcript[-1]["id"] == "2020-01-02:23"
    assert first.records == second.records == len(records) == 24 + 7 + 3
    assert [str(p) for p in first.problems] == [str(p) for p in second.problems]
    assert len(second.problems) == 2 and "rows.jsonl:4" in str(second.problems[0])
    for summary, out in ((first, one), (second, two)):
        assert_counts_add_up(summary, out)
        assert (summary.read, summary.classified) == (1 + 8 + 1 + 1, 1 + 7 + 1)  # transcript, rows, empty, speech
        assert summary.reasons == {"malformed_line": 1, "empty_document": 1}


def test_at_most_max_in_flight_batches_are_out(rules_tagger):
    pulled = []

    def batches():
        for i in range(12):
            pulled.append(i)
            yield [Document(f"d{i}", f"Peace is the fruit of justice number {i}.")]

    seen = 0
    for result in tag_batches(rules_tagger, batches(), lang="en", n_process=2, max_in_flight=3):
        seen += 1
        assert len(pulled) - seen <= 3 - 1 + 1  # the batches being tagged, plus the one just returned
        assert result[0][0]["doc_id"] == f"d{seen - 1}"
    assert seen == 12


def test_problems_keep_their_place(rules_tagger):
    items = [Document("a", "War."), Problem("x.txt", None, "unreadable", "unreadable_file"), Document("b", "Peace.")]
    results = [r for batch in tag_batches(rules_tagger, batched(items, 1), lang="en", n_process=2) for r in batch]
    assert isinstance(results[1], Problem) and results[0][0]["doc_id"] == "a" and results[2][0]["doc_id"] == "b"


def test_cli_n_process_and_batch_size(tmp_path):
    inputs = write_inputs(tmp_path)
    runner = CliRunner()
    outputs = []
    for n in ("1", "2"):
        out = tmp_path / f"cli{n}.jsonl"
        result = runner.invoke(main, ["classify", *inputs, "-o", str(out), "--model", "rules", "--n-process", n,
                                      "--batch-size", "2", "--id-col", "id"])
        assert result.exit_code == 1, result.output  # the bad JSON line and the empty file are reported
        assert "11 input unit(s) read: 9 classified into 34 record(s)" in result.stderr
        assert "2 skipped\nskipped by reason: empty_document 1, malformed_line 1" in result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0].splitlines()[24])["id"] == "r0:0"
