"""``storyline eval grouping DATASET_DIR``: score our grouping and the baselines in one run.

A dataset directory holds ``articles.jsonl`` and ``labels.jsonl`` (the format of the dev sets).
Our grouper runs online, exactly as ``storyline run`` does (a fresh SQLite store, batches of
articles in file order). The baselines cluster the whole set at once and get their threshold tuned
on the same labels they are scored against (an upper bound for them):

- TF-IDF over title + lead, agglomerative clustering (average link, cosine), threshold swept;
- all-MiniLM-L6-v2 embeddings of title + lead, the same clustering;
- BERTopic (UMAP + HDBSCAN) on the same MiniLM embeddings, minimum cluster size swept.

Metrics: B-cubed precision / recall / F1, pairwise F1 and adjusted Rand index, for events and for
stories (articles whose label is null are left out of that level).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyline.model import Article

LEVELS = ("event", "story")


@dataclass
class Dataset:
    name: str
    articles: list[Article]
    labels: dict[str, dict[str, str | None]]  # id -> {"event": ..., "story": ...}

    def gold(self, level: str) -> dict[str, str]:
        return {i: lab[level] for i, lab in self.labels.items() if lab.get(level) is not None}


def load_dataset(directory: str | os.PathLike) -> Dataset:
    """Read articles.jsonl and labels.jsonl; a malformed line is an error naming file and line."""
    directory = Path(directory)
    articles: list[Article] = []
    for number, record in _jsonl(directory / "articles.jsonl"):
        try:
            articles.append(Article(
                id=str(record["id"]), title=record.get("title"), text=record.get("text") or "",
                url=record.get("url"), source=record.get("source"), published=record.get("published"),
                lang=record.get("lang"), origin=f"{directory / 'articles.jsonl'}#line {number}",
                input_format="jsonl",
            ))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{directory / 'articles.jsonl'}#line {number}: bad article ({exc})") from exc
    labels = {str(r["id"]): {"event": r.get("event"), "story": r.get("story")}
              for _, r in _jsonl(directory / "labels.jsonl")}
    return Dataset(directory.name, articles, labels)


# A thin share of each dev set: ~125 ECB+, ~40 T17 and ~110 UCI articles from ~90 stories
MIXED_SHARES = {"ecbplus-dev": 0.15, "t17-dev": 0.05, "uci-headlines-dev": 0.03}


def mixed_feed(datasets: dict[str, Dataset], shares: dict[str, float] = MIXED_SHARES, seed: int = 13,
               name: str = "mixed") -> Dataset:
    """A sparse feed: a seeded thin sample of each set, all in one stream by date (undated last).

    The dev sets are dense (a few topics, many reports each), so a new article's nearest earlier
    articles are mostly of its own story; a user's feed holds many unrelated happenings with a
    few reports each. Labels keep their set's name ("ecbplus-dev:25_ecb"), so no two sets' stories
    meet. The same sets give the same feed (``bench/mixed_feed.py``, ``train_grouping.py --mixed``)."""
    rng = random.Random(seed)
    picked: list[Article] = []
    labels: dict[str, dict[str, str | None]] = {}
    for set_name, dataset in datasets.items():
        base = set_name.split("#")[0]  # a fold ("ecbplus-dev#0") takes its set's share and name
        for article in dataset.articles:
            if rng.random() < shares[base]:
                picked.append(article)
                label = dataset.labels.get(article.id, {})
                labels[article.id] = {level: None if label.get(level) is None else f"{base}:{label[level]}"
                                      for level in ("event", "story")}
    picked.sort(key=lambda a: (a.published or "9999", a.id))
    return Dataset(name, picked, labels)


def _jsonl(path: Path):
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found (a dataset needs articles.jsonl and labels.jsonl)")
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}#line {number}: not JSON ({exc})") from exc


# -- metrics ---------------------------------------------------------------------------------

def scores(predicted: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1, pairwise P/R/F1 and ARI over the items that have a gold label."""
    from sklearn.metrics import adjusted_rand_score

    ids = sorted(gold)
    if not ids:
        return {}
    pred = [predicted.get(i, "missing:" + i) for i in ids]
    true = [gold[i] for i in ids]
    joint = Counter(zip(pred, true))
    pred_size, true_size = Counter(pred), Counter(true)
    n = len(ids)
    b3_p = sum(c * c / pred_size[p] for (p, _), c in joint.items()) / n
    b3_r = sum(c * c / true_size[t] for (_, t), c in joint.items()) / n
    both = sum(c * (c - 1) / 2 for c in joint.values())
    pred_pairs = sum(c * (c - 1) / 2 for c in pred_size.values())
    true_pairs = sum(c * (c - 1) / 2 for c in true_size.values())
    pw_p = both / pred_pairs if pred_pairs else 1.0
    pw_r = both / true_pairs if true_pairs else 1.0
    return {
        "b3_p": b3_p, "b3_r": b3_r, "b3_f1": _f1(b3_p, b3_r),
        "pair_f1": _f1(pw_p, pw_r), "ari": float(adjusted_rand_score(true, pred)),
        "clusters": len(pred_size),
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# -- our grouper -----------------------------------------------------------------------------

def run_ours(dataset: Dataset, *, embedder: str = "static", models=None, batch_size: int = 256,
             repair: bool | None = None, candidate_counts=None) -> tuple[dict[str, dict[str, str]], float]:
    """Group the dataset online through a fresh store; returns {level: {id: group}} and seconds.
    ``repair`` and ``candidate_counts`` (``events.CandidateCounts``): None keeps the grouper's own."""
    from storyline.group.events import OnlineGrouper
    from storyline.group.pipeline import group_batch
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "eval.db")
        start = time.perf_counter()
        grouper = OnlineGrouper(store.conn, embedder=embedder, models=models)  # one per run, as in ``run``
        if repair is not None:  # ``group/repair.py`` on or off (default: the grouper's)
            grouper.repair = repair
        if candidate_counts is not None:
            grouper.candidate_counts = candidate_counts
        for i in range(0, len(dataset.articles), batch_size):
            group_batch(store, dataset.articles[i:i + batch_size], grouper=grouper)
        elapsed = time.perf_counter() - start
        from storyline.store.grouping import assignment_map

        found = assignment_map(store.conn)
        store.close()
    return {"event": {i: e for i, (e, _) in found.items()}, "story": {i: s for i, (_, s) in found.items()}}, elapsed


# -- baselines -------------------------------------------------------------------------------

def lead_texts(dataset: Dataset) -> list[str]:
    from storyline.group.signals import lead_text

    return [lead_text(a.title, a.text) for a in dataset.articles]


def cached_embeddings(texts: list[str], embedder: str) -> np.ndarray:
    """Embeddings of the texts, cached under the user cache dir (MiniLM is slow on CPU)."""
    from storyline.embed import get_embedder

    key = hashlib.blake2b(("\x1e".join(texts) + embedder).encode(), digest_size=16).hexdigest()
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "storyline" / "eval-embeddings"
    path = cache / f"{embedder}-{key}.npy"
    if path.exists():
        return np.load(path)
    vecs = get_embedder(embedder).encode(texts)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def _agglomerative(distances: np.ndarray, threshold: float) -> list[int]:
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(distances).tolist()


def tuned(dataset: Dataset, level: str, cluster: Callable[[float], list[int]], grid: list[float]
          ) -> tuple[dict[str, float], float]:
    """Best B-cubed F1 over the grid (the baseline's parameter tuned on this set's labels)."""
    gold = dataset.gold(level)
    best: tuple[dict[str, float], float] | None = None
    for value in grid:
        labels = cluster(value)
        pred = {a.id: str(lab) if lab >= 0 else "outlier:" + a.id for a, lab in zip(dataset.articles, labels)}
        result = scores(pred, gold)
        if best is None or result["b3_f1"] > best[0]["b3_f1"]:
            best = (result, value)
    return best


def tfidf_distances(articles: list[Article]) -> np.ndarray:
    """Cosine distances of TF-IDF over the whole article (title and body: what a user of this
    baseline would feed it, and what reproduces the issue's reference figures; on title + lead it
    scores 0.81 on T17)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title}\n{a.text}" if a.title and a.title != a.text else a.text for a in articles]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(texts)
    return np.clip(1.0 - (matrix @ matrix.T).toarray(), 0.0, 2.0)


def vector_distances(vecs: np.ndarray) -> np.ndarray:
    """Cosine distances of unit-length embeddings."""
    return np.clip(1.0 - vecs @ vecs.T, 0.0, 2.0)


def bertopic_topics(texts: list[str], vecs: np.ndarray, size: float) -> list[int]:
    """BERTopic's topics (UMAP + HDBSCAN with ``size`` as the least cluster size) on given embeddings."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
    hdb = HDBSCAN(min_cluster_size=int(size), metric="euclidean", cluster_selection_method="eom",
                  prediction_data=True)
    topics, _ = BERTopic(umap_model=umap, hdbscan_model=hdb, calculate_probabilities=False).fit_transform(
        texts, vecs)
    return list(topics)


TFIDF_GRID = [x / 20 for x in range(8, 20)] + [0.97, 0.99, 0.995, 0.999]
DENSE_GRID = [x / 20 for x in range(4, 20)]
BERTOPIC_GRID = [2, 3, 5, 8, 12]


def baseline_tfidf(dataset: Dataset, level: str):
    distances = tfidf_distances(dataset.articles)
    return tuned(dataset, level, lambda t: _agglomerative(distances, t), TFIDF_GRID)


def baseline_dense(dataset: Dataset, level: str, embedder: str = "minilm"):
    distances = vector_distances(cached_embeddings(lead_texts(dataset), embedder))
    return tuned(dataset, level, lambda t: _agglomerative(distances, t), DENSE_GRID)


def baseline_bertopic(dataset: Dataset, level: str, embedder: str = "minilm"):
    try:
        import bertopic, hdbscan, umap  # noqa: F401, E401
    except ImportError:
        return None
    texts = lead_texts(dataset)
    vecs = cached_embeddings(texts, embedder)
    return tuned(dataset, level, lambda size: bertopic_topics(texts, vecs, size), BERTOPIC_GRID)


BASELINES = {
    "tfidf+agglomerative": baseline_tfidf,
    "minilm+agglomerative": baseline_dense,
    "bertopic(minilm)": baseline_bertopic,
}


def evaluate_grouping(directory: str | os.PathLike, *, embedders: tuple[str, ...] = ("static",),
                      baselines: bool = True, only: tuple[str, ...] = (), log: Callable[[str], None] = print) -> dict:
    """Score our grouper (each embedder) and the baselines (all, or ``only`` those) on one dataset;
    prints a table."""
    dataset = load_dataset(directory)
    levels = [lv for lv in LEVELS if dataset.gold(lv)]
    rows: list[dict] = []
    for name in embedders:
        predicted, seconds = run_ours(dataset, embedder=name)
        for level in levels:
            rows.append({"system": f"storyline ({name})", "level": level, **scores(predicted[level], dataset.gold(level)),
                         "param": f"{len(dataset.articles) / seconds:.0f} art/s"})
    if baselines:
        for name, run in BASELINES.items():
            if only and name not in only:
                continue
            for level in levels:
                result = run(dataset, level)
                if result is None:
                    log(f"{name}: skipped (pip install 'storyline[eval]' for BERTopic)")
                    continue
                rows.append({"system": name, "level": level, **result[0], "param": f"tuned {result[1]:g}"})
    log(format_table(dataset.name, len(dataset.articles), rows))
    return {"dataset": dataset.name, "articles": len(dataset.articles), "rows": rows}


def format_table(name: str, count: int, rows: list[dict]) -> str:
    lines = [f"{name}: {count} articles", f"{'system':24} {'level':6} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
             f"{'pair F1':>7} {'ARI':>6} {'groups':>6}  note"]
    by_level = defaultdict(list)
    for row in rows:
        by_level[row["level"]].append(row)
    for level in LEVELS:
        for r in by_level.get(level, []):
            lines.append(f"{r['system']:24} {level:6} {r['b3_p']:6.3f} {r['b3_r']:6.3f} {r['b3_f1']:6.3f} "
                         f"{r['pair_f1']:7.3f} {r['ari']:6.3f} {r['clusters']:6d}  {r['param']}")
    return "\n".join(lines)
