"""Executors run a per-article function over a batch: in this process, or on a pool of processes.

Per-article steps are pure functions of one article, so where they run does not change what they
return, and results come back in input order (the same input gives the same output).

A step may carry a ``prepare`` attribute: a function that loads what the step needs (models).
The pool calls it in the parent before forking, so the workers share one copy of the models
(copy-on-write) instead of each loading its own.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a batch is cheaper to run here than to ship to worker processes.
MIN_PARALLEL_BATCH = 64


WORKER_NICENESS = 5


def _yield_to_the_driver() -> None:
    """Workers run a little below the driver's priority: the driver's corpus steps are the one
    serial part of a run, and the workers only ever work ahead of it."""
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted here: run at the same priority
        pass


def run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    """One task of a pool (local or Ray): a chunk of items, so the per-task cost is paid once per chunk."""
    return [fn(item) for item in chunk]


class LocalExecutor:
    """Runs in this process, or on ``workers`` forked processes when a batch is large enough."""

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return self.submit(fn, items)()

    def submit(self, fn: Callable[[T], R], items: Sequence[T]) -> Callable[[], list[R]]:
        """Start ``map`` and return what waits for its results, so the caller can work meanwhile
        (the ingest pipeline cleans the next batch while it stores and groups this one).
        A batch too small for the pool runs here, when its results are asked for."""
        items = list(items)
        if self.workers == 1 or len(items) < MIN_PARALLEL_BATCH:
            return lambda: [fn(item) for item in items]
        if self._pool is None:
            prepare = getattr(fn, "prepare", None)
            if prepare is not None:
                prepare()  # load models here, before the fork, so workers share one copy
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_yield_to_the_driver)
        size = max(1, len(items) // (self.workers * 4))
        futures = [self._pool.submit(run_chunk, fn, items[i:i + size]) for i in range(0, len(items), size)]
        return lambda: [result for future in futures for result in future.result()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
