"""The driver's grouping CPU of two checkouts, side by side in one process, batch by batch.

On a shared machine two runs a minute apart differ by up to 25%: too much to see a 5% change.
Here each checkout's ``storyline`` package is copied under its own name (``sl_a``, ``sl_b``) and
both replay the same prepared articles (boilerplate, dedup, store write, grouping), taking turns
per batch, with the order flipped every batch; only the grouping's process CPU is summed. It also
says whether both stored exactly the same assignments, explanations, events and stories.

    PYTHONPATH=src python bench/grouping_ab.py --make-prepared 5000 /tmp/prepared5000.pkl
    python bench/grouping_ab.py /tmp/prepared5000.pkl /path/to/base /path/to/new --articles 5000

The prepared articles are ``grouping_bench.stream`` of t17-dev after the workers' step
(``clean_and_prepare``), pickled by the checkout on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import pickle
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path


def make_prepared(count: int, path: str, dataset: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from grouping_bench import stream

    from storyline.engine.ingest_pipeline import clean_and_prepare, raw_hash
    from storyline.evaluate import load_dataset

    articles = []
    for art in stream(load_dataset(dataset).articles, count):
        art.meta["raw_hash"], art.meta["updated"] = raw_hash(art), False
        articles.append(clean_and_prepare(art))
    Path(path).write_bytes(pickle.dumps(articles))
    print(f"{len(articles)} prepared articles -> {path}")


def copy_package(checkout: str, name: str, into: Path) -> None:
    """``checkout``/src/storyline as package ``name``, its absolute imports renamed."""
    target = into / name
    shutil.copytree(Path(checkout) / "src" / "storyline", target)
    pattern = re.compile(r"\b(from|import) storyline(?=[. \n])")
    for path in target.rglob("*.py"):
        path.write_text(pattern.sub(rf"\1 {name}", path.read_text()))


class _Renamed(pickle.Unpickler):
    def __init__(self, data: bytes, package: str):
        super().__init__(io.BytesIO(data))
        self.package = package

    def find_class(self, module, name):
        if module == "storyline" or module.startswith("storyline."):
            module = self.package + module[len("storyline"):]
        return super().find_class(module, name)


def replay(prepared: str, checkouts: list[str], count: int, batch: int) -> None:
    packages = ["sl_a", "sl_b"]
    work = Path(tempfile.mkdtemp())
    for checkout, package in zip(checkouts, packages):
        copy_package(checkout, package, work)
    sys.path.insert(0, str(work))
    data = Path(prepared).read_bytes()
    runs = {}
    for package in packages:
        pipeline = importlib.import_module(package + ".engine.ingest_pipeline")
        events = importlib.import_module(package + ".group.events")
        article = importlib.import_module(package + ".model").Article
        store = importlib.import_module(package + ".store").Store(work / f"{package}.db")
        articles = [a for a in _Renamed(data, package).load() if isinstance(a, article)][:count]
        runs[package] = dict(articles=articles, store=store, run=store.begin_run(["ab"]),
                             boilerplate=pipeline.OutletBoilerplate(store), dedup=pipeline.Deduplicator(store),
                             grouper=events.OnlineGrouper(store.conn, embedder="static"),  # loading is not grouping
                             group_batch=importlib.import_module(package + ".group.pipeline").group_batch, cpu=0.0)
    del data
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)  # the run's pace (engine/gc_pacing.py)
    for k, start in enumerate(range(0, count, batch)):
        for package in packages if k % 2 == 0 else packages[::-1]:
            run = runs[package]
            articles, store = run["articles"][start:start + batch], run["store"]
            lines, signatures = run["boilerplate"].apply(articles), run["dedup"].apply(articles)
            with store.transaction():
                store.write_articles(articles, run_id=run["run"], signatures=signatures, source_lines=lines,
                                     rejections=[])
                began = time.process_time()
                run["group_batch"](store, articles, grouper=run["grouper"])
                run["cpu"] += time.process_time() - began
    for checkout, package in zip(checkouts, packages):
        print(f"{checkout}: grouping {1000 * runs[package]['cpu'] / count:.3f} ms CPU per article")
    print(f"ratio second/first: {runs['sl_b']['cpu'] / runs['sl_a']['cpu']:.3f}")
    stored = []
    for package in packages:
        conn = runs[package]["store"].conn
        rows = conn.execute("SELECT article_id, event_id, story_id, probability, explanation FROM article_groups"
                            " ORDER BY article_id").fetchall()
        for table in ("events", "stories"):
            rows += conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        stored.append(rows)
    print("stored: identical" if stored[0] == stored[1] else "stored: DIFFERENT")
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prepared", nargs="?")
    parser.add_argument("checkouts", nargs="*")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--make-prepared", type=int, metavar="N", help="write N prepared articles to PREPARED")
    parser.add_argument("--dataset", default="/work/shared/eval/t17-dev", help="the stream's base articles")
    args = parser.parse_args()
    if args.make_prepared:
        make_prepared(args.make_prepared, args.prepared, args.dataset)
    elif len(args.checkouts) == 2:
        replay(args.prepared, args.checkouts, args.articles, args.batch)
    else:
        parser.error("give a prepared pickle and two checkouts")


if __name__ == "__main__":
    main()
