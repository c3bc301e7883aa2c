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
_WEEKDAYS = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
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
    weekdays: frozenset[str]  # weekdays the lead mentions ("on Sunday"): the happening's own day
    day: int | None  # published date as a day number, None when unknown
    source: str | None
    short: bool  # a headline only (few words): the signals read differently
    # set by ``prepare`` once per article, against the term statistics of the moment:
    weights: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    name_weight: float = 0.0

    def prepare(self, stats: TermStats) -> None:
        """Weigh terms and names by the current IDF (once per article, reused for every candidate)."""
        self.weights = {t: c * stats.idf(t) for t, c in self.terms.items()}
        self.norm = math.sqrt(sum(w * w for w in self.weights.values()))
        self.name_weight = sum(stats.idf("@" + n) for n in self.names)


def profile_article(article_id: str, title: str | None, text: str, published: str | None,
                    source: str | None, vector: np.ndarray) -> ArticleProfile:
    lead = lead_text(title, text)
    words = [w.lower() for w in _WORD.findall(lead)]
    terms = Counter(w for w in words if len(w) > 2 and w not in _STOP)
    names = frozenset(n.lower() for n in _NAME.findall(lead) if n.lower() not in _STOP and len(n) > 1)
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(lead))
    weekdays = frozenset(w for w in words if w in _WEEKDAYS)
    return ArticleProfile(
        article_id=article_id,
        vector=vector,
        terms=terms,
        names=names,
        numbers=numbers,
        weekdays=weekdays,
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
    weekdays: Counter = field(default_factory=Counter)
    first_day: int | None = None
    last_day: int | None = None
    size: int = 0
    parent: str | None = None  # an event's story
    term_norm: float = 0.0  # TF-IDF norm of ``terms``, with the IDF of its last update (part of the state)
    centroid: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.centroid is None:
            self._update_centroid()

    def _update_centroid(self) -> None:
        norm = float(np.linalg.norm(self.vector_sum))
        self.centroid = (self.vector_sum / norm if norm else self.vector_sum).astype(np.float32)

    def add(self, art: ArticleProfile, stats: TermStats) -> None:
        self.vector_sum = self.vector_sum + art.vector.astype(np.float64)
        self._update_centroid()
        self.members = (self.members + [art.vector])[-MAX_MEMBERS:]
        self.terms.update(art.terms)
        if len(self.terms) > MAX_PROFILE_TERMS:
            self.terms = _top(self.terms, MAX_PROFILE_TERMS)
        self.names.update(art.names)
        if len(self.names) > MAX_PROFILE_TERMS:
            self.names = _top(self.names, MAX_PROFILE_TERMS)
        self.numbers.update(art.numbers)
        if len(self.numbers) > MAX_PROFILE_TERMS:
            self.numbers = _top(self.numbers, MAX_PROFILE_TERMS)
        self.weekdays.update(art.weekdays)
        if art.day is not None:
            self.first_day = art.day if self.first_day is None else min(self.first_day, art.day)
            self.last_day = art.day if self.last_day is None else max(self.last_day, art.day)
        self.size += 1
        idf = stats.idf
        self.term_norm = math.sqrt(sum((c * idf(t)) ** 2 for t, c in self.terms.items()))

    @classmethod
    def empty(cls, group_id: str, dim: int, parent: str | None = None) -> GroupProfile:
        return cls(group_id, np.zeros(dim, dtype=np.float64), parent=parent)


def _top(counts: Counter, n: int) -> Counter:
    return Counter(dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]))


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
    "cos_centroid", "cos_nearest", "cos_mean", "names_mean", "knn_votes", "knn_first", "tfidf_cos", "names_shared", "names_cover", "numbers_shared",
    "weekday_same", "weekday_conflict", "days_apart", "undated", "log_size", "short", "short_x_cos",
    "short_x_tfidf", "short_x_names",
)


@dataclass(frozen=True)
class Neighbours:
    """What the article's nearest earlier articles say about one group."""

    votes: float = 0.0  # share of the nearest articles that belong to the group
    best: float = -1.0  # cosine to the group's nearest member among them
    first: bool = False  # the single nearest article belongs to the group


NO_NEIGHBOURS = Neighbours()


def pair_features(art: ArticleProfile, group: GroupProfile, stats: TermStats,
                  near: Neighbours = NO_NEIGHBOURS) -> dict[str, float]:
    """The named signals of one (article, group) pair; ``art.prepare(stats)`` must have run."""
    cos_centroid = float(np.dot(art.vector, group.centroid))
    cos_nearest = max(float(np.dot(art.vector, m)) for m in group.members) if group.members else cos_centroid
    cos_nearest = max(cos_nearest, near.best)
    terms = group.terms
    dot = sum(w * terms[t] * stats.idf(t) for t, w in art.weights.items() if t in terms)
    tfidf = dot / (art.norm * group.term_norm) if dot and art.norm and group.term_norm else 0.0
    shared = sum(stats.idf("@" + n) for n in art.names if n in group.names)
    names_cover = shared / art.name_weight if art.name_weight else 0.0
    # average-link forms: how much an average member agrees (a merged pair of events does not fool it)
    cos_mean = float(np.dot(art.vector, group.vector_sum)) / group.size
    names_mean = (sum(stats.idf("@" + n) * group.names[n] for n in art.names if n in group.names)
                  / (art.name_weight * group.size)) if art.name_weight else 0.0
    numbers_shared = sum(1 for n in art.numbers if n in group.numbers)
    weekday_same = 1.0 if any(w in group.weekdays for w in art.weekdays) else 0.0
    weekday_conflict = 1.0 if art.weekdays and group.weekdays and not weekday_same else 0.0
    if art.day is not None and group.first_day is not None:
        gap = max(0, group.first_day - art.day, art.day - group.last_day)
        days, undated = math.log1p(gap), 0.0
    else:
        days, undated = 0.0, 1.0
    short = 1.0 if art.short else 0.0
    return {
        "cos_centroid": cos_centroid,
        "cos_nearest": cos_nearest,
        "cos_mean": cos_mean,
        "names_mean": names_mean,
        "knn_votes": near.votes,
        "knn_first": 1.0 if near.first else 0.0,
        "tfidf_cos": tfidf,
        "names_shared": math.log1p(shared),
        "names_cover": names_cover,
        "numbers_shared": math.log1p(numbers_shared),
        "weekday_same": weekday_same,
        "weekday_conflict": weekday_conflict,
        "days_apart": days,
        "undated": undated,
        "log_size": math.log(group.size),
        "short": short,
        "short_x_cos": short * cos_centroid,
        "short_x_tfidf": short * tfidf,
        "short_x_names": short * names_cover,
    }
