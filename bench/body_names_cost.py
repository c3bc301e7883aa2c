"""Rough cost of the signals shipped in session 6: ``names_body_cos``, ``numbers_missed`` (docs/benchmarks.md, Grouping).

    PYTHONPATH=src python bench/body_names_cost.py [--eval-dir /work/shared/eval]

Times, on ECB+ and T17 articles: the body names of a profile (made in the workers), one group
update of the body names (counter, top ``MAX_BODY_NAMES``, norm: made in the grouping loop for
an article's event and its story) and each signal for one (article, group) pair.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from storyline.group.signals import (BODY_CHARS, GroupProfile, TermStats, body_names_cosine, core_numbers_missed,
                                     profile_article)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    args = parser.parse_args()
    base = Path(args.eval_dir)
    rows = [json.loads(line) for line in (base / "ecbplus-dev" / "articles.jsonl").open()][:400]
    rows += [json.loads(line) for line in (base / "t17-dev" / "articles.jsonl").open()][:200]
    vec = np.ones(128, dtype=np.float32) / np.sqrt(128)

    def profiles(body_chars: int) -> tuple[list, float]:
        import storyline.group.signals as signals

        signals.BODY_CHARS, start = body_chars, time.perf_counter()
        out = [profile_article(r["id"], r.get("title"), r["text"], r.get("published"), None, vec) for r in rows]
        signals.BODY_CHARS = BODY_CHARS
        return out, time.perf_counter() - start

    _, without = profiles(0)
    profs, with_body = profiles(BODY_CHARS)
    print(f"profile: body names add {(with_body - without) / len(rows) * 1e6:.0f} us/article "
          f"({np.mean([len(p.body_names) for p in profs]):.0f} names on average)")
    stats = TermStats()
    for p in profs:
        stats.add(p)
    groups = [GroupProfile.empty(str(i), 128) for i in range(len(profs) // 5)]
    start = time.perf_counter()
    for i, p in enumerate(profs[:len(groups) * 5]):
        groups[i // 5].add(p, stats)
    add_all = (time.perf_counter() - start) / (len(groups) * 5)
    for p in profs:
        p.body_names = type(p.body_names)()
    groups_plain = [GroupProfile.empty(str(i), 128) for i in range(len(profs) // 5)]
    start = time.perf_counter()
    for i, p in enumerate(profs[:len(groups_plain) * 5]):
        groups_plain[i // 5].add(p, stats)
    add_plain = (time.perf_counter() - start) / (len(groups_plain) * 5)
    print(f"group update: body names add {(add_all - add_plain) * 1e6:.0f} us per update "
          f"(whole update {add_all * 1e6:.0f} us; groups of 5)")
    profs, _ = profiles(BODY_CHARS)
    start, pairs = time.perf_counter(), 0
    for p in profs:
        p.prepare(stats)
        for g in groups[:10]:
            body_names_cosine(p, g, stats)
            pairs += 1
    print(f"names_body_cos: {(time.perf_counter() - start) / pairs * 1e6:.1f} us per (article, group) pair "
          f"(with the article's weights once per article)")
    start = time.perf_counter()
    for p in profs:
        for g in groups[:10]:
            core_numbers_missed(p, g)
    print(f"numbers_missed: {(time.perf_counter() - start) / pairs * 1e6:.1f} us per (article, group) pair")


if __name__ == "__main__":
    main()
