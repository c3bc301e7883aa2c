"""The run path's timeline: per-thread CPU of the driver, the workers' CPU, and when each batch was
cleaned and finished, for one checkout (session 13).

    PYTHONPATH=CHECKOUT/src python bench/run_timeline.py CHECKOUT [--articles 10000] [--db FILE] [--batches]

The stream is ``grouping_bench.py``'s (T17's articles, then copies), written to a JSONL file and
run through ``run_ingest`` with two workers and no annotation, as ``grouping_bench.py`` does; the
checkout's own ``bench/grouping_bench.py`` builds it. Printed: articles/s; CPU per article of
the driver's main thread (of which grouping, the groups' save, dedup), the store write's thread,
the driver's other threads (the pool's, pickling articles out and results in) and the workers;
the *fill* (start to the first batch cleaned: the driver has nothing to do) and the *drain* (the
workers' last result to the end: the workers have nothing to do); with ``--batches`` one line per
batch (submitted, the driver starts it, its cleaning done, the driver done). ``--db FILE`` keeps
the store, for ``bench/store_diff.py``.

On a shared machine compare checkouts in turns (A B B A ...): the wall figures move with the
other jobs by 2x; the CPU per article by ~5%.
"""

from __future__ import annotations

import argparse
import concurrent.futures.process as pool_module
import importlib.util
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--batches", action="store_true")
    args = parser.parse_args()
    n = args.articles
    spec = importlib.util.spec_from_file_location("grouping_bench", args.checkout / "bench/grouping_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    import storyline
    from storyline.engine import executors, ingest_pipeline
    from storyline.engine.executors import LocalExecutor
    from storyline.evaluate import load_dataset
    from storyline.group.events import OnlineGrouper
    from storyline.ingest import read_inputs
    from storyline.store import Store

    if not Path(storyline.__file__).resolve().is_relative_to(args.checkout.resolve()):
        raise SystemExit(f"storyline comes from {storyline.__file__}, not {args.checkout}: set PYTHONPATH")
    cpu = {"write": 0.0, "group": 0.0, "save": 0.0, "dedup": 0.0}

    def thread_cpu(owner, name: str, key: str) -> None:
        real = getattr(owner, name)

        def timed(*a, **kw):
            start = time.thread_time()
            try:
                return real(*a, **kw)
            finally:
                cpu[key] += time.thread_time() - start
        setattr(owner, name, timed)

    thread_cpu(Store, "write_articles", "write")
    thread_cpu(OnlineGrouper, "group", "group")
    thread_cpu(OnlineGrouper, "save", "save")
    thread_cpu(ingest_pipeline.Deduplicator, "apply", "dedup")

    batches: list[dict] = []
    real_submit, real_pool_submit = executors.LocalExecutor.submit, pool_module.ProcessPoolExecutor.submit

    def submit(self, fn, items):
        items = list(items)
        batch = {"n": len(items), "submit": time.perf_counter(), "done": None}
        batches.append(batch)

        def pool_submit(pool, *a, **kw):  # the batch is cleaned when its last chunk is
            future = real_pool_submit(pool, *a, **kw)
            future.add_done_callback(lambda _: batch.__setitem__("done", time.perf_counter()))
            return future
        pool_module.ProcessPoolExecutor.submit = pool_submit
        try:
            waiting = real_submit(self, fn, items)
        finally:
            pool_module.ProcessPoolExecutor.submit = real_pool_submit

        def results():
            batch["start"] = time.perf_counter()
            out = waiting()
            batch["ready"] = time.perf_counter()
            return out
        return results

    executors.LocalExecutor.submit = submit
    real_finish = ingest_pipeline._BatchFinisher.finish

    def finish(self, *a, **kw):
        out = real_finish(self, *a, **kw)
        batches[sum("end" in b for b in batches)]["end"] = time.perf_counter()
        return out

    ingest_pipeline._BatchFinisher.finish = finish

    base = load_dataset("/work/shared/eval/t17-dev").articles
    end: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stream.jsonl"
        bench._write_jsonl(path, bench.stream(base, n))
        store = Store(args.db or Path(tmp) / "run.db")
        done = [0]

        def progress(k: int) -> None:  # the last batch: read the counters before the pool closes
            done[0] += k
            if done[0] >= n:
                own = resource.getrusage(resource.RUSAGE_SELF)
                end.update(wall=time.perf_counter(), main=time.thread_time(), process=own.ru_utime + own.ru_stime,
                           workers=bench._children_cpu_seconds())

        start_wall, start_main = time.perf_counter(), time.thread_time()
        own = resource.getrusage(resource.RUSAGE_SELF)
        start_process = own.ru_utime + own.ru_stime
        with LocalExecutor(2) as executor:
            report = ingest_pipeline.run_ingest(store, read_inputs([path]), inputs=[str(path)], executor=executor,
                                                on_progress=progress, annotate=False)
        store.close()
    wall, main_cpu, process = end["wall"] - start_wall, end["main"] - start_main, end["process"] - start_process
    ms = lambda seconds: 1000 * seconds / n  # noqa: E731
    print(f"{args.checkout}: {n} articles, {n / wall:.0f} art/s ({wall:.1f} s); CPU ms per article: driver "
          f"{ms(process):.2f} = main thread {ms(main_cpu):.2f} (grouping {ms(cpu['group']):.2f}, save "
          f"{ms(cpu['save']):.2f}, dedup {ms(cpu['dedup']):.2f}) + store write {ms(cpu['write']):.2f} + other threads "
          f"{ms(process - main_cpu - cpu['write']):.2f}; workers {ms(end['workers']):.2f}; total "
          f"{ms(process + end['workers']):.2f}")
    cleaned = [b["done"] for b in batches if b["done"] is not None]
    print(f"  fill {batches[0]['ready'] - start_wall:.2f} s, drain {end['wall'] - max(cleaned):.2f} s "
          f"({len(batches)} batches); the main thread waited for the workers {report.seconds['clean']:.2f} s")
    if args.batches:
        for b in batches:
            at = {k: b[k] - start_wall for k in ("submit", "start", "done", "ready", "end") if b.get(k) is not None}
            print("  batch " + f"{b['n']:5d} " + " ".join(f"{k} {v:6.2f}" for k, v in at.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
