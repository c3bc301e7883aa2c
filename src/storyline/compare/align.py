"""Align sentences that state the same thing, across articles, by meaning.

Only sentences with the same attribution are aligned (the outlet's own statements together, each
party's claims together): what a party claims is never merged with what an outlet asserts.
Similarity is the cosine of sentence embeddings (storyline.embed), raised a little when two sentences
share what makes a fact: the entities named, the thing a figure counts, the date. Sentences of one
article are never linked directly (an article does not corroborate itself); groups grow by the
strongest links first and only while the group's average similarity stays high, so one loose link
cannot chain unrelated statements together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.compare.units import Unit, counted_key

# Per embedder: the score two sentences need to be aligned, and the average a group must keep.
THRESHOLDS = {"minilm": (0.64, 0.55), "static": (0.82, 0.78)}
COMPLETE = {"minilm": 0.45, "static": 0.70}  # no two sentences of a group may be less similar than this
TOP_K = 12  # candidate neighbours looked at per sentence (keeps big stories linear)


def pair_score(a: Unit, b: Unit, cosine: float) -> float:
    """Cosine plus small bonuses for shared entities, counted things and dates."""
    bonus = 0.0
    shared = len(a.entities & b.entities)
    bonus += min(0.06, 0.02 * shared)
    ka = {counted_key(f) for f in a.figures} - {None}
    kb = {counted_key(f) for f in b.figures} - {None}
    if ka & kb:
        bonus += 0.04
    if _same_period(a, b):
        bonus += 0.03
    if any(wa & wb for wa in a.anchor_words.values() for wb in b.anchor_words.values()):
        bonus += 0.08  # dates of the same thing ("agreement from November 2020" / "agreement reached ...")
    return cosine + bonus


def _same_period(a: Unit, b: Unit) -> bool:
    for ta in a.times:
        for tb in b.times:
            if ta.begin and tb.begin and ta.begin <= (tb.until or tb.begin) and tb.begin <= (ta.until or ta.begin):
                return True
    return False


def candidate_pairs(vectors: np.ndarray, units: Sequence[Unit], floor: float) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for sentences of different articles whose cosine is at least ``floor``.

    Computed block by block with a top-k per row, so memory stays small for thousands of sentences.
    """
    n = len(units)
    ids: dict[str, int] = {}
    article = np.array([ids.setdefault(u.article_id, len(ids)) for u in units])
    pairs: dict[tuple[int, int], float] = {}
    block = 1024
    for lo in range(0, n, block):
        sims = vectors[lo : lo + block] @ vectors.T
        for r in range(sims.shape[0]):
            i = lo + r
            row = sims[r]
            row[article == article[i]] = -1.0
            k = min(TOP_K, n - 1)
            if k <= 0:
                continue
            top = np.argpartition(-row, k - 1)[:k] if k < n else np.arange(n)
            for j in top:
                c = float(row[j])
                if c >= floor and j != i:
                    key = (min(i, int(j)), max(i, int(j)))
                    pairs[key] = c
    return [(i, j, c) for (i, j), c in sorted(pairs.items())]


def align(units: Sequence[Unit], vectors: np.ndarray, embedder: str,
          pairs: list[tuple[int, int, float]] | None = None) -> list[list[int]]:
    """Groups of unit indices that state the same thing (singletons included), deterministic.

    ``pairs`` are precomputed ``candidate_pairs`` (with a floor at most ``link - 0.15``)."""
    link, keep = THRESHOLDS.get(embedder, THRESHOLDS["minilm"])
    floor = COMPLETE.get(embedder, COMPLETE["minilm"])
    if pairs is None:
        pairs = candidate_pairs(vectors, units, link - 0.15)
    scored = []
    for i, j, c in pairs:
        if c < link - 0.15 or units[i].attribution != units[j].attribution:
            continue  # a party's claim and the outlet's word (or another party's) are never one fact
        s = pair_score(units[i], units[j], c)
        if s >= link:
            scored.append((-s, i, j))
    scored.sort()
    group_of = list(range(len(units)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(units))}
    for _, i, j in scored:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        a, b = members[gi], members[gj]
        sims = vectors[a] @ vectors[b].T
        if float(sims.mean()) < keep or float(sims.min()) < floor:
            continue
        keep_id, gone = min(gi, gj), max(gi, gj)
        members[keep_id] = sorted(members[keep_id] + members.pop(gone))
        for m in members[keep_id]:
            group_of[m] = keep_id
    return [members[k] for k in sorted(members)]
