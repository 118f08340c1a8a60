"""Round trips with the annotation tools scholars use: Label Studio, doccano and plain CSV.

Export turns tagged records (the output of ``desec classify``) into pre-annotated
tasks: the move and frames as pre-filled choices, the cue spans as pre-filled
span labels, plus the project configuration built from the codebook. Import reads
the finished annotations back into the project's annotation format: one JSON
object per (sentence, annotator) with ``id``, ``text``, ``move``, ``frames``,
``annotator``, ``cues`` (the evidence spans, offsets relative to the sentence)
and the sentence's metadata (``doc_id``, ``date``, ``speaker``...).

Formats follow each tool's documentation and source:

* Label Studio: tasks ``{"data": {...}, "predictions": [{"result": [...]}]}`` for
  import; its "JSON" export is a list of tasks with ``annotations[].result[]``,
  ``completed_by`` (a user id, or a user dict in older versions) and
  ``was_cancelled``.
* doccano: the "Intent Detection and Slot Filling" project type, doccano's text
  project that holds both categories (``cats``) and spans (``entities``:
  ``[start, end, label]``), the two things a coder checks here. Its JSONL export
  is one file per member (``<username>.jsonl``, zipped) or one ``all.jsonl`` for
  collaborative projects; exports of text-classification and sequence-labelling
  projects (``label`` / ``labels``) and doccano 1.x files (``username``,
  nested ``meta``) are read as well. Label sets are uploaded per type
  (category types, span types) as lists of ``{"text", "prefix_key",
  "suffix_key", "background_color", "text_color"}``.
"""
from __future__ import annotations

import itertools
import json
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.etree import ElementTree

import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from .atomic import write_text_atomic
from .codebook import Codebook
from .errors import InputError
from .jsonl import parse_json_objects

TOOLS = ("label-studio", "doccano", "csv")
ID_FIELD = "desec_id"  # our sentence id inside a tool's task data (the tools keep their own "id")
# Label Studio control and object tag names used in the labeling config and in every result.
LS_TEXT, LS_MOVE, LS_FRAMES, LS_CUES = "text", "move", "frames", "cues"
# Keys of a tagged record that are labels or machine output, not metadata to carry along.
_LABEL_KEYS = {"id", "text", "move", "frames", "cues", "confidence", "annotator"}
_TRUE = {"1", "true", "yes", "x", "y"}


# ---------------------------------------------------------------------------------------------- tagged records

def tagged_records(table: pd.DataFrame, codebook: Codebook) -> list[dict]:
    """Plain records from a table of tagged sentences (:func:`desec_nlp.tagged.read_tagged`).

    Empty cells (keys a record did not have) are dropped, and so are the one-0/1-column-per-frame
    copies of ``frames`` that CSV output carries.
    """
    if "id" not in table:
        raise InputError("tagged records need an 'id' (the output of 'desec classify')")
    return [{k: v for k, v in row.items() if k not in codebook.frame_names and not _missing(v)}
            for row in table.to_dict("records")]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def sentence_cues(record: dict) -> list[dict]:
    """The record's cue spans with offsets relative to its own text.

    Tagged records give cue offsets in the document's text (sentence units) or in
    the row's text (row units); the shift is the one under which every cue's text
    is found at its offsets.
    """
    text, cues = str(record["text"]), record.get("cues") or []
    if not cues:
        return []
    first = cues[0]
    shifts = [0] + [first["start"] - m.start() for m in re.finditer(re.escape(first["text"]), text)]
    for shift in shifts:
        if all(0 <= c["start"] - shift and text[c["start"] - shift:c["end"] - shift] == c["text"] for c in cues):
            return [{"label": c["label"], "text": c["text"], "start": c["start"] - shift, "end": c["end"] - shift}
                    for c in cues]
    raise InputError(f"record '{record['id']}': its cue offsets do not match its text")


def _metadata(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in _LABEL_KEYS and k != ID_FIELD}


def _cue_labels(codebook: Codebook) -> list[str]:
    """Span labels for evidence: every frame, and the moves that have a direction or cues of their own."""
    cued = {c.label for c in codebook.cues if c.kind == "move"}
    moves = [m.name for m in codebook.moves if m.direction or m.name in cued]
    return [f"move:{m}" for m in moves] + [f"frame:{f}" for f in codebook.frame_names]


# ---------------------------------------------------------------------------------------------- Label Studio

def label_studio_config(codebook: Codebook) -> str:
    """The labeling-config XML: the sentence, span labels for cues, one move (required), any frames.

    Choice hints carry the codebook's definitions, so coders see them on hover.
    """
    view = ElementTree.Element("View")
    ElementTree.SubElement(view, "Header", value="Evidence: mark the words that carry a move or a frame")
    cues = ElementTree.SubElement(view, "Labels", name=LS_CUES, toName=LS_TEXT)
    for label, colour in zip(_cue_labels(codebook), _colours()):
        ElementTree.SubElement(cues, "Label", value=label, background=colour)
    ElementTree.SubElement(view, "Text", name=LS_TEXT, value=f"${LS_TEXT}")
    ElementTree.SubElement(view, "Header", value="Move")
    moves = ElementTree.SubElement(view, "Choices", name=LS_MOVE, toName=LS_TEXT, choice="single-radio",
                                   required="true", showInline="true")
    for move in codebook.moves:
        ElementTree.SubElement(moves, "Choice", value=move.name, hint=move.definition)
    ElementTree.SubElement(view, "Header", value="Frames")
    frames = ElementTree.SubElement(view, "Choices", name=LS_FRAMES, toName=LS_TEXT, choice="multiple")
    for frame in codebook.frames:
        ElementTree.SubElement(frames, "Choice", value=frame.name, hint=frame.definition)
    ElementTree.indent(view)
    return ElementTree.tostring(view, encoding="unicode") + "\n"


def to_label_studio(records: Iterable[dict], codebook: Codebook, model_version: str = "desec_nlp") -> list[dict]:
    """Label Studio tasks with the tagger's labels as ``predictions`` (pre-annotations)."""
    tasks = []
    for n, record in enumerate(records):
        result = [_ls_choice(f"{n}_move", LS_MOVE, [record["move"]])]
        if record.get("frames"):
            result.append(_ls_choice(f"{n}_frames", LS_FRAMES, list(record["frames"])))
        for k, cue in enumerate(sentence_cues(record)):
            result.append({"id": f"{n}_cue{k}", "from_name": LS_CUES, "to_name": LS_TEXT, "type": "labels",
                           "value": {"start": cue["start"], "end": cue["end"], "text": cue["text"],
                                     "labels": [cue["label"]]}})
        prediction: dict[str, Any] = {"model_version": model_version, "result": result}
        if record.get("confidence") is not None:
            prediction["score"] = record["confidence"]
        data = {LS_TEXT: record["text"], ID_FIELD: record["id"], **_metadata(record)}
        tasks.append({"data": data, "predictions": [prediction]})
    return tasks


def _ls_choice(result_id: str, control: str, choices: list[str]) -> dict:
    return {"id": result_id, "from_name": control, "to_name": LS_TEXT, "type": "choices",
            "value": {"choices": choices}}


def read_label_studio(path: str | Path, codebook: Codebook) -> list[dict]:
    """Annotations from a Label Studio "JSON" export: one record per task and (non-cancelled) annotation."""
    path = Path(path)
    tasks = _load_json(path)
    if not isinstance(tasks, list):
        raise InputError("a Label Studio JSON export is a list of tasks; export the project as 'JSON'", str(path))
    records = []
    for n, task in enumerate(tasks, 1):
        data = task.get("data") or {}
        where = f"task {task.get('id', n)}"
        if LS_TEXT not in data:
            raise InputError(f"{where} has no data.{LS_TEXT}; was it created with 'desec export'?", str(path))
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            annotator = _ls_user(annotation.get("completed_by"))
            move, frames, cues = None, [], []
            for item in annotation.get("result") or []:
                value = item.get("value") or {}
                if item.get("from_name") == LS_MOVE:
                    choices = value.get("choices") or []
                    if len(choices) != 1:
                        raise InputError(f"{where}, annotator {annotator}: choose exactly one move, got {choices}",
                                         str(path))
                    move = choices[0]
                elif item.get("from_name") == LS_FRAMES:
                    frames = list(value.get("choices") or [])
                elif item.get("type") == "labels":
                    cues += [{"label": label, "text": str(data[LS_TEXT])[value["start"]:value["end"]],
                              "start": value["start"], "end": value["end"]} for label in value.get("labels", [])]
            if move is None:
                raise InputError(f"{where}, annotator {annotator}: no move chosen", str(path))
            records.append(_annotation(data.get(ID_FIELD, data.get("id", task.get("id"))), data[LS_TEXT], move,
                                       frames, annotator, cues, _metadata(data), codebook, f"{path}: {where}"))
    return _last_per_coder(records)


def _ls_user(value: Any) -> str:
    """``completed_by`` is a user id; older exports and Enterprise give a dict with id and email."""
    if isinstance(value, dict):
        return str(value.get("email") or value.get("id"))
    return str(value)


# ---------------------------------------------------------------------------------------------- doccano

def doccano_label_types(codebook: Codebook) -> dict[str, list[dict]]:
    """doccano label sets, uploaded per type: ``category`` (moves and frames) and ``span`` (cue labels)."""
    def types(names: list[str]) -> list[dict]:
        keys = "1234567890abcdefghijklmnopqrstuvwxyz"
        return [{"text": name, "prefix_key": None, "suffix_key": keys[i] if i < len(keys) else None,
                 "background_color": colour, "text_color": "#ffffff"}
                for i, (name, colour) in enumerate(zip(names, _colours()))]
    return {"category": types(codebook.move_names + codebook.frame_names), "span": types(_cue_labels(codebook))}


def to_doccano(records: Iterable[dict], codebook: Codebook) -> list[dict]:
    """Rows of doccano's Intent Detection and Slot Filling JSONL: ``text``, ``cats``, ``entities``, metadata."""
    rows = []
    for record in records:
        entities = [[c["start"], c["end"], c["label"]] for c in sentence_cues(record)]
        rows.append({"text": record["text"], "cats": [record["move"], *record.get("frames", [])],
                     "entities": entities, ID_FIELD: record["id"], **_metadata(record)})
    return rows


_DOCCANO_LABELS = ("cats", "entities", "label", "labels")
_DOCCANO_USER = ("username", "user", "annotator")
_DOCCANO_SKIP = {"text", "id", "meta", "Comments", "comments", "annotation_approver", ID_FIELD,
                 *_DOCCANO_LABELS, *_DOCCANO_USER}


def read_doccano(path: str | Path, codebook: Codebook, annotator: str | None = None) -> list[dict]:
    """Annotations from a doccano export: a zip of ``<username>.jsonl`` files, one JSONL file, or a JSON list.

    The annotator is the row's ``username`` / ``user`` field when there is one, else the member
    file's name, else ``annotator``, else the file name. Rows with no label at all are examples
    this member did not annotate (doccano exports every example) and are skipped.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [(Path(name).stem, archive.read(name).decode("utf-8-sig"))
                           for name in sorted(archive.namelist()) if name.endswith((".jsonl", ".json"))]
        except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the doccano zip ({exc})", str(path)) from None
    else:
        try:
            members = [(annotator or path.stem, path.read_text(encoding="utf-8-sig"))]
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the doccano export ({exc})", str(path)) from None
    records = []
    for member, text in members:
        where = Path(f"{path}:{member}") if path.suffix.lower() == ".zip" else path
        if text.lstrip().startswith("["):
            try:
                rows = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})", str(where)) from None
        else:
            rows = [row for _, row in parse_json_objects(text.splitlines(), where)]
        for n, row in enumerate(rows, 1):
            record = _doccano_record(row, codebook, member, f"{where}:{n}")
            if record is not None:
                records.append(record)
    return _last_per_coder(records)


def _doccano_record(row: dict, codebook: Codebook, default_annotator: str, where: str) -> dict | None:
    meta = {**(row.get("meta") if isinstance(row.get("meta"), dict) else {}),
            **{k: v for k, v in row.items() if k not in _DOCCANO_SKIP}}
    cats, spans = [], []
    for key in _DOCCANO_LABELS:
        for item in row.get(key) or []:
            if isinstance(item, str):
                cats.append(item)
            elif isinstance(item, (list, tuple)) and len(item) == 3:
                spans.append((int(item[0]), int(item[1]), str(item[2])))
            elif isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys():
                spans.append((int(item["start_offset"]), int(item["end_offset"]), str(item["label"])))
            else:
                raise InputError(f"{where}: unrecognised doccano label {item!r} in '{key}'")
    if not cats and not spans:
        return None
    moves = [c for c in cats if c in codebook.move_names]
    if len(moves) != 1:
        raise InputError(f"{where}: choose exactly one move category among {codebook.move_names}; got {moves}")
    text = str(row.get("text", ""))
    cues = [{"label": label, "text": text[s:e], "start": s, "end": e} for s, e, label in spans]
    annotator = next((str(row[k]) for k in _DOCCANO_USER if row.get(k) not in (None, "")), default_annotator)
    unit_id = row.get(ID_FIELD, meta.pop(ID_FIELD, row.get("id")))
    return _annotation(unit_id, text, moves[0], [c for c in cats if c not in moves], annotator, cues, meta,
                       codebook, where)


# ---------------------------------------------------------------------------------------------- CSV

def to_csv_table(records: Iterable[dict], codebook: Codebook) -> pd.DataFrame:
    """A spreadsheet to code in: id, text, move, one 0/1 column per frame, annotator (blank), cues, metadata."""
    rows = []
    for record in records:
        row = {"id": record["id"], "text": record["text"], "move": record["move"]}
        row.update({f: int(f in record.get("frames", [])) for f in codebook.frame_names})
        row["annotator"] = ""
        row["cues"] = json.dumps(sentence_cues(record), ensure_ascii=False)
        row.update(_metadata(record))
        rows.append(row)
    return pd.DataFrame(rows)


def read_annotation_csv(path: str | Path, codebook: Codebook, annotator: str | None = None) -> list[dict]:
    """Annotations from a coded CSV: ``id``, ``move`` and either one 0/1 column per frame or ``frames`` (``;``)."""
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"cannot read CSV ({exc})", str(path)) from None
    missing = [c for c in ("id", "move") if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {missing}; the file has {list(table.columns)}", str(path))
    frame_cols = [f for f in codebook.frame_names if f in table.columns]
    records = []
    for n, row in enumerate(table.to_dict("records"), 2):
        if frame_cols:
            frames = [f for f in frame_cols if row[f].strip().lower() in _TRUE]
        else:
            frames = [f.strip() for f in row.get("frames", "").split(";") if f.strip()]
        try:
            cues = json.loads(row["cues"]) if row.get("cues") else []
        except json.JSONDecodeError as exc:
            raise InputError(f"the cues cell is not JSON ({exc.msg})", str(path), n) from None
        meta = {k: v for k, v in row.items() if k not in _LABEL_KEYS and k not in frame_cols and v != ""}
        if str(meta.get("sent_index", "")).isdigit():  # the corpus record format has it as a number
            meta["sent_index"] = int(meta["sent_index"])
        records.append(_annotation(row["id"], row.get("text", ""), row["move"].strip(), frames,
                                   row.get("annotator", "").strip() or annotator or path.stem, cues, meta,
                                   codebook, f"{path}:{n}"))
    return _last_per_coder(records)


# ---------------------------------------------------------------------------------------------- shared

def _annotation(unit_id: Any, text: str, move: str, frames: list[str], annotator: str, cues: list[dict],
                meta: dict, codebook: Codebook, where: str) -> dict:
    """One record of the annotation format, with its labels checked against the codebook."""
    if unit_id in (None, ""):
        raise InputError(f"{where}: no sentence id ('{ID_FIELD}' or 'id')")
    if move not in codebook.move_names:
        raise InputError(f"{where}: move '{move}' is not one of {codebook.move_names}")
    bad = sorted(set(frames) - set(codebook.frame_names))
    if bad:
        raise InputError(f"{where}: frames {bad} are not among {codebook.frame_names}")
    allowed = set(_cue_labels(codebook))
    for cue in cues:
        if cue.get("label") not in allowed:
            raise InputError(f"{where}: cue label '{cue.get('label')}' is not one of {sorted(allowed)}")
    ordered = [f for f in codebook.frame_names if f in frames]
    return {"id": str(unit_id), "text": text, "move": move, "frames": ordered, "annotator": str(annotator),
            "cues": sorted(cues, key=lambda c: (c["start"], c["end"], c["label"])), **meta}


def _last_per_coder(records: list[dict]) -> list[dict]:
    """Keep one record per (sentence, annotator): a later annotation replaces an earlier one."""
    latest = {(r["id"], r["annotator"]): r for r in records}
    return list(latest.values())


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file ({exc})", str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})", str(path)) from None


def _colours() -> Iterator[str]:
    """Distinct label colours, cycled: matplotlib's 20-colour "tab20" palette as #rrggbb."""
    return itertools.cycle(to_hex(rgb) for rgb in colormaps["tab20"].colors)


# ---------------------------------------------------------------------------------------------- entry points

def export_for_tool(records: list[dict], codebook: Codebook, tool: str, output: str | Path,
                    model_version: str = "desec_nlp") -> list[Path]:
    """Write pre-annotated tasks for ``tool`` to ``output`` plus its project configuration beside it.

    label-studio: ``OUT`` (tasks JSON) and ``OUT.label_config.xml`` (with OUT's suffix replaced);
    doccano: ``OUT`` (JSONL) and ``.category_types.json`` / ``.span_types.json`` label sets;
    csv: ``OUT`` only. Returns the paths written.
    """
    output = Path(output)
    if tool == "label-studio":
        files = {output: json.dumps(to_label_studio(records, codebook, model_version), indent=1,
                                    ensure_ascii=False) + "\n",
                 output.with_suffix(".label_config.xml"): label_studio_config(codebook)}
    elif tool == "doccano":
        types = doccano_label_types(codebook)
        files = {output: "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in to_doccano(records, codebook)),
                 output.with_suffix(".category_types.json"): json.dumps(types["category"], indent=1) + "\n",
                 output.with_suffix(".span_types.json"): json.dumps(types["span"], indent=1) + "\n"}
    elif tool == "csv":
        files = {output: to_csv_table(records, codebook).to_csv(index=False, lineterminator="\n")}
    else:
        raise InputError(f"unknown tool '{tool}'; choose one of {list(TOOLS)}")
    for path, text in files.items():
        write_text_atomic(path, text)
    return list(files)


def import_annotations(path: str | Path, tool: str, codebook: Codebook, annotator: str | None = None,
                       exclude_annotators: Iterable[str] = ()) -> list[dict]:
    """Read a tool's finished annotations into the annotation format (see the module docstring).

    ``annotator`` names the coder when the file does not (a CSV without an ``annotator``
    column, a collaborative doccano export); ``exclude_annotators`` drops accounts such as
    the one that uploaded the pre-annotations to doccano.
    """
    if tool == "label-studio":
        records = read_label_studio(path, codebook)
    elif tool == "doccano":
        records = read_doccano(path, codebook, annotator)
    elif tool == "csv":
        records = read_annotation_csv(path, codebook, annotator)
    else:
        raise InputError(f"unknown tool '{tool}'; choose one of {list(TOOLS)}")
    excluded = {str(a) for a in exclude_annotators}
    return [r for r in records if r["annotator"] not in excluded]


def write_annotations(records: list[dict], path: str | Path) -> int:
    """Write annotation records as JSON Lines, or as CSV (``frames`` ``;``-joined, ``cues`` JSON) for ``.csv``."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        table = pd.DataFrame([{**r, "frames": ";".join(r["frames"]),
                               "cues": json.dumps(r.get("cues", []), ensure_ascii=False)} for r in records])
        write_text_atomic(path, table.to_csv(index=False, lineterminator="\n"))
    else:
        write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return len(records)
