"""Write a sparse mixed feed of the dev sets (``storyline.evaluate.mixed_feed``) as a dataset directory.

The dev sets are dense: each holds a few topics with many reports each. A user's feed is sparse:
many unrelated happenings, a few reports each. This samples the three sets thinly (seeded: the same
feed on every run), labels each article by its set and gold event and story (T17 has no events),
and orders the feed by date (undated last), so ECB+'s, T17's and UCI's stories arrive side by side.

    PYTHONPATH=src python bench/mixed_feed.py /tmp/mixed-feed
    PYTHONPATH=src python -m storyline.cli eval grouping /tmp/mixed-feed [--no-baselines]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from storyline.evaluate import MIXED_SHARES, load_dataset, mixed_feed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--eval-dir", type=Path, default=Path("/work/shared/eval"))
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    feed = mixed_feed({name: load_dataset(args.eval_dir / name) for name in MIXED_SHARES}, seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    fields = ("id", "title", "text", "url", "source", "published", "lang")
    with open(args.out / "articles.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({k: getattr(a, k) for k in fields}) + "\n" for a in feed.articles)
    with open(args.out / "labels.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps({"id": a.id, **feed.labels[a.id]}) + "\n" for a in feed.articles)
    print(f"{args.out}: {len(feed.articles)} articles, {len({feed.labels[a.id]['story'] for a in feed.articles})} stories")


if __name__ == "__main__":
    main()
