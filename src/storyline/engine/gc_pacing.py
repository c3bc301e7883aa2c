"""Cyclic garbage collection paced for a run's driver.

The driver keeps every open event's profile and the run's ids in memory and allocates small
objects (signals, rows, dicts) by the hundred per article, almost none of them in reference
cycles. At Python's default pace (a young collection every 700 allocations, and full ones that
walk every long-lived object) collections took ~6% of the driver's CPU (5,000 articles:
~0.13 ms per article, docs/benchmarks.md, Grouping speed, session 7). Collecting every 50,000
allocations keeps that under 1% and bounds the garbage held meanwhile to those 50,000 objects.
The previous pace is restored when the run ends: the caller's process is the caller's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

RUN_THRESHOLDS = (50_000, 20, 20)  # young allocations between collections; young/middle per older collection


@contextmanager
def collections_paced_for_a_run() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
