"""The Ray executor: the same per-article steps, run as Ray tasks on a local or remote cluster.

Corpus steps (dedup, grouping) stay in the driver next to the store; only pure per-article work
is shipped out, in chunks so the per-task overhead is paid once per chunk, and results come back
in input order, so a Ray run stores exactly what a local run stores.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from storyline.engine.executors import run_chunk

T = TypeVar("T")
R = TypeVar("R")


class RayExecutor:
    """Runs ``map`` as Ray tasks. Joins the cluster at ``address`` or starts a local one."""

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None, chunk_size: int = 32):
        try:
            import ray
        except ImportError as exc:  # the extra is optional: say what to install
            raise RuntimeError("the Ray executor needs Ray: pip install 'storyline[ray]'") from exc
        self._ray = ray
        self.chunk_size = chunk_size
        self._started_here = not ray.is_initialized()
        if self._started_here:
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(
                address=address,
                num_cpus=num_cpus if address is None else None,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self._task = ray.remote(run_chunk)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return self.submit(fn, items)()

    def submit(self, fn: Callable[[T], R], items: Sequence[T]) -> Callable[[], list[R]]:
        """Start the tasks and return what waits for their results (in input order)."""
        items = list(items)
        if not items:
            return list
        fn_ref = self._ray.put(fn)
        refs = [
            self._task.remote(fn_ref, items[start:start + self.chunk_size])
            for start in range(0, len(items), self.chunk_size)
        ]
        return lambda: [result for chunk in self._ray.get(refs) for result in chunk]

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
