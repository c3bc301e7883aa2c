"""Timeline summarisation on t17-dev: Storyline's timeline beside the busiest-days baseline.

For each topic and each of its gold timelines, both systems produce a timeline with as many dates as
the gold one and its mean sentences per date (rounded, at least 1), from the topic's articles, through
the product code (``storyline.summarize.build_timeline``; dates from the annotation's own
``find_times`` rules). Scored with the ``tilse`` package (Martschat & Markert 2018), as news-tls does:
concat ROUGE-1/2 F1, alignment-based ROUGE-1/2 F1 (date-content costs, many-to-one: AR1-F, AR2-F)
and date F1 (exact day match). No stemming, no stop-word removal (tilse defaults).

    PYTHONPATH=src .venv/bin/python bench/timeline_bench.py [/work/shared/eval/t17-dev] [--embedder minilm]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from storyline.model import Article
from storyline.summarize import build_timeline
from storyline.summarize.sentences import article_sentences

TARGET_DATE_F1, TARGET_AR1 = 0.70, 0.13


def load(data: Path):
    labels = {}
    for line in (data / "labels.jsonl").open():
        row = json.loads(line)
        labels[row["id"]] = row["story"]
    topics = defaultdict(list)
    for line in (data / "articles.jsonl").open():
        row = json.loads(line)
        topics[labels[row["id"]]].append(Article(row["id"], text=row["text"], title=row.get("title"),
                                                 published=row.get("published"), source=row.get("source")))
    gold = json.loads((data / "timelines.json").read_text())
    return topics, gold


def baseline(articles: list[Article], n: int, per_date: int, embedder: str) -> list[dict]:
    """The N busiest publication days, each with the lead sentences most central to that day's articles."""
    from storyline.compare.vectors import encode

    by_day = defaultdict(list)
    for a in articles:
        by_day[a.published].append(a)
    days = sorted(sorted(by_day, key=lambda d: (-len(by_day[d]), d))[:n])
    out = []
    for d in days:
        leads = [s for a in sorted(by_day[d], key=lambda a: a.id) for s in article_sentences(a, None, 0)[:1]]
        if not leads:
            continue
        mat = encode(embedder, [s.text for s in leads])
        centre = mat.mean(axis=0)
        order = np.argsort(-(mat @ centre), kind="stable")[:per_date]
        out.append({"date": d, "sentences": [{"text": leads[i].text} for i in order]})
    return out


def score(pred: list[dict], gold_tl: list[dict]) -> dict[str, float]:
    from tilse.data import timelines
    from tilse.evaluation import rouge

    def tl(entries):
        return timelines.Timeline({dt.date.fromisoformat(e["date"]): [s if isinstance(s, str) else s["text"]
                                                                     for s in e["sentences"]] for e in entries})

    p, g = tl(pred), timelines.GroundTruth([tl(gold_tl)])
    ev = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])
    concat = ev.evaluate_concat(p, g)
    align = ev.evaluate_align_date_content_costs_many_to_one(p, g)
    pd, gd = set(p.get_dates()), set(g.get_dates())
    prec = len(pd & gd) / len(pd) if pd else 0.0
    rec = len(pd & gd) / len(gd) if gd else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"R1": concat["rouge_1"]["f_score"], "R2": concat["rouge_2"]["f_score"],
            "AR1": align["rouge_1"]["f_score"], "AR2": align["rouge_2"]["f_score"], "DateF1": f1}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", nargs="?", default="/work/shared/eval/t17-dev")
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "static"])
    ap.add_argument("--json", help="write the per-timeline scores here")
    args = ap.parse_args(argv)
    topics, gold = load(Path(args.data))
    rows = []
    t0 = time.perf_counter()
    for topic in sorted(gold):
        for g in gold[topic]:
            tl = g["timeline"]
            n = len(tl)
            per = max(1, round(sum(len(e["sentences"]) for e in tl) / n))
            start = time.perf_counter()
            ours = [e.as_dict() for e in build_timeline(topics[topic], None, dates=n, per_date=per, embedder=args.embedder)]
            took = time.perf_counter() - start
            base = baseline(topics[topic], n, per, args.embedder)
            rows.append({"topic": topic, "timeline": g["name"], "dates": n, "per_date": per, "seconds": round(took, 2),
                         "storyline": score(ours, tl), "baseline": score(base, tl)})
            r = rows[-1]
            print(f"{topic:6} {g['name']:32} N={n:3} M={per}  " + "  ".join(
                f"{k} {r['storyline'][k]:.3f}/{r['baseline'][k]:.3f}" for k in r["storyline"]) + f"  ({took:.1f}s)",
                flush=True)
    print(f"\nmean over {len(rows)} timelines (storyline / baseline), {time.perf_counter() - t0:.0f}s total:")
    means = {}
    for system in ("storyline", "baseline"):
        means[system] = {k: float(np.mean([r[system][k] for r in rows])) for k in rows[0][system]}
    print("          " + "  ".join(f"{k:>7}" for k in means["storyline"]))
    for system in ("storyline", "baseline"):
        print(f"{system:9} " + "  ".join(f"{v:7.3f}" for v in means[system].values()))
    ok = means["storyline"]["DateF1"] >= TARGET_DATE_F1 and means["storyline"]["AR1"] >= TARGET_AR1
    print(f"targets Date-F1 >= {TARGET_DATE_F1}, AR1-F >= {TARGET_AR1}: {'met' if ok else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "means": means}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
