"""Comparison on the seeds and on small hand-written articles: statuses, evidence, attribution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline
from storyline.annotate import annotate_many
from storyline.compare import compare
from storyline.compare.load import anchor_undated, load_story
from storyline.model import Article
from tests.conftest import SEED_000, SEED_002, SEED_003

GOLD = json.loads((Path(__file__).parent / "gold" / "compare_seeds.json").read_text())["sets"][0]
ID_000, ID_002, ID_003 = (p.stem for p in (SEED_000, SEED_002, SEED_003))


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "seeds.db"
    with storyline.open(path) as db:
        db.ingest([SEED_000, SEED_002, SEED_003], workers=1)
    return path


@pytest.fixture(scope="session")
def seeds_compared(seeds_db):
    """The seeds compared with the gold grouping (000+002 one event, 003 another, one story)."""
    with storyline.open(seeds_db, read_only=True) as db:
        s = load_story(db.store, None)
    events = GOLD["events"]
    anchor_undated(s.articles, s.annotations, events)
    return compare(s.articles, s.annotations, events=events)


def _fact_with(result, article_id: str, phrase: str):
    for fact in result.facts:
        if any(e.article_id == article_id and phrase in e.text for e in fact.evidence):
            return fact
    raise AssertionError(f"no fact has {phrase!r} from {article_id}")


def _covers(fact, gold_fact) -> bool:
    return all(any(e.article_id == g["article_id"] and g["contains"] in e.text for e in fact.evidence)
               for g in gold_fact["evidence"])


@pytest.mark.parametrize("gold_fact", GOLD["facts"], ids=[f["id"] for f in GOLD["facts"]])
def test_seed_fact_statuses_match_the_gold(seeds_compared, gold_fact):
    first = gold_fact["evidence"][0]
    fact = _fact_with(seeds_compared, first["article_id"], first["contains"])
    assert _covers(fact, gold_fact), [(e.article_id, e.text[:60]) for e in fact.evidence]
    assert fact.status == gold_fact["status"]
    if "kind" in gold_fact:
        assert gold_fact["kind"] in {d["kind"] for d in fact.disagreements}


def test_war_dead_contradiction_cites_both_sentences_with_spans(seeds_db, seeds_compared):
    fact = _fact_with(seeds_compared, ID_002, "Close to 7,000 people died")
    with storyline.open(seeds_db, read_only=True) as db:
        for e in fact.evidence:
            assert db.article(e.article_id).text[e.start : e.end] == e.text
    d = next(d for d in fact.disagreements if d["kind"] == "figure")
    assert sorted(d["values"]) == ["Close to 7,000 people", "more than 6,500 people"]
    assert {x["article_id"] for x in d["evidence"]} == {ID_002, ID_003}


def test_stored_grouping_gives_the_same_seed_statuses(seeds_db):
    """Whatever events/stories the grouping stored, the named statuses hold on the whole database."""
    with storyline.open(seeds_db, read_only=True) as db:
        result = db.compare()
    for gold_fact in GOLD["facts"]:
        first = gold_fact["evidence"][0]
        assert _fact_with(result, first["article_id"], first["contains"]).status == gold_fact["status"]


def test_party_claims_are_kept_apart_from_outlet_facts(seeds_compared):
    for fact in seeds_compared.facts:
        assert fact.attribution in ("outlet", "party")
        assert (fact.party is None) == (fact.attribution == "outlet")
    road = _fact_with(seeds_compared, ID_002, "insists that the road is open")
    assert road.attribution == "party" and road.party == "azerbaijan"
    war = _fact_with(seeds_compared, ID_002, "Close to 7,000 people died")
    assert war.attribution == "outlet"


@pytest.fixture(scope="session")
def made_up():
    """Small hand-written articles from three outlets, annotated with the real annotator."""
    arts = [
        Article("m1", title="Dam talks stall", source="alpha.example", published="2024-03-05", text=(
            "The government of Freedonia says the dam is safe for the villages downstream.\n"
            "The river flooded 12 villages in the spring of 2019, officials recalled.\n"
            "About 300 engineers work at the dam site near the border.")),
        Article("m2", title="Dam row deepens", source="beta.example", published="2024-03-05", text=(
            "The government of Sylvania says the dam is unsafe for the villages downstream.\n"
            "About 300 engineers work at the dam site near the border.\n"
            "The river flooded 40 villages in the spring of 1998, a local historian said.")),
        Article("m3", title="Dam talks stall", source="gamma.example", published="2024-03-05", duplicate_of="m1",
                text="The government of Freedonia says the dam is safe for the villages downstream."),
    ]
    return arts, {a.article_id: a for a in annotate_many(arts)}


def test_opposing_parties_are_positions_not_contradictions(made_up):
    arts, anns = made_up
    result = compare(arts, anns)
    dam = [f for f in result.facts if "dam is" in f.text]
    assert dam and all(f.status != "contradicted" for f in dam)
    assert all(f.attribution == "party" for f in dam)


def test_opposing_parties_share_one_positions_block_one_entry_each(made_up):
    arts, anns = made_up
    blocks = compare(arts, anns).positions
    dam = [b for b in blocks if "dam is" in b.topic]
    assert len(dam) == 1
    assert [p["side"] for p in dam[0].positions] == ["freedonia", "sylvania"]


def test_seed_positions_are_one_matter_with_each_side_once(seeds_compared):
    assert seeds_compared.positions
    for block in seeds_compared.positions:
        sides = [p["side"] for p in block.positions]
        assert len(sides) == len(set(sides)) >= 2, block
    # Blinken and the State Department spokesmen speak for one side: never positions against each other
    us = [p for b in seeds_compared.positions for p in b.positions if p["side"] == "united-states"]
    assert all(p["party"] in {"antony-blinken", "ned-price", "matthew-miller", "united-states"} for p in us)


@pytest.mark.parametrize("role, side", [
    ("Azerbaijani President", "Azerbaijan"), ("U.S. Secretary of State", "United States"),
    ("State Department spokesman", "United States"), ("EU foreign policy chief", "European Union"),
    ("USAID Director", None), ("Foreign Minister", None)])
def test_a_role_names_the_side_a_person_speaks_for(role, side):
    from storyline.compare.positions import side_of_role

    assert side_of_role(role) == side


def test_a_name_written_with_its_role_is_the_same_party():
    from storyline.compare.positions import name_variants

    assert name_variants(["comedian-ellen-degeneres", "ellen-degeneres", "armenia", "western-armenia"]) == {
        "comedian-ellen-degeneres": "ellen-degeneres"}


def test_different_times_are_not_a_contradiction(made_up):
    arts, anns = made_up
    result = compare(arts, anns)
    flood = [f for f in result.facts if "flooded" in f.text]
    assert flood and all(f.status != "contradicted" for f in flood)


def test_duplicates_count_once_and_independent_outlets_corroborate(made_up):
    arts, anns = made_up
    result = compare(arts, anns)
    engineers = next(f for f in result.facts if "300 engineers" in f.text)
    assert engineers.status == "corroborated" and engineers.independent_sources == 2
    # m3 is a stored duplicate of m1: it adds no evidence and no outlet
    assert all(e.article_id != "m3" for f in result.facts for e in f.evidence)


def test_syndicated_copy_is_one_source(made_up):
    arts, anns = made_up
    copy = Article("m4", title="Dam talks stall", source="delta.example", published="2024-03-05", text=arts[0].text)
    result = compare([arts[0], copy], {**anns, "m4": annotate_many([copy])[0]})
    assert not result.by_status("corroborated") and not result.by_status("contradicted")


def test_comparison_is_deterministic(seeds_db):
    with storyline.open(seeds_db, read_only=True) as db:
        first = db.compare().as_dict()
        second = db.compare().as_dict()
    assert first == second
