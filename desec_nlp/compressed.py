"""Transparent gzip input: ``speech.txt.gz`` is read as ``speech.txt``, and a damaged archive keeps what it held.

A truncated or corrupt ``.gz`` file (an interrupted download, a full disk) is
not all-or-nothing: the complete lines decompressed before the damage are
returned with a :class:`Problem` that says where reading stopped.
"""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .documents import Problem

GZIP = ".gz"
_CHUNK = 1 << 16


def is_gzip(path: Path) -> bool:
    return path.suffix.lower() == GZIP


def format_suffix(path: Path) -> str:
    """The suffix that names the format, lower case: ``.txt`` for ``a.txt`` and for ``a.txt.gz``."""
    return Path(path.stem).suffix.lower() if is_gzip(path) else path.suffix.lower()


def input_stem(path: Path) -> str:
    """The file name without its format suffix (nor ``.gz``): the default document id."""
    return Path(path.stem).stem if is_gzip(path) else path.stem


def read_input_bytes(path: Path) -> tuple[bytes, Problem | None]:
    """The file's bytes, decompressed when it is gzip; for a damaged archive, its complete lines and a Problem.

    Raises OSError when the file cannot be opened at all (the caller reports it).
    """
    if not is_gzip(path):
        return path.read_bytes(), None
    data = bytearray()
    with gzip.open(path, "rb") as stream:
        try:
            while chunk := stream.read1(_CHUNK):
                data += chunk
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            return _salvage(path, bytes(data), exc)
    return bytes(data), None


def _salvage(path: Path, data: bytes, exc: Exception) -> tuple[bytes, Problem]:
    """Keep the complete lines before the damage; the Problem names the first line that was lost."""
    kept = data[:data.rfind(b"\n") + 1]
    lines = kept.count(b"\n")
    why = "truncated" if isinstance(exc, EOFError) else f"corrupt ({exc})"
    if lines:
        reason = (f"gzip file {why}: its first {lines} line(s) were read, the rest is lost from here on; "
                  "download or compress the file again")
    else:
        reason = f"gzip file {why}: nothing could be read; download or compress the file again"
    return kept, Problem(str(path), lines + 1 if lines else None, reason, "truncated_gzip")
