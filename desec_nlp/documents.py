"""The unit that flows from readers into the pipeline, and the record of a unit that could not be read."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    """A text with its metadata (date, speaker, source, genre, lang, ...) and where it came from."""

    id: str
    text: str
    meta: dict = field(default_factory=dict)
    path: str = ""
    line: int | None = None
    unit_id: str | None = None  # a row's own id when several rows make up one document


# Why an input unit was skipped: stable codes (for counting and filtering --errors files), each with its meaning.
REASONS = {
    "no_such_input": "a named file, directory or glob pattern does not exist or matches nothing",
    "broken_link": "a symbolic link that points nowhere, or a link loop",
    "unreadable_dir": "a directory that cannot be listed (permissions)",
    "unreadable_file": "a file that cannot be opened or read (permissions, I/O error)",
    "unknown_type": "a file whose extension is not an input format",
    "binary_file": "a file that is not text (NUL bytes)",
    "bad_encoding": "text that is not in the encoding given with --encoding, or an unknown encoding",
    "truncated_gzip": "a .gz file that is cut short or corrupt; the lines before the damage are read",
    "bad_pdf": "a PDF that cannot be parsed (damaged or encrypted)",
    "bad_front_matter": "a YAML front-matter block that is not valid YAML or not a mapping",
    "missing_column": "a table without the text/id/doc/meta column asked for, or a JSON line without the text key",
    "malformed_line": "a JSON line that is not a JSON object, or a CSV row that cannot be parsed",
    "empty_text": "a row or JSON line whose text is empty",
    "empty_id": "a row or JSON line whose id (--id-col) is empty",
    "empty_document": "a text, Markdown, HTML or PDF file with no text",
    "empty_file": "a CSV/TSV or JSONL file with no rows",
    "no_text_after_cleaning": "a unit whose text gives no sentence to tag (only spaces or markup)",
}


@dataclass(frozen=True)
class Problem:
    """An input unit that was skipped: where it is, why (for people) and a stable reason ``code`` (for counts)."""

    path: str
    line: int | None
    reason: str
    code: str

    def __post_init__(self) -> None:
        if self.code not in REASONS:
            raise ValueError(f"unknown problem code {self.code!r}; add it to desec_nlp.documents.REASONS")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict:
        """The ``--errors`` record: file, line, code, reason."""
        return {"file": self.path, "line": self.line, "code": self.code, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(data["file"], data["line"], data["reason"], data["code"])
