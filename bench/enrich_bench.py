"""Speed and quality of annotation (issue 4).

    PYTHONPATH=src python bench/enrich_bench.py [--articles 600] [--workers 2]

Speed: articles/s of the whole enrichment (entities + canonical ids, times, figures, quotes, claims)
on ecbplus-dev + t17-dev articles (interleaved), in 1 process and in ``--workers`` processes, side by
side with the baseline the issue names: spaCy NER over the full text of every article (1 and 2 processes).
Quality: precision/recall per category on the seed gold (tests/gold/seeds.json) and entity/date accuracy on
the hand-annotated eval sample (tests/gold/eval_sample.json).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.annotate import annotate_many, reanchor  # noqa: E402
from storyline.annotate.evaluate import Score, quote_verbs, score_article  # noqa: E402
from storyline.annotate.entities import LEAD_CHARS as DEFAULT_LEAD  # noqa: E402
from storyline.model import Article  # noqa: E402

EVAL = Path(os.environ.get("STORYLINE_EVAL", ROOT.parent.parent / "shared" / "eval"))
if not EVAL.exists():
    EVAL = Path("/work/shared/eval")


def load_articles(limit: int) -> list[Article]:
    sets = []
    for name in ("ecbplus-dev", "t17-dev"):
        with open(EVAL / name / "articles.jsonl", encoding="utf-8") as f:
            sets.append([json.loads(line) for line in f])
    rows = [r for pair in zip(*sets) for r in pair][:limit]
    return [Article(id=r["id"], title=r.get("title"), text=r["text"], published=r.get("published")) for r in rows]


def _annotate_chunk(chunk: list[Article]) -> int:
    return len(annotate_many(chunk))


def _ner_chunk(texts: list[str]) -> int:
    from storyline.annotate.nlp import ner_spans

    return sum(1 for _ in ner_spans(texts))


def _rate(fn, items, workers: int) -> float:
    """Items per second of ``fn`` over ``items`` on ``workers`` forked processes (model loaded first)."""
    fn(items[:4])  # load the model in this process, so forked workers share it
    chunks = [items[i::workers] for i in range(workers)]
    start = time.perf_counter()
    if workers == 1:
        fn(items)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(fn, chunks)
    return len(items) / (time.perf_counter() - start)


def seed_scores() -> dict[str, Score]:
    import tempfile

    import storyline

    gold = json.loads((ROOT / "tests" / "gold" / "seeds.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp, storyline.open(Path(tmp) / "seeds.db") as db:
        db.ingest([ROOT / "examples"])
        articles = {a.id: a for a in db.articles()}
    totals: dict[str, Score] = {}
    for article_id, expected in gold.items():
        if article_id.startswith("_"):
            continue
        ann = annotate_many([articles[article_id]])[0]
        if expected["siblings"]:
            reanchor(ann, articles[article_id], expected["siblings"])
        for category, (score, _, _) in score_article(expected, ann).items():
            totals.setdefault(category, Score()).add(score)
        verbs = quote_verbs(expected, ann)
        totals.setdefault("quote verb", Score()).add(Score(verbs["right"], verbs["wrong"], 0))
    return totals


def eval_sample_scores() -> dict[str, tuple[int, int]]:
    from storyline.annotate.sample_eval import score_sample

    return score_sample(ROOT / "tests" / "gold" / "eval_sample.json")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--leads", type=int, nargs="+", default=[DEFAULT_LEAD, 250],
                        help="NER lead sizes (characters of body the model reads) to compare")
    args = parser.parse_args()
    articles = load_articles(args.articles)
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    print(f"{len(articles)} articles (ecbplus-dev + t17-dev), mean {words:.0f} words; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine: figures are noisy)")
    texts = [a.text for a in articles]
    base_n = min(len(texts), 200)
    label = "baseline: spaCy NER on the full text  "
    print(f"{label}  1 proc: {_rate(_ner_chunk, texts[:base_n], 1):7.1f} articles/s")
    print(f"{label}  {args.workers} proc: {_rate(_ner_chunk, texts[:base_n], args.workers):7.1f} articles/s")
    from storyline.annotate import entities

    for lead in args.leads:
        entities.LEAD_CHARS = lead  # set before forking: the workers inherit it
        label = f"storyline full enrichment, NER lead {lead:3d}"
        print(f"{label}  1 proc: {_rate(_annotate_chunk, articles, 1):7.1f} articles/s")
        print(f"{label}  {args.workers} proc: {_rate(_annotate_chunk, articles, args.workers):7.1f} articles/s")
        sample = ROOT / "tests" / "gold" / "eval_sample.json"
        scores = eval_sample_scores() if sample.exists() else {}
        print("    eval sample: " + ", ".join(f"{k} {r / max(t, 1):.2f}" for k, (r, t) in scores.items()))
    entities.LEAD_CHARS = DEFAULT_LEAD
    print("\nseed gold (tests/gold/seeds.json):")
    for category, score in seed_scores().items():
        print(f"  {category:10s} precision {score.precision:.2f}  recall {score.recall:.2f}  "
              f"(tp {score.tp}, fp {score.fp}, fn {score.fn})")
    sample = ROOT / "tests" / "gold" / "eval_sample.json"
    if sample.exists():
        print(f"\neval sample (tests/gold/eval_sample.json), NER lead {DEFAULT_LEAD}:")
        for category, (right, total) in eval_sample_scores().items():
            print(f"  {category:24s} {right}/{total} = {right / max(total, 1):.2f}")


if __name__ == "__main__":
    main()
