"""Grouping speed against the baselines a user would pick, on the same articles in the same run.

    PYTHONPATH=src python bench/grouping_vs_baselines_speed.py [--articles 1024 4096 10240] [--batch 1024]

The quality baselines of ``storyline eval grouping`` cluster a whole set at once. To time them
against our online grouper on more than the dev sets' few hundred articles, each system gets the
same stream (``grouping_bench.stream`` of t17-dev: real full-length reports repeated with new
names, dates and word order) as cleaned text, in one process on one core, nothing cached:

- **storyline**: the online grouper through a fresh SQLite store in batches of ``--batch``
  (embedding with the packaged static model, candidates, signals, models, the second look,
  writing events, stories and explanations); model loading not timed.
- **TF-IDF + agglomerative**, **static + agglomerative**, **BERTopic (static)**: the baselines of
  the quality table with the static embedder (MiniLM would add ~50 ms per article of embedding
  on this CPU to the last two), each with its parameter tuned on t17-dev's stories first (not
  timed). "once": one clustering of all the articles (their best case, only possible when the
  stream has ended); "per batch": re-clustering everything at each batch's arrival, which is what
  they need to keep groups current as articles come in batches (the total of those runs).

Prints articles per second and the ratio storyline / baseline (above 1: storyline is faster).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grouping_bench import stream  # noqa: E402

from storyline.embed import get_embedder  # noqa: E402
from storyline.evaluate import (  # noqa: E402
    BERTOPIC_GRID,
    DENSE_GRID,
    TFIDF_GRID,
    Dataset,
    _agglomerative,
    bertopic_topics,
    load_dataset,
    tfidf_distances,
    tuned,
    vector_distances,
)
from storyline.group.events import OnlineGrouper  # noqa: E402
from storyline.group.pipeline import group_batch  # noqa: E402
from storyline.group.signals import lead_text  # noqa: E402
from storyline.model import Article  # noqa: E402
from storyline.store import Store  # noqa: E402


def cleaned_stream(base: list[Article], count: int) -> list[Article]:
    """The bench stream as cleaned articles (title and text set: what every system starts from)."""
    out = []
    for art in stream(base, count):
        title, _, text = art.raw_text.partition("\n\n") if art.title else (None, "", art.raw_text)
        out.append(Article(id=art.id, title=title, text=text, source=art.source, published=art.published,
                           origin=art.origin, input_format="jsonl"))
    return out


def tfidf_agglomerative(articles: list[Article], threshold: float) -> list[int]:
    return _agglomerative(tfidf_distances(articles), threshold)


def static_embeddings(articles: list[Article]) -> tuple[list[str], np.ndarray]:
    texts = [lead_text(a.title, a.text) for a in articles]
    return texts, get_embedder("static").encode(texts)


def static_agglomerative(articles: list[Article], threshold: float) -> list[int]:
    return _agglomerative(vector_distances(static_embeddings(articles)[1]), threshold)


def bertopic_static(articles: list[Article], size: float) -> list[int]:
    return bertopic_topics(*static_embeddings(articles), size)


# the quality baselines (``storyline.evaluate``) on the static embedder, with their grids
BASELINES = {
    "TF-IDF + agglomerative": (tfidf_agglomerative, TFIDF_GRID),
    "static + agglomerative": (static_agglomerative, DENSE_GRID),
    "BERTopic (static)": (bertopic_static, BERTOPIC_GRID),
}


def time_storyline(articles: list[Article], batch: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "speed.db")
        grouper = OnlineGrouper(store.conn, embedder="static")
        get_embedder("static").encode(["warm up"])
        start = time.process_time()
        for i in range(0, len(articles), batch):
            group_batch(store, articles[i:i + batch], grouper=grouper)
        seconds = time.process_time() - start
        store.close()
    return seconds


def time_baseline(run, articles: list[Article], param: float, batch: int) -> tuple[float, float]:
    """CPU seconds of one clustering of all the articles, and of re-clustering at every batch."""
    start = time.process_time()
    run(articles, param)
    once = time.process_time() - start
    start = time.process_time()
    for end in range(batch, len(articles) + batch, batch):
        run(articles[:end], param)
    return once, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1024, 4096, 10240])
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--dataset", default="/work/shared/eval/t17-dev")
    parser.add_argument("--only", nargs="*", default=None, help="baselines to run (default: all)")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    tuning = Dataset(dataset.name, cleaned_stream(dataset.articles, len(dataset.articles)), dataset.labels)
    params = {}
    for name, (run, grid) in BASELINES.items():
        if args.only is None or name in args.only:
            result, params[name] = tuned(tuning, "story", lambda p, run=run: run(tuning.articles, p), grid)
            print(f"{name}: parameter {params[name]:g} (B³ F1 {result['b3_f1']:.3f} on {dataset.name} stories)",
                  flush=True)
    articles = cleaned_stream(dataset.articles, max(args.articles))
    print("articles | system | CPU s | articles/s | storyline / it")
    for count in args.articles:
        part = articles[:count]
        ours = time_storyline(part, args.batch)
        print(f"{count} | storyline (online, batches of {args.batch}) | {ours:.1f} | {count / ours:.0f} | 1", flush=True)
        for name in params:
            once, per_batch = time_baseline(BASELINES[name][0], part, params[name], args.batch)
            print(f"{count} | {name}, once | {once:.1f} | {count / once:.0f} | {once / ours:.2f}", flush=True)
            print(f"{count} | {name}, per batch | {per_batch:.1f} | {count / per_batch:.0f} | "
                  f"{per_batch / ours:.2f}", flush=True)


if __name__ == "__main__":
    main()
