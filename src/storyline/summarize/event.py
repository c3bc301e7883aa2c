"""An event's extractive summary: the sentences most central to what all its outlets wrote.

Centrality is the cosine to the mean of every candidate sentence (each article's first sentences,
where news puts what happened), with a small bonus for the lead and for being echoed by another
source; sentences too close to one already chosen are skipped, so the summary does not repeat itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyline.compare.sources import source_groups
from storyline.model import Article
from storyline.summarize.sentences import article_sentences

PER_ARTICLE = 8
REDUNDANT = 0.75
ECHO = 0.65  # cosine at which another source's sentence echoes this one


def summarize_event(articles: Sequence[Article], *, sentences: int = 4, embedder: str = "auto") -> list[dict]:
    """Up to ``sentences`` cited sentences ({article_id, start, end, text}) in reading order."""
    from storyline.compare import choose_embedder
    from storyline.compare.vectors import encode

    ids = {a.id for a in articles}
    arts = sorted((a for a in articles if not (a.duplicate_of and a.duplicate_of in ids)), key=lambda a: a.id)
    pool = [s for a in arts for s in article_sentences(a, None, 0)[:PER_ARTICLE]]
    if not pool:
        return []
    name = choose_embedder(len(pool), embedder)
    mat = encode(name, [s.text for s in pool])
    centre = mat.mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    groups = source_groups(arts)
    keys = {g: i for i, g in enumerate(sorted(set(groups.values())))}
    group = np.array([keys[groups[s.article_id]] for s in pool])
    if len(pool) <= 3000:
        sims = mat @ mat.T
        echoed = np.array([(sims[i][group != group[i]] >= ECHO).any() for i in range(len(pool))], dtype=float)
    else:
        echoed = np.zeros(len(pool))
    score = mat @ centre + 0.05 * echoed + np.array([0.04 if s.order == 0 else 0.0 for s in pool])
    order = sorted(range(len(pool)), key=lambda i: (-round(float(score[i]), 6), pool[i].article_id, pool[i].start))
    picked: list[int] = []
    for i in order:
        if len(picked) >= sentences:
            break
        if any(float(mat[i] @ mat[j]) >= REDUNDANT for j in picked):
            continue
        picked.append(i)
    published = {a.id: a.published or "" for a in arts}
    picked.sort(key=lambda i: (published[pool[i].article_id], pool[i].article_id, pool[i].start))
    return [pool[i].cite() for i in picked]
