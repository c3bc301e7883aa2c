"""Sentence vectors shared by comparison and summaries, computed once per text per process.

A report embeds the same sentences for the fact table, the event summaries and the timeline; this
cache keeps that to one model pass per distinct sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_CACHE: dict[tuple[str, str], np.ndarray] = {}
_MAX = 300_000


def encode(embedder: str, texts: Sequence[str]) -> np.ndarray:
    """Unit-length vectors for ``texts`` with the named storyline.embed model."""
    from storyline.embed import get_embedder

    model = get_embedder(embedder)
    todo = sorted({t for t in texts if (embedder, t) not in _CACHE})
    if todo:
        if len(_CACHE) + len(todo) > _MAX:
            _CACHE.clear()
        for text, vec in zip(todo, model.encode(todo)):
            _CACHE[(embedder, text)] = vec
    if not texts:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.stack([_CACHE[(embedder, t)] for t in texts])


@lru_cache(maxsize=1)
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread():
    """A context in which BLAS runs on one thread: for loops of many small products (a group's
    vectors against another's, a few sentences' cosines), where threads only add waiting; on a
    shared machine that waiting was measured to make such a loop 5x slower. Results are the same."""
    return _blas().limit(limits=1, user_api="blas")
