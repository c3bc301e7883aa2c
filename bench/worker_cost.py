"""CPU per article of the run's per-article step (``ingest_pipeline.clean_and_prepare``), by stage.

    PYTHONPATH=src python bench/worker_cost.py [--articles 2000] [--warmup 1000] [--rounds 3]
        [--compare OTHER_CHECKOUT/src] [--source /work/shared/eval/t17-dev]
    PYTHONPATH=src python bench/worker_cost.py --check OTHER_CHECKOUT/src

Timing: the grouping bench's stream (``bench/grouping_bench.py``: T17's articles, then copies
with new names and swapped words) runs through ``clean_and_prepare`` in one process, as a worker
runs it: ``--warmup`` articles first (models loaded, word memories filled), then ``--articles``
timed one by one with ``perf_counter``. Stages are timed by wrapping the functions
``clean_and_prepare`` calls (wrapping costs ~0.2 us per call): cleaning, the dedup keys (of which
the words, the MinHash), the grouping profile (of which the embedding, ``find_times``), and
the worker's pickling (loading its input, dumping its result). Each round is a fresh process;
with ``--compare`` the rounds alternate between this checkout and the other one (e.g.
``git archive main | tar -x -C /tmp/main``), and the best round of each is printed side by
side with their ratio. The machine is shared: compare within one run, not with older figures.

Check (``--check``): every dev set's articles (read by the real readers), boilerplate-dev's pages
(as JSONL records and as text dumps), the examples/ seeds and 3,000 articles of the bench stream
go through ``clean_and_prepare`` in each checkout; the whole result (cleaned text, metadata, the
content hash, MinHash values and bands, the words, the grouping profile with its vector) and the
embedder's batch output must be equal, floats bit for bit and dicts in the same order.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
THIS_SRC = HERE.parent / "src"
EVAL = Path("/work/shared/eval")
STAGES = ("pickle in", "clean", "dedup keys", "  words", "  minhash", "profile", "  embed", "  find_times",
          "pickle out", "total", "total CPU")


# --- timing (child) ---------------------------------------------------------------------------

def _wrap(owner, name: str, stage: str, seconds: dict[str, float]):
    """Replace ``owner.name`` with a version adding its time to ``seconds[stage]``."""
    real = getattr(owner, name, None)
    if real is None:
        return

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            seconds[stage] += time.perf_counter() - start

    setattr(owner, name, timed)


def time_stages(source: str, warmup: int, count: int) -> dict[str, float]:
    """Milliseconds per article of each stage, over ``count`` articles after ``warmup``."""
    sys.path.insert(0, str(HERE))
    from grouping_bench import stream

    from storyline.embed import get_embedder
    from storyline.engine import ingest_pipeline
    from storyline.evaluate import load_dataset
    from storyline.group import signals

    articles = list(stream(load_dataset(source).articles, warmup + count))
    ingest_pipeline.clean_and_prepare.prepare()
    for art in articles[:warmup]:
        ingest_pipeline.clean_and_prepare(art)
    inputs = [pickle.dumps(a, pickle.HIGHEST_PROTOCOL) for a in articles[warmup:]]
    del articles

    seconds: dict[str, float] = defaultdict(float)
    _wrap(ingest_pipeline, "clean_or_reject", "clean", seconds)
    _wrap(ingest_pipeline, "derive_dedup_keys", "dedup keys", seconds)
    _wrap(ingest_pipeline, "normalized_words", "  words", seconds)  # before session 8
    _wrap(ingest_pipeline, "word_bytes", "  words", seconds)
    _wrap(ingest_pipeline, "minhash", "  minhash", seconds)
    _wrap(ingest_pipeline, "prepare_profile", "profile", seconds)
    _wrap(signals, "find_times", "  find_times", seconds)
    _wrap(get_embedder("static"), "encode", "  embed", seconds)
    clock = time.perf_counter
    cpu_start = time.process_time()
    for data in inputs:
        t0 = clock()
        art = pickle.loads(data)
        t1 = clock()
        result = ingest_pipeline.clean_and_prepare(art)
        t2 = clock()
        pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        t3 = clock()
        seconds["pickle in"] += t1 - t0
        seconds["pickle out"] += t3 - t2
        seconds["total"] += t3 - t0
    seconds["total CPU"] = time.process_time() - cpu_start
    return {stage: 1000 * s / count for stage, s in seconds.items()}


# --- identity check (child) -------------------------------------------------------------------

def canonical(value):
    """A comparable form of a result: types kept, floats and arrays bit for bit, dicts in order."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.shape, value.tobytes().hex())
    if isinstance(value, np.generic):
        return (type(value).__name__, value.tobytes().hex())
    if isinstance(value, float):
        return ("float", value.hex())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, [(f.name, canonical(getattr(value, f.name))) for f in dataclasses.fields(value)])
    if isinstance(value, dict):
        return (type(value).__name__, [(canonical(k), canonical(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [canonical(v) for v in value])
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, sorted(map(repr, map(canonical, value))))
    return (type(value).__name__, value)


def check_inputs():
    """(set name, articles) for every input the check covers, read as a run reads them."""
    from storyline.ingest import read_inputs
    from storyline.model import Article

    repo = THIS_SRC.parent
    for directory in sorted(EVAL.iterdir()):
        for name in ("articles.jsonl", "pages.jsonl"):
            if (directory / name).exists():
                yield f"{directory.name}/{name}", list(read_inputs([str(directory / name)]))
    with open(EVAL / "boilerplate-dev" / "pages.jsonl", encoding="utf-8") as handle:
        pages = [json.loads(line) for line in handle if line.strip()]
    yield "boilerplate-dev as text dumps", [Article(id=p["id"], raw_text=p["raw_text"], origin=p["id"],
                                                    input_format="text") for p in pages]
    yield "examples", list(read_inputs(sorted(str(p) for p in (repo / "examples").glob("*.txt"))))
    sys.path.insert(0, str(HERE))
    from grouping_bench import stream
    from storyline.evaluate import load_dataset

    yield "bench stream", list(stream(load_dataset(EVAL / "t17-dev").articles, 3000))


def write_check(out_path: str) -> None:
    from storyline.embed import get_embedder
    from storyline.engine.ingest_pipeline import clean_and_prepare
    from storyline.group.dedup import normalized_words
    from storyline.group.signals import lead_text
    from storyline.model import Article

    embedder = get_embedder()
    with open(out_path, "w", encoding="utf-8") as out:
        for name, records in check_inputs():
            leads = []
            for number, record in enumerate(records):
                result = clean_and_prepare(record) if isinstance(record, Article) else record
                row = {"set": name, "n": number, "result": canonical(result)}
                if isinstance(result, Article):
                    row["words"] = canonical(normalized_words(result.text))
                    leads.append(lead_text(result.title, result.text))
                out.write(json.dumps(row) + "\n")
            for start in range(0, len(leads), 64):  # the driver's path: many leads in one call
                out.write(json.dumps({"set": name, "batch": start,
                                      "vectors": canonical(embedder.encode(leads[start:start + 64]))}) + "\n")


# --- parent -----------------------------------------------------------------------------------

def run_child(src: Path, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"child failed ({src}):\n{done.stderr}")
    return done.stdout


def compare_checks(this_src: Path, other_src: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for label, src in (("this", this_src), ("other", other_src)):
            paths[label] = Path(tmp) / f"{label}.jsonl"
            start = time.perf_counter()
            run_child(src, ["--child-check", str(paths[label])])
            print(f"{label} ({src}): results written in {time.perf_counter() - start:.0f} s")
        with open(paths["this"], encoding="utf-8") as a, open(paths["other"], encoding="utf-8") as b:
            lines_a, lines_b = a.readlines(), b.readlines()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line_a, line_b in zip(lines_a, lines_b):
        row = json.loads(line_a)
        counts[row["set"]][0] += 1
        if line_a != line_b:
            counts[row["set"]][1] += 1
            if sum(c[1] for c in counts.values()) <= 3:
                print(f"DIFFERENT: {row['set']} #{row.get('n', row.get('batch'))}\n  this:  {line_a[:600]}\n"
                      f"  other: {line_b[:600]}")
    for name, (total, different) in counts.items():
        print(f"{name}: {total} results compared, {different} different")
    same = len(lines_a) == len(lines_b) and not any(c[1] for c in counts.values())
    print("IDENTICAL" if same else f"NOT IDENTICAL ({len(lines_a)} vs {len(lines_b)} results)")
    return 0 if same else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", default=str(EVAL / "t17-dev"))
    parser.add_argument("--compare", type=Path, help="another checkout's src directory, timed alternately")
    parser.add_argument("--check", type=Path, help="another checkout's src directory: are all outputs equal?")
    parser.add_argument("--child-time", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-check", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_time:
        print(json.dumps(time_stages(args.source, args.warmup, args.articles)))
        return 0
    if args.child_check:
        write_check(args.child_check)
        return 0
    if args.check:
        return compare_checks(THIS_SRC, args.check.resolve())

    sides = {"this": THIS_SRC} | ({"other": args.compare.resolve()} if args.compare else {})
    best: dict[str, dict[str, float]] = {}
    child = ["--child-time", "--source", args.source, "--warmup", str(args.warmup), "--articles", str(args.articles)]
    for round_number in range(args.rounds):
        order = list(sides.items())
        for label, src in order[round_number % 2:] + order[:round_number % 2]:  # who goes first alternates
            figures = json.loads(run_child(src, child))
            print(f"round {round_number + 1} {label}: total {figures['total']:.3f} ms/article "
                  f"({figures['total CPU']:.3f} CPU)", flush=True)
            kept = best.setdefault(label, {})
            for stage, ms in figures.items():
                kept[stage] = min(kept.get(stage, ms), ms)
    print(f"\nms per article, best of {args.rounds} rounds, {args.articles} articles after {args.warmup} warm-up")
    header = "stage".ljust(14) + "".join(label.rjust(10) for label in sides) + ("  this/other" if len(sides) > 1 else "")
    print(header)
    for stage in STAGES:
        values = [best[label].get(stage) for label in sides]
        line = stage.ljust(14) + "".join(f"{v:10.3f}" if v is not None else "         -" for v in values)
        if len(values) > 1 and None not in values:
            line += f"  {values[0] / values[1]:10.2f}"
        print(line)
    for label, src in sides.items():
        print(f"{label}: {src}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
