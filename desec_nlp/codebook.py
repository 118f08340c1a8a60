"""The codebook: labels, definitions, examples and cue lexicon, loaded from data files.

No label lives in code: everything downstream asks the codebook. A user passes
their own file (``load_codebook("my_codebook.yaml")``) and every stage follows it.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import CodebookError

# block: a longer phrase in which a frame's cue has an unrelated sense ("war of words"),
# or, labelled "negation", in which a negator negates nothing ("not only ... but also");
# sentence_block: a context word that cancels a frame's cues in the whole sentence
# (armed forces delivering vaccines are not war_military).
CUE_KINDS = ("frame", "move", "trigger", "block", "sentence_block")
TRIGGER_LABELS = ("negation", "contrast", "reporting", "hedge")
_LABEL_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Label:
    """One move or frame label with its definition."""

    name: str
    definition: str = ""
    direction: int = 0


@dataclass(frozen=True)
class Cue:
    """One lexicon entry: a phrase (or spaCy token pattern) that signals a label."""

    kind: str
    label: str
    pattern: str | list  # a phrase, or a spaCy token pattern
    lang: str

    @property
    def ruler_label(self) -> str:
        """The label under which spaCy's SpanRuler reports a match, e.g. ``frame:war_military``."""
        return f"{self.kind}:{self.label}"


@dataclass(frozen=True)
class Example:
    """A constructed example sentence with its gold labels."""

    text: str
    lang: str
    move: str
    frames: tuple[str, ...]
    source: str = "codebook"  # "adjudication": added when coders split on real-looking text
    note: str = ""


@dataclass(frozen=True)
class RuleSettings:
    """Parameters of the decision rules (negation scope, clause markers)."""

    negation_window: int = 4
    concessive: tuple[str, ...] = ()
    adversative: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A validated annotation scheme."""

    name: str
    version: str
    languages: tuple[str, ...]
    moves: tuple[Label, ...]
    default_move: str
    frames: tuple[Label, ...]
    cues: tuple[Cue, ...] = ()
    examples: tuple[Example, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    path: str = ""
    guide: str = ""

    @property
    def move_names(self) -> list[str]:
        return [m.name for m in self.moves]

    @property
    def frame_names(self) -> list[str]:
        return [f.name for f in self.frames]

    @property
    def move_directions(self) -> dict[str, int]:
        """+1 for moves that securitize, -1 for those that desecuritize, 0 otherwise."""
        return {m.name: m.direction for m in self.moves}

    def cues_for(self, lang: str) -> list[Cue]:
        return [c for c in self.cues if c.lang == lang]

    @property
    def fingerprint(self) -> str:
        """A hash of labels and cues: a model records it to detect a changed codebook."""
        payload = json.dumps(
            [self.move_names, self.frame_names,
             sorted((c.kind, c.label, json.dumps(c.pattern, ensure_ascii=False), c.lang) for c in self.cues)],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """A plain-data view of the codebook (labels, rules, examples; cues counted per language)."""
        return {
            "name": self.name,
            "version": self.version,
            "languages": list(self.languages),
            "move": {"default": self.default_move,
                     "labels": [{"name": m.name, "direction": m.direction, "definition": m.definition}
                                for m in self.moves]},
            "frames": [{"name": f.name, "definition": f.definition} for f in self.frames],
            "cues": {lang: len(self.cues_for(lang)) for lang in self.languages},
            "examples": [{"text": e.text, "lang": e.lang, "move": e.move, "frames": list(e.frames)}
                         for e in self.examples],
        }


def default_codebook_path() -> Path:
    """Path of the codebook shipped with the package."""
    return Path(str(resources.files("desec_nlp") / "data" / "codebook.yaml"))


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML/JSON file (the shipped one when ``path`` is None).

    Raises
    ------
    CodebookError
        naming the file and the field that is wrong, with the allowed values.
    """
    path = Path(path) if path else default_codebook_path()
    raw = read_yaml_mapping(path, "codebook", "a codebook must be a mapping with keys 'name', 'move', 'frames'")
    return _parse(raw, path)


def read_yaml_mapping(path: Path, what: str, shape: str) -> dict:
    """Read a YAML (or JSON) file that must hold a mapping; every failure is a :class:`CodebookError`
    naming the file, so codebooks and imported dictionaries fail the same clear way."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CodebookError(f"{path}: {what} file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot read {what} ({exc})") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML/JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise CodebookError(f"{path}: {shape}")
    return raw


def _require(raw: dict, key: str, kind: type, path: Path, where: str = "") -> Any:
    if key not in raw:
        raise CodebookError(f"{path}: missing field '{where}{key}'")
    value = raw[key]
    if not isinstance(value, kind):
        raise CodebookError(f"{path}: field '{where}{key}' must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _labels(entries: list, path: Path, where: str) -> tuple[Label, ...]:
    labels, seen = [], set()
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or "name" not in entry:
            raise CodebookError(f"{path}: {where}[{i}] must be a mapping with a 'name'")
        name = str(entry["name"])
        if not _LABEL_RE.match(name):
            raise CodebookError(f"{path}: {where}[{i}].name '{name}' must be lower-case snake_case")
        if name in seen:
            raise CodebookError(f"{path}: {where}[{i}].name '{name}' is duplicated")
        seen.add(name)
        direction = entry.get("direction", 0)
        if direction not in (-1, 0, 1):
            raise CodebookError(f"{path}: {where}[{i}].direction must be -1, 0 or 1, got {direction!r}")
        labels.append(Label(name, str(entry.get("definition", "")).strip(), int(direction)))
    if not labels:
        raise CodebookError(f"{path}: '{where}' lists no labels")
    return tuple(labels)


def _parse(raw: dict, path: Path) -> Codebook:
    move = _require(raw, "move", dict, path)
    moves = _labels(_require(move, "labels", list, path, "move."), path, "move.labels")
    default_move = str(move.get("default", moves[-1].name))
    if default_move not in {m.name for m in moves}:
        raise CodebookError(f"{path}: move.default '{default_move}' is not one of {[m.name for m in moves]}")
    frames = _labels(_require(raw, "frames", list, path), path, "frames")
    clash = {m.name for m in moves} & {f.name for f in frames}
    if clash:
        raise CodebookError(f"{path}: labels {sorted(clash)} are both moves and frames")
    languages = tuple(str(x) for x in raw.get("languages", ["en"]))
    rules_raw = raw.get("rules", {}) or {}
    rules = RuleSettings(
        negation_window=int(rules_raw.get("negation_window", 4)),
        concessive=tuple(str(x).lower() for x in rules_raw.get("concessive", [])),
        adversative=tuple(str(x).lower() for x in rules_raw.get("adversative", [])),
    )
    names = {"move": {m.name for m in moves}, "frame": {f.name for f in frames},
             "block": {f.name for f in frames} | {"negation"}, "sentence_block": {f.name for f in frames},
             "trigger": set(TRIGGER_LABELS)}
    cues = []
    for lang, rel in (raw.get("lexicon") or {}).items():
        if lang not in languages:
            raise CodebookError(f"{path}: lexicon language '{lang}' is not in languages {list(languages)}")
        cues.extend(_load_lexicon(path.parent / rel, str(lang), names))
    examples = []
    for i, ex in enumerate(raw.get("examples", []) or []):
        try:
            example = Example(str(ex["text"]), str(ex.get("lang", languages[0])), str(ex["move"]),
                              tuple(ex.get("frames", []) or []), str(ex.get("source", "codebook")),
                              str(ex.get("note", "")))
        except (KeyError, TypeError):
            raise CodebookError(f"{path}: examples[{i}] needs 'text' and 'move'") from None
        if example.move not in names["move"]:
            raise CodebookError(f"{path}: examples[{i}].move '{example.move}' is not one of {sorted(names['move'])}")
        bad = set(example.frames) - names["frame"]
        if bad:
            raise CodebookError(f"{path}: examples[{i}].frames {sorted(bad)} not among {sorted(names['frame'])}")
        examples.append(example)
    return Codebook(
        name=str(raw.get("name", path.stem)), version=str(raw.get("version", "1")), languages=languages,
        moves=moves, default_move=default_move, frames=frames, cues=tuple(cues), examples=tuple(examples),
        rules=rules, path=str(path), guide=str(raw.get("guide", "")),
    )


def _load_lexicon(path: Path, lang: str, names: dict[str, set[str]]) -> list[Cue]:
    """Read a JSONL lexicon: one ``{"kind", "label", "pattern"}`` object per line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot read lexicon ({exc})") from None
    cues, seen = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CodebookError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        kind, label, pattern = entry.get("kind"), entry.get("label"), entry.get("pattern")
        if kind not in CUE_KINDS:
            raise CodebookError(f"{path}:{n}: kind '{kind}' is not one of {list(CUE_KINDS)}")
        if label not in names[kind]:
            raise CodebookError(f"{path}:{n}: label '{label}' is not a {kind} label; allowed: {sorted(names[kind])}")
        if isinstance(pattern, str):
            if not pattern.strip():
                raise CodebookError(f"{path}:{n}: empty pattern")
        elif not (isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern)):
            raise CodebookError(f"{path}:{n}: pattern must be a phrase or a list of spaCy token patterns")
        else:
            _check_regexes(pattern, path, n)
        key = (kind, label, pattern.lower() if isinstance(pattern, str) else json.dumps(pattern))
        if key in seen:
            continue
        seen.add(key)
        cues.append(Cue(kind, label, pattern, lang))
    if not cues:
        raise CodebookError(f"{path}: the lexicon has no cues")
    return cues


def _check_regexes(pattern: list, path: Path, line: int) -> None:
    """Compile every REGEX of a token pattern now, so a bad one is reported with its line, not at match time."""
    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key).upper() == "REGEX":
                    try:
                        re.compile(value)
                    except (re.error, TypeError) as exc:
                        raise CodebookError(f"{path}:{line}: invalid regular expression {value!r} ({exc})") from None
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(pattern)
