"""Named exceptions: the library raises these and never prints or exits.

The CLI turns them into one-line messages, so every message must say what went
wrong, where (file, line, field) and what to do.
"""
from __future__ import annotations


class DesecError(Exception):
    """Base class of every error desec_nlp raises on purpose."""


class CodebookError(DesecError):
    """A codebook or lexicon file is malformed or inconsistent."""


class InputError(DesecError):
    """An input file or unit cannot be read; carries where it happened and, from readers, a reason code.

    ``code`` is one of :data:`desec_nlp.documents.REASONS`; readers set it so that the skipped unit is
    counted under the right reason.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None, code: str | None = None):
        self.path = path
        self.line = line
        self.reason = message
        self.code = code
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{where}{message}")


class ModelError(DesecError):
    """A model directory is missing, incomplete or was built for another codebook or library."""
