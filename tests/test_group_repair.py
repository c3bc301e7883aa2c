"""The local repair of small events (``group/repair.py``): a small event whose every report would
now join an event that just grew joins it; the move is explained, stored and batch-independent."""

from __future__ import annotations

import copy
import json

from storyline.cli import main as cli_main
from storyline.group.events import OnlineGrouper, profile_articles
from storyline.group.pipeline import group_batch
from storyline.group.repair import REPAIR_SIZE, profile_from_json, profile_to_json
from storyline.embed import get_embedder
from storyline.store import Store
from tests.test_group_memory import _stream


def _run(path, articles, batch: int, *, shared: bool = True, repair: bool = True):
    store = Store(path)
    grouper = None
    for i in range(0, len(articles), batch):
        if grouper is None or not shared:
            grouper = OnlineGrouper(store.conn)
            grouper.repair = repair
        group_batch(store, copy.deepcopy(articles[i:i + batch]), grouper=grouper)
    rows = [tuple(r) for r in store.conn.execute(
        "SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY 1")]
    events = [tuple(r) for r in store.conn.execute(
        "SELECT event_id, story_id, articles, vector_sum, members, profile FROM events ORDER BY 1")]
    kept = [tuple(r) for r in store.conn.execute("SELECT * FROM small_event_members ORDER BY 1")]
    store.close()
    return rows, events, kept


def test_repair_moves_are_the_same_in_one_batch_or_one_by_one_with_or_without_memory(tmp_path):
    articles = _stream()
    first = _run(tmp_path / "a.db", articles, 72)
    moved = [r for r in first[0] if "moves" in json.loads(r[4])]
    assert moved  # the stream has small events that a later report's event takes: the test has teeth
    assert first[2]  # small events' members are kept in the store
    assert _run(tmp_path / "b.db", articles, 1) == first
    assert _run(tmp_path / "c.db", articles, 8, shared=False) == first  # read back from the store each batch


def test_a_moved_report_says_why_and_its_old_event_is_gone(tmp_path, capsys):
    path = tmp_path / "r.db"
    rows, events, kept = _run(path, _stream(), 8)
    moved = {r[0]: json.loads(r[4])["moves"] for r in rows if "moves" in json.loads(r[4])}
    event_ids = {e[0] for e in events}
    sizes = {e[0]: e[2] for e in events}
    members = {}
    for r in rows:
        members[r[1]] = members.get(r[1], 0) + 1
    assert members == sizes  # every event's count is its assignments (no copies in the stream)
    for aid, moves in moved.items():
        move = moves[-1]
        assert move["decision"] == "moved" and move["from"] not in event_ids
        assert dict(r[:2] for r in rows)[aid] == move["to"]
        assert move["probability"] >= 0.5
    assert all(sizes[k[1]] <= REPAIR_SIZE for k in kept)
    aid = sorted(moved)[0]
    assert cli_main(["why", aid, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"moved from event {moved[aid][-1]['from']} to event {moved[aid][-1]['to']}" in out
    assert "cos_centroid" in out.split("moved from event")[1]  # the move's own signals and effects


def test_without_repair_nothing_moves_and_nothing_is_kept(tmp_path):
    rows, _, kept = _run(tmp_path / "n.db", _stream(), 8, repair=False)
    assert not kept and not any("moves" in r[4] for r in rows)


def test_a_kept_profile_reads_back_equal():
    art = _stream(1)[0]
    profile = profile_articles([art], get_embedder())[art.id]
    again = profile_from_json(art.id, profile_to_json(profile), profile.vector.tobytes())
    for field in ("terms", "title_terms", "names", "headline_names", "numbers", "weekdays", "day", "when_day",
                  "when_weekday", "era", "source", "short", "body_names"):
        assert getattr(again, field) == getattr(profile, field), field
    assert list(again.terms) == list(profile.terms)  # in the same order: ``prepare`` sums over it
    assert (again.vector == profile.vector).all()


def test_a_store_grouped_without_the_repair_is_continued_with_it(tmp_path):
    """Small events of a store grouped without the repair keep no member profiles: they are left
    alone, and grouping goes on."""
    articles = _stream(48)
    store = Store(tmp_path / "old.db")
    off = OnlineGrouper(store.conn)
    off.repair = False
    group_batch(store, copy.deepcopy(articles[:24]), grouper=off)
    decisions = group_batch(store, copy.deepcopy(articles[24:]))
    assert len(decisions) == 24
    grouped = store.conn.execute("SELECT COUNT(*) FROM article_groups").fetchone()[0]
    sizes = dict(store.conn.execute("SELECT event_id, articles FROM events"))
    counts = dict(store.conn.execute("SELECT event_id, COUNT(*) FROM article_groups GROUP BY event_id"))
    store.close()
    assert grouped == 48 and sizes == counts
