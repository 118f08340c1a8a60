"""The Dask engine on a LocalCluster: the same records as the local engine, as partitioned Parquet."""
from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("distributed")

from accounting import assert_counts_add_up  # noqa: E402
from desec_nlp.classify import classify_files  # noqa: E402
from desec_nlp.dask_engine import classify_dask, plan_partitions  # noqa: E402
from desec_nlp.readers import ReadOptions  # noqa: E402
from desec_nlp.tagged import read_tagged  # noqa: E402

SENTENCES = ["El Ejército combate a los cárteles en {}.", "Vamos a atender las causas de la violencia en {}.",
             "We will not declare war on anyone in {}.", "La Guardia Nacional se creó en {}."]


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"2019-0{i + 1}-01.txt").write_text(
            "\n\n".join(f"ORADOR {'ABCDE'[k]}: {SENTENCES[k % 4].format(i)} Gracias." for k in range(5)), encoding="utf-8")
    rows = [{"id": f"r{i}", "text": SENTENCES[i % 4].format(f"el estado {i}"), "speaker": f"S{i % 3}"}
            for i in range(30)]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(7, "{not json")
    (folder / "rows.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = pa.Table.from_pylist([{**r, "id": "p" + r["id"]} for r in rows])
    pq.write_table(table, tmp_path / "rows.parquet", row_group_size=12)
    return folder, tmp_path / "rows.parquet"


def test_partitions_cover_line_ranges_and_row_groups(inputs):
    folder, parquet = inputs
    partitions, problems = plan_partitions([str(folder), str(parquet)], partition_bytes=900)
    kinds = [p.kind for p in partitions]
    assert not problems and kinds.count("row_group") == 3 and kinds.count("lines") >= 3
    lines = [p for p in partitions if p.kind == "lines"]
    assert lines[0].first_line == 1 and lines[0].start == 0 and all(a.stop == b.start for a, b in zip(lines, lines[1:]))


def test_dask_gives_the_local_labels(inputs, tmp_path, rules_tagger):
    folder, parquet = inputs
    options = ReadOptions(id_col="id")
    out = tmp_path / "tagged"
    summary = classify_dask([str(folder), str(parquet)], out, options, model="rules", n_workers=2,
                            processes=False, partition_bytes=900)
    local = tmp_path / "local.jsonl"
    reference = classify_files([str(folder)], local, read_options=options, tagger=rules_tagger)
    dask_table = read_tagged(out).set_index("id")
    local_table = read_tagged(local).set_index("id")
    assert len(list(out.glob("part-*.parquet"))) >= 5
    assert summary.records == reference.records + 30 == len(dask_table) == 90
    assert [str(p) for p in summary.problems] == [str(p) for p in reference.problems]  # the bad JSON line, by number
    assert_counts_add_up(summary)
    assert_counts_add_up(reference, local)
    assert (summary.read, summary.classified, summary.reasons) == (reference.read + 30, reference.classified + 30,
                                                                   {"malformed_line": 1})
    same = dask_table.loc[local_table.index]
    for column in ("doc_id", "sent_index", "text", "move", "confidence", "cues"):
        assert list(same[column]) == list(local_table[column]), column
    assert list(same["frames"]) == list(local_table["frames"])
    assert same.loc["2019-01-01:0", "speaker"] == local_table.loc["2019-01-01:0", "speaker"] == "Orador A"
    from_parquet = dask_table[dask_table.index.str.startswith("p")]
    by_text = local_table.drop_duplicates("text").set_index("text")
    assert len(from_parquet) == 30
    assert list(from_parquet["move"]) == list(by_text.loc[from_parquet["text"], "move"])


def test_gzipped_inputs_give_the_local_labels_and_a_truncated_one_is_reported(tmp_path, rules_tagger):
    """A large gzipped JSONL stays one partition (no seeking in gzip); a truncated one keeps its whole lines."""
    import gzip

    folder = tmp_path / "in"
    folder.mkdir()
    rows = [json.dumps({"id": f"g{i}", "text": SENTENCES[i % 4].format(i)}, ensure_ascii=False) for i in range(40)]
    (folder / "rows.jsonl.gz").write_bytes(gzip.compress(("\n".join(rows) + "\n").encode("utf-8")))
    whole = gzip.compress(("\n".join(f"Línea {i}: {SENTENCES[i % 4].format(i)}" for i in range(200)) + "\n")
                          .encode("utf-8"))
    (folder / "cut.txt.gz").write_bytes(whole[: len(whole) // 2])
    options = ReadOptions(id_col="id")
    partitions, problems = plan_partitions([str(folder)], partition_bytes=200)
    assert not problems and all(p.kind == "files" for p in partitions)
    out = tmp_path / "tagged"
    summary = classify_dask([str(folder)], out, options, model="rules", n_workers=1, processes=False,
                            partition_bytes=200)
    local = tmp_path / "local.jsonl"
    reference = classify_files([str(folder)], local, read_options=options, tagger=rules_tagger)
    assert_counts_add_up(summary)
    assert_counts_add_up(reference, local)
    assert summary.reasons == reference.reasons == {"truncated_gzip": 1}
    dask_table, local_table = read_tagged(out).set_index("id"), read_tagged(local).set_index("id")
    assert sorted(dask_table.index) == sorted(local_table.index)
    assert list(dask_table.loc[local_table.index, "move"]) == list(local_table["move"])


def test_unreadable_and_damaged_inputs_are_reported_and_the_rest_is_classified(inputs, tmp_path, monkeypatch):
    """A JSONL that cannot be opened (permissions) and a file that is not Parquet: Problems, not a failed run."""
    import builtins

    folder, _ = inputs
    (folder / "broken.parquet").write_bytes(b"this is not a parquet file")
    denied = folder / "rows.jsonl"
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file) == str(denied):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", guarded)
    out = tmp_path / "tagged"
    summary = classify_dask([str(folder)], out, ReadOptions(id_col="id"), model="rules", n_workers=1,
                            processes=False, partition_bytes=900)
    assert_counts_add_up(summary)
    assert (summary.read, summary.classified, summary.reasons) == (17, 15, {"unreadable_file": 2})  # 3 files x 5 turns
    reasons = {p.path.split("/")[-1]: p.reason for p in summary.problems}
    assert "Permission denied" in reasons["rows.jsonl"] and "chmod u+r" in reasons["rows.jsonl"]
    assert "broken.parquet" in reasons
    assert len(read_tagged(out)) == summary.records
