"""Tag batches of Documents on every core, in input order, with memory that does not grow.

A pool of worker processes each holds one :class:`~desec_nlp.tagger.Tagger`,
built once: on Linux the workers are forked from a parent that has built and
warmed up its tagger, so the pipelines, lookup tables and model are shared
copy-on-write instead of loaded once per process (``gc.freeze`` keeps the
collector from touching, and so copying, those pages); where fork is not
available each worker builds its own from the codebook and model name.

The parent reads, sends batches and collects the results in the order it sent
them. At most ``max_in_flight`` batches are out at a time, so a fast reader
never piles up a corpus in memory waiting for slow workers.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Iterable, Iterator

from .documents import Document, Problem
from .tagger import Tagger
from .writers import EncodedDocument

BatchResult = list  # one entry per input item: its records (list of dicts, or an EncodedDocument) or a Problem

_worker_tagger: Tagger | None = None  # the tagger of this worker process (inherited or built)


def default_n_process() -> int:
    """The cores this process may run on (all of them unless an affinity mask says otherwise)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def tag_batches(tagger: Tagger, batches: Iterable[list[Document | Problem]], lang: str = "auto",
                unit: str = "sentence", n_process: int = 1, max_in_flight: int | None = None,
                encoded: bool = False) -> Iterator[BatchResult]:
    """Yield :meth:`Tagger.tag_batch` of each batch, in order, using ``n_process`` processes.

    With ``n_process=1`` everything runs here, with no pool. Otherwise ``n_process``
    workers tag while this process reads and writes; at most ``max_in_flight``
    batches (default ``2 * n_process``) are queued or being tagged at any time.
    With ``encoded``, the records of each Document come as an :class:`EncodedDocument`
    (for JSON Lines output): strings are cheaper to send between processes than dicts.
    """
    batches = iter(batches)
    first = list(islice(batches, 2))
    tagger.warm_up()
    # The pipelines, lookup tables and model are millions of long-lived objects: frozen, the
    # collector stops re-scanning them (a sixth of the CPU time otherwise) and forked workers
    # share their pages instead of copying them.
    gc.freeze()
    try:
        if n_process <= 1 or len(first) < 2:  # one batch: starting workers would cost more than it saves
            for batch in chain(first, batches):
                yield _tag(tagger, batch, lang, unit, encoded)
        else:
            yield from _tag_in_pool(tagger, chain(first, batches), lang, unit, n_process,
                                    max_in_flight or 2 * n_process, encoded)
    finally:
        gc.unfreeze()


def _tag(tagger: Tagger, batch: list, lang: str, unit: str, encoded: bool) -> BatchResult:
    results = tagger.tag_batch(batch, lang, unit)
    return [EncodedDocument.of(r) if encoded and isinstance(r, list) else r for r in results]


def _tag_in_pool(tagger: Tagger, batches: Iterable[list], lang: str, unit: str, n_process: int,
                 max_in_flight: int, encoded: bool) -> Iterator[BatchResult]:
    global _worker_tagger
    forking = "fork" in multiprocessing.get_all_start_methods()
    if forking:
        _worker_tagger = tagger  # inherited by the forked workers
        context, spec = multiprocessing.get_context("fork"), None
    else:
        context, spec = multiprocessing.get_context("spawn"), (tagger.codebook, tagger.model_name)
    pool = ProcessPoolExecutor(n_process, mp_context=context, initializer=_start_worker, initargs=(spec,))
    pending: deque[Future] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(_tag_batch, batch, lang, unit, encoded))
            if len(pending) >= max_in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _worker_tagger = None


def _start_worker(spec: tuple | None) -> None:
    global _worker_tagger
    # Ctrl-C reaches the whole process group: let the parent alone decide to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if spec is not None:
        codebook, model = spec
        _worker_tagger = Tagger(codebook, model=model).warm_up()


def _tag_batch(batch: list, lang: str, unit: str, encoded: bool) -> BatchResult:
    assert _worker_tagger is not None, "worker started without a tagger"
    return _tag(_worker_tagger, batch, lang, unit, encoded)
