"""Semantic "more like this": the articles whose stored lead embeddings are nearest by cosine.

The vectors are the ones grouping stored (title + lead, one per original article). They are read
once into one matrix and kept until grouping writes again (``vectors_version``); a query is then a
single matrix-vector product, milliseconds at 10k articles. The article itself, the article it
copies and every copy of either are left out; equal scores are ordered by article id.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

import numpy as np

from storyline.store import similar as sql

DEFAULT_COUNT = 10
NO_VECTORS = ("No embeddings are stored in this database: grouping has not run on it (skipped with "
              "`--skip group`, or the run stopped before grouping), so similar articles cannot be found.")
NO_ARTICLE_VECTOR = ("This article has no stored embedding (it is not grouped yet, or it copies an article "
                     "that is not), so similar articles cannot be found.")


@dataclass(frozen=True)
class VectorMatrix:
    """Unit-length vectors of one dimension, rows in article-id order."""

    ids: list[str]
    row_of: dict[str, int]
    matrix: np.ndarray  # float32, (n, dim)


class SimilarArticles:
    """The stored embeddings of one database, cached per grouping state; safe to share across threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._by_dim: dict[int, VectorMatrix] = {}

    def similar(self, conn: sqlite3.Connection, article_id: str, *, count: int = DEFAULT_COUNT) -> dict:
        """``{available, reason, items}``: up to ``count`` nearest articles with their cosine ``score``,
        or ``available`` false and the reason when there are no vectors to compare."""
        by_dim = self._matrices(conn)
        if not by_dim:
            return {"available": False, "reason": NO_VECTORS, "items": []}
        original, family = sql.copy_family(conn, article_id)
        found = next(((m, m.row_of[original]) for m in by_dim.values() if original in m.row_of), None)
        if found is None:
            return {"available": False, "reason": NO_ARTICLE_VECTOR, "items": []}
        vectors, row = found
        # einsum, not @: a matrix-vector product this small is slower through multi-threaded BLAS
        # on a busy machine (threads wait for cores) than in one plain loop
        scores = np.round(np.einsum("ij,j->i", vectors.matrix, vectors.matrix[row]), 6)
        for other in family:
            if other in vectors.row_of:
                scores[vectors.row_of[other]] = -np.inf
        picked = [(vectors.ids[i], float(scores[i])) for i in top(scores, count) if np.isfinite(scores[i])]
        refs = sql.article_refs(conn, [i for i, _ in picked])
        items = [{**refs[i], "score": round(s, 4)} for i, s in picked if i in refs]
        return {"available": True, "reason": None, "items": items}

    def _matrices(self, conn: sqlite3.Connection) -> dict[int, VectorMatrix]:
        version = sql.vectors_version(conn)
        with self._lock:
            if version != self._version:
                self._by_dim = _build(sql.load_vectors(conn))
                self._version = version
            return self._by_dim


def top(scores: np.ndarray, count: int) -> np.ndarray:
    """Indices of the ``count`` highest scores, highest first, equal scores by index (rows are in
    id order, so ties go by id); linear time: only the candidates at or above the cut are sorted."""
    if count >= len(scores):
        candidates = np.arange(len(scores))
    else:
        cut = np.partition(scores, len(scores) - count)[len(scores) - count]
        candidates = np.flatnonzero(scores >= cut)
    return candidates[np.lexsort((candidates, -scores[candidates]))][:count]


def _build(rows: list[tuple[str, bytes]]) -> dict[int, VectorMatrix]:
    """One matrix per vector size (a database grouped with two embedders holds two sizes)."""
    groups: dict[int, list[tuple[str, np.ndarray]]] = {}
    for article_id, blob in rows:
        vector = np.frombuffer(blob, dtype=np.float32)
        groups.setdefault(vector.shape[0], []).append((article_id, vector))
    out = {}
    for dim, members in groups.items():
        matrix = np.stack([v for _, v in members]).astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)
        ids = [i for i, _ in members]
        out[dim] = VectorMatrix(ids, {i: n for n, i in enumerate(ids)}, matrix)
    return out
