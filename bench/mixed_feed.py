"""Build a sparse mixed feed from the dev sets, for ``storyline eval grouping`` at the story level.

The dev sets are dense: each holds a few topics with many reports each, so a new article's
nearest earlier articles are mostly of its own story. A user's feed is sparse: many unrelated
happenings, a few reports each. This samples the three dev sets thinly (a seeded sample: the same
set on every run), labels each article by its set and gold event and story (T17 has no events),
and orders the feed by date
(undated last), so ECB+'s, T17's and UCI's stories arrive side by side.

    PYTHONPATH=src python bench/mixed_feed.py /tmp/mixed-feed
    PYTHONPATH=src python -m storyline.cli eval grouping /tmp/mixed-feed --no-baselines
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SHARES = {"ecbplus-dev": 0.15, "t17-dev": 0.05, "uci-headlines-dev": 0.03}  # ~125 / ~40 / ~110 articles


def build(eval_dir: Path, out: Path, seed: int = 13) -> tuple[int, int]:
    """Write ``articles.jsonl`` and ``labels.jsonl`` under ``out``: (articles, stories)."""
    rng = random.Random(seed)
    picked: list[tuple[dict, dict]] = []
    for name, share in SHARES.items():
        labels = {}
        with open(eval_dir / name / "labels.jsonl", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                labels[row["id"]] = {level: None if row.get(level) is None else f"{name}:{row[level]}"
                                     for level in ("event", "story")}
        with open(eval_dir / name / "articles.jsonl", encoding="utf-8") as f:
            for line in f:
                article = json.loads(line)
                if rng.random() < share:
                    picked.append((article, {"id": article["id"], **labels[article["id"]]}))
    picked.sort(key=lambda pair: (pair[0].get("published") or "9999", pair[0]["id"]))
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "articles.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(article) + "\n" for article, _ in picked)
    with open(out / "labels.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(label) + "\n" for _, label in picked)
    return len(picked), len({label["story"] for _, label in picked})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--eval-dir", type=Path, default=EVAL)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    articles, stories = build(args.eval_dir, args.out, args.seed)
    print(f"{args.out}: {articles} articles, {stories} stories")


if __name__ == "__main__":
    main()
