"""An article whose text a later run replaces leaves its event and is placed again."""

from __future__ import annotations

import shutil
import sqlite3

import numpy as np

import storyline
from storyline.cli import main as cli_main
from tests.conftest import OTHER_HAPPENING, SEED_000, SEED_002, SEED_003


def _state(db_path) -> dict:
    with sqlite3.connect(db_path) as conn:
        return {
            "assigned": dict(conn.execute("SELECT article_id, event_id FROM article_groups")),
            "stories": dict(conn.execute("SELECT article_id, story_id FROM article_groups")),
            "event_sizes": dict(conn.execute("SELECT event_id, articles FROM events")),
            "story_sizes": {r[0]: (r[1], r[2]) for r in conn.execute("SELECT story_id, articles, events FROM stories")},
            "event_story": dict(conn.execute("SELECT event_id, story_id FROM events")),
            "sums": {r[0]: np.frombuffer(r[1]) for r in conn.execute("SELECT event_id, vector_sum FROM events")},
            "vectors": {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in conn.execute(
                "SELECT article_id, vector FROM article_groups WHERE vector IS NOT NULL")},
        }


def _date_ranges(db_path) -> dict:
    """Each event's and story's first and last day."""
    with sqlite3.connect(db_path) as conn:
        return {table: conn.execute(f"SELECT {key}, first_published, last_published FROM {table}").fetchall()
                for table, key in (("events", "event_id"), ("stories", "story_id"))}


def _term_counts(db_path) -> tuple[dict, str]:
    """The grouper's document frequencies (the terms counted at least once) and document count."""
    with sqlite3.connect(db_path) as conn:
        df = dict(conn.execute("SELECT term, df FROM group_terms WHERE df > 0"))
        return df, conn.execute("SELECT value FROM group_state WHERE key = 'documents'").fetchone()[0]


def _consistent(state: dict) -> None:
    """Every event's and story's count is its assignments (no copies here), and nothing is orphaned."""
    per_event, per_story, events_of = {}, {}, {}
    for aid, eid in state["assigned"].items():
        per_event[eid] = per_event.get(eid, 0) + 1
        sid = state["stories"][aid]
        per_story[sid] = per_story.get(sid, 0) + 1
        assert state["event_story"][eid] == sid
        events_of.setdefault(sid, set()).add(eid)
    assert per_event == state["event_sizes"]
    assert {s: (per_story[s], len(events_of[s])) for s in per_story} == state["story_sizes"]


def test_a_rewritten_article_leaves_its_event_and_comes_back_when_rewritten_back(tmp_path, capsys):
    folder = tmp_path / "crawl"
    folder.mkdir()
    for seed in (SEED_000, SEED_002, SEED_003):
        shutil.copy(seed, folder / seed.name)
    db_path = tmp_path / "s.db"
    id_000, id_002, id_003 = SEED_000.stem, SEED_002.stem, SEED_003.stem
    with storyline.open(db_path) as db:
        db.ingest([folder])
    first = _state(db_path)
    assert first["assigned"][id_000] == first["assigned"][id_002]  # the seeds' shared call

    (folder / SEED_002.name).write_text(OTHER_HAPPENING, encoding="utf-8")  # the page now reports a storm
    with storyline.open(db_path) as db:
        assert db.ingest([folder]).updated == 1
    second = _state(db_path)
    _consistent(second)
    assert second["assigned"][id_002] != second["assigned"][id_000]
    assert second["stories"][id_002] != second["stories"][id_000]  # a storm in Norway is not the Lachin story
    shared = first["assigned"][id_000]
    assert second["assigned"][id_000] == shared and second["event_sizes"][shared] == 1
    # the event gave the old text back: its sum is the one report left
    assert np.allclose(second["sums"][shared], second["vectors"][id_000], atol=1e-6)
    assert cli_main(["why", id_002, "--db", str(db_path)]) == 0
    assert f"its text was replaced: it left event {shared}" in capsys.readouterr().out
    # the term statistics count the new text, not the old: those of a store that saw only the new
    with storyline.open(tmp_path / "fresh.db") as db:
        db.ingest([folder])
    assert _term_counts(db_path) == _term_counts(tmp_path / "fresh.db")
    # and the shared event's and story's dates are those of the reports left (000 and 003: undated)
    ranges = {r[0]: r[1:3] for rows in _date_ranges(db_path).values() for r in rows}
    assert ranges[shared] == ranges[second["stories"][id_000]] == (None, None)

    shutil.copy(SEED_002, folder / SEED_002.name)  # and back: it reports the call again
    with storyline.open(db_path) as db:
        assert db.ingest([folder]).updated == 1
    third = _state(db_path)
    _consistent(third)
    assert third["assigned"][id_002] == third["assigned"][id_000] == shared
    assert third["stories"][id_002] == third["stories"][id_003]


def test_an_article_alone_in_its_event_takes_it_with_it_and_a_new_crawl_of_the_same_text_moves_nothing(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    for seed in (SEED_000, SEED_002, SEED_003):
        shutil.copy(seed, folder / seed.name)
    db_path = tmp_path / "s.db"
    id_003 = SEED_003.stem
    with storyline.open(db_path) as db:
        db.ingest([folder])
    first = _state(db_path)
    own = first["assigned"][id_003]
    assert first["event_sizes"][own] == 1

    (folder / SEED_003.name).write_text(OTHER_HAPPENING, encoding="utf-8")
    with storyline.open(db_path) as db:
        db.ingest([folder])
    second = _state(db_path)
    _consistent(second)  # its old event went; the new one (the same id: named after the article) is stored
    assert second["stories"][id_003] != second["stories"][SEED_000.stem]
    assert np.allclose(second["sums"][second["assigned"][id_003]], second["vectors"][id_003], atol=1e-6)

    # a page whose text is the same but whose raw bytes changed (a new crawl's whitespace) stays put
    (folder / SEED_003.name).write_text(OTHER_HAPPENING + "\n\n", encoding="utf-8")
    with storyline.open(db_path) as db:
        db.ingest([folder])
    with sqlite3.connect(db_path) as conn:
        before = conn.execute("SELECT * FROM article_groups ORDER BY article_id").fetchall()
    assert _state(db_path)["assigned"] == second["assigned"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT * FROM article_groups ORDER BY article_id").fetchall() == before


def test_an_article_whose_old_text_has_copies_leaves_that_text_with_them(tmp_path):
    """The stored copy still reports the old text in the event: the event keeps it in its sums
    (the copy holds it now), and the rewritten article is placed again on its own."""
    folder = tmp_path / "crawl"
    folder.mkdir()
    for seed in (SEED_000, SEED_002, SEED_003):
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEED_002, folder / "zz_copy_of_002.txt")
    db_path = tmp_path / "s.db"
    with storyline.open(db_path) as db:
        db.ingest([folder])
    first = _state(db_path)
    shared = first["assigned"][SEED_000.stem]
    assert first["assigned"]["zz_copy_of_002"] == shared and first["event_sizes"][shared] == 2

    (folder / SEED_002.name).write_text(OTHER_HAPPENING, encoding="utf-8")
    with storyline.open(db_path) as db:
        db.ingest([folder])
        assert db.article("zz_copy_of_002").duplicate_of is None  # it holds the old text now
    second = _state(db_path)
    _consistent(second)  # the shared event's two: seed 000 and the copy
    assert second["assigned"][SEED_002.stem] != shared
    assert second["event_sizes"][shared] == 2 and second["sums"][shared].tobytes() == first["sums"][shared].tobytes()
