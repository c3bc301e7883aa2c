"""The pipeline's executors: same results in order on one or two processes; models loaded before the fork."""

from __future__ import annotations

import os

import storyline
from storyline.engine.executors import MIN_PARALLEL_BATCH, LocalExecutor
from tests.ingest_builders import jsonl_records, write_jsonl

PREPARED_IN: list[int] = []


def _square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _prepare() -> None:
    PREPARED_IN.append(os.getpid())


_square_with_pid.prepare = _prepare  # type: ignore[attr-defined]


def test_pool_keeps_order_and_prepares_in_the_parent():
    items = list(range(MIN_PARALLEL_BATCH * 3))
    with LocalExecutor(2) as pool:
        results = pool.map(_square_with_pid, items)
        again = pool.map(_square_with_pid, items)
    assert [r for r, _ in results] == [x * x for x in items] == [r for r, _ in again]
    assert any(pid != os.getpid() for _, pid in results)  # it did run in worker processes
    assert PREPARED_IN == [os.getpid()]  # once, here, before the fork


def test_small_batches_stay_in_process():
    with LocalExecutor(2) as pool:
        results = pool.map(_square_with_pid, [1, 2, 3])
    assert {pid for _, pid in results} == {os.getpid()}


def test_one_or_two_workers_store_the_same(tmp_path):
    records = jsonl_records(150)
    records += [{**r, "id": r["id"] + "-copy"} for r in records[:10]]
    source = write_jsonl(tmp_path / "r.jsonl", records)
    stored = []
    for workers in (1, 2):
        with storyline.open(tmp_path / f"w{workers}.db") as db:
            report = db.ingest([source], workers=workers, batch_size=100)
            stored.append([(a.id, a.title, a.text, a.published, a.duplicate_of, a.content_hash) for a in db.articles()])
            assert report.added == 160 and report.exact_duplicates == 10
    assert stored[0] == stored[1]


def test_the_batch_size_changes_nothing_stored(tmp_path):
    """Dedup (exact and near copies, within a batch or against the store), outlet boilerplate and
    grouping give the same result whatever the batch size: ``BATCH_SIZE`` is a speed setting."""
    import sqlite3

    records = jsonl_records(90)
    records += [{**r, "id": r["id"] + "-copy"} for r in records[:8]]  # exact copies
    records += [{**r, "id": r["id"] + "-near", "text": r["text"] + " Updated."} for r in records[20:26]]
    source = write_jsonl(tmp_path / "r.jsonl", records)
    stored = []
    for size in (7, 1024):
        path = tmp_path / f"b{size}.db"
        with storyline.open(path) as db:
            db.ingest([source], workers=1, batch_size=size)
        conn = sqlite3.connect(path)
        stored.append((
            conn.execute("SELECT article_id, text, duplicate_of, duplicate_kind, cleaning FROM articles ORDER BY 1").fetchall(),
            conn.execute("SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY 1").fetchall(),
        ))
        conn.close()
    assert stored[0] == stored[1]
    articles, groups = stored[0]
    assert sum(1 for a in articles if a[3] == "exact") == 8 and sum(1 for a in articles if a[3] == "near") == 6
    assert len(groups) == len(records)


def test_writing_the_batch_alongside_the_grouping_changes_nothing(tmp_path, monkeypatch):
    """A run writes each batch's articles in a thread while it places them in events. Writing
    first and grouping after (the call made at once, in this thread) must store exactly the same
    articles, events, stories, probabilities and explanations."""
    import sqlite3

    from storyline.engine import ingest_pipeline

    records = jsonl_records(70)
    records += [{**r, "id": r["id"] + "-copy"} for r in records[:6]]
    source = write_jsonl(tmp_path / "r.jsonl", records)

    class AtOnce:  # the same call, finished before the grouping starts
        def __init__(self, fn, *args, **kwargs):
            self.result = fn(*args, **kwargs)

        def wait(self):
            return self.result

    stored = []
    for name in ("alongside", "at-once"):
        if name == "at-once":
            monkeypatch.setattr(ingest_pipeline, "Alongside", AtOnce)
        with storyline.open(tmp_path / f"{name}.db") as db:
            db.ingest([source], workers=1, batch_size=16, skip={"annotate"})
        conn = sqlite3.connect(tmp_path / f"{name}.db")
        stored.append([conn.execute(query).fetchall() for query in (
            "SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY 1",
            "SELECT article_id, text, duplicate_of, cleaning FROM articles ORDER BY 1",
            "SELECT * FROM events ORDER BY 1", "SELECT * FROM stories ORDER BY 1")])
        conn.close()
    assert len(stored[0][0]) == len(records) and stored[0] == stored[1]


def test_an_error_in_the_call_alongside_reaches_the_caller_after_it_ends():
    import threading

    import pytest

    from storyline.engine.alongside import Alongside

    release = threading.Event()

    def fail():
        release.wait()
        raise ValueError("disk full")

    call = Alongside(fail)
    release.set()
    with pytest.raises(ValueError, match="disk full"):
        call.wait()
    assert Alongside(sorted, [3, 1, 2]).wait() == [1, 2, 3]


def test_submit_returns_what_map_returns_and_lets_the_caller_work_meanwhile():
    items = list(range(MIN_PARALLEL_BATCH * 2))
    with LocalExecutor(2) as pool:
        first = pool.submit(_square_with_pid, items)
        second = pool.submit(_square_with_pid, items[::-1])  # two batches in flight
        assert [r for r, _ in second()] == [x * x for x in items[::-1]]
        assert [r for r, _ in first()] == [x * x for x in items]
        small = pool.submit(_square_with_pid, [3])
        assert small() == [(9, os.getpid())]  # too small for the pool: runs here, when asked for



def test_a_run_paces_garbage_collection_and_gives_the_callers_pace_back(tmp_path, monkeypatch):
    import gc

    from storyline.engine import ingest_pipeline
    from storyline.engine.gc_pacing import RUN_THRESHOLDS

    seen_during_run = []
    real_finish = ingest_pipeline._BatchFinisher.finish

    def finish(self, *args):
        seen_during_run.append(gc.get_threshold())
        return real_finish(self, *args)

    monkeypatch.setattr(ingest_pipeline._BatchFinisher, "finish", finish)
    before = gc.get_threshold()
    source = write_jsonl(tmp_path / "r.jsonl", jsonl_records(5))
    with storyline.open(tmp_path / "g.db") as db:
        report = db.ingest([source], workers=1)
    assert report.added == 5
    assert seen_during_run and set(seen_during_run) == {RUN_THRESHOLDS}
    assert gc.get_threshold() == before != RUN_THRESHOLDS


def test_batches_start_small_and_end_in_halves():
    """A run's batches (``ingest_pipeline._batches``): every item once and in order, none larger
    than the batch size; the first ones grow from ``FIRST_BATCH``, and the last ones are halves of
    what is left down to ``SMALLEST_BATCH``, whatever the reader's pace (the cuts depend only on
    the count)."""
    from storyline.engine.ingest_pipeline import _batches

    for count in (0, 1, 63, 300, 1024, 2048, 2049, 10_000):
        for size in (2, 7, 100, 1024):
            sizes = [len(batch) for batch in _batches(iter(range(count)), size, first=128, smallest=64)]
            assert [x for batch in _batches(iter(range(count)), size, first=128, smallest=64) for x in batch] \
                == list(range(count))
            assert all(0 < n <= size for n in sizes)
    assert [len(b) for b in _batches(range(10_000), 1024, first=128, smallest=64)] == \
        [128, 256, 512] + [1024] * 7 + [968, 484, 242, 121, 121]
    assert [len(b) for b in _batches(range(50), 1024, first=128, smallest=64)] == [50]  # a small input: one batch
