"""The similarity signals between a new article and an event (or story) it might belong to.

Each article is reduced to a small profile of its title and lead: a dense embedding, its content
words, its proper-noun tokens (capitalised words: a cheap stand-in for named entities and places),
its numbers (scores, magnitudes, tolls tell two happenings of the same kind apart) and its date.
A group (event or story) keeps the running sum of its members' profiles. ``pair_features`` turns
an (article, group) pair into the named numbers the learned model weighs, and which ``storyline
why`` prints.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

LEAD_CHARS = 600  # title + this much of the text: where news puts who, what, where and when
MAX_MEMBERS = 8  # member vectors a group keeps for the nearest-member similarity
MAX_PROFILE_TERMS = 100  # terms a group profile keeps (the most frequent; ties by term)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]*[a-zA-Z]\b|\b[A-Z]{2,}\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "said", "says", "say", "new", "news", "year", "years", "today", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december", "mr", "mrs", "ms", "dr", "reuters",
    "ap", "afp", "update", "updated", "breaking", "video", "photos", "watch", "live", "report", "reports",
}


def lead_text(title: str | None, text: str) -> str:
    """Title plus the start of the body (the body alone when it already starts with the title)."""
    body = (text or "").strip()
    title = (title or "").strip()
    if title and not body.startswith(title):
        body = title + "\n" + body
    return body[:LEAD_CHARS]


@dataclass
class ArticleProfile:
    article_id: str
    vector: np.ndarray  # unit-length embedding of the lead
    terms: Counter  # content words (lowercased) of the lead
    names: frozenset[str]  # capitalised tokens (lowercased), stop words dropped
    numbers: frozenset[str]
    day: int | None  # published date as a day number, None when unknown
    source: str | None
    short: bool  # a headline only (few words): the signals read differently


def profile_article(article_id: str, title: str | None, text: str, published: str | None,
                    source: str | None, vector: np.ndarray) -> ArticleProfile:
    lead = lead_text(title, text)
    words = [w.lower() for w in _WORD.findall(lead)]
    terms = Counter(w for w in words if len(w) > 2 and w not in _STOP)
    names = frozenset(n.lower() for n in _NAME.findall(lead) if n.lower() not in _STOP and len(n) > 1)
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(lead))
    return ArticleProfile(
        article_id=article_id,
        vector=vector,
        terms=terms,
        names=names,
        numbers=numbers,
        day=day_number(published),
        source=source,
        short=len(words) < 30,
    )


def day_number(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


@dataclass
class GroupProfile:
    """The running profile of an event or a story (sums, so joining is O(profile))."""

    group_id: str
    vector_sum: np.ndarray
    members: list[np.ndarray] = field(default_factory=list)  # the last MAX_MEMBERS member vectors
    terms: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    numbers: Counter = field(default_factory=Counter)
    first_day: int | None = None
    last_day: int | None = None
    size: int = 0
    parent: str | None = None  # an event's story

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return self.vector_sum / norm if norm else self.vector_sum

    def add(self, art: ArticleProfile) -> None:
        self.vector_sum = self.vector_sum + art.vector.astype(np.float64)
        self.members = (self.members + [art.vector])[-MAX_MEMBERS:]
        self.terms.update(art.terms)
        if len(self.terms) > MAX_PROFILE_TERMS:
            kept = sorted(self.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PROFILE_TERMS]
            self.terms = Counter(dict(kept))
        self.names.update(art.names)
        self.numbers.update(art.numbers)
        if art.day is not None:
            self.first_day = art.day if self.first_day is None else min(self.first_day, art.day)
            self.last_day = art.day if self.last_day is None else max(self.last_day, art.day)
        self.size += 1

    @classmethod
    def empty(cls, group_id: str, dim: int, parent: str | None = None) -> GroupProfile:
        return cls(group_id, np.zeros(dim, dtype=np.float64), parent=parent)


class TermStats:
    """Document frequencies of the words and names seen so far (inverse document frequency on line)."""

    def __init__(self, df: dict[str, int] | None = None, docs: int = 0):
        self.df: dict[str, int] = dict(df or {})
        self.docs = docs
        self.changed: set[str] = set()
        self._memo: dict[str, float] = {}  # idf values since the last change of ``docs``

    def idf(self, token: str) -> float:
        value = self._memo.get(token)
        if value is None:
            value = self._memo[token] = math.log((self.docs + 1) / (self.df.get(token, 0) + 1)) + 1.0
        return value

    def add(self, art: ArticleProfile) -> None:
        self.docs += 1
        self._memo.clear()
        for token in set(art.terms) | {"@" + n for n in art.names}:
            self.df[token] = self.df.get(token, 0) + 1
            self.changed.add(token)


EVENT_FEATURES = (
    "cos_centroid", "cos_nearest", "tfidf_cos", "names_shared", "names_cover", "numbers_shared",
    "days_apart", "undated", "log_size", "short", "short_x_cos", "short_x_tfidf", "short_x_names",
)


def pair_features(art: ArticleProfile, group: GroupProfile, stats: TermStats) -> dict[str, float]:
    """The named signals of one (article, group) pair."""
    cos_centroid = float(np.dot(art.vector, group.centroid))
    cos_nearest = max(float(np.dot(art.vector, m)) for m in group.members) if group.members else cos_centroid
    tfidf = _tfidf_cosine(art.terms, group.terms, stats)
    shared_names = art.names & set(group.names)
    name_weight = sum(stats.idf("@" + n) for n in art.names) or 1.0
    names_cover = sum(stats.idf("@" + n) for n in shared_names) / name_weight
    names_shared = math.log1p(sum(stats.idf("@" + n) for n in shared_names))
    numbers_shared = float(len(art.numbers & set(group.numbers)))
    if art.day is not None and group.first_day is not None:
        gap = max(0, group.first_day - art.day, art.day - group.last_day)
        days, undated = math.log1p(gap), 0.0
    else:
        days, undated = 0.0, 1.0
    short = 1.0 if art.short else 0.0
    return {
        "cos_centroid": cos_centroid,
        "cos_nearest": cos_nearest,
        "tfidf_cos": tfidf,
        "names_shared": names_shared,
        "names_cover": names_cover,
        "numbers_shared": math.log1p(numbers_shared),
        "days_apart": days,
        "undated": undated,
        "log_size": math.log(group.size),
        "short": short,
        "short_x_cos": short * cos_centroid,
        "short_x_tfidf": short * tfidf,
        "short_x_names": short * names_cover,
    }


def _tfidf_cosine(a: Counter, b: Counter, stats: TermStats) -> float:
    if not a or not b:
        return 0.0
    idf = stats.idf
    wa = {t: c * idf(t) for t, c in a.items()}
    dot = sum(w * b[t] * idf(t) for t, w in wa.items() if t in b)
    if not dot:
        return 0.0
    na = math.sqrt(sum(w * w for w in wa.values()))
    nb = math.sqrt(sum((c * idf(t)) ** 2 for t, c in b.items()))
    return dot / (na * nb)
