"""Speed: the timeline and the report of one 2,000-article story.

Builds (once, cached) a database of 2,000 articles through the real pipeline (`storyline run`:
clean, dedup, annotate, group) from the dev eval sets (t17-dev, then ecbplus-dev, then
uci-headlines-dev), then times, on the whole database as one story (no --story: every article):
`Storyline.timeline(dates=20, per_date=2)` and `Storyline.report_text(fmt="html")`, each in a fresh
process state (model loading included). Target: under 60 s together on 2 cores.

    PYTHONPATH=src .venv/bin/python bench/report_speed.py [--db /tmp/speed2000.db] [--articles 2000]

The load average before and after is printed: on a shared machine the timings are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

EVAL = Path("/work/shared/eval")
SETS = ["t17-dev/articles.jsonl", "ecbplus-dev/articles.jsonl", "uci-headlines-dev/articles.jsonl"]


def build(db: Path, n: int) -> None:
    import storyline

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speed.jsonl"
        count = 0
        with path.open("w") as out:
            for name in SETS:
                for line in (EVAL / name).open():
                    if count >= n:
                        break
                    out.write(line)
                    count += 1
        t0 = time.perf_counter()
        with storyline.open(db) as s:
            report = s.ingest([str(path)])
        print(f"built {db}: {report.summary()} in {time.perf_counter() - t0:.0f}s (not part of the timing)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/speed2000.db")
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args(argv)
    db = Path(args.db)
    if not db.exists():
        build(db, args.articles)
    import os

    import storyline

    load_before = os.getloadavg()
    with storyline.open(db, read_only=True) as s:
        n = s.store.count_articles()
        t0 = time.perf_counter()
        timeline = s.timeline(None, dates=20, per_date=2)
        t1 = time.perf_counter()
        html = s.report_text(None, "html")
        t2 = time.perf_counter()
    report = json.loads(json.dumps({"timeline_dates": len(timeline), "html_bytes": len(html)}))
    total = t2 - t0
    print(f"{n} articles as one story: timeline {t1 - t0:.1f}s, report (html) {t2 - t1:.1f}s, total {total:.1f}s "
          f"{report}")
    print(f"target < 60 s: {'met' if total < 60 else 'NOT met'}; load average (1/5/15 min) before "
          f"{'/'.join(f'{x:.1f}' for x in load_before)}, after {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0 if total < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
