"""Ingest throughput: JSONL articles through cleaning and dedup into the store, as whole processes.

Each measurement is a fresh Python process (interpreter start, imports, model loading, the run),
timed by wall clock, with its peak resident memory from wait4(). Side by side in the same run:
a plain baseline a user might pick instead, a ``sqlite-utils insert``-style raw JSONL load into
SQLite with an FTS5 index (stdlib sqlite3, no cleaning, no dedup).

    PYTHONPATH=src python bench/ingest_bench.py                       # the three dev sets
    PYTHONPATH=src python bench/ingest_bench.py --scales 20000,50000  # plus scaled copies (flat memory?)
    PYTHONPATH=src python bench/ingest_bench.py --profile             # cProfile of one in-process run

The scaled inputs repeat the dev articles with new ids and every long word given a per-copy
suffix, so each copy is a new article (not a duplicate) with the same shape as the original.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = Path(os.environ.get("STORYLINE_EVAL", ROOT.parent / "shared" / "eval"))
if not EVAL.exists():
    EVAL = Path("/work/shared/eval")
DEV_SETS = ["ecbplus-dev", "t17-dev", "uci-headlines-dev"]
TARGET_PER_SECOND = 300

STORYLINE_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import storyline
from storyline.engine.ingest_pipeline import _load_cleaning_models
t1 = time.perf_counter()
_load_cleaning_models()  # the models cleaning loads on first use, timed apart
t2 = time.perf_counter()
def rss_now():  # current resident set (MB); the peak would hide growth behind the model loading
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
rss_models = rss_now()
db_path, workers, *paths = sys.argv[1:]
with storyline.open(db_path) as db:
    report = db.ingest(paths, workers=int(workers), skip=("annotate", "group"))  # issue 2's path: clean, dedup, store
    stored = db.store.count_articles()
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "models_s": t2 - t1, "ingest_s": t3 - t2, "stored": stored,
                  "counts": report.as_dict(), "stages": dict(report.seconds), "rss_after_models_mb": rss_models,
                  "rss_end_mb": rss_now()}))
"""

# What a user gets from `sqlite-utils insert db articles file.jsonl --nl --pk id` followed by
# `sqlite-utils enable-fts db articles title text --create-triggers`, written with stdlib sqlite3.
BASELINE_CHILD = r"""
import json, sqlite3, sys, time
from itertools import islice
db_path, *paths = sys.argv[1:]
conn = sqlite3.connect(db_path, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = NORMAL")
conn.executescript('''
CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, text TEXT, url TEXT, source TEXT, published TEXT, lang TEXT);
CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='rowid');
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
''')
cols = ("id", "title", "text", "url", "source", "published", "lang")
n = 0
for path in paths:
    with open(path, encoding="utf-8") as handle:
        while lines := list(islice(handle, 256)):
            rows = [tuple(r.get(c) for c in cols) for r in map(json.loads, filter(str.strip, lines))]
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            conn.execute("COMMIT")
            n += len(rows)
print(json.dumps({"stored": conn.execute("SELECT count(*) FROM articles").fetchone()[0], "rows": n}))
"""


def run_process(args: list[str]) -> dict:
    """Run a child to the end: wall seconds, peak RSS (MB) and its JSON result line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child failed ({proc.returncode}): {err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall_s=wall, peak_rss_mb=usage.ru_maxrss / 1024)
    return result


def measure(paths: list[Path], n_articles: int, workers: int, tmp: Path) -> tuple[dict, dict]:
    db = tmp / f"storyline-{n_articles}-{workers}.db"
    base_db = tmp / f"baseline-{n_articles}.db"
    for f in tmp.glob(f"{db.name}*"):
        f.unlink()
    ours = run_process([sys.executable, "-c", STORYLINE_CHILD, str(db), str(workers), *map(str, paths)])
    base = run_process([sys.executable, "-c", BASELINE_CHILD, str(base_db), *map(str, paths)])
    return ours, base


_LONG_WORD = re.compile(r"\b([^\W\d_]{6,})\b")


def write_scaled(target: int, sources: list[Path], out: Path) -> int:
    """Copies of the dev articles up to ``target`` lines, streamed to ``out`` (never all in memory)."""
    written, copy = 0, 0
    with open(out, "w", encoding="utf-8") as sink:
        while written < target:
            for source in sources:
                with open(source, encoding="utf-8") as handle:
                    for line in handle:
                        if written >= target:
                            return written
                        record = json.loads(line)
                        if copy:
                            suffix = f"x{copy}"
                            record["id"] = f"{record['id']}~{copy}"
                            for key in ("title", "text"):
                                if isinstance(record.get(key), str):
                                    record[key] = _LONG_WORD.sub(lambda m: m.group(1) + suffix, record[key])
                        sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                        written += 1
            copy += 1
    return written


def profile(paths: list[Path], tmp: Path, top: int = 30) -> None:
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT / "src"))
    import storyline

    with storyline.open(tmp / "profile.db") as db:
        profiler = cProfile.Profile()
        profiler.enable()
        report = db.ingest([str(p) for p in paths], workers=1)
        profiler.disable()
    print(report.summary())
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def line(label: str, n: int, ours: dict, base: dict) -> str:
    rate = n / ours["wall_s"]
    steady = n / max(ours["ingest_s"], 1e-9)
    base_rate = n / base["wall_s"]
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(ours["stages"].items(), key=lambda x: -x[1]))
    return (
        f"{label:<28} {n:>7} | storyline {rate:7.1f}/s whole process ({ours['wall_s']:6.1f} s, "
        f"models {ours['models_s']:.1f} s, ingest alone {steady:6.1f}/s), peak {ours['peak_rss_mb']:6.0f} MB "
        f"(main process RSS {ours['rss_after_models_mb']:.0f} MB after model loading, {ours['rss_end_mb']:.0f} MB at the end) | "
        f"baseline {base_rate:8.1f}/s ({base['wall_s']:5.1f} s), peak {base['peak_rss_mb']:4.0f} MB | "
        f"ratio {rate / base_rate:.3f}\n{'':<38}stages: {stages}; {ours['counts']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of the dev sets")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scales", default="", help="comma-separated article counts for scaled runs")
    parser.add_argument("--profile", action="store_true", help="cProfile one in-process run and stop")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    paths = [args.eval / name / "articles.jsonl" for name in DEV_SETS]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(f"dev sets not found: {', '.join(missing)} (use --eval)")
    n_dev = sum(1 for p in paths for row in open(p, encoding="utf-8") if row.strip())
    results = []
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.profile:
            profile(paths, tmp)
            return
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; "
              f"workers={args.workers}; target >= {TARGET_PER_SECOND} articles/s")
        ours, base = measure(paths, n_dev, args.workers, tmp)
        print(line("dev sets (" + "+".join(DEV_SETS) + ")", n_dev, ours, base), flush=True)
        results.append({"input": "dev", "articles": n_dev, "storyline": ours, "baseline": base})
        for target in [int(x) for x in args.scales.split(",") if x.strip()]:
            scaled = tmp / f"scaled-{target}.jsonl"
            n = write_scaled(target, paths, scaled)
            ours, base = measure([scaled], n, args.workers, tmp)
            print(line(f"scaled copies", n, ours, base), flush=True)
            results.append({"input": f"scaled-{n}", "articles": n, "storyline": ours, "baseline": base})
            scaled.unlink()
        print(f"load average at end {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
