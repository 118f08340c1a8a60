"""Evidence behind the numbers: keyword-in-context lines and example sentences with their cue spans.

A table that says war_military fell is only convincing next to the sentences
behind it. ``kwic`` finds a term (plain words match whole words; or a regular
expression) ignoring case and accents, or a move/frame label, whose matches are
the cue spans the tagger recorded as evidence. Cue offsets in tagged records are
offsets in the *document*, so they are re-anchored in the sentence text here.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pandas as pd

from .codebook import Codebook
from .errors import InputError

KWIC_COLUMNS = ["id", "doc_id", "date", "source", "speaker", "label", "left", "match", "right", "negated"]


def strip_accents(text: str) -> tuple[str, list[int]]:
    """Text without combining accents, and for each of its characters the index of the original one."""
    chars, origin = [], []
    for i, char in enumerate(text):
        for base in unicodedata.normalize("NFD", char):
            if not unicodedata.combining(base):
                chars.append(base)
                origin.append(i)
    return "".join(chars), origin


def term_pattern(term: str, regex: bool = False) -> re.Pattern:
    """A case- and accent-insensitive pattern; a plain term matches whole words only ("guerra", not "guerrilla")."""
    folded = strip_accents(term)[0]
    try:
        body = folded if regex else r"(?<!\w)" + re.escape(folded) + r"(?!\w)"
        return re.compile(body, re.IGNORECASE)
    except re.error as exc:
        raise InputError(f"'{term}' is not a valid regular expression ({exc})") from None


def find_term(text: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    """Character spans of ``pattern`` in ``text``, matched on the accent-free text, mapped back to ``text``."""
    folded, origin = strip_accents(text)
    spans = []
    for match in pattern.finditer(folded):
        if match.end() > match.start():
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    return spans


def sentence_cue_spans(text: str, cues: list[dict]) -> list[tuple[int, int, str, bool]]:
    """Cue spans as (start, end, label, negated) inside ``text``.

    Cue offsets count from the start of the document, so the sentence's own start is
    inferred as the shift under which most cues fall on their recorded text; a cue that
    does not fit falls back to the first occurrence of its text.
    """
    cues = [c for c in cues if isinstance(c, dict) and c.get("text")]
    shifts = Counter(c.get("start", 0) - m.start() for c in cues for m in re.finditer(re.escape(c["text"]), text))
    shift = shifts.most_common(1)[0][0] if shifts else 0
    spans = set()
    for cue in cues:
        start = cue.get("start", 0) - shift
        if start < 0 or text[start:start + len(cue["text"])] != cue["text"]:
            start = text.find(cue["text"])
        if start >= 0:
            spans.add((start, start + len(cue["text"]), str(cue.get("label", "")), bool(cue.get("negated", False))))
    return sorted(spans)


def label_kind(query: str, codebook: Codebook) -> str | None:
    """The kind of label ``query`` names in the codebook ("move" or "frame"), or None for a search term."""
    return "move" if query in codebook.move_names else "frame" if query in codebook.frame_names else None


def _has_label(df: pd.DataFrame, kind: str, label: str) -> pd.Series:
    return df["move"] == label if kind == "move" else df["frames"].map(lambda fs: label in fs)


def kwic(df: pd.DataFrame, query: str, codebook: Codebook | None = None, regex: bool = False,
         as_term: bool = False, width: int = 50) -> pd.DataFrame:
    """Keyword-in-context lines for a term, or for a label's cue spans, sorted by date (lines with a cue first).

    Parameters
    ----------
    df : tagged records
    query : a word, phrase or regular expression (``regex=True``), or a move/frame name of ``codebook``
        (then each of the label's cue spans is a match; a sentence with the label but no cue gives
        one line with an empty match at its start, so model-only decisions stay visible)
    as_term : search ``query`` as text even if it names a label
    width : characters of context on each side
    """
    kind = None if as_term or codebook is None else label_kind(query, codebook)
    pattern = None if kind else term_pattern(query, regex)
    data = df[_has_label(df, kind, query)] if kind else df
    rows = []
    for record in data.to_dict("records"):
        text = str(record["text"])
        if kind:
            spans = [(s, e, neg) for s, e, lab, neg in sentence_cue_spans(text, record.get("cues") or [])
                     if lab == f"{kind}:{query}"] or [(0, 0, False)]
        else:
            spans = [(s, e, False) for s, e in find_term(text, pattern)]
        for start, end, negated in spans:
            left, right = text[max(0, start - width):start], text[end:end + width]
            rows.append({"id": record.get("id", ""), "doc_id": record["doc_id"], "date": _text(record, "date"),
                         "source": _text(record, "source"), "speaker": _text(record, "speaker"),
                         "label": query if kind else "", "left": ("…" if start > width else "") + left,
                         "match": text[start:end], "right": right + ("…" if end + width < len(text) else ""),
                         "negated": negated})
    lines = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    # Evidence first: lines with a cue span, then a label's sentences without one; each part by date.
    return (lines.assign(_no_cue=lines["match"].eq("")).sort_values(["_no_cue", "date", "doc_id"], kind="stable")
            .drop(columns="_no_cue").reset_index(drop=True))


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def format_kwic(lines: pd.DataFrame, width: int = 50) -> str:
    """Aligned plain-text KWIC: date, source, left context, [match], right context."""
    out = []
    for row in lines.itertuples():
        left, right = (" ".join(str(part).split()) for part in (row.left, row.right))
        source = (row.source or row.speaker or row.doc_id)[:28]
        mark = "[" + (row.match or "no cue") + (" (negated)" if row.negated else "") + "]"
        out.append(f"{row.date or '?':<10}  {source:<28}  {left[-width - 1:]:>{width + 1}} {mark} {right}".rstrip())
    return "\n".join(out) + ("\n" if out else "")


def pick_examples(df: pd.DataFrame, codebook: Codebook, per_label: int = 3, seed: int = 0) -> pd.DataFrame:
    """Up to ``per_label`` example sentences for every directional move and every frame.

    Sentences with a cue for the label come first (they show *why*); the choice among
    them is random with a fixed ``seed`` so a report is reproducible. Returns the records
    with ``example_kind`` and ``example_label`` columns, grouped by label and sorted by date.
    """
    labels = [("move", m) for m, d in codebook.move_directions.items() if d != 0]
    labels += [("frame", f) for f in codebook.frame_names]
    parts = []
    for kind, label in labels:
        candidates = df[_has_label(df, kind, label)]
        if candidates.empty:
            continue
        has_cue = candidates["cues"].map(lambda cues: any(c.get("label") == f"{kind}:{label}" for c in cues))
        chosen = (candidates.assign(_cue=has_cue).sample(frac=1, random_state=seed)
                  .sort_values("_cue", ascending=False, kind="stable").head(per_label))
        parts.append(chosen.drop(columns="_cue").assign(example_kind=kind, example_label=label))
    if not parts:
        return df.head(0).assign(example_kind=[], example_label=[])
    examples = pd.concat(parts, ignore_index=True)
    sort = ["example_label"] + (["date"] if "date" in examples.columns else [])
    order = {name: i for i, (_, name) in enumerate(labels)}
    return examples.sort_values(sort, key=lambda s: s.map(order) if s.name == "example_label" else s,
                                kind="stable", ignore_index=True)
