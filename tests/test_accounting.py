"""The counts always add up: random mixes of good and bad files and lines, each unit classified or skipped once."""
from __future__ import annotations

import gzip
import json
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting import assert_counts_add_up, output_records
from desec_nlp.classify import classify_files
from desec_nlp.readers import ReadOptions

# A JSON line: (text of the line, reason code it is skipped for, or None when it is a good unit, or "" when blank).
JSON_LINES = {
    "valid": ('{{"text": "El Ejército patrulla la zona {n}. Abrazos, no balazos."}}', None),
    "empty_text": ('{{"text": "  "}}', "empty_text"),
    "malformed": ('{{"text": "sin cerrar {n}', "malformed_line"),
    "not_an_object": ("[{n}, 2]", "malformed_line"),
    "missing_key": ('{{"body": "otra clave {n}"}}', "missing_column"),
    "blank": ("   ", ""),
}
CSV_ROWS = {
    "valid": ('{n},"La paz es fruto de la justicia, número {n}."', None),
    "empty_text": ("{n},", "empty_text"),
    "too_many_fields": ("{n},a,b", "malformed_line"),
}
TEXT_LINES = {"valid": ("Vamos a atender las causas de la violencia {n}.", None), "blank": ("", "")}

json_file = st.tuples(st.just("jsonl"), st.lists(st.sampled_from(sorted(JSON_LINES)), max_size=8), st.booleans())
csv_file = st.tuples(st.just("csv"), st.lists(st.sampled_from(sorted(CSV_ROWS)), max_size=6),
                     st.sampled_from(["id,text", "id,body", ""]))  # the header; "": an empty file
text_file = st.tuples(st.just("txt"), st.lists(st.sampled_from(sorted(TEXT_LINES)), max_size=5), st.booleans())
odd_file = st.tuples(st.sampled_from(["binary", "missing", "docx", "truncated_gz"]), st.just([]), st.just(None))
files = st.lists(st.one_of(json_file, csv_file, text_file, odd_file), min_size=1, max_size=6)


def write_file(folder: Path, index: int, spec: tuple, unit: str) -> tuple[Path, int, Counter]:
    """Write one file; return its path, its good units and the reason codes of its skipped units."""
    kind, lines, flag = spec
    path = folder / f"f{index}"
    if kind in ("jsonl", "txt"):
        table = JSON_LINES if kind == "jsonl" else TEXT_LINES
        body = "".join(table[line][0].format(n=n) + "\n" for n, line in enumerate(lines))
        path = path.with_suffix(f".{kind}.gz" if flag else f".{kind}")
        path.write_bytes(gzip.compress(body.encode()) if flag else body.encode())
        codes = [table[line][1] for line in lines if table[line][1] != ""]
        if kind == "txt" and unit != "row" and codes:
            codes = [None]  # the whole text is one unit
        good = codes.count(None)
        skipped = Counter(c for c in codes if c)
        if not codes:
            skipped = Counter({"empty_file" if kind == "jsonl" else "empty_document": 1})
        return path, good, skipped
    if kind == "csv":
        path = path.with_suffix(".csv")
        rows = [CSV_ROWS[row][0].format(n=n) for n, row in enumerate(lines)] if flag else []
        path.write_text("".join(line + "\n" for line in ([flag] if flag else []) + rows), encoding="utf-8")
        if not flag:
            return path, 0, Counter({"empty_file": 1})  # an empty file: not even a header
        if flag == "id,body":
            return path, 0, Counter({"missing_column": 1})
        if not lines:
            return path, 0, Counter({"empty_file": 1})  # header only
        codes = [CSV_ROWS[row][1] for row in lines]
        return path, codes.count(None), Counter(c for c in codes if c)
    if kind == "binary":
        path = path.with_suffix(".txt")
        path.write_bytes(b"\x00\x01\x02GIF\x00" * 30)
        return path, 0, Counter({"binary_file": 1})
    if kind == "docx":
        path = path.with_suffix(".docx")
        path.write_bytes(b"PK\x03\x04")
        return path, 0, Counter({"unknown_type": 1})
    if kind == "truncated_gz":
        path = path.with_suffix(".jsonl.gz")
        path.write_bytes(gzip.compress(b'{"text": "Uno."}\n')[:12])
        return path, 0, Counter({"truncated_gzip": 1})
    return path.with_suffix(".txt"), 0, Counter({"no_such_input": 1})  # never written


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=files, unit=st.sampled_from(["row", "sentence"]))
def test_counts_add_up_for_any_mix_of_good_and_bad_input(rules_tagger, specs, unit):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        written = [write_file(folder, i, spec, unit) for i, spec in enumerate(specs)]
        out, errors = folder / "out.jsonl", folder / "errors.jsonl"
        summary = classify_files([str(path) for path, _, _ in written], out, read_options=ReadOptions(unit=unit),
                                 tagger=rules_tagger, lang="es", errors_path=errors, batch_size=3)
        good = sum(g for _, g, _ in written)
        expected = sum((codes for _, _, codes in written), Counter())
        assert summary.reasons == expected
        assert (summary.classified, summary.skipped) == (good, sum(expected.values()))
        assert summary.read == good + sum(expected.values())
        assert_counts_add_up(summary, out, errors)
        error_lines = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
        if unit == "row":  # one record per good unit: units read = records written + lines in --errors
            assert summary.read == output_records(out) + len(error_lines)
        else:  # a unit may give several sentence records
            assert output_records(out) >= summary.classified
            assert summary.read == summary.classified + len(error_lines)
