"""Cost of applying the learned decision: ``TreeModel.probabilities`` on the grouping loop's real batches.

    PYTHONPATH=src python bench/tree_cost.py [--weights A.json B.json ...] [--articles 600] [--repeats 5]

Groups the first ``--articles`` reports of ecbplus-dev and of uci-headlines-dev online with the
shipped model, recording each scoring call's candidate signals (one batch per article and level,
as ``OnlineGrouper._score`` makes them), then times each weights file's event and story models
on exactly those batches. The files are timed in turn, ``--repeats`` times, best pass reported
(the machine is shared: compare the files of one run, not figures of different runs).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from storyline.evaluate import load_dataset
from storyline.group.events import OnlineGrouper
from storyline.group.model import WEIGHTS_PATH, load_models
from storyline.store import Store


def recorded_batches(datasets, articles: int) -> dict[str, list[list[dict]]]:
    """Per level, the candidate rows of each scoring call, in order."""
    calls: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for n, dataset in enumerate(datasets):
            store = Store(Path(tmp) / f"{n}.db")
            grouper = OnlineGrouper(store.conn, embedder="static")
            grouper.recorder = lambda level, art, gid, feats: calls[(level, art.article_id)].append(feats)
            batch = dataset.articles[:articles]
            for i in range(0, len(batch), 256):
                with store.transaction():
                    grouper.group(batch[i:i + 256])
                    grouper.save()
            store.close()
    out: dict[str, list[list[dict]]] = defaultdict(list)
    for (level, _), rows in calls.items():
        out[level].append(rows)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    parser.add_argument("--weights", nargs="+", default=[str(WEIGHTS_PATH)])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    datasets = [load_dataset(Path(args.eval_dir) / n) for n in ("ecbplus-dev", "uci-headlines-dev")]
    batches = recorded_batches(datasets, args.articles)
    articles = len(batches["event"])
    rows = {level: sum(map(len, b)) for level, b in batches.items()}
    print(f"{articles} articles; scoring calls (rows): "
          + ", ".join(f"{level} {len(b)} ({rows[level]})" for level, b in batches.items()))
    models = {path: load_models(path) for path in args.weights}
    best: dict[str, float] = {path: float("inf") for path in args.weights}
    for _ in range(args.repeats):
        for path, m in models.items():
            start = time.perf_counter()
            for level, model in (("event", m.event), ("story", m.story)):
                for b in batches[level]:
                    model.probabilities(b)
            best[path] = min(best[path], time.perf_counter() - start)
    print(f"{'weights':50} {'trees (event/story)':>20} {'ms per article':>15}")
    for path, m in models.items():
        trees = f"{len(m.event.roots)}/{len(m.story.roots)}"
        print(f"{path:50} {trees:>20} {1000 * best[path] / articles:15.3f}")


if __name__ == "__main__":
    main()
