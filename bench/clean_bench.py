"""Cleaning benchmark: how close the cleaned text of a page dump is to the page's main text.

Metric (WCXB's word-bag F1): the cleaned text and the gold ``main_text`` are each taken as a multiset
of lower-cased ``\\w+`` words; precision, recall and F1 of their overlap are computed per page and
averaged over pages. The dump unchanged scores 0.803 on boilerplate-dev (the eval README's reference
point, reproduced here as a sanity check). jusText (on the dump's lines wrapped as <p> paragraphs,
English stoplist) runs in the same run as the baseline.

A second check measures how much Storyline removes from text that is already clean (the JSONL
articles of ecbplus-dev and t17-dev): it should remove next to nothing.

    PYTHONPATH=src python bench/clean_bench.py [--floor] [--limit N]

``--floor`` exits non-zero when Storyline's F1 is below FLOOR_F1 or it removes more than
CEILING_REMOVED of clean articles' words, so a later change cannot lower them silently.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

EVAL = Path("/work/shared/eval")
FLOOR_F1 = 0.95  # measured 0.958 on 2026-11-22 (on the training pages; CV 0.929), minus a margin
CEILING_REMOVED = 0.01  # at most 1% of the words of already clean articles may be removed
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def word_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Word-bag precision, recall and F1 of one page (1.0 when both are empty)."""
    pred, ref = Counter(words(predicted)), Counter(words(gold))
    if not pred and not ref:
        return 1.0, 1.0, 1.0
    overlap = sum((pred & ref).values())
    if overlap == 0:
        return 0.0, 0.0, 0.0
    p, r = overlap / sum(pred.values()), overlap / sum(ref.values())
    return p, r, 2 * p * r / (p + r)


def load_pages(folder: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(id, raw_text, main_text) of each page, in file order."""
    gold = {}
    with open(folder / "gold.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            gold[record["id"]] = record["main_text"]
    pages = []
    with open(folder / "pages.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            pages.append((record["id"], record["raw_text"], gold[record["id"]]))
    return pages[:limit] if limit else pages


def load_articles(path: Path, limit: int | None = None) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    return articles[:limit] if limit else articles


def raw_unchanged(raw: str) -> str:
    return raw


def justext_baseline():
    import justext

    stoplist = justext.get_stoplist("English")

    def run(raw: str) -> str:
        page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in raw.split("\n")) + "</body></html>"
        paragraphs = justext.justext(page, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


TITLES: list[str | None] = []  # the titles Storyline found, in page order (for the title check)


def storyline_clean(raw: str) -> str:
    from storyline.clean import clean_text

    cleaned = clean_text(raw)
    TITLES.append(cleaned.title)
    return cleaned.text


def load_gold_titles(folder: Path) -> dict[str, str]:
    with open(folder / "gold.jsonl", encoding="utf-8") as f:
        return {r["id"]: r.get("title") or "" for r in map(json.loads, f)}


def same_title(found: str | None, gold: str) -> bool:
    return found is not None and words(found) == words(gold)


def score(system, pages) -> dict:
    start = time.perf_counter()
    outputs = [system(raw) for _, raw, _ in pages]
    seconds = time.perf_counter() - start
    prf = [word_prf(out, gold) for out, (_, _, gold) in zip(outputs, pages)]
    n = len(prf)
    return {
        "precision": sum(p for p, _, _ in prf) / n,
        "recall": sum(r for _, r, _ in prf) / n,
        "f1": sum(f for _, _, f in prf) / n,
        "pages_per_s": n / seconds,
    }


def removed_from_clean(articles: list[dict]) -> dict:
    """Share of words Storyline's cleaning removes from articles that are already clean."""
    from storyline.clean import clean_text

    before = after = 0
    touched = 0
    start = time.perf_counter()
    for article in articles:
        text = article["text"]
        cleaned = clean_text(text, title=article.get("title"), published=article.get("published"), find_title=False)
        n_before, n_after = len(words(text)), len(words(cleaned.text))
        before += n_before
        after += n_after
        touched += n_after < n_before
    seconds = time.perf_counter() - start
    return {
        "articles": len(articles),
        "removed_share": 1 - after / before if before else 0.0,
        "articles_touched": touched,
        "articles_per_s": len(articles) / seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of the dev eval sets")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages / articles")
    parser.add_argument("--floor", action="store_true", help="exit 1 if Storyline is below the pinned floor")
    parser.add_argument("--no-justext", action="store_true", help="skip the jusText baseline")
    args = parser.parse_args(argv)

    pages = load_pages(args.eval / "boilerplate-dev", args.limit)
    systems = [("raw dump", raw_unchanged)]
    if not args.no_justext:
        systems.append(("jusText", justext_baseline()))
    start = time.perf_counter()
    storyline_clean("Aufwärmen: das Sprachmodell und der Zeilenklassifikator werden einmal geladen.\nEnglish.")
    TITLES.clear()
    print(f"one-off start-up (line model + lingua models, once per process): {time.perf_counter() - start:.1f} s")
    systems.append(("Storyline clean_text", storyline_clean))

    print(f"boilerplate-dev: {len(pages)} pages, mean word-bag F1 against gold main_text")
    print(f"{'system':<22} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>9}")
    results = {}
    for name, system in systems:
        results[name] = result = score(system, pages)
        print(f"{name:<22} {result['precision']:6.3f} {result['recall']:6.3f} {result['f1']:6.3f} "
              f"{result['pages_per_s']:9.1f}")
    ours = results["Storyline clean_text"]["f1"]
    gold_titles = load_gold_titles(args.eval / "boilerplate-dev")
    hits = sum(same_title(found, gold_titles[pid]) for found, (pid, _, _) in zip(TITLES, pages))
    print(f"Storyline titles equal to the gold title (same words): {hits}/{len(pages)}")
    for name, result in results.items():
        if name != "Storyline clean_text" and result["f1"]:
            print(f"Storyline / {name}: F1 x{ours / result['f1']:.3f}")

    print("\nalready clean articles (clean_text(find_title=False)): share of words removed")
    removals = {}
    for dataset in ("ecbplus-dev", "t17-dev"):
        articles = load_articles(args.eval / dataset / "articles.jsonl", args.limit)
        removals[dataset] = r = removed_from_clean(articles)
        print(f"{dataset:<12} {r['articles']:5d} articles  removed {r['removed_share']:.4%} of words, "
              f"{r['articles_touched']} articles touched, {r['articles_per_s']:.0f} articles/s")

    if args.floor:
        failures = []
        if ours < FLOOR_F1:
            failures.append(f"F1 {ours:.4f} < floor {FLOOR_F1}")
        for dataset, r in removals.items():
            if r["removed_share"] > CEILING_REMOVED:
                failures.append(f"{dataset}: removed {r['removed_share']:.4f} > ceiling {CEILING_REMOVED}")
        for failure in failures:
            print("FLOOR FAILED:", failure)
        if failures:
            return 1
        print(f"floor ok (F1 >= {FLOOR_F1}, removed <= {CEILING_REMOVED})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
