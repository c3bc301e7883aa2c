"""Fact by fact, what outlets corroborate, contradict, or alone report.

    from storyline.compare import compare
    result = compare(articles, annotations, events={article_id: event_id})
    for fact in result.facts:
        print(fact.status, fact.text, [(e.article_id, e.start, e.end) for e in fact.evidence])

Sentences are aligned by meaning (sentence embeddings, plus shared entities, counted things and dates:
see align.py), then each aligned group is split by attribution: what the outlet itself asserts is kept
apart from what a party claims, and each party's claims apart from every other party's. Within one
attribution, a fact is ``contradicted`` when two independent outlets' sentences disagree on a figure,
a date, an actor or polarity (disagree.py), ``corroborated`` when two or more independent outlets
(sources.py: duplicates and syndicated copies count once) state it, else ``single-source``. Aligned
claims of different parties become ``positions``, shown side by side, never a contradiction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from storyline.annotate.types import Annotations
from storyline.compare.align import THRESHOLDS, align, candidate_pairs
from storyline.compare.disagree import actor_conflicts, disagreements, may_disagree
from storyline.compare.positions import group_positions, party_names, party_sides
from storyline.compare.sources import outlet, source_groups
from storyline.compare.units import Unit, article_units
from storyline.model import Article

STATUSES = ("contradicted", "corroborated", "single-source")
COPY_SIMILARITY = 0.95  # cosine of two sentences that are one text with small edits
MINILM_MAX_SENTENCES = 4000  # above this the fast static model aligns (speed on big stories)


@dataclass
class Evidence:
    """A supporting sentence: article id, character span in ``article.text``, and the words."""

    article_id: str
    outlet: str
    start: int
    end: int
    text: str
    published: str | None = None
    event_id: str | None = None


@dataclass
class Fact:
    fact_id: str
    status: str  # contradicted | corroborated | single-source
    text: str  # the representative sentence (the earliest, most central evidence)
    attribution: str  # "outlet" or "party"
    party: str | None  # party key when attribution is "party"
    party_name: str | None
    stance: str | None
    outlets: list[str]
    independent_sources: int
    evidence: list[Evidence]
    disagreements: list[dict] = field(default_factory=list)  # {kind, values: [..], evidence: [i, j]}
    events: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Plain data, as ``dataclasses.asdict`` gives it (written out: a report converts tens of
        thousands of facts, and asdict's deep copies cost seconds)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["outlets"] = list(self.outlets)
        out["evidence"] = [{f.name: getattr(e, f.name) for f in fields(e)} for e in self.evidence]
        out["disagreements"] = [{"kind": d["kind"], "values": list(d["values"]),
                                 "evidence": [dict(x) for x in d["evidence"]]} for d in self.disagreements]
        out["events"] = list(self.events)
        return out


@dataclass
class Positions:
    """Aligned statements of different parties on one matter, side by side."""

    topic: str  # a representative sentence
    positions: list[dict]  # {side, side_name, party, party_name, stance, fact_id}, one per side


@dataclass
class Comparison:
    facts: list[Fact]
    positions: list[Positions]
    embedder: str
    articles: int

    def by_status(self, status: str) -> list[Fact]:
        return [f for f in self.facts if f.status == status]

    def as_dict(self) -> dict:
        return {"embedder": self.embedder, "articles": self.articles, "facts": [f.as_dict() for f in self.facts],
                "positions": [asdict(p) for p in self.positions]}


def choose_embedder(n_sentences: int, embedder: str = "auto") -> str:
    """MiniLM (contextual, much sharper on paraphrases) up to a few thousand sentences, else the fast
    static model. MiniLM is a declared dependency: a broken install fails loudly, not into worse results."""
    if embedder != "auto":
        return embedder
    return "static" if n_sentences > MINILM_MAX_SENTENCES else "minilm"


def compare(articles: Sequence[Article], annotations: Mapping[str, Annotations | None], *,
            events: Mapping[str, str] | None = None, embedder: str = "auto") -> Comparison:
    """Compare what the given articles say, fact by fact (see the module docstring)."""
    from storyline.compare.vectors import encode, one_blas_thread

    articles = sorted(articles, key=lambda a: a.id)
    ids = {a.id for a in articles}
    kept = [a for a in articles if not (a.duplicate_of and a.duplicate_of in ids)]  # copies add no evidence
    events = dict(events or {})
    units: list[Unit] = []
    for article in kept:
        units.extend(article_units(article, annotations.get(article.id), len(units)))
    name = choose_embedder(len(units), embedder)
    vectors = encode(name, [u.text for u in units]) if units else np.zeros((0, 1), np.float32)
    link = THRESHOLDS.get(name, THRESHOLDS["minilm"])[0]
    pairs = candidate_pairs(vectors, units, min(link - 0.15, COPY_SIMILARITY)) if len(units) > 1 else []
    groups_of = source_groups(articles, *_copied_sentences(units, pairs))
    outlets = {a.id: outlet(a) for a in articles}
    published = {a.id: a.published for a in articles}

    def cosine(i: int, j: int) -> float:
        return float(vectors[i] @ vectors[j])

    facts: list[Fact] = []
    unit_fact: dict[int, Fact] = {}
    groups = align(units, vectors, name, pairs)
    with one_blas_thread():  # many small products
        for group in groups:
            fact = _fact(group, units, vectors, outlets, groups_of, events, published, cosine, link)
            if fact is not None:
                facts.append(fact)
                unit_fact.update({i: fact for i in group})
    for d in actor_conflicts(units, pairs, groups_of):
        for i in (d.a, d.b):
            if i in unit_fact:
                unit_fact[i].status = "contradicted"
                unit_fact[i].disagreements.append(_describe(d, unit_fact[i], units))
    positions = _positions(units, pairs, unit_fact, link, annotations)
    order = {s: i for i, s in enumerate(STATUSES)}
    facts.sort(key=lambda f: (order[f.status], -f.independent_sources, f.evidence[0].article_id, f.evidence[0].start))
    return Comparison(facts, positions, name, len(articles))


def _positions(units: list[Unit], pairs, unit_fact: dict[int, Fact], link: float,
               annotations: Mapping[str, Annotations | None]) -> list[Positions]:
    """Party facts of different sides whose sentences align: one matter, one position per side
    (compare/positions.py)."""
    links: dict[tuple[str, str], float] = {}
    for i, j, c in pairs:
        fa, fb = unit_fact.get(i), unit_fact.get(j)
        if fa is None or fb is None or fa is fb or not fa.party or not fb.party:
            continue
        key = (min(fa.fact_id, fb.fact_id), max(fa.fact_id, fb.fact_id))
        links[key] = max(links.get(key, c), c)
    facts = {f.fact_id: f for f in unit_fact.values() if f.party}
    kept = sorted({fid for key in links for fid in key})
    anns = [annotations[k] for k in sorted(annotations)]
    names = party_names(anns)
    out = []
    for block in group_positions([facts[fid] for fid in kept], links, party_sides(anns), link, names):
        ids = [f.fact_id for f, _, _ in block]
        centre = min(ids, key=lambda x: (-round(sum(links.get((min(x, y), max(x, y)), 0.0) for y in ids), 6), x))
        out.append(Positions(next(f.text for f, _, _ in block if f.fact_id == centre), [
            {"side": side, "side_name": side_name, "party": f.party, "party_name": names.get(f.party, f.party_name),
             "stance": f.stance, "fact_id": f.fact_id} for f, side, side_name in block]))
    out.sort(key=lambda p: min(x["fact_id"] for x in p.positions))
    return out


def _copied_sentences(units: list[Unit], pairs) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Near-verbatim sentence pairs per article pair, and sentences per article (syndication)."""
    from collections import Counter

    sizes = Counter(u.article_id for u in units)
    copied: Counter = Counter()
    for i, j, c in pairs:
        if c >= COPY_SIMILARITY:
            copied[tuple(sorted((units[i].article_id, units[j].article_id)))] += 1
    return dict(copied), dict(sizes)


def _fact(members, units, vectors, outlets, groups_of, events, published, cosine, link) -> Fact | None:
    sources = {groups_of[units[i].article_id] for i in members}
    if len(members) == 1 and not units[members[0]].informative:
        return None
    found = []
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            a, b = units[members[x]], units[members[y]]
            if groups_of[a.article_id] == groups_of[b.article_id] or not may_disagree(a, b):
                continue
            c = cosine(a.index, b.index)
            if c < link - 0.1:
                continue  # only directly similar sentences are compared
            found.extend(disagreements(a, b, c, published))
    status = "contradicted" if found else "corroborated" if len(sources) >= 2 else "single-source"
    # representative: the unit most similar to the others, ties by article id and position
    if len(members) > 1:
        centre = vectors[members].mean(axis=0)
        rep = max(members, key=lambda i: (round(float(vectors[i] @ centre), 6), -units[i].index))
    else:
        rep = members[0]
    first = units[rep]
    evidence = [Evidence(u.article_id, outlets[u.article_id], u.start, u.end, u.text,
                         published[u.article_id], events.get(u.article_id))
                for u in sorted((units[i] for i in members), key=lambda u: (u.article_id, u.start))]
    digest = hashlib.sha1("|".join(f"{e.article_id}:{e.start}" for e in evidence).encode()).hexdigest()[:10]
    fact = Fact(
        f"f-{digest}", status, first.text, "party" if first.party else "outlet", first.party, first.party_name,
        first.stance, sorted({e.outlet for e in evidence}), len(sources), evidence,
        events=sorted({e.event_id for e in evidence if e.event_id}))
    fact.disagreements = [_describe(d, fact, units) for d in found]
    return fact


def _describe(d, fact: Fact, units: list[Unit]) -> dict:
    a, b = units[d.a], units[d.b]
    return {"kind": d.kind, "values": [d.value_a, d.value_b],
            "evidence": [{"article_id": a.article_id, "start": a.start, "end": a.end},
                         {"article_id": b.article_id, "start": b.start, "end": b.end}]}


__all__ = ["STATUSES", "Comparison", "Evidence", "Fact", "Positions", "compare", "choose_embedder"]
