"""Speed and memory of the grouping path as the store grows (1k .. 100k articles).

    PYTHONPATH=src python bench/grouping_bench.py [--articles 100000] [--source /work/shared/eval/t17-dev]
        [--workers 2] [--embedder static] [--db FILE]

The dev sets are small, so the stream is built by repeating a set's real news articles (T17:
~985 full-length articles) in copies. Copy k > 0 gets a new id (``<id>~k``), its dates moved
past the previous copy (so the stream stays in date order and the story windows stay as dense as
in the original), every capitalised word suffixed with ``k`` (new names, so copies make new events
and are not near-duplicates), a deterministic third of its sentences dropped and about half of its
neighbouring word pairs swapped (``_swap_words``, since session 4). Since session 5 the stream is
first written to a JSONL file (not timed) and read back by the real JSONL reader while the run
runs, as ``storyline run FILE.jsonl`` would; ``--generate-in-driver`` builds it on the fly in the
driver instead, as sessions 3 and 4 measured (that adds ~0.3 ms of driver CPU per article that no
real input costs). The whole path runs: ``run_ingest`` (clean, outlet boilerplate, dedup, store) with grouping (embed, candidates,
decide, write); annotation is off unless ``--annotate`` (it is not part of the grouping path).
Printed per slice: full-path articles/s, grouping-only ms per article, peak RSS, CPU per article
of the driver and of the workers, and the driver's CPU in its three corpus stages (dedup, store
write, grouping).
Flat grouping ms per article from 1k to 100k is the point: candidates come from date windows and
indexes, not from the size of the store.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from storyline.engine import ingest_pipeline
from storyline.engine.executors import LocalExecutor
from storyline.evaluate import load_dataset
from storyline.embed import DEFAULT_EMBEDDER
from storyline.group.events import OnlineGrouper
from storyline.ingest import read_inputs
from storyline.model import Article
from storyline.store import Store

_CAPITAL = re.compile(r"\b([A-Z][a-z]+)\b")


def stream(base: list[Article], count: int):
    dated = [date.fromisoformat(a.published) for a in base if a.published]
    span = (max(dated) - min(dated)).days + 30 if dated else 0
    for i in range(count):
        art, copy = base[i % len(base)], i // len(base)
        if copy == 0:
            text, title, published = art.text, art.title, art.published
        else:
            suffix = f"{copy}"
            sentences = [s for s in art.text.split("\n")
                         if int(hashlib.md5(f"{copy}:{s}".encode()).hexdigest(), 16) % 3]
            text = _swap_words(_CAPITAL.sub(r"\g<1>" + suffix, "\n".join(sentences) or art.text), copy)
            title = _CAPITAL.sub(r"\g<1>" + suffix, art.title) if art.title else None
            published = (date.fromisoformat(art.published) + timedelta(days=span * copy)).isoformat() \
                if art.published else None
        yield Article(id=art.id if copy == 0 else f"{art.id}~{copy}", raw_text=((title + "\n\n") if title else "")
                      + text, title=title, source=art.source, published=published, origin=f"bench#{i}",
                      input_format="jsonl")


def _swap_words(text: str, copy: int) -> str:
    """Swap about half the neighbouring word pairs, chosen by the copy number: the words (and so
    the embedding, content words, names and numbers) stay, but most 3-word shingles change, so
    copies of one article are not near-duplicate candidates of each other. Without it every copy
    shared MinHash bands with ~40% of the earlier copies of its article, and dedup's cost grew
    with the number of copies, which real news does not do."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        words = line.split(" ")
        # one hash per line, one of its 512 bits per word pair (the stream is built in the driver,
        # so it must cost little next to what is measured)
        bits = int.from_bytes(hashlib.blake2b(f"{copy}:{number}".encode(), digest_size=64).digest(), "little")
        for i in range(0, len(words) - 1, 2):
            if bits >> (i // 2 % 512) & 1:
                words[i], words[i + 1] = words[i + 1], words[i]
        lines.append(" ".join(words))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--source", default="/work/shared/eval/t17-dev")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--embedder", default="static")
    parser.add_argument("--db", default=None, help="database file (default: a temporary one)")
    parser.add_argument("--annotate", action="store_true",
                        help="also annotate (not part of the grouping path the target is about)")
    parser.add_argument("--generate-in-driver", action="store_true",
                        help="build the stream while it runs, in the driver, as sessions 3-4 did (its cost, ~0.25 ms "
                             "per article, counts as the driver's); by default the stream is written to a JSONL "
                             "file first and read by the real reader, as `storyline run FILE.jsonl` does")
    args = parser.parse_args()

    base = load_dataset(args.source).articles
    checkpoints = sorted({c for c in (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, args.articles)
                          if c <= args.articles})
    grouping = {"seconds": 0.0, "articles": 0}
    # CPU seconds per stage, each counted in the thread that runs it (since session 8 the store
    # write runs in a thread of its own, alongside the grouping)
    stage_cpu = {"dedup": 0.0, "store": 0.0, "group": 0.0}

    def wall_timed(name: str, count: bool) -> None:
        real = getattr(OnlineGrouper, name)

        def timed(self, *a, **kw):
            start = time.perf_counter()
            try:
                return real(self, *a, **kw)
            finally:
                grouping["seconds"] += time.perf_counter() - start
                grouping["articles"] += len(a[0]) if count else 0
        setattr(OnlineGrouper, name, timed)

    def cpu_timed(owner, name: str, stage: str) -> None:
        real = getattr(owner, name)

        def timed(*a, **kw):
            cpu = time.thread_time()
            try:
                return real(*a, **kw)
            finally:
                stage_cpu[stage] += time.thread_time() - cpu
        setattr(owner, name, timed)

    wall_timed("group", count=True)
    wall_timed("save", count=False)
    cpu_timed(OnlineGrouper, "group", "group")
    cpu_timed(OnlineGrouper, "save", "group")
    if args.embedder != DEFAULT_EMBEDDER:  # the run's grouper embeds with the default
        real_init = OnlineGrouper.__init__
        OnlineGrouper.__init__ = lambda self, conn, **kw: real_init(self, conn, **{**kw, "embedder": args.embedder})
    cpu_timed(ingest_pipeline.Deduplicator, "apply", "dedup")
    cpu_timed(Store, "write_articles", "store")
    done = {"n": 0}
    marks = []
    start = time.perf_counter()

    def progress(n: int) -> None:
        done["n"] += n
        if checkpoints and done["n"] >= checkpoints[0]:
            checkpoints.pop(0)
            own = resource.getrusage(resource.RUSAGE_SELF)
            marks.append((done["n"], time.perf_counter() - start, grouping["seconds"], grouping["articles"],
                          own.ru_maxrss / 1024, own.ru_utime + own.ru_stime, _children_cpu_seconds(),
                          dict(stage_cpu)))
            _report(marks)

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or Path(tmp) / "bench.db")
        print(f"{args.articles} articles from {args.source} ({len(base)} real, repeated with perturbed ids, dates,"
              f" names and sentences); embedder {args.embedder}; {args.workers} workers")
        print(f"{'articles':>9} {'full path art/s (slice)':>24} {'grouping ms/art (slice)':>24} "
              f"{'grouping art/s (slice)':>23} {'peak RSS MB':>12} {'driver CPU':>10} {'workers CPU':>11}"
              "  (CPU: ms per article)")
        if args.generate_in_driver:
            records, inputs = stream(base, args.articles), ["bench"]
        else:
            path = Path(tmp) / "stream.jsonl"
            _write_jsonl(path, stream(base, args.articles))
            records, inputs = read_inputs([path]), [str(path)]
        start = time.perf_counter()  # the clock and the CPU counters start here, after any file was written
        own = resource.getrusage(resource.RUSAGE_SELF)
        marks.append((0, 0.0, 0.0, 0, 0, own.ru_utime + own.ru_stime, _children_cpu_seconds(), dict(stage_cpu)))
        main_cpu = time.thread_time()
        with LocalExecutor(args.workers) as executor:
            report = ingest_pipeline.run_ingest(store, records, inputs=inputs, executor=executor,
                                                on_progress=progress, annotate=args.annotate)
            _report_whole_run(args.articles, time.perf_counter() - start, time.thread_time() - main_cpu,
                              marks, stage_cpu, report)
        store.close()
    return 0


def _report_whole_run(n: int, elapsed: float, main_cpu: float, marks, stage_cpu, report) -> None:
    """The whole run in one line (session 13): the slices above split the workers' CPU by when the
    driver finished a batch, while the workers clean up to ``BATCHES_AHEAD`` batches ahead (so the
    last slice reads low and the first ones high); over the whole run it is what each article cost.
    The driver's CPU is split into its main thread, the store write's thread and the rest (the
    pool's threads pickling articles out and results in); "waited" is the main thread's wall time
    waiting for the workers' results."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    driver = own.ru_utime + own.ru_stime - marks[0][5]
    workers = _children_cpu_seconds() - marks[0][6]
    ms = lambda seconds: 1000 * seconds / max(1, n)  # noqa: E731
    print(f"whole run: {n / elapsed:.0f} art/s; CPU ms per article: driver {ms(driver):.2f} (main thread "
          f"{ms(main_cpu):.2f}, store write {ms(stage_cpu['store']):.2f}, other threads "
          f"{ms(driver - main_cpu - stage_cpu['store']):.2f}), workers {ms(workers):.2f}, "
          f"total {ms(driver + workers):.2f}"
          f" ({ms(driver + workers) / 2:.2f} per core of 2); main thread waited for the workers "
          f"{ms(report.seconds['clean']):.2f} ms per article", flush=True)


def _write_jsonl(path: Path, articles) -> None:
    """The stream as a JSONL file (one record per article, the fields the JSONL reader takes)."""
    with path.open("w", encoding="utf-8") as out:
        for art in articles:
            body = art.raw_text[len(art.title) + 2:] if art.title else art.raw_text  # raw_text is title, blank line, body
            out.write(json.dumps({"id": art.id, "title": art.title, "text": body, "source": art.source,
                                  "published": art.published}, ensure_ascii=False) + "\n")


def _children_cpu_seconds() -> float:
    """CPU seconds used so far by this process's live child processes (the executor's workers),
    from /proc (Linux); 0 elsewhere."""
    me, total = str(os.getpid()), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # fields[1] is the parent pid; [11], [12] user and system ticks
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _report(marks) -> None:
    """One line per slice. CPU per article (this process = the driver; its children = the workers)
    says what the machine can reach: on C cores at most C / (driver + workers) articles per ms."""
    n, elapsed, g_sec, g_art, rss, own_cpu, child_cpu, stages = marks[-1]
    pn, pe, pg, pa, _, p_own, p_child, p_stages = (marks[-2] if len(marks) > 1
                                                   else (0, 0.0, 0.0, 0, 0, 0.0, 0.0, dict.fromkeys(stages, 0.0)))
    slice_n = n - pn
    g_ms = 1000 * (g_sec - pg) / max(1, g_art - pa)
    driver_ms, workers_ms = 1000 * (own_cpu - p_own) / slice_n, 1000 * (child_cpu - p_child) / slice_n
    stage_ms = [1000 * (stages[k] - p_stages[k]) / slice_n for k in ("dedup", "store", "group")]
    print(f"{n:9d} {slice_n / (elapsed - pe):24.0f} {g_ms:24.2f} {1000 / g_ms if g_ms else 0:23.0f} {rss:12.0f}"
          f" {driver_ms:10.2f} {workers_ms:11.2f}" + "".join(f" {ms:9.2f}" for ms in stage_ms), flush=True)


if __name__ == "__main__":
    sys.exit(main())
