"""JSON Lines read strictly: every line one object, a bad line named by file and number."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError


def parse_json_objects(lines: Iterable[str], path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield ``(line number, object)`` for every non-blank line; raise :class:`InputError` on the first bad one."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON ({exc.msg}); fix or remove the line", str(path), n) from None
        if not isinstance(value, dict):
            raise InputError("each line must be a JSON object", str(path), n)
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
