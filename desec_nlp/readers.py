"""Read speeches, plans and press texts from files into :class:`Document` objects.

Formats: .txt, .md, .html/.htm, .csv/.tsv, .jsonl, .pdf, and the text formats
gzip-compressed (``.txt.gz``, ``.jsonl.gz``, ...); files, directories
(recursively) and glob patterns. Each reader yields Documents and, for what it
cannot read, :class:`Problem` records naming the file and line, so one bad file
or row never stops the batch and is never dropped silently.

Every item :func:`read_documents` yields is one *input unit*: a Document (a
file, a speaker turn or dateline piece of it, a table or JSONL row, a line with
``unit="row"``) or a Problem (a unit skipped: a whole file that cannot be read
counts once, a bad row or line once). :func:`desec_nlp.classify.classify_files`
counts these.
"""
from __future__ import annotations

import csv
import glob
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .compressed import format_suffix, input_stem, is_gzip, read_input_bytes
from .documents import Document, Problem
from .errors import InputError
from .jsonl import json_lines
from .markup import html_paragraphs, markdown_paragraphs
from .metadata import clean_meta, date_from_filename, dateline_date, load_sidecar, split_front_matter

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html",
           ".htm": "html", ".csv": "table", ".tsv": "table", ".tab": "table", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".pdf": "pdf"}
UNITS = ("sentence", "row", "document")
_SPEAKER_TURN = re.compile(r"^([A-ZÁÉÍÓÚÜÑ][A-ZÁÉÍÓÚÜÑ .,'()-]{2,80}):\s*(.*)$")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class ReadOptions:
    """How to read inputs: which table columns hold the text, id and metadata; the unit; the encoding."""

    text_col: str = "text"
    id_col: str | None = None
    doc_col: str | None = None
    meta_cols: tuple[str, ...] | None = None
    unit: str = "sentence"
    encoding: str = "auto"
    sidecar: str | None = None
    speaker_turns: bool = True
    split_datelines: bool = False  # a compilation: each place-and-date line starts a new dated document


def input_format(path: Path) -> str | None:
    """The reader for ``path`` ("text", "table", ...), or None; PDFs are read uncompressed only."""
    kind = FORMATS.get(format_suffix(path))
    return None if kind == "pdf" and is_gzip(path) else kind


def expand_inputs(inputs: Iterable[str]) -> Iterator[Path | Problem]:
    """Files, directories (walked recursively, sorted, hidden entries skipped) and glob patterns."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            seen = set()
            for child in _walk(path):
                if isinstance(child, Problem):
                    yield child
                    continue
                try:
                    real = child.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield Problem(str(child), None, "broken link or link loop; skipped", "broken_link")
                    continue
                if child.is_file() and input_format(child) and real not in seen:
                    seen.add(real)
                    yield child
        elif path.is_file():
            yield path
        elif any(ch in item for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                yield Problem(item, None, "the pattern matches no file", "no_such_input")
            yield from matches
        else:
            yield Problem(item, None, "no such file or directory", "no_such_input")


def _walk(root: Path) -> Iterator[Path | Problem]:
    """Every entry below ``root`` but hidden ones, sorted (links to directories are not followed).

    A directory that cannot be listed is a Problem, not a silent gap in the corpus.
    """
    problems, children = [], []

    def unreadable(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename), None, f"cannot list directory ({exc.strerror or exc}); give "
                                                         "yourself read permission (chmod u+rx) or leave it out",
                                "unreadable_dir"))

    for folder, dirs, files in os.walk(root, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        children += [Path(folder, name) for name in dirs + files if not name.startswith(".")]
    yield from problems
    yield from sorted(children)


def read_documents(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Document | Problem]:
    """Yield every input unit of every input: a Document, or a Problem for what cannot be read."""
    options = options or ReadOptions()
    if options.unit not in UNITS:
        raise InputError(f"unknown unit '{options.unit}'; choose one of {list(UNITS)}")
    sidecar = load_sidecar(options.sidecar) if options.sidecar else {}
    for path in expand_inputs(inputs):
        if isinstance(path, Problem):
            yield path
            continue
        kind = input_format(path)
        if kind is None:
            suffix = "".join(path.suffixes[-2:]) if is_gzip(path) else path.suffix
            yield Problem(str(path), None, f"unknown file type '{suffix}'; use one of {sorted(FORMATS)}, "
                                           "gzipped or not (PDFs uncompressed); rename the file or convert it",
                          "unknown_type")
            continue
        try:
            for item in _read_file(path, kind, options):
                if isinstance(item, Document):
                    add_sidecar_meta(item, path, sidecar)
                yield item
        except InputError as exc:
            yield Problem(exc.path or str(path), exc.line, exc.reason, exc.code)
        except OSError as exc:
            yield unreadable_file(path, exc)


def unreadable_file(path: Path, exc: Exception) -> Problem:
    """The Problem of a file that cannot be opened or read (an OSError, or a library's own read error)."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return Problem(str(path), None, f"cannot read file ({why}); check that you may read it (ls -l; chmod u+r FILE) "
                                    "or leave it out", "unreadable_file")


def _read_file(path: Path, kind: str, options: ReadOptions) -> Iterator[Document | Problem]:
    """One file's units; a damaged gzip file gives the units of its intact lines, then a Problem."""
    if kind == "pdf":
        yield from read_pdf(path, options)
        return
    data, damage = read_input_bytes(path)
    if data or damage is None:
        yield from _TEXT_READERS[kind](path, decode(data, str(path), options.encoding), options)
    if damage:
        yield damage


def add_sidecar_meta(document: Document, path: Path, sidecar: dict[str, dict]) -> None:
    """Merge the sidecar's metadata for this file (by name or stem) or document id; the file's own wins."""
    extra = sidecar.get(path.name) or sidecar.get(input_stem(path)) or sidecar.get(document.id) or {}
    document.meta = clean_meta({**extra, **document.meta})


def decode(data: bytes, path: str, encoding: str = "auto") -> str:
    """Decode bytes: BOMs honoured, UTF-8 tried first, then cp1252; binary data refused with a clear reason."""
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'", path, code="bad_encoding") from None
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputError(f"not valid {encoding} (byte {data[exc.start]:#04x}); pass the file's real "
                             f"encoding with --encoding, e.g. cp1252 or latin-1", path, line, "bad_encoding") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:8192]
    if b"\x00" in sample:
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        if odd > len(sample) // 4 and even == 0:
            return data.decode("utf-16-le", errors="replace")
        if even > len(sample) // 4 and odd == 0:
            return data.decode("utf-16-be", errors="replace")
        raise InputError("binary file (contains NUL bytes), not text; convert it to text or remove it", path,
                         code="binary_file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _file_meta(path: Path) -> dict:
    date = date_from_filename(str(path))
    return {"date": date} if date else {}


def _paragraph_documents(path: Path, paragraphs: list[str], meta: dict,
                         options: ReadOptions) -> Iterator[Document | Problem]:
    """Turn a file's paragraphs into Documents: one per file, per speaker turn, or per line (unit row)."""
    doc_id = input_stem(path)
    meta = {**_file_meta(path), **meta}
    if not any(p.strip() for p in paragraphs):
        yield Problem(str(path), None, "empty document (no text); nothing to classify", "empty_document")
        return
    if options.unit == "row":
        for n, paragraph in enumerate(paragraphs, 1):
            yield Document(f"{doc_id}:{n}", paragraph, dict(meta), str(path), n)
        return
    if options.split_datelines:
        yield from _dated_documents(path, paragraphs, meta)
        return
    if options.unit == "document" or not options.speaker_turns:
        yield Document(doc_id, "\n".join(paragraphs), meta, str(path), None)
        return
    speaker, turn = meta.get("speaker"), []
    for paragraph in paragraphs:
        match = _SPEAKER_TURN.match(paragraph)
        if match:
            if turn:
                yield Document(doc_id, "\n".join(turn), {**meta, "speaker": speaker} if speaker else dict(meta),
                               str(path))
            speaker, turn = match.group(1).strip().title(), [match.group(2)] if match.group(2) else []
        else:
            turn.append(paragraph)
    if turn:
        yield Document(doc_id, "\n".join(turn), {**meta, "speaker": speaker} if speaker else dict(meta), str(path))


def _dated_documents(path: Path, paragraphs: list[str], meta: dict) -> Iterator[Document]:
    """Split a compilation (a book of speeches, a press archive) at its datelines, one document per piece.

    Text before the first dateline (title pages, contents) is its own undated document.
    """
    part, current, date, stem = 0, [], None, input_stem(path)
    for paragraph in paragraphs:
        found = dateline_date(paragraph)
        if found:
            if current:
                yield Document(f"{stem}#{part:04d}", "\n".join(current),
                               {**meta, "date": date} if date else dict(meta), str(path))
                part += 1
            current, date = [], found
        else:
            current.append(paragraph)
    if current:
        yield Document(f"{stem}#{part:04d}", "\n".join(current),
                       {**meta, "date": date} if date else dict(meta), str(path))


def _blocks(text: str) -> list[str]:
    """Paragraphs of plain text: blank lines separate them, single line breaks inside are joined."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def read_text(path: Path, text: str, options: ReadOptions) -> Iterator[Document | Problem]:
    meta, body = split_front_matter(text, str(path))
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()] if options.unit == "row" \
        else _blocks(body)
    yield from _paragraph_documents(path, paragraphs, meta, options)


def read_markdown(path: Path, text: str, options: ReadOptions) -> Iterator[Document | Problem]:
    meta, body = split_front_matter(text, str(path))
    yield from _paragraph_documents(path, markdown_paragraphs(body), meta, options)


def read_html(path: Path, text: str, options: ReadOptions) -> Iterator[Document | Problem]:
    paragraphs, meta = html_paragraphs(text)
    yield from _paragraph_documents(path, paragraphs, meta, options)


def read_pdf(path: Path, options: ReadOptions) -> Iterator[Document | Problem]:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    from .pdf import extract_pdf_text
    try:
        text = extract_pdf_text(str(path))
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"cannot read PDF ({exc.__class__.__name__}: {exc}); is it a valid, unencrypted PDF?",
                         str(path), code="bad_pdf") from None
    yield from _paragraph_documents(path, text.splitlines(), {}, options)


def _row_document(path: Path, row: dict, line: int, options: ReadOptions, columns: list[str]) -> Document | Problem:
    text = row.get(options.text_col)
    if text is None or not str(text).strip():
        return Problem(str(path), line, f"empty text in column '{options.text_col}'; row skipped", "empty_text")
    row_id = str(row.get(options.id_col, "")).strip() if options.id_col else ""
    if options.id_col and not row_id:
        return Problem(str(path), line, f"empty id in column '{options.id_col}'; row skipped", "empty_id")
    unit_id = row_id or f"{input_stem(path)}:{line}"
    doc_id = str(row.get(options.doc_col) or "").strip() if options.doc_col else ""
    wanted = options.meta_cols if options.meta_cols is not None else \
        [c for c in columns if c not in (options.text_col, options.id_col, options.doc_col)]
    meta = {c: row.get(c) for c in wanted if c in row}
    return Document(doc_id or unit_id, str(text), meta, str(path), line, unit_id)


def _check_columns(path: Path, columns: list[str], options: ReadOptions) -> None:
    wanted = (options.text_col, options.id_col, options.doc_col, *(options.meta_cols or ()))
    missing = [c for c in wanted if c and c not in columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; the file has {columns}. Choose the columns with "
                         f"--text-col / --id-col", str(path), 1, "missing_column")


def table_delimiter(path: Path) -> str:
    """Tab for ``.tsv``/``.tab`` (gzipped or not), comma otherwise."""
    return "\t" if format_suffix(path) in (".tsv", ".tab") else ","


def read_table(path: Path, text: str, options: ReadOptions) -> Iterator[Document | Problem]:
    """CSV/TSV through the csv module, row by row, so a bad row costs one row and memory stays flat."""
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=table_delimiter(path))
    columns = list(reader.fieldnames or [])
    if not columns:
        yield Problem(str(path), None, "empty table (no header row)", "empty_file")
        return
    _check_columns(path, columns, options)
    units = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            item = Problem(str(path), reader.line_num, f"malformed row ({exc}); fix its quoting", "malformed_line")
        else:
            item = _row_document(path, row, reader.line_num, options, columns) if None not in row else \
                Problem(str(path), reader.line_num, f"row has more fields than the header's {len(columns)}; "
                                                    "check the delimiter and quoting", "malformed_line")
        units += 1
        yield item
    if not units:
        yield Problem(str(path), None, "empty table (header only)", "empty_file")


def read_jsonl(path: Path, text: str, options: ReadOptions) -> Iterator[Document | Problem]:
    """JSON Lines: one object per line; a malformed line is reported with its number and skipped.

    Lines end at "\n" only: a JSON string may hold U+2028 or U+0085, which ``str.splitlines`` would cut.
    """
    units = 0
    for item in json_line_units(path, text.split("\n"), options):
        units += 1
        yield item
    if not units:
        yield Problem(str(path), None, "empty file (no JSON lines)", "empty_file")


def json_line_units(path: Path, lines: Iterable[str], options: ReadOptions,
                    first_line: int = 1) -> Iterator[Document | Problem]:
    """One unit per non-blank JSON line (numbered from ``first_line``): its Document, or why it is skipped."""
    for n, value in json_lines(lines, first_line):
        yield (Problem(str(path), n, value, "malformed_line") if isinstance(value, str)
               else record_unit(path, value, n, options))


def record_unit(path: Path, row: dict, line: int, options: ReadOptions) -> Document | Problem:
    """A JSON object or Parquet row as a Document, or a Problem when it lacks the text key."""
    if options.text_col not in row:
        return Problem(str(path), line, f"no '{options.text_col}' key; keys are {sorted(row)}; use --text-col",
                       "missing_column")
    return _row_document(path, row, line, options, list(row))


_TEXT_READERS = {"text": read_text, "markdown": read_markdown, "html": read_html, "table": read_table,
                 "jsonl": read_jsonl}
