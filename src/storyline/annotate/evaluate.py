"""Scoring annotations against a hand-checked gold file (tests/gold/seeds.json): precision and recall.

Used by the tests (every item the issue names must be found) and by bench/enrich_bench.py. The
matching rules are written in the gold file's "_about" so a reader can check a score by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from storyline.annotate.types import Annotations


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: Score) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _match(gold: list, predicted: list, same) -> tuple[Score, list, list]:
    """Greedy one-to-one matching in order; returns the score and the unmatched gold and predicted items."""
    left = list(predicted)
    missed = []
    tp = 0
    for g in gold:
        index = next((i for i, p in enumerate(left) if same(g, p)), None)
        if index is None:
            missed.append(g)
        else:
            del left[index]
            tp += 1
    return Score(tp, len(left), len(missed)), missed, left


def score_article(gold: dict, ann: Annotations) -> dict[str, tuple[Score, list, list]]:
    """Per category: (score, gold items missed, predicted items not in gold)."""
    out = {}
    predicted_ids = sorted({m.entity_id for m in ann.mentions if m.entity_id})
    out["entities"] = _match(gold["entities"], predicted_ids, lambda g, p: g == p)
    pairs = sorted({(m.text, m.entity_id) for m in ann.mentions if m.entity_id})
    gold_surfaces = {s for s, _ in gold["mentions"]}
    out["mentions"] = _match([tuple(x) for x in gold["mentions"]], [p for p in pairs if p[0] in gold_surfaces],
                             lambda g, p: g == p)
    roles = sorted({(m.entity_id, m.role) for m in ann.mentions if m.role and m.source != "role"})
    gold_people = {e for e, _ in gold["roles"]}
    out["roles"] = _match([tuple(x) for x in gold["roles"]], [r for r in roles if r[0] in gold_people],
                          lambda g, p: g[0] == p[0] and _norm(g[1]) == _norm(p[1]))
    metonymy = sorted({(m.text, m.acts_as) for m in ann.mentions if m.acts_as})
    out["metonymy"] = _match([tuple(x) for x in gold["metonymy"]], metonymy, lambda g, p: g == p)
    out["times"] = _match(gold["times"], ann.times, lambda g, p: _norm(g[0]) in _norm(p.text) and g[1] == p.value)
    out["figures"] = _match(
        gold["figures"], ann.figures,
        lambda g, p: g[1] == p.value and (g[2] or None) == p.counted and g[3] == p.qualifier,
    )
    out["quotes"] = _match(
        gold["quotes"], ann.quotes,
        lambda g, p: g[0] == p.kind and _norm(p.text).startswith(_norm(g[1])) and g[2] == p.speaker_id,
    )
    out["claims"] = _match(
        gold["claims"], ann.claims,
        lambda g, p: g[0] == p.party_id and g[1] == p.stance and _norm(g[2]) in _norm(p.text),
    )
    out["event_date"] = _match([gold["event_date"]], [ann.event_date], lambda g, p: g == p)
    return out


def quote_verbs(gold: dict, ann: Annotations) -> Counter:
    """Of the gold quotes found, how many have the gold speech verb ("right") or another ("wrong")."""
    counts: Counter = Counter()
    for g in gold["quotes"]:
        for p in ann.quotes:
            if g[0] == p.kind and _norm(p.text).startswith(_norm(g[1])) and g[2] == p.speaker_id:
                counts["right" if p.verb == g[3] else "wrong"] += 1
                break
    return counts
