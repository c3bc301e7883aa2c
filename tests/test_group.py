"""Grouping on the seeds: events, stories, incremental arrival, determinism, explanations."""

from __future__ import annotations

import json
import sqlite3

import pytest

import storyline
from storyline.cli import main as cli_main
from tests.conftest import SEED_000, SEED_002, SEED_003

SEEDS = [SEED_000, SEED_002, SEED_003]
ID_000, ID_002, ID_003 = (p.stem for p in SEEDS)


def _ingest(db_path, batches) -> dict[str, dict]:
    with storyline.open(db_path) as db:
        for batch in batches:
            db.ingest(batch)
        return {row["id"]: row for row in db.assignments()}


@pytest.fixture(scope="session")
def one_batch(tmp_path_factory):
    path = tmp_path_factory.mktemp("one") / "seeds.db"
    return path, _ingest(path, [SEEDS])


@pytest.fixture(scope="session")
def one_by_one(tmp_path_factory):
    path = tmp_path_factory.mktemp("each") / "seeds.db"
    return path, _ingest(path, [[p] for p in SEEDS])


def test_seeds_make_one_story_of_two_events(one_batch):
    _, rows = one_batch
    assert rows[ID_000]["event"] == rows[ID_002]["event"]
    assert rows[ID_003]["event"] != rows[ID_000]["event"]
    assert len({r["story"] for r in rows.values()}) == 1
    assert all(r["event"] and r["story"] for r in rows.values())


def test_one_batch_or_one_by_one_give_the_same_groups(one_batch, one_by_one):
    assert one_batch[1] == one_by_one[1]
    explain = "SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY article_id"
    with sqlite3.connect(one_batch[0]) as a, sqlite3.connect(one_by_one[0]) as b:
        assert a.execute(explain).fetchall() == b.execute(explain).fetchall()
        state = "SELECT event_id, story_id, articles, vector_sum, members, profile FROM events ORDER BY event_id"
        assert a.execute(state).fetchall() == b.execute(state).fetchall()


def test_grouping_is_deterministic(one_batch, tmp_path):
    again = _ingest(tmp_path / "again.db", [SEEDS])
    assert again == one_batch[1]


def test_rerun_keeps_assignments_and_adds_nothing(one_batch, tmp_path):
    path = tmp_path / "rerun.db"
    first = _ingest(path, [SEEDS])
    second = _ingest(path, [SEEDS])
    assert first == second
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM article_groups").fetchone()[0] == 3
        assert conn.execute("SELECT sum(articles) FROM events").fetchone()[0] == 3


def test_exact_copy_takes_its_originals_event(tmp_path):
    copy = tmp_path / "copy_of_002.txt"
    copy.write_bytes(SEED_002.read_bytes())
    rows = _ingest(tmp_path / "dup.db", [[SEED_000, SEED_002, copy]])
    assert rows["copy_of_002"]["duplicate_of"] == ID_002
    assert rows["copy_of_002"]["event"] == rows[ID_002]["event"]
    assert rows["copy_of_002"]["story"] == rows[ID_002]["story"]


def test_why_prints_signals_and_the_rejected_candidate(one_batch, capsys):
    path, _ = one_batch
    assert cli_main(["why", ID_003, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "opened a new event" in out
    assert "nearest rejected event e-" in out
    for signal in ("cos_centroid", "tfidf_cos", "names_cover", "days_apart"):
        assert signal in out
    assert cli_main(["why", ID_002, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "joined event e-" in out and "probability" in out


def test_why_unknown_article_is_a_clear_error(one_batch, capsys):
    path, _ = one_batch
    assert cli_main(["why", "no-such-article", "--db", str(path)]) == 2
    assert "no-such-article" in capsys.readouterr().err


def test_stories_and_show_print_the_timeline(one_batch, capsys):
    path, rows = one_batch
    assert cli_main(["stories", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    story = rows[ID_000]["story"]
    assert story in out and "3 articles, 2 events" in out
    assert cli_main(["show", story, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.index(ID_002) < out.index(ID_003) or "undated" in out
    assert "Lachin" in out
    assert cli_main(["show", "s-missing", "--db", str(path)]) == 2


def test_export_assignments_fills_event_and_story(one_batch, tmp_path, capsys):
    path, _ = one_batch
    assert cli_main(["export", "--what", "assignments", "--db", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and all(r["event"].startswith("e-") and r["story"].startswith("s-") for r in rows)
