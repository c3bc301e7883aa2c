"""The local repair of small events (``group/repair.py``): a small event whose every report would
now join an event that just grew joins it; the move is explained, stored and batch-independent."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

from storyline.cli import main as cli_main
from storyline.group.events import OnlineGrouper, profile_articles
from storyline.group.signals import NO_NEIGHBOURS, pairs_signals
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


# -- a small event whose story holds other events (session 12) ---------------------------------

# Which earlier article's group each article joins, per level (None: it opens a new one), and the
# second looks that find a move: a scripted grouper, so the test is about the bookkeeping alone.
_JOINS = {"event": {"b": None, "c": None, "d": "c", "e": None, "f": "b"},
          "story": {"b": "a", "c": None, "e": "a"}}
_MOVES = {"b": "d"}  # on its second look, b would join the event d just grew


class _Scripted(OnlineGrouper):
    def _group_of(self, level: str, article_id: str) -> str:
        return self.articles.groups[level][self.articles.row_of[article_id]]

    def _score(self, art, index, window, model, near):
        level = "event" if index is self.events else "story"
        scored = super()._score(art, index, window, model, near)
        want = _JOINS[level].get(art.article_id)
        target = self._group_of(level, want) if want else None
        rows = {gid: row for _, gid, row in scored}
        if target is not None and target not in rows:
            rows[target] = pairs_signals(art, [index.groups[target]], self.stats, [NO_NEIGHBOURS],
                                         self.candidate_signals[level])[0]
        out = [(0.9 if gid == target else 0.1, gid, row) for gid, row in rows.items()]
        return sorted(out, key=lambda t: (-t[0], t[1]))

    def _second_look(self, m, own, members, target):
        want = _MOVES.get(m.article_id)
        if want is None or target != self._group_of("event", want):
            return None
        m.prepare(self.stats)
        row = pairs_signals(m, [self.events.groups[target]], self.stats, [NO_NEIGHBOURS],
                            self.candidate_signals["event"])[0]
        return 0.9, target, row


def _scripted_run(path, articles, batch: int, *, shared: bool = True):
    store = Store(path)
    grouper = None
    for i in range(0, len(articles), batch):
        if grouper is None or not shared:
            grouper = _Scripted(store.conn)
        group_batch(store, copy.deepcopy(articles[i:i + batch]), grouper=grouper)
        index = grouper.stories  # indexed by the names its stories hold, as when read back
        assert all(names == set(index.groups[g].names) for g, names in index.indexed.items())
    tables = {table: [tuple(r) for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
              for table in ("article_groups", "events", "stories", "small_event_members")}
    store.close()
    return tables


def test_a_small_event_leaves_a_story_that_holds_other_events(tmp_path):
    """b opened an event of its own in a's story; once d joins c's event, b would join it too: b
    moves to c's event and story, and a's story gives b back (its sums, size and names)."""
    articles = [replace(a, id=name, published=None) for a, name in zip(_stream(6), "abcdef")]
    first = _scripted_run(tmp_path / "a.db", articles, 6)
    placed = {r[0]: (r[1], r[2]) for r in first["article_groups"]}
    assert placed["b"] == placed["c"] == placed["d"] == placed["f"]  # b moved; f joined b's event there
    assert placed["a"][1] == placed["e"][1] != placed["b"][1]  # a's story goes on without b
    counts, children = {}, {}
    for event, story in set(placed.values()):
        children[story] = children.get(story, 0) + 1
    for event, story in placed.values():
        counts[story] = counts.get(story, 0) + 1
    assert {r[0]: r[3] for r in first["stories"]} == counts  # every story's size is its assignments ...
    assert {r[0]: r[4] for r in first["stories"]} == children  # ... and its count of events its events
    moved = json.loads({r[0]: r[5] for r in first["article_groups"]}["b"])["moves"]
    assert moved[-1]["to"] == placed["b"][0]
    # a's story holds what a and e bring, and nothing of b's
    store = Store(tmp_path / "a.db")
    grouper = OnlineGrouper(store.conn)
    profiles = profile_articles([articles[0], articles[4]], grouper.embedder)
    row = next(r for r in store.conn.execute("SELECT * FROM stories") if r[0] == placed["a"][1])
    store.close()
    profile = json.loads(row["profile"])
    only_b = set(profile_articles([articles[1]], grouper.embedder)["b"].terms) - {
        t for p in profiles.values() for t in p.terms}
    assert only_b and not only_b & set(profile["terms"])
    assert _scripted_run(tmp_path / "b.db", articles, 1) == first
    assert _scripted_run(tmp_path / "c.db", articles, 2, shared=False) == first  # read back from the store


def test_a_report_given_back_takes_one_kept_vector_not_its_identical_twin():
    """Two outlets' identical headlines have byte-identical vectors: when one leaves a story, the
    other's vector stays among the story's kept members (its ``cos_nearest``)."""
    from storyline.group.signals import GroupProfile, TermStats

    first, other = _stream(2)
    twin = replace(first, id=first.id + "-twin")
    profiles = profile_articles([first, twin, other], get_embedder())
    stats = TermStats()
    story = GroupProfile.empty("s", len(profiles[first.id].vector))
    story.add_all(list(profiles.values()), stats, body_names=False)
    assert profiles[first.id].vector.tobytes() == profiles[twin.id].vector.tobytes()
    story.remove_all([profiles[twin.id]], stats, body_names=False)
    assert story.size == 2
    kept = {v.tobytes() for v in story.members}
    assert len(story.members) == 2 and kept == {profiles[first.id].vector.tobytes(), profiles[other.id].vector.tobytes()}
