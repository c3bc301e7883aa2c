"""Trace the event joins of the shipped grouper on a dev set: which joins went to another happening.

    PYTHONPATH=src python bench/trace_joins.py [--eval-dir /work/shared/eval] [--set ecbplus-dev] [--small 3]

Groups the set online as ``storyline eval grouping`` does (batches of 256, the second look on) and
records each join: the probability, the signals, the size of the event joined and its majority gold
event at that moment (as ``bench/train_grouping.py``'s ``replay_own`` labels candidates; moves by
the second look are not followed). Prints how many joins went wrong, in events of up to ``--small``
reports and larger ones, the first wrong join of each pair of gold events (where a mixed event
starts), and the mean signals of right and wrong small joins (docs/benchmarks.md, Grouping, session 9).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from storyline.evaluate import load_dataset
from storyline.group.events import OnlineGrouper
from storyline.group.pipeline import group_batch
from storyline.store import Store

SHOWN = ("tfidf_cos", "cos_centroid", "names_cover", "names_novel", "names_missed", "names_body_cos",
         "numbers_missed", "title_cos", "knn_votes")


def topic(label: str | None) -> str:
    return re.sub(r"_ecb(plus)?$", "", label or "")


def trace(dataset) -> list[dict]:
    """One row per join, in arrival order."""
    gold = {i: label.get("event") for i, label in dataset.labels.items()}
    members: dict[str, Counter] = defaultdict(Counter)
    rows: list[dict] = []

    class Tracing(OnlineGrouper):
        def _place(self, art):
            decision = super()._place(art)
            mine = gold.get(art.article_id)
            if decision.explanation.get("decision") == "joined event":
                counts = members[decision.event]
                majority = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None
                joined = decision.explanation["event"]
                rows.append({"id": art.article_id, "gold": mine, "majority": majority, "size": sum(counts.values()),
                             "right": majority == mine, "probability": joined["probability"],
                             "signals": joined["signals"]})
            members[decision.event][mine] += 1
            return decision

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "trace.db")
        grouper = Tracing(store.conn)
        for i in range(0, len(dataset.articles), 256):
            group_batch(store, dataset.articles[i:i + 256], grouper=grouper)
        store.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    parser.add_argument("--set", default="ecbplus-dev")
    parser.add_argument("--small", type=int, default=3, help="events of up to this many reports count as small")
    args = parser.parse_args()
    rows = trace(load_dataset(Path(args.eval_dir) / args.set))
    small = [r for r in rows if r["size"] <= args.small]
    wrong_small = [r for r in small if not r["right"]]
    print(f"joins {len(rows)}, wrong {sum(not r['right'] for r in rows)}; into events of up to {args.small} reports "
          f"{len(small)}, wrong {len(wrong_small)} (same topic {sum(topic(r['gold']) == topic(r['majority']) for r in wrong_small)})")
    print("first wrong join of each pair of gold events:")
    seen = set()
    for r in rows:
        if r["right"] or (r["gold"], r["majority"]) in seen:
            continue
        seen.add((r["gold"], r["majority"]))
        s = r["signals"]
        print(f"  {r['gold']:>14} -> {r['majority']:>14} size {r['size']:2d} p {r['probability']:.2f} short {s['short']:.0f} "
              + " ".join(f"{f} {s.get(f, 0.0):.2f}" for f in SHOWN))
    print("small joins, mean signals right / wrong:")
    for f in ("probability",) + SHOWN:
        value = (lambda r: r["probability"]) if f == "probability" else (lambda r, f=f: r["signals"].get(f, 0.0))
        right = [value(r) for r in small if r["right"]]
        wrong = [value(r) for r in wrong_small]
        if right and wrong:
            print(f"  {f:16} {np.mean(right):.2f} / {np.mean(wrong):.2f}")
    for cut in (0.6, 0.7, 0.8, 0.85, 0.9):
        below = [r for r in small if r["probability"] < cut]
        print(f"  small joins below p {cut}: right {sum(r['right'] for r in below)}, wrong {sum(not r['right'] for r in below)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
