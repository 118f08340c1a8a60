"""Codebook exchange: export the scheme as YAML/JSON, and trade cue dictionaries with quanteda and LIWC.

A dictionary is a set of categories, each a list of entries: words or phrases
with glob wildcards (``*`` any characters, ``?`` one). quanteda reads and
writes them as YAML (``dictionary(file = "x.yml")``, ``as.yaml()``); LIWC as a
``.dic`` file (category ids between two ``%`` lines, then one entry per line
followed by its category ids). In a codebook each category becomes a frame
(or a move, when it is named like one) and each entry a cue: a plain entry is a
phrase, matched case-, accent- and inflection-insensitively; an entry with a
wildcard becomes a spaCy token pattern on NORM (the accent-free lower-case
lemma), ``abraz*`` → ``[{"NORM": {"REGEX": "^abraz"}}]``. A wildcard stem is
matched against the lemma, so irregular forms whose lemma starts differently
("ran" → "run") are not caught by "ran*".
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .atomic import write_text_atomic
from .codebook import Codebook, Cue, load_codebook, read_yaml_mapping
from .components import strip_accents
from .errors import CodebookError, DesecError

DICTIONARY_FORMATS = ("quanteda-yaml", "liwc-dic")
# The moves of an imported codebook: dictionaries list topics (frames), not moves.
DEFAULT_MOVES = ({"name": "securitizing", "direction": 1}, {"name": "desecuritizing", "direction": -1},
                 {"name": "none", "direction": 0})
_WORD_KEYS = ("NORM", "LOWER", "ORTH", "TEXT", "LEMMA")


def export_codebook(codebook: Codebook, target: str = "yaml", lang: str | None = None) -> str:
    """Serialise the codebook: the scheme as ``yaml``/``json``, or its cues as a quanteda or LIWC dictionary.

    Dictionaries hold the move and frame cues of one language (``lang``, default the
    codebook's first); token patterns with no glob equivalent are left out (see
    :func:`dictionary_entries`).
    """
    if target in DICTIONARY_FORMATS:
        entries, omitted = dictionary_entries(codebook, lang)
        return to_quanteda_yaml(entries, codebook, omitted) if target == "quanteda-yaml" else to_liwc_dic(entries)
    data = codebook.to_dict()
    if target == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if target == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    raise DesecError(f"unknown codebook export format '{target}'; choose yaml, json or one of "
                     f"{list(DICTIONARY_FORMATS)}")


# ---------------------------------------------------------------------------------------------- export

def dictionary_entries(codebook: Codebook, lang: str | None = None) -> tuple[dict[str, list[str]], list[Cue]]:
    """Glob entries per move and frame label (moves first), and the cues that have no glob form."""
    lang = lang or codebook.languages[0]
    if lang not in codebook.languages:
        raise DesecError(f"language '{lang}' is not in the codebook's languages {list(codebook.languages)}")
    entries: dict[str, list[str]] = {name: [] for name in codebook.move_names + codebook.frame_names}
    omitted = []
    for cue in codebook.cues_for(lang):
        if cue.kind not in ("move", "frame"):
            continue  # negation triggers and blocks are rule machinery, not dictionary categories
        entry = glob_entry(cue.pattern)
        if entry is None:
            omitted.append(cue)
        elif entry not in entries[cue.label]:
            entries[cue.label].append(entry)
    return entries, omitted


def glob_entry(pattern: str | list) -> str | None:
    """The dictionary entry for a cue pattern: a phrase as it is, a token pattern of words and stems as a glob."""
    if isinstance(pattern, str):
        return pattern
    words = []
    for token in pattern:
        if len(token) != 1 or next(iter(token)) not in _WORD_KEYS:
            return None
        value = next(iter(token.values()))
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, dict) and list(value) == ["REGEX"]:
            glob = _regex_to_glob(value["REGEX"])
            if glob is None:
                return None
            words.append(glob)
        else:
            return None
    return " ".join(words)


def _regex_to_glob(regex: str) -> str | None:
    """Invert :func:`_glob_to_regex`: ``^abraz`` → ``abraz*``; None for any other regular expression."""
    if not regex.startswith("^"):
        return None
    body, anchored = (regex[1:-1], True) if regex.endswith("$") and not regex.endswith("\\$") else (regex[1:], False)
    out, i = [], 0
    while i < len(body):
        if body.startswith(".*", i):
            out.append("*")
            i += 2
        elif body[i] == ".":
            out.append("?")
            i += 1
        elif body[i] == "\\" and i + 1 < len(body):
            out.append(body[i + 1])
            i += 2
        elif body[i] in "[](){}|+?*^$":
            return None
        else:
            out.append(body[i])
            i += 1
    return "".join(out) + ("" if anchored else "*")


def to_quanteda_yaml(entries: dict[str, list[str]], codebook: Codebook, omitted: list[Cue] = ()) -> str:
    """A quanteda YAML dictionary: ``category: [entries]``, labels without cues left out."""
    header = (f"# quanteda dictionary exported by desec_nlp from codebook '{codebook.name}' "
              f"(version {codebook.version})\n")
    if omitted:
        header += f"# {len(omitted)} token pattern(s) with no glob equivalent were left out\n"
    kept = {label: values for label, values in entries.items() if values}
    return header + yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, default_flow_style=False)


def to_liwc_dic(entries: dict[str, list[str]]) -> str:
    """A LIWC ``.dic``: ``%``, numbered categories, ``%``, then ``entry<TAB>ids`` sorted by entry."""
    ids = {label: i for i, label in enumerate(entries, 1)}
    by_entry: dict[str, list[int]] = {}
    for label, values in entries.items():
        for value in values:
            by_entry.setdefault(value, []).append(ids[label])
    lines = ["%"] + [f"{i}\t{label}" for label, i in ids.items()] + ["%"]
    lines += ["\t".join([entry, *map(str, sorted(set(cats)))]) for entry, cats in sorted(by_entry.items())]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- import

@dataclass
class DictionaryImport:
    """What an import wrote: the codebook file, its labels, the cue count and entries it could not use."""

    path: Path
    frames: list[str]
    moves_with_cues: list[str]
    cues: int
    skipped: list[str] = field(default_factory=list)


def read_quanteda_yaml(path: str | Path) -> dict[str, list[str]]:
    """Categories and entries of a quanteda YAML dictionary; nested keys are joined (``a: {b: [...]}`` → ``a_b``)."""
    path = Path(path)
    raw = read_yaml_mapping(path, "dictionary", "a quanteda dictionary is a mapping of category: [entries]")
    categories: dict[str, list[str]] = {}

    def walk(node: dict, prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}_{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(value, name)
            elif isinstance(value, (list, str)):
                categories[name] = [str(v) for v in ([value] if isinstance(value, str) else value) if v is not None]
            else:
                raise CodebookError(f"{path}: category '{name}' must list entries, got {type(value).__name__}")
    walk(raw, "")
    return categories


def read_liwc_dic(path: str | Path) -> tuple[dict[str, list[str]], list[str]]:
    """Categories and entries of a LIWC ``.dic`` file, and the entries it skips.

    Skipped: LIWC 2007's conditional entries such as ``like (02 134)253``, which a
    dictionary of cue lists cannot express.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot read dictionary ({exc})") from None
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise CodebookError(f"{path}: a LIWC .dic starts with category ids between two '%' lines")
    names: dict[str, str] = {}
    for n in range(marks[0] + 1, marks[1]):
        parts = lines[n].split(None, 1)
        if not parts:
            continue
        if len(parts) != 2 or not parts[0].isdigit():
            raise CodebookError(f"{path}:{n + 1}: a category line is '<id> <name>', got {lines[n]!r}")
        names[parts[0]] = parts[1].strip()
    categories: dict[str, list[str]] = {name: [] for name in names.values()}
    skipped = []
    for n in range(marks[1] + 1, len(lines)):
        line = lines[n].strip()
        if not line:
            continue
        if "(" in line or "/" in line:
            skipped.append(line)
            continue
        parts = [p.strip() for p in lines[n].split("\t")] if "\t" in lines[n] else line.split()
        ids = []
        while len(parts) > 1 and all(p.isdigit() for p in parts[-1].split()):
            ids = parts.pop().split() + ids
        entry = " ".join(p for p in parts if p)
        if not entry or not ids:
            raise CodebookError(f"{path}:{n + 1}: an entry line is '<word or phrase> <category ids>', got {line!r}")
        for cat in ids:
            if cat not in names:
                raise CodebookError(f"{path}:{n + 1}: category id {cat} is not declared; declared: {sorted(names)}")
            if entry not in categories[names[cat]]:
                categories[names[cat]].append(entry)
    return categories, skipped


def label_name(category: str) -> str:
    """A codebook label for a dictionary category, in accent-free snake_case.

    ``Social Root-Causes`` → ``social_root_causes``; a name that does not start with a letter gets ``c_``.
    """
    name = re.sub(r"[^a-z0-9]+", "_", strip_accents(category)).strip("_")
    return name if re.match(r"^[a-z]", name) else f"c_{name}"


def cue_pattern(entry: str, normalise) -> str | list:
    """A cue pattern for a dictionary entry: the phrase itself, or a token pattern on NORM when it has wildcards.

    ``normalise`` maps a word to the NORMs of its tokens (lemmas without accents), so fixed
    words in a wildcard phrase match like the rest of the lexicon; stems are only lower-cased
    and stripped of accents (a prefix has no lemma).
    """
    entry = " ".join(entry.split())
    if not any(ch in entry for ch in "*?"):
        return entry
    tokens = []
    for word in entry.split(" "):
        if any(ch in word for ch in "*?"):
            tokens.append({"NORM": {"REGEX": _glob_to_regex(strip_accents(word))}})
        else:
            tokens += [{"NORM": norm} for norm in normalise(word)]
    return tokens


def _glob_to_regex(glob: str) -> str:
    """``abraz*`` → ``^abraz``; ``?`` is one character; any other ``*`` is any run of characters."""
    regex = "^" + "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in glob) + "$"
    return regex[:-3] if regex.endswith(".*$") else regex


def import_dictionary(path: str | Path, output_dir: str | Path, fmt: str | None = None, lang: str = "en",
                      name: str | None = None) -> DictionaryImport:
    """Turn a quanteda YAML or LIWC ``.dic`` dictionary into a new codebook directory.

    Writes ``codebook.yaml`` (moves securitizing / desecuritizing / none, one frame per
    category) and ``lexicon/<lang>.jsonl`` (one cue per entry). A category named like one
    of the moves gives move cues instead. The codebook is validated before anything is
    written, and an existing codebook is never overwritten.
    """
    path, output_dir = Path(path), Path(output_dir)
    fmt = fmt or {".yml": "quanteda-yaml", ".yaml": "quanteda-yaml", ".dic": "liwc-dic"}.get(path.suffix.lower())
    if fmt not in DICTIONARY_FORMATS:
        raise CodebookError(f"{path}: cannot tell the dictionary format from the name; pass one of "
                            f"{list(DICTIONARY_FORMATS)}")
    if (output_dir / "codebook.yaml").exists():
        raise CodebookError(f"{output_dir / 'codebook.yaml'} already exists; choose a new directory")
    categories, skipped = (read_quanteda_yaml(path), []) if fmt == "quanteda-yaml" else read_liwc_dic(path)
    labels: dict[str, str] = {}
    for category in categories:
        label = label_name(category)
        if label in labels:
            raise CodebookError(f"{path}: categories '{labels[label]}' and '{category}' both become label '{label}'; "
                                "rename one")
        labels[label] = category
    move_names = [m["name"] for m in DEFAULT_MOVES]
    frames = [label for label in labels if label not in move_names]
    if not frames:
        raise CodebookError(f"{path}: the dictionary has no category besides the moves {move_names}")
    normalise = _normaliser(lang)
    cues = [{"kind": "move" if label in move_names else "frame", "label": label,
             "pattern": cue_pattern(entry, normalise)}
            for label, category in labels.items() for entry in categories[category] if entry.strip()]
    if not cues:
        raise CodebookError(f"{path}: the dictionary has no entries")
    codebook = {
        "name": name or f"{path.stem} (imported from {path.name})", "version": "1", "languages": [lang],
        "lexicon": {lang: f"lexicon/{lang}.jsonl"},
        "move": {"default": "none", "labels": [dict(m) for m in DEFAULT_MOVES]},
        "frames": [{"name": label, "definition": f"Category '{labels[label]}' of the dictionary {path.name}."}
                   for label in frames],
    }
    files = {"codebook.yaml": f"# Imported from {path.name} ({fmt}) by 'desec codebook import'.\n"
                              + yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False),
             f"lexicon/{lang}.jsonl": "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cues)}
    with tempfile.TemporaryDirectory() as scratch:  # validate with the real loader before writing anything
        for rel, text in files.items():
            (Path(scratch) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(scratch) / rel).write_text(text, encoding="utf-8")
        load_codebook(Path(scratch) / "codebook.yaml")
    for rel, text in files.items():
        write_text_atomic(output_dir / rel, text)
    return DictionaryImport(output_dir / "codebook.yaml", frames,
                            sorted({c["label"] for c in cues if c["kind"] == "move"}), len(cues), skipped)


def _normaliser(lang: str):
    """word → the NORMs of its tokens, through the normaliser component the tagger uses."""
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("desec_normalizer")  # registered by importing .components
    return lambda word: [t.norm_ for t in nlp(word)]
