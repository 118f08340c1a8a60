"""JSON Lines read strictly: every line one object, a bad line named by file and number."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError


def json_lines(lines: Iterable[str], first_line: int = 1) -> Iterator[tuple[int, dict | str]]:
    """Yield ``(line number, object)`` for every non-blank line, or ``(line number, what is wrong)``.

    The one parser of JSON lines: strict readers raise on the first error, the corpus reader
    records it and goes on.
    """
    for n, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, f"malformed JSON ({exc.msg} at column {exc.colno}); fix or remove the line"
            continue
        yield n, value if isinstance(value, dict) else 'each line must be a JSON object like {"text": ...}'


def parse_json_objects(lines: Iterable[str], path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield ``(line number, object)`` for every non-blank line; raise :class:`InputError` on the first bad one."""
    for n, value in json_lines(lines):
        if isinstance(value, str):
            raise InputError(value, str(path), n)
        yield n, value


def read_json_objects(path: str | Path) -> Iterator[tuple[int, dict]]:
    """:func:`parse_json_objects` over a UTF-8 file (a BOM is tolerated).

    Lines end at "\n" only, as in :func:`desec_nlp.readers.read_jsonl`: a JSON string may hold
    U+2028 or U+0085 unescaped, which ``str.splitlines`` would cut.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file ({exc})", str(path)) from None
    yield from parse_json_objects(lines, path)
