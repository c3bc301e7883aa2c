"""The Ray executor runs the same per-article steps as the local one and stores the same result."""

from __future__ import annotations

import pytest

from storyline.engine.executors import LocalExecutor
from storyline.engine.ingest_pipeline import clean_or_reject, run_ingest
from storyline.ingest import read_inputs
from storyline.store import Store
from tests.conftest import EXAMPLES

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_executor():
    from storyline.engine.ray_executor import RayExecutor

    executor = RayExecutor(num_cpus=2, chunk_size=1)
    yield executor
    executor.close()


def _stored(db_path, executor):
    with Store(db_path) as store:
        records = list(read_inputs([EXAMPLES]))
        run_ingest(store, records, inputs=[str(EXAMPLES)], executor=executor)
        return [(a.id, a.title, a.text, a.published, a.duplicate_of, a.meta) for a in store.articles()]


def test_ray_map_keeps_order_and_results(ray_executor):
    items = list(range(50))
    assert ray_executor.map(abs, [-i for i in items]) == items
    assert ray_executor.map(abs, []) == []


def test_ray_ingest_stores_what_a_local_run_stores(ray_executor, tmp_path):
    local = _stored(tmp_path / "local.db", LocalExecutor(workers=1))
    distributed = _stored(tmp_path / "ray.db", ray_executor)
    assert distributed == local
    assert len(local) == 3


def test_clean_step_is_identical_on_ray(ray_executor):
    articles = [a for a in read_inputs([EXAMPLES])]
    local = [clean_or_reject(a).text for a in [a for a in read_inputs([EXAMPLES])]]
    assert [a.text for a in ray_executor.map(clean_or_reject, articles)] == local


def test_storyline_run_on_ray_gives_the_local_stories(ray_executor, tmp_path):
    """The whole job (clean, dedup, annotate, group) through the public API on both executors."""
    import storyline

    results = []
    for kind in ("local", "ray"):
        with storyline.open(tmp_path / f"{kind}.db") as db:
            report = db.ingest([EXAMPLES], executor=kind, workers=1 if kind == "local" else None)
            assert report.added == 3 and not report.rejections
            results.append((list(db.assignments()), [(a.id, a.text) for a in db.articles()]))
    assert results[0] == results[1]
    assert all(row["event"] and row["story"] for row in results[0][0])
