"""Classify a corpus on a dask.distributed cluster, writing partitioned Parquet.

The client splits the inputs into partitions of roughly ``partition_bytes``:
groups of whole files (.txt .md .html .pdf, CSV/TSV, anything gzipped), line
ranges of large JSON Lines files, and row groups of Parquet files. Each
partition is one task: the worker reads it with the same readers as the local
engine, tags it with its own :class:`~desec_nlp.tagger.Tagger` (built once per
worker) and streams the records into ``OUT/part-NNNNN.parquet``, batch by batch,
so a worker's memory does not depend on the partition's size. All parts share
one schema, so ``desec report OUT`` (:func:`desec_nlp.tagged.read_tagged`) reads
the directory as one table.

Without a scheduler address a ``LocalCluster`` runs on this machine. On an HPC
cluster start the scheduler and workers with dask-jobqueue (``SLURMCluster``)
or ``dask-scheduler``/``dask-worker`` and pass ``--scheduler tcp://HOST:8786``;
the inputs, the model directory and ``OUT`` must then be on a file system that
every worker sees (see ``benchmarks/README.md``).

Parquet columns: the record's core fields (``frames`` a list of strings,
``cues`` a JSON string), the usual metadata keys and the table's own columns as
text, and any other metadata key in ``meta`` (a JSON object). Units are numbered
within a partition: a document never spans two partitions, except rows that
share a ``--doc-col`` value across the line ranges of one large JSONL file.
"""
from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import threading
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .compressed import is_gzip
from .documents import Document, Problem
from .errors import DesecError, InputError
from .metadata import load_sidecar
from .readers import (ReadOptions, add_sidecar_meta, expand_inputs, input_format, json_line_units,
                      read_documents, record_unit, table_delimiter, unreadable_file)
from .tagger import Tagger, UnitNumbering, batched

PARTITION_BYTES = 16 * 2**20  # at most; smaller inputs are cut into about four partitions per worker
MIN_PARTITION_BYTES = 256 * 2**10
STANDARD_META = ("date", "speaker", "source", "genre", "title")
CORE = [("id", pa.string()), ("doc_id", pa.string()), ("sent_index", pa.int64()), ("text", pa.string()),
        ("lang", pa.string()), ("move", pa.string()), ("frames", pa.list_(pa.string())), ("cues", pa.string()),
        ("confidence", pa.float64())]


@dataclass(frozen=True)
class Partition:
    """One task's share of the inputs: whole files, a line range of a JSONL file, or a Parquet row group."""

    kind: str  # "files" | "lines" | "row_group"
    paths: tuple[str, ...]
    start: int = 0  # byte offset (lines) or row-group index (row_group)
    stop: int = 0  # byte offset (lines)
    first_line: int = 1  # line (or row) number of the partition's first record


def plan_partitions(inputs: Iterable[str], partition_bytes: int = PARTITION_BYTES) -> tuple[list[Partition],
                                                                                           list[Problem]]:
    """Split ``inputs`` (files, directories, globs) into partitions; inputs that do not exist become Problems."""
    partitions, problems, group, size = [], [], [], 0
    for path in _input_files(inputs):
        if isinstance(path, Problem):
            problems.append(path)
            continue
        try:
            own, length = _own_partitions(path, partition_bytes)
        except (OSError, pa.ArrowException) as exc:
            problems.append(unreadable_file(path, exc))
            continue
        if own is not None:
            partitions.extend(own)
            continue
        if group and size + length > partition_bytes:
            partitions.append(Partition("files", tuple(group)))
            group, size = [], 0
        group.append(str(path))
        size += length
    if group:
        partitions.append(Partition("files", tuple(group)))
    return partitions, problems


def _own_partitions(path: Path, partition_bytes: int) -> tuple[list[Partition] | None, int]:
    """The partitions a file is split into (Parquet row groups, line ranges of a large JSONL), or None
    for a file that shares a partition with others; and the file's size."""
    length = path.stat().st_size
    if path.suffix.lower() in (".parquet", ".pq"):
        metadata = pq.ParquetFile(path).metadata
        own, first = [], 1
        for index in range(metadata.num_row_groups):
            own.append(Partition("row_group", (str(path),), index, 0, first))
            first += metadata.row_group(index).num_rows
        return own, length
    if input_format(path) == "jsonl" and not is_gzip(path) and length > partition_bytes:  # gzip: no seeking
        return list(_line_ranges(path, partition_bytes)), length
    return None, length


def _input_files(inputs: Iterable[str]) -> Iterator[Path | Problem]:
    for item in inputs:
        yield from expand_inputs([item])
        if Path(item).is_dir():  # the local readers do not take Parquet, so directories skip it
            yield from sorted(p for p in Path(item).rglob("*.parquet")
                              if not any(part.startswith(".") for part in p.relative_to(item).parts))


def _line_ranges(path: Path, partition_bytes: int) -> Iterator[Partition]:
    """Line-aligned byte ranges of about ``partition_bytes``, with the number of each range's first line."""
    with open(path, "rb") as stream:
        start, line = 0, 1
        while True:
            stream.seek(start)
            chunk = stream.read(partition_bytes)
            if not chunk:
                return
            rest = stream.readline()  # finish the line the chunk cut
            yield Partition("lines", (str(path),), start, start + len(chunk) + len(rest), line)
            line += chunk.count(b"\n") + rest.count(b"\n")
            start += len(chunk) + len(rest)


def read_partition(partition: Partition, options: ReadOptions) -> Iterator[Document | Problem]:
    """The Documents (and Problems) of one partition, as the local readers would give them."""
    if partition.kind == "files":
        yield from read_documents(list(partition.paths), options)
        return
    path = Path(partition.paths[0])
    sidecar = load_sidecar(options.sidecar) if options.sidecar else {}
    try:
        if partition.kind == "row_group":
            rows = pq.ParquetFile(path).read_row_group(partition.start).to_pylist()
        else:
            with open(path, "rb") as stream:
                stream.seek(partition.start)
                data = stream.read(partition.stop - partition.start).decode("utf-8", errors="replace")
    except (OSError, pa.ArrowException) as exc:  # changed or removed since the plan was made
        yield unreadable_file(path, exc)
        return
    if partition.kind == "row_group":
        units = (record_unit(path, row, partition.first_line + i, options) for i, row in enumerate(rows))
    else:
        units = json_line_units(path, data.split("\n"), options, partition.first_line)
    for item in units:
        if isinstance(item, Document):
            add_sidecar_meta(item, path, sidecar)
        yield item


def output_schema(partitions: list[Partition], options: ReadOptions) -> pa.Schema:
    """Core fields, then the usual metadata keys and the tables' own columns (as text), then ``meta``."""
    columns = list(STANDARD_META)
    if options.sidecar:
        columns += [c for row in load_sidecar(options.sidecar).values() for c in row]
    for path in dict.fromkeys(p for partition in partitions for p in partition.paths):
        names = _table_columns(Path(path))
        columns += [c for c in (options.meta_cols or names) if c not in (options.text_col, options.id_col,
                                                                         options.doc_col)]
    core = {name for name, _ in CORE}
    meta = [c for c in dict.fromkeys(columns) if c not in core and c != "meta"]
    return pa.schema(CORE + [(c, pa.string()) for c in meta] + [("meta", pa.string())])


def _table_columns(path: Path) -> list[str]:
    """The column names of a CSV/TSV, JSONL or Parquet file (from its header, first line or schema), gzipped or not.

    A file that cannot be read gives none here: its worker reports it as a Problem.
    """
    if path.suffix.lower() in (".parquet", ".pq"):
        return pq.ParquetFile(path).schema_arrow.names
    kind = input_format(path)
    if kind not in ("table", "jsonl"):
        return []
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as stream:
            if kind == "table":
                return next(csv.reader(stream, delimiter=table_delimiter(path)), [])
            first = next((line for line in stream if line.strip()), "{}")
    except (OSError, EOFError, zlib.error, csv.Error):
        return []
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return []
    return list(row) if isinstance(row, dict) else []


_local = threading.local()
_building = threading.Lock()


def _worker_tagger(codebook: str | None, model: str) -> Tagger:
    """One Tagger per worker thread (spaCy pipelines are not shared across threads), built on first use."""
    key = (codebook, model)
    if getattr(_local, "key", None) != key:
        with _building:  # one at a time: building a pipeline silences spaCy warnings process-wide
            _local.tagger, _local.key = Tagger(codebook, model=model).warm_up(), key
    return _local.tagger


def classify_partition(partition: Partition, index: int, directory: str, options: ReadOptions,
                       codebook: str | None, model: str, lang: str, batch_size: int, schema: pa.Schema) -> dict:
    """Tag one partition into ``directory/part-INDEX.parquet``; returns its counts and problems.

    The counts are those of :class:`~desec_nlp.classify.RunSummary`: input units read, classified, records.
    """
    tagger = _worker_tagger(codebook, model)
    numbering = UnitNumbering(options.unit)
    moves: Counter = Counter()
    problems, records, read, classified = [], 0, 0, 0
    target = Path(directory) / f"part-{index:05d}.parquet"
    tmp = target.with_name(f".{target.name}.tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for batch in batched(read_partition(partition, options), batch_size):
            rows = []
            for result in tagger.tag_batch(batch, lang, options.unit):
                read += 1
                if isinstance(result, Problem):
                    problems.append(result.to_dict())
                    continue
                classified += 1
                for record in numbering.number(result):
                    rows.append(_row(record, schema))
                    moves[record["move"]] += 1
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                records += len(rows)
    os.replace(tmp, target)
    return {"read": read, "classified": classified, "records": records, "documents": len(numbering.counters),
            "moves": dict(moves), "problems": problems}


def _row(record: dict, schema: pa.Schema) -> dict:
    row = {name: record.get(name) for name, _ in CORE}
    row["cues"] = json.dumps(record["cues"], ensure_ascii=False)
    extra = {}
    for key, value in record.items():
        if key in row:
            continue
        if schema.get_field_index(key) >= 0:
            row[key] = None if value is None else str(value)
        else:
            extra[key] = value
    row["meta"] = json.dumps(extra, ensure_ascii=False, default=str) if extra else None
    return row


def classify_dask(inputs: Iterable[str], output: str | Path, read_options: ReadOptions | None = None,
                  codebook: str | None = None, model: str = "default", lang: str = "auto",
                  scheduler: str | None = None, n_workers: int | None = None, batch_size: int = 256,
                  partition_bytes: int | None = None, processes: bool = True,
                  errors_path: str | Path | None = None):
    """Classify ``inputs`` on a Dask cluster into the Parquet directory ``output``; returns a RunSummary.

    ``scheduler``: address of a running cluster; without it a ``LocalCluster`` of ``n_workers``
    single-threaded workers (processes, or threads with ``processes=False``) runs here.
    ``partition_bytes``: input bytes per task (default: about four tasks per worker, at most 16 MB).
    Parts go to ``OUT.partial/`` first; ``OUT`` is replaced only when every part is written.
    """
    from distributed import Client, LocalCluster

    from .classify import RunSummary, write_errors
    from .parallel import default_n_process

    read_options = read_options or ReadOptions()
    codebook = str(Path(codebook).resolve()) if codebook else None
    Tagger(codebook, model=model)  # a wrong codebook or model fails here once, not on every worker
    inputs = list(inputs)
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise DesecError(f"{output} is a file; --engine dask writes a directory of Parquet parts")
    staging = Path(str(output) + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    cluster = None if scheduler else LocalCluster(n_workers=n_workers or default_n_process(), threads_per_worker=1,
                                                  processes=processes, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            if partition_bytes is None:  # about four partitions per worker, none over PARTITION_BYTES
                total = sum(p.stat().st_size for p in _input_files(inputs) if isinstance(p, Path))
                workers = max(1, len(client.scheduler_info().get("workers", {})))
                partition_bytes = max(MIN_PARTITION_BYTES, min(PARTITION_BYTES, total // (4 * workers) + 1))
            partitions, problems = plan_partitions(inputs, partition_bytes)
            if not partitions and not problems:
                raise InputError("no input files found")
            schema = output_schema(partitions, read_options)
            task = partial(classify_partition, directory=str(staging.resolve()), options=read_options,
                           codebook=codebook, model=model, lang=lang, batch_size=batch_size, schema=schema)
            futures = client.map(task, partitions, range(len(partitions)), pure=False)
            results = client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
    summary = RunSummary(read=len(problems), problems=list(problems))
    for result in results:
        summary.read += result["read"]
        summary.classified += result["classified"]
        summary.records += result["records"]
        summary.documents += result["documents"]
        summary.moves.update(result["moves"])
        summary.problems += [Problem.from_dict(p) for p in result["problems"]]
    if output.exists():
        shutil.rmtree(output)
    os.replace(staging, output)
    if errors_path:
        write_errors(summary.problems, errors_path)
    return summary
