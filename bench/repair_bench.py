"""The local repair of small events (``group/repair.py``), on and off side by side: quality and cost.

    PYTHONPATH=src python bench/repair_bench.py [--eval-dir /work/shared/eval] [--repeats 3]

Groups each dev set online through a fresh store (``storyline eval grouping``'s path, batches of
256, the shipped models) with the repair off and on, in turn, ``--repeats`` times; prints B³ F1
(events; stories for T17), the number of moves and of second looks, and the best grouping time
per article of each. The machine is shared: compare the two columns of one run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storyline.evaluate import load_dataset, run_ours, scores
from storyline.group.events import OnlineGrouper

SETS = (("ecbplus-dev", "event"), ("uci-headlines-dev", "event"), ("t17-dev", "story"))


def counted_run(dataset, repair: bool) -> tuple[dict, float, int, int]:
    """``run_ours`` with the repair on or off, counting second looks and moves."""
    counts = {"looks": 0, "moves": 0}
    look, merge = OnlineGrouper._second_look, OnlineGrouper._merge

    def counted_look(self, *args):
        counts["looks"] += 1
        return look(self, *args)

    def counted_merge(self, small, *args):
        counts["moves"] += small.size
        return merge(self, small, *args)

    OnlineGrouper._second_look, OnlineGrouper._merge = counted_look, counted_merge
    try:
        predicted, seconds = run_ours(dataset, repair=repair)
    finally:
        OnlineGrouper._second_look, OnlineGrouper._merge = look, merge
    return predicted, seconds, counts["looks"], counts["moves"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'set':18} {'level':5} {'B3 F1 off':>9} {'B3 F1 on':>9} {'looks':>6} {'moves':>6} "
          f"{'ms/art off':>10} {'ms/art on':>10}")
    for name, level in SETS:
        dataset = load_dataset(Path(args.eval_dir) / name)
        gold = dataset.gold(level)
        best = {False: float("inf"), True: float("inf")}
        f1, looks, moves = {}, 0, 0
        for _ in range(args.repeats):
            for repair in (False, True):
                predicted, seconds, n_looks, n_moves = counted_run(dataset, repair)
                best[repair] = min(best[repair], seconds)
                f1[repair] = scores(predicted[level], gold)["b3_f1"]
                if repair:
                    looks, moves = n_looks, n_moves
        n = len(dataset.articles)
        print(f"{name:18} {level:5} {f1[False]:9.3f} {f1[True]:9.3f} {looks:6d} {moves:6d} "
              f"{1000 * best[False] / n:10.2f} {1000 * best[True] / n:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
