"""Grouping keeps its groups in memory between batches of a run, and takes profiles made by the
cleaning workers: neither may change a single assignment or explanation."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import numpy as np

import storyline
from storyline.engine.ingest_pipeline import OutletBoilerplate, clean_and_prepare
from storyline.group.events import OnlineGrouper, prepare_profile, profile_articles
from storyline.group.pipeline import group_batch
from storyline.embed import get_embedder
from storyline.model import Article
from storyline.store import Store
from tests.ingest_builders import write_jsonl

PLACES = ["Valparaiso", "Tromso", "Kisumu", "Arequipa", "Dunedin", "Gdansk", "Mopti", "Hue"]
KINDS = {
    "flood": "Rivers burst their banks and water filled the lower streets; pumps ran all night.",
    "fire": "Flames spread through the timber warehouses and firefighters fought the blaze until dawn.",
    "strike": "Dock workers walked out over pay and the port stood idle as unions picketed the gates.",
    "election": "Voters queued at polling stations and the electoral commission began counting ballots.",
    "earthquake": "The quake shook buildings, cracked roads and sent residents running into the squares.",
    "protest": "Thousands marched on the town hall chanting against the new fuel tax and police blocked bridges.",
    "storm": "Gale force winds tore roofs from houses and felled power lines across the coast.",
    "trial": "Prosecutors opened their case against the former treasurer accused of embezzling city funds.",
}


def _stream(n: int = 72) -> list[Article]:
    """News-like articles over two years: eight places, each with happenings of its own kind a few
    months apart, reported by several outlets over a few days; some undated. Enough spread that
    the grouper's windows move on and old groups leave memory."""
    start = date(2022, 1, 3)
    kinds = list(KINDS)
    out = []
    for i in range(n):
        place, kind = PLACES[i % 8], kinds[(i % 8 + i // 24) % 8]
        happening = i // 24  # the same place again months later: another event, of another kind
        day = start + timedelta(days=90 * happening + (i % 8) * 9 + (i % 3))
        title = f"{kind.capitalize()} in {place}"
        text = (f"{KINDS[kind]} {place} counted {10 + happening * 7 + i % 2} injured on {day.strftime('%A')}. "
                f"Officials in {place} said the {kind} was the worst there in years. {KINDS[kind]}")
        out.append(Article(id=f"a{i:03d}", title=title, text=text, source=f"outlet{i % 4}.example",
                           published=None if i % 11 == 5 else day.isoformat()))
    return out


def _group(tmp_path, articles, batch: int, shared: bool):
    store = Store(tmp_path / f"g{batch}{shared}.db")
    grouper = OnlineGrouper(store.conn) if shared else None
    for i in range(0, len(articles), batch):
        group_batch(store, copy.deepcopy(articles[i:i + batch]), grouper=grouper)
    rows = store.conn.execute("SELECT article_id, event_id, story_id, probability, explanation FROM article_groups "
                              "ORDER BY article_id").fetchall()
    groups = store.conn.execute("SELECT event_id, story_id, articles, vector_sum, members, profile FROM events "
                                "ORDER BY event_id").fetchall()
    store.close()
    return [tuple(r) for r in rows], [tuple(g) for g in groups]


def test_one_grouper_for_the_run_gives_what_a_fresh_one_per_batch_gives(tmp_path):
    articles = _stream()
    fresh = _group(tmp_path, articles, 8, shared=False)
    assert len({row[1] for row in fresh[0]}) > 8  # the stream has many events: the test has teeth
    for batch in (1, 8, 72):
        assert _group(tmp_path, articles, batch, shared=True) == fresh


def test_a_grouper_notices_another_writer_and_reads_the_store_again(tmp_path):
    articles = _stream(24)
    store = Store(tmp_path / "two.db")
    mine, other = OnlineGrouper(store.conn), OnlineGrouper(store.conn)
    group_batch(store, articles[:8], grouper=mine)
    group_batch(store, articles[8:16], grouper=other)  # memory of ``mine`` is now behind the store
    group_batch(store, articles[16:], grouper=mine)
    together = [tuple(r) for r in store.conn.execute(
        "SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY 1")]
    store.close()
    assert together == _group(tmp_path, articles, 8, shared=False)[0]


def test_a_profile_made_by_a_worker_equals_one_made_by_the_grouper():
    embedder = get_embedder()
    for art in _stream(6):
        prepared = copy.deepcopy(art)
        prepare_profile(prepared)
        here = profile_articles([art], embedder)[art.id]
        there = prepared.derived["profile"]
        assert np.array_equal(here.vector, there.vector)
        assert (here.terms, here.names, here.numbers, here.when_day, here.when_weekday) == \
            (there.terms, there.names, there.numbers, there.when_day, there.when_weekday)


def test_what_a_worker_derives_comes_back_through_pickle_unchanged():
    """Profiles and MinHash signatures travel from the workers as plain values (their own
    ``__getstate__`` / ``__reduce__``): every field, its type and its order must survive."""
    import dataclasses
    import pickle

    from tests.conftest import SEED_000, SEED_003

    for path in (SEED_000, SEED_003):
        prepared = clean_and_prepare(Article(id=path.stem, raw_text=path.read_text(), published="2023-01-24"))
        profile, signature = prepared.derived["profile"], prepared.derived["minhash"]
        back = pickle.loads(pickle.dumps(prepared))
        again, sig_again = back.derived["profile"], back.derived["minhash"]
        for f in dataclasses.fields(profile):
            a, b = getattr(profile, f.name), getattr(again, f.name)
            assert type(a) is type(b), f.name
            if isinstance(a, np.ndarray):
                assert a.dtype == b.dtype and np.array_equal(a, b) and b.flags.writeable
            else:
                assert a == b, f.name
                if isinstance(a, dict):  # in the same order (sums over them keep it)
                    assert list(a.items()) == list(b.items()), f.name
        assert np.array_equal(signature.values, sig_again.values) and sig_again.values.dtype == np.uint64
        assert sig_again._bands == signature.bands()


def test_a_profile_is_made_again_when_the_outlet_boilerplate_changes_the_text(tmp_path):
    """Lines an outlet repeats go after cleaning, in the driver: what the worker derived from the
    longer text (hash, MinHash, grouping profile) must be dropped, so it is made again."""
    footer = "The Harbour Gazette has served the port and its people since 1921."
    records = [{"id": f"h{i}", "title": f"Harbour report {i}", "source": "gazette.example",
                "published": f"2024-05-{i + 1:02d}",
                "text": f"Ship {i} docked at pier {i} with {i + 3} containers of grain on Tuesday morning.\n{footer}"}
               for i in range(5)]
    with storyline.open(tmp_path / "h.db") as db:
        db.ingest([write_jsonl(tmp_path / "h.jsonl", records[:4])])
    late = clean_and_prepare(Article(id="h4", raw_text=records[4]["text"], title=records[4]["title"],
                                     source="gazette.example", published="2024-05-05", input_format="jsonl"))
    assert footer in late.text and "profile" in late.derived
    store = Store(tmp_path / "h.db")
    OutletBoilerplate(store).apply([late])
    store.close()
    assert footer not in late.text
    assert late.derived == {}


def test_grouping_reads_the_store_through_indexes_not_scans(tmp_path):
    """Cost per article must not grow with the store: every query grouping sends while placing a
    batch is answered from an index, never by walking a whole table (the store-wide statistics
    read once per run excepted)."""
    store = Store(tmp_path / "plans.db")
    articles = _stream(24)
    group_batch(store, articles[:16])
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    group_batch(store, articles[16:])  # a fresh grouper: it reads the windows back from the store
    store.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert any("article_groups" in s for s in selects) and any("FROM events" in s for s in selects)
    once_per_run = ("FROM group_terms", "FROM group_state")
    for statement in selects:
        if any(table in statement for table in once_per_run):
            continue
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + statement)]
        assert not [step for step in plan if step.startswith("SCAN")], (statement, plan)
    store.close()


def test_best_first_equals_a_full_sort_with_ties():
    """The partial selection of nearest rows gives exactly what sorting every row gives, ties included."""
    import numpy as np

    from storyline.group.events import best_first

    rng = np.random.default_rng(5)
    for n in (0, 3, 10, 41, 500):
        for k in (1, 6, 10):
            sims = rng.choice([0.1, 0.5, 0.5, 0.9, 0.9, 0.9], size=n) if n % 2 else rng.random(n)
            tiebreak = rng.permutation(n)
            assert best_first(sims, tiebreak, k).tolist() == np.lexsort((tiebreak, -sims))[:k].tolist()
