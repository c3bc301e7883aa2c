"""Which articles count as independent outlets.

Two articles are one voice when they come from the same outlet, when one is a stored duplicate of the
other, or when they share enough identical sentences to be copies of one wire story (syndication).
Articles with no outlet name or web address stand for themselves.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from storyline.annotate.text import sentences
from storyline.model import Article

SHARED_SENTENCES = 3  # identical sentences that make two articles copies of one text
SHARED_FRACTION = 0.5  # ... or this share of the shorter article's sentences


def outlet(article: Article) -> str:
    """The outlet name shown to users: the source, the web domain, or the article itself."""
    if article.source:
        return article.source.strip().lower()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        host = re.sub(r"^www\.", "", host)
        if host:
            return host
    return f"article {article.id}"


def source_groups(articles: Sequence[Article], copied: dict[tuple[str, str], int] | None = None,
                  sizes: dict[str, int] | None = None) -> dict[str, str]:
    """article id -> id of its independent-source group (the smallest article id of the group).

    ``copied`` counts near-verbatim sentence pairs between two articles (found by the caller with
    sentence embeddings, which see through "center"/"centre" edits); ``sizes`` the sentences compared
    per article. Enough copied sentences make two articles one syndicated text.
    """
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    by_outlet: dict[str, str] = {}
    for a in sorted(articles, key=lambda a: a.id):
        key = outlet(a)
        if key in by_outlet:
            union(a.id, by_outlet[key])
        else:
            by_outlet[key] = a.id
        if a.duplicate_of and a.duplicate_of in parent:
            union(a.id, a.duplicate_of)
    sentence_sets = {a.id: _sentence_hashes(a.text) for a in articles}
    owners: dict[str, list[str]] = defaultdict(list)
    for aid in sorted(sentence_sets):
        for h in sentence_sets[aid]:
            owners[h].append(aid)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for ids in owners.values():
        if 1 < len(ids) <= 50:
            for i, x in enumerate(ids):
                for y in ids[i + 1 :]:
                    shared[(x, y)] += 1
    for pair, n in (copied or {}).items():
        shared[tuple(sorted(pair))] = max(shared[tuple(sorted(pair))], n)
    sizes = sizes or {}
    for (x, y), n in sorted(shared.items()):
        if (x, y) in (copied or {}) or (y, x) in (copied or {}):
            smaller = max(1, min(sizes.get(x, 1), sizes.get(y, 1)))
            if n >= SHARED_SENTENCES or n / smaller >= SHARED_FRACTION:
                union(x, y)
            continue
        smaller = max(1, min(len(sentence_sets[x]), len(sentence_sets[y])))
        if n >= SHARED_SENTENCES or n / smaller >= SHARED_FRACTION:
            union(x, y)
    return {aid: find(aid) for aid in parent}


@lru_cache(maxsize=4096)
def _sentence_hashes(text: str) -> frozenset[str]:
    """Normalised long sentences of a text (cached: a report groups sources per event and per story)."""
    out = set()
    for a, b in sentences(text):
        norm = " ".join(re.findall(r"\w+", text[a:b].lower()))
        if len(norm.split()) >= 8:
            out.add(norm)
    return frozenset(out)
