"""Every input format, metadata sources, encodings and bad input (reported, never fatal)."""
from __future__ import annotations

import pytest

from accounting import classify_checked
from desec_nlp import Document, Problem, ReadOptions, read_documents


def docs_and_problems(paths, **options):
    items = list(read_documents([str(p) for p in paths], ReadOptions(**options)))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Problem)]


def test_plain_text_joins_wrapped_lines_and_reads_front_matter(tmp_path):
    path = tmp_path / "speech.txt"
    path.write_text("---\nspeaker: Felipe Calderón\ndate: 11/12/2006\ngenre: speech\n---\n"
                    "Hoy iniciamos un operativo\nconjunto en Michoacán.\n\nGracias a todos.\n", encoding="utf-8")
    [doc], problems = docs_and_problems([path])
    assert not problems
    assert doc.id == "speech"
    assert doc.text.splitlines() == ["Hoy iniciamos un operativo conjunto en Michoacán.", "Gracias a todos."]
    assert doc.meta == {"speaker": "Felipe Calderón", "date": "2006-12-11", "genre": "speech"}


def test_text_unit_row_makes_one_document_per_line(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("First line.\n\nSecond line. Still second.\n", encoding="utf-8")
    docs, _ = docs_and_problems([path], unit="row")
    assert [d.text for d in docs] == ["First line.", "Second line. Still second."]
    assert [d.id for d in docs] == ["lines:1", "lines:2"]


def test_markdown_drops_markup_and_splits_speaker_turns(tmp_path):
    path = tmp_path / "2019-10-18.md"
    path.write_text("# Versión estenográfica\n\n![foto](http://x/y.jpg)\n\n"
                    "**PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR:** Buenos días.\nVamos a informar.\n\n"
                    "**INTERLOCUTOR:** ¿Y la [Guardia Nacional](http://g)?\n", encoding="utf-8")
    docs, problems = docs_and_problems([path])
    assert not problems
    assert [d.meta.get("speaker") for d in docs] == [None, "Presidente Andrés Manuel López Obrador", "Interlocutor"]
    assert docs[1].text == "Buenos días. Vamos a informar."
    assert docs[2].text == "¿Y la Guardia Nacional?"
    assert all(d.id == "2019-10-18" and d.meta["date"] == "2019-10-18" for d in docs)


def test_html_uses_a_parser_and_meta_tags(tmp_path):
    path = tmp_path / "article.html"
    path.write_text("<html><head><title>Op-ed</title><meta name='author' content='A. Pérez'>"
                    "<meta name='date' content='2020-05-04'><script>var war = 1;</script></head>"
                    "<body><nav>Menu</nav><p>The war on drugs\nfailed.</p><p>Hugs &amp; bullets.</p></body></html>",
                    encoding="utf-8")
    [doc], _ = docs_and_problems([path])
    assert doc.text == "The war on drugs failed.\nHugs & bullets."
    assert doc.meta["speaker"] == "A. Pérez" and doc.meta["date"] == "2020-05-04"


def test_csv_and_tsv_columns_and_metadata(tmp_path):
    csv_path = tmp_path / "s.csv"
    csv_path.write_text('sid,body,speaker,date\n1,"Texto, con coma.",AMLO,2019-01-02\n2,Otro.,AMLO,02/01/2019\n',
                        encoding="utf-8")
    tsv_path = tmp_path / "s.tsv"
    tsv_path.write_text("id\ttext\nx\tA line.\n", encoding="utf-8")
    docs, problems = docs_and_problems([csv_path], id_col="sid", text_col="body", unit="row")
    assert not problems
    assert [(d.id, d.text) for d in docs] == [("1", "Texto, con coma."), ("2", "Otro.")]
    assert docs[1].meta == {"speaker": "AMLO", "date": "2019-01-02"}
    [tsv_doc], _ = docs_and_problems([tsv_path], id_col="id")
    assert tsv_doc.text == "A line." and tsv_doc.id == "x"


def test_sidecar_metadata(tmp_path):
    (tmp_path / "a.txt").write_text("Texto.", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,speaker,date\na.txt,Sheinbaum,1 Oct 2024\n", encoding="utf-8")
    [doc], _ = docs_and_problems([tmp_path / "a.txt"], sidecar=str(meta))
    assert doc.meta == {"speaker": "Sheinbaum", "date": "2024-10-01"}


def test_jsonl_reports_malformed_line_and_keeps_the_rest(tmp_path, rules_tagger):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "Uno."}\n{"id": "b", "text": \n{"id": "c", "text": "Tres.", "genre": "op_ed"}\n',
                    encoding="utf-8")
    docs, problems = docs_and_problems([path], id_col="id")
    assert [d.id for d in docs] == ["a", "c"] and docs[1].meta == {"genre": "op_ed"}
    assert len(problems) == 1 and problems[0].line == 2 and "in.jsonl" in str(problems[0])
    summary = classify_checked([path], rules_tagger, tmp_path, id_col="id", unit="row")
    assert (summary.read, summary.classified, summary.reasons) == (3, 2, {"malformed_line": 1})


def test_pdf_drops_running_heads_and_page_numbers_and_joins_hyphens(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    import matplotlib.pyplot as plt

    path = tmp_path / "book.pdf"
    with PdfPages(path) as pdf:
        for page in range(1, 5):
            fig = plt.figure(figsize=(8.5, 11))
            fig.text(0.3, 0.96, "LA VOZ DE LOS HECHOS")
            fig.text(0.1, 0.6, f"Discurso {page}: la seguri-\ndad de las familias es lo primero.")
            fig.text(0.5, 0.02, str(page))
            pdf.savefig(fig)
            plt.close(fig)
    [doc], problems = docs_and_problems([path], speaker_turns=False)
    assert not problems
    assert "LA VOZ DE LOS HECHOS" not in doc.text
    assert "Discurso 3: la seguridad de las familias es lo primero." in doc.text.splitlines()
    assert not any(line.strip().isdigit() for line in doc.text.splitlines())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "t.txt"
    path.write_bytes("La pacificación del país, según el señor.".encode(encoding))
    [doc], problems = docs_and_problems([path])
    assert not problems and doc.text == "La pacificación del país, según el señor."


def test_wrong_declared_encoding_names_file_and_line(tmp_path, rules_tagger):
    path = tmp_path / "latin.txt"
    path.write_bytes("Primera línea bien.\nSegunda con acción.".encode("cp1252"))
    _, [problem] = docs_and_problems([path], encoding="utf-8")
    assert problem.path.endswith("latin.txt") and problem.line == 1 and "--encoding" in problem.reason
    summary = classify_checked([path], rules_tagger, tmp_path, encoding="utf-8")
    assert (summary.read, summary.skipped, summary.reasons) == (1, 1, {"bad_encoding": 1})


def test_bad_inputs_are_listed_and_the_rest_is_read(tmp_path, rules_tagger):
    good = tmp_path / "good.txt"
    good.write_text("Un texto.", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02" * 50)
    empty = tmp_path / "empty.md"
    empty.write_text("   \n", encoding="utf-8")
    table = tmp_path / "cols.csv"
    table.write_text("id,body\n1,x\n", encoding="utf-8")
    blank_row = tmp_path / "blank.csv"
    blank_row.write_text("id,text\n1,Bien.\n2,\n", encoding="utf-8")
    docs, problems = docs_and_problems([good, binary, empty, table, blank_row, tmp_path / "missing.txt"])
    assert [d.text for d in docs] == ["Un texto.", "Bien."]
    reasons = {p.path.split("/")[-1]: p for p in problems}
    assert "binary" in reasons["image.txt"].reason
    assert "empty" in reasons["empty.md"].reason
    assert "missing column" in reasons["cols.csv"].reason and "--text-col" in reasons["cols.csv"].reason
    assert reasons["blank.csv"].line == 3
    assert "no such file" in reasons["missing.txt"].reason
    summary = classify_checked([good, binary, empty, table, blank_row, tmp_path / "missing.txt"], rules_tagger, tmp_path)
    assert (summary.read, summary.classified) == (7, 2)
    assert summary.reasons == {"binary_file": 1, "empty_document": 1, "missing_column": 1, "empty_text": 1,
                               "no_such_input": 1}


def test_directories_and_globs(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "b.md").write_text("B.", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"x")
    docs, problems = docs_and_problems([tmp_path])
    assert sorted(d.text for d in docs) == ["A.", "B."] and not problems
    docs, _ = docs_and_problems([str(tmp_path / "*.md")])
    assert [d.text for d in docs] == ["B."]


def test_unknown_extension_given_explicitly_is_a_problem(tmp_path, rules_tagger):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"x")
    _, [problem] = docs_and_problems([path])
    assert "unknown file type" in problem.reason and problem.code == "unknown_type"
    summary = classify_checked([path], rules_tagger, tmp_path)
    assert (summary.read, summary.classified, summary.reasons) == (1, 0, {"unknown_type": 1})


def test_compilation_split_at_datelines(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("La voz de los hechos\n\nÍndice\n\nCiudad de México, viernes, 1º de diciembre de 2006\n\n"
                    "Primer discurso.\n\nYautepec, Morelos, lunes, 8 de enero de 2007\n\nSegundo discurso.\n",
                    encoding="utf-8")
    docs, _ = docs_and_problems([path], split_datelines=True)
    assert [(d.id, d.meta.get("date"), d.text) for d in docs] == [
        ("book#0000", None, "La voz de los hechos\nÍndice"),
        ("book#0001", "2006-12-01", "Primer discurso."),
        ("book#0002", "2007-01-08", "Segundo discurso.")]
