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


@dataclass(frozen=True)
class Problem:
    """An input unit that was skipped, with where it is and why (so nothing is lost silently)."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "reason": self.reason}
