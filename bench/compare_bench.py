"""Fact comparison against hand-made gold: the seeds and multi-outlet ECB+ events.

Each gold set is ingested into a fresh database through the real pipeline (cleaning, annotation),
compared as one event (or with the gold's explicit grouping), and matched with the gold facts. A gold
fact lists its evidence sentences (article id + a phrase of the sentence); a predicted fact *covers* a
gold fact when its evidence contains every one of them.

- contradicted / corroborated recall: gold facts of that status covered by one predicted fact of that
  status;
- precision: predicted facts of that status that cover a gold fact of that status, among predicted
  facts of that status that touch any gold-labelled sentence (the gold is exhaustive for contradictions
  — every predicted contradiction counts — and partial for the rest);
- false contradictions: predicted contradicted facts that match no gold contradiction, listed.

    PYTHONPATH=src .venv/bin/python bench/compare_bench.py [--embedder minilm|static]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_FILES = [ROOT / "tests" / "gold" / "compare_seeds.json", ROOT / "tests" / "gold" / "compare_events.json"]
ECB = Path("/work/shared/eval/ecbplus-dev/articles.jsonl")


def materialise(gold_set: dict, folder: Path) -> list[str]:
    """The input paths of a gold set: seed files, or a JSONL of the named eval records."""
    src = gold_set["articles"]
    if src["from"] == "examples":
        return [str(ROOT / "examples" / f"{i}.txt") for i in src["ids"]]
    data = Path(src["from"].replace("$EVAL", "/work/shared/eval"))
    wanted = set(src["ids"])
    out = folder / f"{gold_set['name']}.jsonl"
    with data.open() as fh, out.open("w") as w:
        for line in fh:
            if json.loads(line)["id"] in wanted:
                w.write(line)
    return [str(out)]


def run_set(gold_set: dict, embedder: str):
    import storyline
    from storyline.compare import compare
    from storyline.compare.load import load_story

    with tempfile.TemporaryDirectory() as tmp:
        paths = materialise(gold_set, Path(tmp))
        with storyline.open(Path(tmp) / "gold.db") as db:
            db.ingest(paths, workers=1)
            s = load_story(db.store, None)
            events = gold_set.get("events") or {a.id: gold_set["name"] for a in s.articles}
            from storyline.compare.load import anchor_undated

            s.events = events
            anchor_undated(s.articles, s.annotations, events)
            return compare(s.articles, s.annotations, events=events, embedder=embedder)


def covers(fact, gold_fact) -> bool:
    return all(any(e.article_id == g["article_id"] and g["contains"] in e.text for e in fact.evidence)
               for g in gold_fact["evidence"])


def touches(fact, gold_facts) -> bool:
    return any(e.article_id == g["article_id"] and g["contains"] in e.text
               for e in fact.evidence for gf in gold_facts for g in gf["evidence"])


def score(sets: list[tuple[dict, object]]) -> dict:
    out = {}
    false_contradictions = []
    for status in ("contradicted", "corroborated", "single-source"):
        tp_r = n_gold = tp_p = n_pred = 0
        for gold_set, result in sets:
            gold = [g for g in gold_set["facts"] if g["status"] == status]
            n_gold += len(gold)
            tp_r += sum(any(f.status == status and covers(f, g) for f in result.facts) for g in gold)
            for f in result.facts:
                if f.status != status:
                    continue
                hit = any(covers(f, g) for g in gold)
                if status == "contradicted" or touches(f, gold_set["facts"]):
                    n_pred += 1
                    tp_p += hit
                if status == "contradicted" and not hit:
                    false_contradictions.append((gold_set["name"], f.text, f.disagreements))
        out[status] = {"gold": n_gold, "recall": tp_r / n_gold if n_gold else None,
                       "predicted": n_pred, "precision": tp_p / n_pred if n_pred else None}
    out["false_contradictions"] = false_contradictions
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedder", default="auto", choices=["auto", "minilm", "static"])
    ap.add_argument("--show", action="store_true", help="print every predicted non-single-source fact")
    args = ap.parse_args(argv)
    sets = []
    for path in GOLD_FILES:
        for gold_set in json.loads(path.read_text())["sets"]:
            result = run_set(gold_set, args.embedder)
            sets.append((gold_set, result))
            counts = {s: len(result.by_status(s)) for s in ("contradicted", "corroborated", "single-source")}
            print(f"{gold_set['name']:28} {result.articles:3} articles  predicted {counts}", flush=True)
            if args.show:
                for f in result.facts:
                    if f.status != "single-source":
                        print(f"   {f.status:13} {f.attribution:6} {f.outlets} | {f.text[:150]}")
                        for d in f.disagreements:
                            print(f"       !! {d['kind']}: {d['values']}")
    scores = score(sets)
    print()
    for status in ("contradicted", "corroborated", "single-source"):
        s = scores[status]
        fmt = lambda v: "  n/a" if v is None else f"{v:5.2f}"  # noqa: E731
        print(f"{status:14} precision {fmt(s['precision'])} ({s['predicted']} judged)  recall {fmt(s['recall'])} "
              f"({s['gold']} gold)")
    print(f"false contradictions: {len(scores['false_contradictions'])}")
    for name, text, why in scores["false_contradictions"]:
        print(f"  [{name}] {text[:120]} -- {[(d['kind'], d['values']) for d in why]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
