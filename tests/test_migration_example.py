"""The migration example codebook runs end to end: classify, train, report, with labels of its own."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from desec_nlp import Tagger, load_codebook, load_corpus, score, train_model
from desec_nlp.cli import main

EXAMPLE = Path(str(resources.files("desec_nlp") / "data" / "examples" / "migration"))
CODEBOOK = EXAMPLE / "codebook.yaml"
ANNOTATED = EXAMPLE / "annotated.jsonl"


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


@pytest.fixture(scope="module")
def gold(codebook):
    return load_corpus(ANNOTATED, codebook)  # also checks every label against the codebook


def test_example_files_load(codebook, gold):
    assert codebook.languages == ("en",) and len(codebook.frames) == 7
    assert codebook.move_directions == {"securitizing": 1, "desecuritizing": -1, "none": 0}
    assert len(gold) == 45 and gold["doc_id"].nunique() == 9 and set(gold["lang"]) == {"en"}
    assert gold["move"].value_counts().to_dict() == {"securitizing": 17, "desecuritizing": 16, "none": 12}
    for example in codebook.examples:  # the codebook's own examples are tagged as labelled
        [record] = Tagger(codebook, model="rules").tag_texts([example.text], lang="en")
        assert record["move"] == example.move


def test_classify_with_rules(codebook, gold, tmp_path):
    out = tmp_path / "tagged.jsonl"
    result = CliRunner().invoke(main, ["classify", str(ANNOTATED), "--unit", "row", "--codebook", str(CODEBOOK),
                                       "--model", "rules", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "45 input unit(s) read: 45 classified into 45 record(s) of 45 document(s)" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {f for r in records for f in r["frames"]} <= set(codebook.frame_names)
    result = score(list(gold["move"]), [r["move"] for r in records], list(gold["frames"]),
                   [r["frames"] for r in records], codebook)
    assert result["move"]["accuracy"] >= 0.8 and result["frames"]["micro_f1"] >= 0.9


def test_train_and_tag_with_the_example(codebook, gold, tmp_path):
    model = train_model(gold, codebook, tmp_path / "model", command="test")
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["moves"] == codebook.move_names and meta["frames"] == codebook.frame_names
    assert meta["codebook"]["name"] == "securitization of migration (example)"
    assert meta["training_data"] == {"sentences": 45, "documents": 9,
                                     "moves": {"securitizing": 17, "desecuritizing": 16, "none": 12}}
    tagger = Tagger(codebook, model=tmp_path / "model")
    records = tagger.tag_texts(list(gold["text"]), lang="en")
    fitted = score(list(gold["move"]), [r["move"] for r in records], list(gold["frames"]),
                   [r["frames"] for r in records], codebook)
    assert fitted["move"]["accuracy"] >= 0.9  # on its own training sentences
    assert model.frames == codebook.frame_names


def test_frame_table_by_year(codebook, gold):
    from desec_nlp.report_job import compute_report

    report = compute_report(gold, by="year", codebook=codebook, n_boot=0)
    table = report.table.set_index("period")
    assert [str(p) for p in table.index] == ["2015", "2016", "2017", "2018", "2019"]
    assert list(table["sentences"]) == [10, 10, 10, 5, 10]
    assert list(table["frame_border_control_n"]) == [2, 2, 2, 2, 4]
    assert table["frame_border_control_n"].sum() == sum("border_control" in f for f in gold["frames"])
    # 2015: 4 securitizing, 4 desecuritizing -> balance 0; 2019: 3 vs 5 -> (3 - 5) / 8
    assert table.loc["2015", "balance"] == 0 and table.loc["2019", "balance"] == pytest.approx(-0.25)
