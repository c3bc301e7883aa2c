"""Speed of "more like this" (storyline.web.similar) on a store of N articles with stored vectors.

    PYTHONPATH=src python bench/similar_bench.py [--articles 10000] [--dim 128] [--queries 200]

Builds a temporary store through the store's own write functions: N synthetic articles, one event
and story per 10, each article with a random unit vector of ``--dim`` floats (128 = the static
model grouping uses by default, 384 = MiniLM). Ranking cost does not depend on what the vectors mean.
Prints, per query, p50/p95 ms for:
  - cached: ``SimilarArticles.similar`` as the server runs it (matrix kept until grouping writes);
  - baseline: the same ranking reading every vector from SQLite on each request (no cache);
and the one-off cost of building the matrix (the first request after grouping writes).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from storyline.model import Article
from storyline.store import Store
from storyline.store import grouping
from storyline.web.similar import SimilarArticles


def build(path: Path, n: int, dim: int) -> list[str]:
    rng = np.random.default_rng(7)
    ids = [f"a{i:06d}" for i in range(n)]
    store = Store(path)
    try:
        articles = [Article(id=i, raw_text="x", title=f"Title {i}", text=f"Body of {i}.", source=f"Outlet {k % 40}",
                            published=f"2023-{1 + k % 12:02d}-{1 + k % 28:02d}", origin="bench", input_format="jsonl",
                            content_hash=i) for k, i in enumerate(ids)]
        store.write_articles(articles, run_id=None, signatures={})
        vectors = rng.standard_normal((n, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        events, stories, assignments = [], [], []
        for k, i in enumerate(ids):
            group = ids[k - k % 10]
            if k % 10 == 0:
                stories.append(grouping.GroupRow(f"s-{group}", None, None, None, 10, 1, k + 1, b"", b"", "{}"))
                events.append(grouping.GroupRow(f"e-{group}", f"s-{group}", None, None, 10, 0, k + 1, b"", b"", "{}"))
            assignments.append((i, f"e-{group}", f"s-{group}", k + 1, 0.9, "{}", None, vectors[k].tobytes()))
        with store.transaction():
            grouping.save_batch(store.conn, events=events, stories=stories, assignments=assignments, terms={},
                                documents=n, last_seq=n)
    finally:
        store.close()
    return ids


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"p50 {statistics.median(ms):7.2f} ms   p95 {ms[int(0.95 * (len(ms) - 1))]:7.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "similar.db"
        t0 = time.perf_counter()
        ids = build(path, args.articles, args.dim)
        print(f"built {args.articles} articles x {args.dim} floats in {time.perf_counter() - t0:.1f} s")
        store = Store(path, read_only=True)
        conn = store.conn
        picks = random.Random(1).choices(ids, k=args.queries)

        cached = SimilarArticles()
        t0 = time.perf_counter()
        first = cached.similar(conn, picks[0])
        build_s = time.perf_counter() - t0
        assert first["available"] and len(first["items"]) == 10
        times = []
        for article_id in picks:
            t0 = time.perf_counter()
            cached.similar(conn, article_id)
            times.append(time.perf_counter() - t0)
        baseline = []
        for article_id in picks[: max(10, args.queries // 10)]:
            t0 = time.perf_counter()
            SimilarArticles().similar(conn, article_id)  # a fresh cache: reads and stacks every vector
            baseline.append(time.perf_counter() - t0)
        store.close()
    print(f"first request (builds the matrix): {build_s * 1000:.1f} ms")
    print(f"cached (as served):     {percentiles(times)}   ({len(times)} queries)")
    print(f"baseline (no cache):    {percentiles(baseline)}   ({len(baseline)} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
