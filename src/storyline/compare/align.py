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

from storyline.compare.units import Unit
from storyline.compare.vectors import one_blas_thread

# Per embedder: the score two sentences need to be aligned, and the average a group must keep.
THRESHOLDS = {"minilm": (0.64, 0.55), "static": (0.82, 0.78)}
COMPLETE = {"minilm": 0.45, "static": 0.70}  # no two sentences of a group may be less similar than this
TOP_K = 12  # candidate neighbours looked at per sentence (keeps big stories linear)


def pair_score(a: Unit, b: Unit, cosine: float) -> float:
    """Cosine plus small bonuses for shared entities, counted things and dates."""
    bonus = 0.0
    shared = len(a.entities & b.entities)
    bonus += min(0.06, 0.02 * shared)
    if a.counted_keys & b.counted_keys:
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
    """(i, j, cosine) for sentences of different articles whose cosine is at least ``floor``, keeping
    each sentence's ``TOP_K`` most similar (ties to the lower index: exact and deterministic).

    For the tens of thousands of sentences of a big story this is the cost of a comparison, so:
    only the upper triangle of the similarity matrix is computed, block by block, each block serving
    its rows and, transposed, its columns; and an entry is kept only when it can be among the best
    ``TOP_K`` of its row or of its column, judged against a lower bound of each sentence's TOP_K-th
    best similarity taken from its neighbours in the list (nearby articles), so the exact selection
    at the end sorts a few entries per sentence, not every entry above the floor.
    """
    n = len(units)
    if n < 2:
        return []
    ids: dict[str, int] = {}
    article = np.array([ids.setdefault(u.article_id, len(ids)) for u in units], dtype=np.int64)
    threshold = np.float32(floor)
    if float(threshold) < floor:  # the float32 comparison must keep exactly what float(cosine) >= floor keeps
        threshold = np.nextafter(threshold, np.float32(2.0))
    contiguous = bool(np.all(np.diff(article) >= 0))  # units come article by article (as compare makes them)
    last = np.searchsorted(article, article, side="right")  # one past each unit's article, when contiguous
    # less a margin: the bound's products are computed apart from the main ones and may differ in the last bit
    bound = np.maximum(_kth_best_nearby(vectors, article) - np.float32(1e-5), threshold)
    owners, others, sims = [], [], []
    block = 512
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        part = vectors[lo:hi] @ vectors[lo:].T  # rows lo:hi against columns lo:n
        # each pair once (column > row), and an article does not corroborate itself
        if contiguous:
            for row in range(hi - lo):
                part[row, : max(row + 1, last[lo + row] - lo)] = -1.0
        else:
            part[article[lo:hi, None] == article[None, lo:]] = -1.0
            part[:, : hi - lo][np.tri(hi - lo, dtype=bool)] = -1.0
        wanted = part >= bound[lo:hi, None]
        wanted |= part >= bound[None, lo:]
        r, c = np.divmod(np.flatnonzero(wanted), part.shape[1])  # row-major: by row, then column
        v = part[r, c].astype(np.float64)
        i, j = r + lo, c + lo
        for owner, other in ((i, j), (j, i)):
            keep = _best_per_owner(owner, v)
            owners.append(owner[keep])
            others.append(other[keep])
            sims.append(v[keep])
    owner, other, v = np.concatenate(owners), np.concatenate(others), np.concatenate(sims)
    order = np.lexsort((other, owner))  # sorted by owner, then the other index (ties go to the lower)
    owner, other, v = owner[order], other[order], v[order]
    keep = _best_per_owner(owner, v)
    a, b = np.minimum(owner[keep], other[keep]), np.maximum(owner[keep], other[keep])
    _, first = np.unique(a * n + b, return_index=True)  # sorted by (i, j); a pair kept by both ends once
    return list(zip(a[first].tolist(), b[first].tolist(), v[keep][first].tolist()))


def _kth_best_nearby(vectors: np.ndarray, article: np.ndarray, window: int = 2048) -> np.ndarray:
    """A lower bound of each sentence's TOP_K-th best similarity to other articles' sentences: its
    TOP_K-th best among the sentences around it in the list (-1 when there are fewer). Anything
    below it cannot be among the sentence's TOP_K best."""
    n = len(vectors)
    out = np.full(n, -1.0, dtype=np.float32)
    block = 512
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        a, b = max(0, lo - window), min(n, hi + window)
        part = vectors[lo:hi] @ vectors[a:b].T
        part[article[lo:hi, None] == article[None, a:b]] = -1.0
        if b - a >= TOP_K:
            out[lo:hi] = np.partition(part, b - a - TOP_K, axis=1)[:, b - a - TOP_K]
    return out


def _best_per_owner(owner: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Indices of each owner's ``TOP_K`` highest similarities; ties keep the input order."""
    if len(owner) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(owner * 4.0 + (2.0 - sims), kind="stable")  # by owner, then similarity descending
    ranked = owner[order]
    first = np.searchsorted(ranked, ranked, side="left")
    return order[(np.arange(len(order)) - first) < TOP_K]


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
    with one_blas_thread():
        return _merge(scored, vectors, keep, floor)


def _merge(scored: list[tuple[float, int, int]], vectors: np.ndarray, keep: float, floor: float) -> list[list[int]]:
    """Join groups along the scored links, strongest first, while a group stays tight (see ``align``)."""
    group_of = list(range(len(vectors)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(vectors))}
    stacked: dict[int, np.ndarray] = {}  # a group's member vectors, in member order (made once per merge)
    sums = vectors.astype(np.float64)  # row g: the sum of group g's member vectors
    for _, i, j in scored:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        a, b = members[gi], members[gj]
        # the mean similarity is the dot of the groups' sums over their sizes: a cheap, safe rejection
        # well below the line (the exact float32 check below decides near it)
        if float(sums[gi] @ sums[gj]) / (len(a) * len(b)) < keep - 1e-3:
            continue
        sims = _vectors_of(gi, a, stacked, vectors) @ _vectors_of(gj, b, stacked, vectors).T
        if float(sims.mean()) < keep or float(sims.min()) < floor:
            continue
        keep_id, gone = min(gi, gj), max(gi, gj)
        members[keep_id] = sorted(members[keep_id] + members.pop(gone))
        stacked.pop(gone, None)
        stacked[keep_id] = vectors[members[keep_id]]
        sums[keep_id] = sums[gi] + sums[gj]
        for m in members[keep_id]:
            group_of[m] = keep_id
    return [members[k] for k in sorted(members)]


def _vectors_of(group: int, members: list[int], stacked: dict[int, np.ndarray], vectors: np.ndarray) -> np.ndarray:
    found = stacked.get(group)
    return found if found is not None else vectors[members]
