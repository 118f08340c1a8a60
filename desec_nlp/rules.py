"""The codebook's decision rules, applied to the cue spans found in one sentence.

Pure functions over plain data (no spaCy objects), so each rule can be read and
tested on its own: blocks cancel cues used in unrelated senses, negation flips a
move cue, the main clause outweighs a concessive or pre-adversative clause, and
frames are invoked even when negated.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

SUBORDINATE_WEIGHT = 0.5


class CueHit(NamedTuple):
    """A matched cue inside a sentence (token offsets are relative to the document).

    A named tuple, not a frozen dataclass: hits are made and hashed by the million, and a
    frozen dataclass pays a Python-level ``__init__`` and ``__hash__`` each time.
    """

    kind: str
    label: str
    start: int
    end: int


@dataclass(slots=True)
class SentenceTag:
    """What the rules decide for one sentence, with the evidence behind each label."""

    start_char: int
    end_char: int
    move: str
    frames: list[str]
    confidence: float
    cues: list[dict] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    norm_text: str = ""


def drop_blocked(hits: list[CueHit]) -> list[CueHit]:
    """Remove cues used in unrelated senses.

    A frame or move cue inside a block phrase for that frame is dropped ("war of
    words"), and so is a negator inside a "negation" block ("no sólo ... sino", "not
    only"): it adds, it does not flip. A sentence_block cue drops the frame's cues in
    the whole sentence ("soldiers delivered vaccines").
    """
    blocks = [h for h in hits if h.kind == "block"]
    context = {h.label for h in hits if h.kind == "sentence_block"}
    if not blocks and not context:
        return hits

    def blocked(hit: CueHit) -> bool:
        if hit.kind == "frame" and hit.label in context:
            return True
        return any(b.start <= hit.start and hit.end <= b.end and (hit.kind == "move" or b.label == hit.label)
                   for b in blocks)

    return [h for h in hits if h.kind not in ("block", "sentence_block")
            and not (h.kind in ("frame", "move", "trigger") and blocked(h))]


def is_negated(hit: CueHit, negator_ends: list[int], window: int, breaks: list[int]) -> bool:
    """A cue is negated by a negator that ends at most ``window`` tokens before it, with no clause break between.

    ``negator_ends`` and ``breaks`` are sorted token positions, so each test is two binary searches
    (a megabyte of text with thousands of cues stays linear).
    """
    i = bisect_right(negator_ends, hit.start) - 1
    if i < 0 or hit.start - negator_ends[i] > window:
        return False
    j = bisect_left(breaks, negator_ends[i])
    return j == len(breaks) or breaks[j] >= hit.start


def clause_weights(hits: list[CueHit], concessive: list[CueHit], adversative: list[CueHit],
                   breaks: list[int]) -> dict[CueHit, float]:
    """Weight each cue by whether it stands in the main claim.

    A cue inside a concessive clause ("aunque ...", "although ...", up to the next
    clause break) or before an adversative marker ("..., pero", "..., but") gets
    a lower weight: the sentence argues for what follows. Only the nearest concessive
    marker before a cue matters: if an earlier one's clause reaches the cue, so does its.
    """
    marker_starts = sorted(m.start for m in concessive)
    last_adversative = max((m.start for m in adversative), default=-1)
    weights = {}
    for hit in hits:
        weight = 1.0
        i = bisect_right(marker_starts, hit.start) - 1
        if i >= 0:
            j = bisect_right(breaks, marker_starts[i])
            if j < len(breaks) and hit.start < breaks[j]:
                weight = SUBORDINATE_WEIGHT
        if hit.end <= last_adversative:
            weight = SUBORDINATE_WEIGHT
        weights[hit] = weight
    return weights


def decide_move(hits: list[CueHit], weights: dict[CueHit, float], negated: set[CueHit],
                directions: dict[str, int], default_move: str) -> tuple[str, float, dict[str, float]]:
    """Score moves from weighted cues and return (move, confidence, scores).

    Negation flips a cue's direction: a negated securitizing cue ("no vamos a
    declarar la guerra") counts for the desecuritizing move; a negated
    desecuritizing cue is a bare denial and counts for neither (codebook
    clarification 3).
    """
    by_direction = {d: name for name, d in directions.items() if d != 0}
    scores: dict[str, float] = {}
    last: dict[str, int] = {}
    for hit in hits:
        if hit.kind != "move":
            continue
        label = hit.label
        if hit in negated:
            flipped = -directions.get(label, 0)
            if flipped >= 0:  # a denied desecuritizing claim argues for nothing by itself
                continue
            label = by_direction.get(flipped, label)
        scores[label] = scores.get(label, 0.0) + weights.get(hit, 1.0)
        last[label] = max(last.get(label, -1), hit.start)
    if not scores:
        return default_move, 1.0, scores
    best = max(scores, key=lambda m: (scores[m], last[m]))
    return best, round(scores[best] / sum(scores.values()), 3), scores
