"""The similarity signals between a new article and an event (or story) it might belong to.

Each article is reduced to a small profile of its title and lead: a dense embedding, its content
words, its proper-noun tokens (capitalised words: a cheap stand-in for named entities and places),
its numbers (scores, magnitudes, tolls tell two happenings of the same kind apart) and its date.
A group (event or story) keeps the running sum of its members' profiles. ``pairs_signals`` turns
(article, group) pairs into rows of the numbers the learned model weighs; ``pair_features`` names
them, as ``storyline why`` prints them.
"""

from __future__ import annotations

import json
import math
import re
from sys import intern
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, mul
from pathlib import Path

import numpy as np

from storyline.annotate.times import WEEKDAYS, find_times

LEAD_CHARS = 600  # title + this much of the text: where news puts who, what, where and when
DETAIL_CHARS = 1500  # numbers and weekdays are read a little further
MAX_MEMBERS = 8  # member vectors a group keeps for the nearest-member similarity
MAX_PROFILE_TERMS = 100  # terms a group profile keeps (the most frequent; ties by term)
BODY_CHARS = 3000  # names are counted this far into the body: who a report is about, by how often it names them
MAX_BODY_NAMES = 40  # body names a group profile keeps (the most often named)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
# ``\b[A-Z][a-zA-Z'’\-]*[a-zA-Z]\b|\b[A-Z]{2,}\b`` and ``\b\d+(?:[.,]\d+)?\b``, written to start with
# the character class and test the boundary behind it: a pattern that starts with a class lets the
# regex engine jump to the next capital (or digit) instead of trying every position (~2x faster on
# 3,000 characters of body; same matches, tested on every dev set)
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])(?:[a-zA-Z'’\-]*[a-zA-Z]\b|[A-Z]+\b)")
_NUMBER = re.compile(r"\d(?<!\w\d)\d*(?:[.,]\d+)?\b")
_WEEKDAY_NAME = re.compile(r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
FIRST_YEAR, LAST_YEAR = 1950, 2039  # four-digit numbers read as years
STOP_WORDS_PATH = Path(__file__).resolve().parent / "stop_words.txt"
# scikit-learn's ENGLISH_STOP_WORDS (BSD licence), written out by ``bench/write_stop_words.py``:
# importing scikit-learn for them loaded SciPy and pandas too (~2 s and ~100 MB in every process);
# ``tests/test_group.py`` keeps the file equal to scikit-learn's list
_STOP = frozenset(STOP_WORDS_PATH.read_text().split()) | {
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
    title_terms: Counter  # content words of the title alone: the happening in a line
    # sorted tuples, not sets: float sums over them must not depend on the process's hash seed
    names: tuple[str, ...]  # capitalised tokens (lowercased), stop words dropped
    headline_names: tuple[str, ...]  # ... of the title and the first sentence: who the report is about
    numbers: tuple[str, ...]
    weekdays: tuple[str, ...]  # weekdays the lead mentions ("on Sunday"): the happening's own day
    day: int | None  # published date as a day number, None when unknown
    when_day: int | None  # the happening's day as the title or lead states it ("on January 23")
    when_weekday: str | None  # ... or at least its weekday ("on Sunday" in an undated article)
    era: int | None  # the year of the report: published, or else the latest year the text states
    source: str | None
    short: bool  # a headline only (few words): the signals read differently
    # names of the title and body (``BODY_CHARS``) with how often each is named, keyed "@name" as
    # in ``TermStats``: the report's own actors stand out by repetition (Rahman, not Thompson)
    body_names: Counter = field(default_factory=Counter)
    # set by ``prepare`` once per article, against the term statistics of the moment:
    weights: dict[str, float] = field(default_factory=dict)
    term_idf: dict[str, float] = field(default_factory=dict)
    name_idf: dict[str, float] = field(default_factory=dict)
    norm: float = 0.0
    title_norm: float = 0.0
    name_weight: float = 0.0
    body_weights: tuple | None = None  # ``body_name_weights``, made when a model asks (``prepare`` resets it)

    def __getstate__(self) -> tuple:
        """Plain values in field order: a worker sends every profile to the driver, and unpickling
        a Counter or an array through their own reducers cost the driver ~0.05 ms per article."""
        state = self.__dict__
        return tuple(_plain(name, state[name]) for name in _PROFILE_FIELDS)

    def __setstate__(self, state: tuple) -> None:
        values = dict(zip(_PROFILE_FIELDS, state))
        _intern(values)
        dtype, data = values["vector"]
        values["vector"] = np.frombuffer(data, dtype=dtype).copy()
        self.__dict__.update(values)

    def __post_init__(self) -> None:
        _intern(self.__dict__)

    def prepare(self, stats: TermStats) -> None:
        """Weigh terms and names by the current IDF (once per article, reused for every candidate)."""
        self.body_weights = None
        self.term_idf = dict(zip(self.terms, stats.idfs(self.terms)))
        self.name_idf = dict(zip(self.names, stats.idfs(["@" + n for n in self.names])))
        self.weights = dict(zip(self.terms, map(mul, self.terms.values(), self.term_idf.values())))
        weights = self.weights.values()
        self.norm = math.sqrt(sum(map(mul, weights, weights)))
        self.name_weight = sum(self.name_idf.values())
        self.title_norm = stats.norm(self.title_terms)


_PROFILE_FIELDS = tuple(f.name for f in fields(ArticleProfile))
_PROFILE_COUNTERS = ("terms", "title_terms", "body_names")
_PROFILE_TUPLES = ("names", "headline_names", "numbers", "weekdays")


def _plain(name: str, value):
    if name == "vector":
        return value.dtype.str, value.tobytes()
    return dict(value) if name in _PROFILE_COUNTERS else value


def _intern(values: dict) -> None:
    """A profile's words, names and numbers as the process's one copy of each string: the grouping
    looks each up in large dicts (document frequencies, group profiles) ~300 times per article,
    and a look-up that finds the very same string object skips comparing the characters (and
    reading the other copy from memory: an IDF look-up took ~700 ns before)."""
    for name in _PROFILE_COUNTERS:
        values[name] = _counter(values[name])
    for name in _PROFILE_TUPLES:
        values[name] = tuple(map(intern, values[name]))


def _counter(counts: dict) -> Counter:
    """A Counter of ``counts`` in their order, its keys interned, filled in C (``Counter(counts)``
    loops in Python)."""
    out = Counter()
    dict.update(out, zip(map(intern, counts), counts.values()))
    return out


def profile_article(article_id: str, title: str | None, text: str, published: str | None,
                    source: str | None, vector: np.ndarray) -> ArticleProfile:
    lead = lead_text(title, text)
    words, terms, names = words_terms_names(lead)
    title_terms = words_terms_names(title)[1] if title and title.strip() else Counter()
    known = frozenset(names)  # a first sentence may run past the lead
    headline_names = tuple(n for n in names_of(first_sentence(title, text)) if n in known)
    # the happening's specifics (counts, ages, scores, its weekday) often come just after the lead
    detail = (title or "") + "\n" + (text or "")[:DETAIL_CHARS]
    numbers = tuple(sorted({n.replace(",", "") for n in _NUMBER.findall(detail)}))
    weekdays = tuple(sorted({w.lower() for w in _WORD.findall(detail) if w.lower() in WEEKDAYS})) \
        if _WEEKDAY_NAME.search(detail) else ()  # no weekday's name, no weekday word: half the articles
    when_day, when_weekday = happening(lead, published)
    day = day_number(published)
    body = (text or "")[:BODY_CHARS]
    if title and title.strip() and not body.lstrip().startswith(title.strip()):
        body = title + "\n" + body
    return ArticleProfile(
        article_id=article_id,
        vector=vector,
        terms=terms,
        title_terms=title_terms,
        names=names,
        headline_names=headline_names,
        numbers=numbers,
        weekdays=weekdays,
        day=day,
        when_day=when_day,
        when_weekday=when_weekday,
        era=date.fromordinal(day).year if day is not None else stated_year(numbers),
        source=source,
        short=len(words) < 30,
        body_names=Counter("@" + n for n in map(str.lower, _NAME.findall(body)) if len(n) > 1 and n not in _STOP),
    )


def happening(lead: str, published: str | None) -> tuple[int | None, str | None]:
    """The day (and weekday) of the reported happening: the first day-level date the title or lead
    gives, resolved against the publication date ("on Monday" published Tuesday 24 Jan -> 23 Jan).

    Two reports of one call agree on it; the same kind of call weeks later says "on Sunday".
    Without a publication date a weekday is still known, a day only when the text gives the year.
    """
    day = day_number(published)
    anchor = date.fromordinal(day).isoformat() if day is not None else None
    for ref in find_times(lead, anchor, "published", years=False):
        if ref.kind != "date" or ref.granularity != "day":
            continue
        if ref.value:
            when = date.fromisoformat(ref.value)
            return when.toordinal(), _WEEKDAY_NAMES[when.weekday()]
        named = [w for w in _WORD.findall(ref.text) if w.lower() in WEEKDAYS]
        if named:
            return None, named[0].lower()
    return None, None


_WEEKDAY_NAMES = sorted(WEEKDAYS, key=WEEKDAYS.get)


def stated_year(numbers: tuple[str, ...]) -> int | None:
    """The latest year among the numbers: an undated report is at least that recent (two
    earthquakes in one place, years apart, are told apart by the years their reports mention)."""
    years = [int(n) for n in numbers if len(n) == 4 and n.isdigit() and FIRST_YEAR <= int(n) <= LAST_YEAR]
    return max(years) if years else None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n")


def first_sentence(title: str | None, text: str) -> str:
    """The title and the body's first sentence: where a report names who and what it is about."""
    body = (text or "").strip()[:LEAD_CHARS]
    title = (title or "").strip()
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    return title + "\n" + _SENTENCE_END.split(body, maxsplit=1)[0]


def names_of(text: str) -> tuple[str, ...]:
    """The text's proper-noun tokens (capitalised words, lowercased, stop words dropped), sorted."""
    return tuple(sorted({n.lower() for n in _NAME.findall(text) if n.lower() not in _STOP and len(n) > 1}))


def words_terms_names(text: str) -> tuple[list[str], Counter, tuple[str, ...]]:
    """The text's words, its content words (counted) and its proper-noun tokens (sorted)."""
    words = [w.lower() for w in _WORD.findall(text)]
    terms = Counter(w for w in words if len(w) > 2 and w not in _STOP)
    return words, terms, names_of(text)


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
    title_terms: Counter = field(default_factory=Counter)
    titles: int = 0  # members with a title
    names: Counter = field(default_factory=Counter)
    numbers: Counter = field(default_factory=Counter)
    body_names: Counter = field(default_factory=Counter)  # the members' ``body_names`` summed ("@name")
    body_name_norm: float = 0.0  # their TF-IDF norm, with the IDF of the last update (part of the state)
    weekdays: Counter = field(default_factory=Counter)
    when_weekdays: Counter = field(default_factory=Counter)  # the members' happening weekdays
    when_first: int | None = None  # the members' happening days (stated in the text), first and last
    when_last: int | None = None
    era_first: int | None = None  # the members' report years (``ArticleProfile.era``), first and last
    era_last: int | None = None
    first_day: int | None = None
    last_day: int | None = None
    size: int = 0
    parent: str | None = None  # an event's story
    term_norm: float = 0.0  # TF-IDF norm of ``terms``, with the IDF of its last update (part of the state)
    centroid: np.ndarray | None = None
    _members: np.ndarray | None = None  # ``members`` stacked, rebuilt after a change
    _core: tuple | None = None  # ``core_names()``, rebuilt after a change
    _core_numbers: tuple | None = None  # ``core_numbers()``, rebuilt after a change
    _totals: tuple | None = None  # ``totals()``, rebuilt after a change

    def __post_init__(self) -> None:
        if self.centroid is None:
            self._update_centroid()

    @property
    def member_matrix(self) -> np.ndarray:
        if self._members is None:
            self._members = np.array(self.members, dtype=np.float32)  # as np.stack(...).astype: one copy, not two
        return self._members

    def core_names(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The names at least half the members give, and their document-frequency keys: asked of
        every candidate group for every article (``core_names_missed``), so kept until the group
        changes."""
        if self._core is None:
            names = tuple(n for n, c in self.names.items() if 2 * c >= self.size)
            self._core = (names, tuple(intern("@" + n) for n in names))  # interned: see ``ArticleProfile._intern``
        return self._core

    def totals(self) -> tuple[int, int, float]:
        """The weekdays and happening weekdays the members state, and log(size): asked of every
        candidate group for every article (``_pair``), so kept until the group changes."""
        if self._totals is None:
            self._totals = (sum(self.weekdays.values()), sum(self.when_weekdays.values()), math.log(self.size))
        return self._totals

    def core_numbers(self) -> tuple[str, ...]:
        """The numbers at least half the members state (``core_numbers_missed``), kept until the
        group changes."""
        if self._core_numbers is None:
            self._core_numbers = tuple(n for n, c in self.numbers.items() if 2 * c >= self.size)
        return self._core_numbers

    def _update_centroid(self) -> None:
        # ``np.linalg.norm`` of a vector, bit for bit: its own operations, without its checks and dispatch
        norm = float(np.sqrt(self.vector_sum.dot(self.vector_sum)))
        self.centroid = (self.vector_sum / norm if norm else self.vector_sum).astype(np.float32)

    def add(self, art: ArticleProfile, stats: TermStats, *, body_names: bool = True, norms: bool = True) -> None:
        """Count the article in. ``body_names=False`` for stories: only the event model compares
        the names bodies repeat (``names_body_cos``), and each update costs a norm. ``norms=False``:
        the norms are left for ``add_all`` to compute."""
        self.vector_sum = self.vector_sum + art.vector.astype(np.float64)
        self._update_centroid()
        self.members = (self.members + [art.vector])[-MAX_MEMBERS:]
        self._members = self._core = self._core_numbers = self._totals = None
        _add_counts(self.terms, art.terms)
        if len(self.terms) > MAX_PROFILE_TERMS:
            _keep_top(self.terms, MAX_PROFILE_TERMS)
        if art.title_terms:
            self.titles += 1
            _add_counts(self.title_terms, art.title_terms)
            if len(self.title_terms) > MAX_PROFILE_TERMS:
                _keep_top(self.title_terms, MAX_PROFILE_TERMS)
        self.names.update(art.names)
        if len(self.names) > MAX_PROFILE_TERMS:
            _keep_top(self.names, MAX_PROFILE_TERMS)
        self.numbers.update(art.numbers)
        if len(self.numbers) > MAX_PROFILE_TERMS:
            _keep_top(self.numbers, MAX_PROFILE_TERMS)
        if body_names and art.body_names:
            _add_counts(self.body_names, art.body_names)
            if len(self.body_names) > MAX_BODY_NAMES:
                _keep_top(self.body_names, MAX_BODY_NAMES)
            if norms:
                self.body_name_norm = stats.norm(self.body_names)
        self.weekdays.update(art.weekdays)
        if art.when_weekday:
            self.when_weekdays[art.when_weekday] += 1
        # the ranges widened by comparisons, not ``min`` and ``max`` (~0.3 µs a call: see ``_pair``)
        day = art.when_day
        if day is not None:
            if self.when_first is None or day < self.when_first:
                self.when_first = day
            if self.when_last is None or day > self.when_last:
                self.when_last = day
        if art.era is not None:
            if self.era_first is None or art.era < self.era_first:
                self.era_first = art.era
            if self.era_last is None or art.era > self.era_last:
                self.era_last = art.era
        if art.day is not None:
            if self.first_day is None or art.day < self.first_day:
                self.first_day = art.day
            if self.last_day is None or art.day > self.last_day:
                self.last_day = art.day
        self.size += 1
        if norms:
            self.term_norm = stats.norm(self.terms)

    def add_all(self, members: list[ArticleProfile], stats: TermStats, *, body_names: bool = True) -> None:
        """``add`` of each member in turn, with the norms computed once, at the end: the same
        profile, as the statistics do not change in between and each norm is the one of the last
        addition that changed its counts (a repair builds and merges small events so)."""
        for art in members:
            self.add(art, stats, body_names=body_names, norms=False)
        if members:
            self.term_norm = stats.norm(self.terms)
        if body_names and any(art.body_names for art in members):
            self.body_name_norm = stats.norm(self.body_names)

    def remove_all(self, members: list[ArticleProfile], stats: TermStats, *, body_names: bool = True) -> None:
        """Count members out again (a repair moves a small event out of a story that holds other
        events). Not the exact inverse of ``add``: counts pruned away (``MAX_PROFILE_TERMS``) stay
        away, date and era ranges stay as they were, and the vector sum is a float difference; but
        it depends only on the profile and the members, so a grouper that reads the story back
        from the store gets the same profile."""
        gone = Counter(m.vector.astype(np.float32).tobytes() for m in members)
        for art in members:
            self.vector_sum = self.vector_sum - art.vector.astype(np.float64)
            _sub_counts(self.terms, art.terms)
            if art.title_terms:
                self.titles -= 1
                _sub_counts(self.title_terms, art.title_terms)
            _sub_counts(self.names, Counter(art.names))
            _sub_counts(self.numbers, Counter(art.numbers))
            if body_names:
                _sub_counts(self.body_names, art.body_names)
            _sub_counts(self.weekdays, Counter(art.weekdays))
            if art.when_weekday:
                _sub_counts(self.when_weekdays, Counter([art.when_weekday]))
            self.size -= 1
        self.members = [v for v in self.members if not _take_one(gone, np.asarray(v, dtype=np.float32).tobytes())]
        self._members = self._core = self._core_numbers = self._totals = None
        self._update_centroid()
        self.term_norm = stats.norm(self.terms)
        if body_names:
            self.body_name_norm = stats.norm(self.body_names)

    @classmethod
    def empty(cls, group_id: str, dim: int, parent: str | None = None) -> GroupProfile:
        return cls(group_id, np.zeros(dim, dtype=np.float64), parent=parent)


def _add_counts(counts: Counter, more: Counter) -> None:
    """``counts.update(more)`` in C (``Counter.update`` loops in Python over a mapping): a group
    adds every member's words."""
    keys = list(more)
    dict.update(counts, zip(keys, map(add, map(counts.get, keys, repeat(0)), more.values())))


def _sub_counts(counts: Counter, less: Counter) -> None:
    """Take ``less`` from ``counts`` (``GroupProfile.remove_all``), dropping what falls to zero or
    below (a count pruned earlier is not taken again)."""
    for key, value in less.items():
        left = counts.get(key)
        if left is None:
            continue
        if left > value:
            dict.__setitem__(counts, key, left - value)
        else:
            dict.pop(counts, key)


def _take_one(counts: Counter, key: bytes) -> bool:
    """Take one ``key`` from ``counts`` if any is left: a moved member takes one kept vector with
    it, so another member with a byte-identical vector (the same headline from two outlets) stays."""
    if counts[key] > 0:
        counts[key] -= 1
        return True
    return False


def _keep_top(counts: Counter, n: int) -> None:
    """Drop all but the ``n`` most frequent, ties by term, keeping the rest in their order. No
    caller depends on the order (sums over profiles are exact; a profile read back from the store
    comes sorted by term), so only the counts are sorted, and the terms tied at the cut. In place:
    a group prunes its terms at almost every article. The passes over the counts are
    comprehensions (~50 ns a term; ``compress`` over ``map(operator.eq, ...)`` took ~80), and most
    cuts are at the lowest count (new terms come in once), where nothing lies below the cut."""
    values = sorted(counts.values(), reverse=True)
    kth = values[n - 1]
    drop = [t for t, c in counts.items() if c < kth] if kth > values[-1] else []
    if len(values) > n and values[n] == kth:  # a tie at the cut: the first tied terms by term stay
        tied = sorted([t for t, c in counts.items() if c == kth])
        drop += tied[n - values.index(kth):]
    pop = counts.pop  # dict's: ``del`` on a Counter runs Counter.__delitem__, in Python
    for term in drop:
        pop(term)


BACKGROUND_PATH = Path(__file__).resolve().parent / "background_df.json"


@lru_cache(maxsize=1)
def background() -> tuple[int, dict[str, int]]:
    """Document frequencies in a packaged background corpus of general web articles.

    A young store knows too few documents for its own IDF: in three articles on one story,
    "president" and "call" weigh as much as "Lachin". The background adds its documents to the
    store's own counts, so common words weigh little from the first article; the store's counts
    take over as it grows. Built by ``bench/build_background_df.py``.
    """
    data = json.loads(BACKGROUND_PATH.read_text())
    return int(data["documents"]), data["df"]


class TermStats:
    """Document frequencies of the words and names seen so far (inverse document frequency on line),
    on top of the background corpus's."""

    def __init__(self, df: dict[str, int] | None = None, docs: int = 0):
        self.df: dict[str, int] = dict(df or {})
        self.docs = docs
        self.background_docs, self.background_df = background()
        self.changed: set[str] = set()
        # idf = (log(docs + 1) + 1) - log(df + 1): the first term changes with every document, the
        # second only when the token's own count does, so it is memoised per token (no reset).
        self._top = math.log(self.docs + self.background_docs + 1) + 1.0
        self._log_df: dict[str, float] = {}

    def idf(self, token: str) -> float:
        log_df = self._log_df.get(token)
        return self._top - (self._remember_log_df(token) if log_df is None else log_df)

    def idfs(self, tokens: Iterable[str]) -> list[float]:
        """``idf`` of each token, in their order (one loop, no call per token: the hot loop of
        profile updates)."""
        log_df, top, remember = self._log_df, self._top, self._remember_log_df
        return [top - (log_df[t] if t in log_df else remember(t)) for t in tokens]

    def weighted(self, counts: Counter) -> list[float]:
        """count x IDF of each token."""
        return list(map(mul, counts.values(), self.idfs(counts)))

    def norm(self, counts: Counter) -> float:
        """The TF-IDF norm of ``counts`` (``fsum``: exact, so the order of the terms, in memory or
        read back, cannot matter)."""
        weights = self.weighted(counts)
        return math.sqrt(math.fsum(map(mul, weights, weights)))

    def _remember_log_df(self, token: str) -> float:
        value = self._log_df[token] = math.log(self.df.get(token, 0) + self.background_df.get(token, 0) + 1)
        return value

    def add(self, art: ArticleProfile) -> None:
        self._count(art, 1)

    def remove(self, art: ArticleProfile) -> None:
        """Count an article out again: its text was replaced (``OnlineGrouper._unplace``), so the
        statistics are those of the texts the store's groups hold, as if the old one never came."""
        self._count(art, -1)

    def _count(self, art: ArticleProfile, step: int) -> None:
        self.docs += step
        self._top = math.log(self.docs + self.background_docs + 1) + 1.0
        df, remember = self.df, self._remember_log_df
        for token in set(art.terms) | {"@" + n for n in art.names}:
            df[token] = df.get(token, 0) + step
            self.changed.add(token)
            # its memo anew, not dropped: the next articles' profiles and their groups' norms ask
            # for nearly every one, and a miss costs a look-up more
            remember(token)


EVENT_FEATURES = (
    "cos_centroid", "cos_nearest", "cos_mean", "names_mean", "knn_votes", "knn_first", "tfidf_cos", "title_cos", "titled", "names_shared", "names_cover", "numbers_shared",
    "numbers_mean", "weekday_agree", "weekday_conflict", "when_agree", "when_conflict", "when_days_apart", "days_apart", "undated", "log_size", "short", "short_x_cos",
    "short_x_tfidf", "short_x_names",
)
# Signals a model may use (``train_grouping.py --with``), computed only when one does: they cost
# time per candidate (docs/grouping.md, docs/benchmarks.md).
CANDIDATE_FEATURES = ("names_missed", "era_gap", "era_known", "names_novel", "numbers_missed", "names_body_cos",
                      "actor_in_group", "group_actor_in_article")

# How each signal may move the probability of a join, all else equal, where the sign is a matter
# of principle: +1 never lowers it (similarity evidence), -1 never raises it (conflict evidence),
# 0 free. ``train_grouping.py --learner monotone`` fits trees held to these (docs/grouping.md).
DIRECTIONS: dict[str, int] = {
    "cos_centroid": +1,  # the article's embedding closer to the group's centroid
    "cos_nearest": +1,  # ... to its nearest member (or nearest earlier article in it)
    "cos_mean": +1,  # ... to its average member
    "names_mean": +1,  # more of the article's names in more of the members
    "knn_votes": +1,  # more of the nearest earlier articles in the group
    "knn_first": +1,  # the very nearest earlier article is in the group
    "tfidf_cos": +1,  # more shared content words
    "title_cos": +1,  # more shared title words (0 without titles: ``titled`` tells)
    "titled": 0,  # whether titles can be compared at all: a regime, not evidence
    "names_shared": +1,  # more shared proper names (IDF-weighted total)
    "names_cover": +1,  # a larger share of the article's names in the group
    "numbers_shared": +1,  # more shared numbers
    "numbers_mean": +1,  # shared numbers in more of the members
    "weekday_agree": +1,  # the group's reports mention the article's weekdays
    "weekday_conflict": -1,  # ... they mention other weekdays only
    "when_agree": +1,  # the stated happening weekday agrees
    "when_conflict": -1,  # ... it differs
    "when_days_apart": -1,  # the stated happening days lie further apart
    "days_apart": -1,  # the publication dates lie further apart
    "undated": 0,  # a date is missing: says nothing either way
    "log_size": 0,  # group size: a larger group draws more joins but dilutes its averages
    "short": 0,  # a headline alone: a regime (its signals are weaker), not evidence
    "short_x_cos": 0,  # interactions: correct the plain signals' weight for headlines, either way
    "short_x_tfidf": 0,
    "short_x_names": 0,
    "names_missed": -1,  # more of the group's core names absent from the article
    "era_gap": 0,  # signed years apart: both signs mean further (the model learns |gap|)
    "era_known": 0,  # whether the years could be compared: a regime, not evidence
    "names_novel": -1,  # more of the article's lead names unknown to the group
    "numbers_missed": -1,  # more of the group's core numbers absent from the article
    "names_body_cos": +1,  # the bodies keep naming the same people
    "actor_in_group": +1,  # the article's most named person is prominent in the group's bodies
    "group_actor_in_article": +1,  # the group's most named person is prominent in the article's body
}


# what tells one happening from another of its story: its own actors, its own numbers
EVENT_ONLY = ("names_missed", "names_novel", "numbers_missed", "names_body_cos", "actor_in_group",
              "group_actor_in_article")


def story_signals(features: tuple[str, ...]) -> tuple[str, ...]:
    """The signals the story model sees. A story's events happen on different days by definition:
    the happening's weekday and day tell events apart, not stories (dates still count, through
    ``days_apart``); nor do its events share their core names or numbers (a story moves on to new
    people, new tolls), nor name the same people first.
    Titles are left out too: the only story-labelled dev set (T17) has none, so their weight could
    not be learned."""
    return tuple(f for f in features if not f.startswith(("weekday_", "when_", "title")) and f not in EVENT_ONLY)


STORY_FEATURES = story_signals(EVENT_FEATURES)


class Neighbours(NamedTuple):
    """What the article's nearest earlier articles say about one group (a named tuple: made for
    every group the neighbours name, ~15 per article, and a frozen dataclass's init costs ~3x)."""

    votes: float = 0.0  # share of the nearest articles that belong to the group
    best: float = -1.0  # cosine to the group's nearest member among them
    first: bool = False  # the single nearest article belongs to the group


NO_NEIGHBOURS = Neighbours()


# The columns of a pair's row (``pairs_signals``), in the order its dict lists them (``pair_features``):
# these, then the candidate signals asked for (``signal_names``)
PAIR_SIGNALS = (
    "cos_centroid", "cos_nearest", "cos_mean", "names_mean", "knn_votes", "knn_first", "tfidf_cos", "title_cos",
    "titled", "names_shared", "names_cover", "numbers_shared", "numbers_mean", "weekday_agree", "weekday_conflict",
    "when_agree", "when_conflict", "when_days_apart", "when_contradicted", "days_apart", "undated", "log_size",
    "short", "short_x_cos", "short_x_tfidf", "short_x_names",
)
WHEN_CONTRADICTED = PAIR_SIGNALS.index("when_contradicted")  # the day rule's column (``events.contradicted``)
# the story rule's columns (``events.unrelated``)
NAMES_SHARED, TFIDF_COS, COS_CENTROID = (PAIR_SIGNALS.index(n) for n in ("names_shared", "tfidf_cos", "cos_centroid"))
# candidate signals computed only when asked (era_gap and era_known come with any), in their columns' order
_ASKED_SIGNALS = ("names_missed", "names_novel", "numbers_missed", "names_body_cos", "actor_in_group",
                  "group_actor_in_article")


@lru_cache(maxsize=None)
def signal_names(candidates: bool | frozenset[str] = False) -> tuple[str, ...]:
    """The names of the columns of ``pairs_signals(..., candidates)``'s rows."""
    if not candidates:
        return PAIR_SIGNALS
    asked = tuple(name for name in _ASKED_SIGNALS if candidates is True or name in candidates)
    return PAIR_SIGNALS + ("era_gap", "era_known") + asked


def pair_features(art: ArticleProfile, group: GroupProfile, stats: TermStats,
                  near: Neighbours = NO_NEIGHBOURS, candidates: bool | frozenset[str] = False) -> dict[str, float]:
    """The named signals of one (article, group) pair; ``art.prepare(stats)`` must have run.
    ``candidates``: also the ``CANDIDATE_FEATURES`` (True: all; a set: those named, the ones a
    model uses: they cost time)."""
    return pairs_features(art, [group], stats, [near], candidates)[0]


def pairs_features(art: ArticleProfile, groups: list[GroupProfile], stats: TermStats,
                   nears: list[Neighbours], candidates: bool | frozenset[str] = False) -> list[dict[str, float]]:
    """``pair_features`` of the article with each group: ``pairs_signals``' rows, named."""
    names = signal_names(candidates)
    return [dict(zip(names, row)) for row in pairs_signals(art, groups, stats, nears, candidates)]


def pairs_signals(art: ArticleProfile, groups: list[GroupProfile], stats: TermStats,
                  nears: list[Neighbours], candidates: bool | frozenset[str] = False,
                  undated_only: frozenset[str] = frozenset()) -> list[list[float]]:
    """The signals of the article with each group, a row of values each, in the order of
    ``signal_names(candidates)``. Rows, not dicts: the grouper scores ~10 candidates per article
    and shows the signals of one or two (``events._explain``), so it names only those. The
    cosines of all groups in one matrix product each (one product per pair cost more than the
    rest of the signals). ``undated_only``: candidate signals a model reads only in undated pairs
    (``model.UndatedFullModel``'s second trees), computed there only and 0.0 in a dated pair's row
    (the model never reads them there; the trainer's replays record them everywhere)."""
    if not groups:
        return []
    vector = art.vector
    # the products keep their shapes (k rows x the vector): a BLAS result may change in the last bit
    # with the shape. One group (a repair asks one at a time) as views, not copies: the same
    # products without np.stack's cost (``tests/test_exact_fast_paths.py`` compares the forms)
    if len(groups) == 1:
        cos_centroids = (groups[0].centroid[None] @ vector).tolist()
        cos_means = (groups[0].vector_sum[None] @ vector.astype(np.float64)).tolist()
    else:
        cos_centroids = (np.array([g.centroid for g in groups]) @ vector).tolist()
        # average-link form: how much an average member agrees (a merged pair of events does not fool it)
        cos_means = (np.array([g.vector_sum for g in groups]) @ vector.astype(np.float64)).tolist()
    cos_members = list(cos_centroids)  # the nearest member's cosine (a group read back without members: its centroid's)
    with_members = [i for i, g in enumerate(groups) if g.members]
    if len(with_members) == 1:
        # ``np.maximum.reduce``: ``.max()`` without its Python wrapper (a repair's second looks ask one group)
        cos_members[with_members[0]] = float(np.maximum.reduce(groups[with_members[0]].member_matrix @ vector))
    elif with_members:
        matrices = [groups[i].member_matrix for i in with_members]
        starts = list(accumulate([len(m) for m in matrices[:-1]], initial=0))
        for i, best in zip(with_members, np.maximum.reduceat(np.concatenate(matrices) @ vector, starts).tolist()):
            cos_members[i] = best
    asked = signal_names(candidates)[len(PAIR_SIGNALS) + 2:] if candidates else None
    return [
        _pair(art, g, stats, near, cos_centroid, cos_member, cos_mean / g.size, asked, undated_only)
        for g, near, cos_centroid, cos_member, cos_mean in zip(groups, nears, cos_centroids, cos_members, cos_means)
    ]


def _pair(art: ArticleProfile, group: GroupProfile, stats: TermStats, near: Neighbours, cos_centroid: float,
          cos_members: float, cos_mean: float, asked: tuple[str, ...] | None,
          undated_only: frozenset[str] = frozenset()) -> list[float]:
    """One pair's row (``PAIR_SIGNALS``, then the candidate signals when ``asked`` is not None).

    Run ~10 times per article and again in the repair's second looks: written without the
    builtins ``max``, ``min`` and ``sum`` on two or three values and without small comprehensions,
    which cost ~0.3 µs a call each (as much as ten comparisons); the same values, in the same
    order (``sum`` of floats adds them one by one from 0, as the loops here do)."""
    best = near.best
    cos_nearest = best if best > cos_members else cos_members  # max(cos_members, best)
    terms = group.terms
    term_idf, name_idf, weights = art.term_idf, art.name_idf, art.weights
    # over the shared terms only; fsum: exact, so their order cannot matter
    dot = math.fsum([weights[t] * terms[t] * term_idf[t] for t in weights.keys() & terms.keys()])
    tfidf = dot / (art.norm * group.term_norm) if dot and art.norm and group.term_norm else 0.0
    titled = 1.0 if art.title_terms and group.titles else 0.0
    title_cos = _title_cosine(art, group.title_terms, stats) if titled else 0.0
    names = group.names
    shared = shared_members = 0  # over the names both give, in the article's order
    for n in art.names:
        if n in names:
            idf = name_idf[n]
            shared += idf
            shared_members += idf * names[n]
    names_cover = shared / art.name_weight if art.name_weight else 0.0
    names_mean = shared_members / (art.name_weight * group.size) if art.name_weight else 0.0
    numbers = group.numbers
    common_numbers = numbers_members = 0
    for n in art.numbers:
        if n in numbers:
            common_numbers += 1
            numbers_members += numbers[n]
    numbers_mean = numbers_members / (len(art.numbers) * group.size) if art.numbers else 0.0
    weekday_total, when_total, log_size = group.totals()
    both_weekdays = 1.0 if art.weekdays and weekday_total else 0.0
    weekday_agree = (sum([group.weekdays[w] for w in art.weekdays if w in group.weekdays]) / weekday_total
                     if both_weekdays else 0.0)
    when_agree = group.when_weekdays[art.when_weekday] / when_total if art.when_weekday and when_total else 0.0
    if art.when_day is not None and group.when_first is not None:
        when_days_apart = math.log1p(max(0, group.when_first - art.when_day, art.when_day - group.when_last))
    else:
        when_days_apart = 0.0
    if art.day is not None and group.first_day is not None:
        before, after = group.first_day - art.day, art.day - group.last_day
        gap = before if before > after else after
        days = math.log1p(gap if gap > 0 else 0)  # max(0, before, after)
        undated = 0.0
    else:
        days, undated = 0.0, 1.0
    short = 1.0 if art.short else 0.0
    row = [
        cos_centroid, cos_nearest, cos_mean, names_mean, near.votes, 1.0 if near.first else 0.0, tfidf, title_cos,
        titled, math.log1p(shared), names_cover, math.log1p(common_numbers), numbers_mean, weekday_agree,
        both_weekdays * (1.0 - (weekday_agree if weekday_agree < 1.0 else 1.0)),  # weekday_conflict
        when_agree, 1.0 - when_agree if art.when_weekday and when_total else 0.0,  # when_conflict
        when_days_apart, 1.0 if contradicts_day(art, group, stats, when_total) else 0.0,  # when_contradicted
        days, undated, log_size, short, short * cos_centroid, short * tfidf, short * names_cover,
    ]
    if asked is not None:
        row += _candidate_row(art, group, stats, asked, undated_only if undated == 0.0 else _NOTHING)
    return row


_NOTHING: frozenset[str] = frozenset()

DAY_SLACK = 1  # days a stated happening day may differ from the event's and still be the same day
ACTORS_MISSED = 0.75  # share of the event's core names an article must lack to be about other actors


def contradicts_day(art: ArticleProfile, group: GroupProfile, stats: TermStats, when_total: int) -> bool:
    """The article states another day for its happening than the event's reports agree on (one
    weekday, and a date one of them gives): another happening.

    An undated article states at least its weekday ("on Sunday" against a Monday call), and two
    reports must agree on theirs (one may be wrong). A dated one states its day, two days or more
    from theirs; as ECB+'s reports of one event often date different steps of it ("fired
    Saturday", "announced Monday"), it also has to be about other actors: it lacks most of the
    event's core names (a convoy crossing the corridor on Friday, against the ministers' call of
    Monday)."""
    if not art.when_weekday or group.when_first is None:
        return False
    stated = [w for w, c in group.when_weekdays.items() if c]
    if len(stated) != 1:
        return False
    if art.when_day is None:
        return when_total >= 2 and stated[0] != art.when_weekday
    if group.when_first != group.when_last or abs(art.when_day - group.when_first) <= DAY_SLACK:
        return False
    return core_names_missed(art, group, stats) >= ACTORS_MISSED


def core_names_missed(art: ArticleProfile, group: GroupProfile, stats: TermStats) -> float:
    """The IDF-weighted share of the group's core names (in at least half its members) that the
    article does not name: two happenings of one kind share the actor but not the opponent, the
    victim, the place. 0 for a headline alone: a few words cannot name everyone (and title case
    makes every word a name)."""
    if art.short:
        return 0.0
    core, keys = group.core_names()
    if not core:
        return 0.0
    names = art.name_idf  # keyed by the article's names: a set look-up (``prepare`` ran)
    weights = stats.idfs(keys)
    # fsum: exact, so the order of the group's names (in memory, or read back from the store) cannot matter
    core_weight = math.fsum(weights)
    missed = math.fsum([w for n, w in zip(core, weights) if n not in names])
    return missed / core_weight if core_weight else 0.0


def _candidate_row(art: ArticleProfile, group: GroupProfile, stats: TermStats, asked: tuple[str, ...],
                   skip: frozenset[str] = frozenset()) -> list[float]:
    """The ``CANDIDATE_FEATURES`` of one pair: ``era_gap``, ``era_known``, then those ``asked``
    (in ``signal_names``' order); those in ``skip`` read 0.0, not computed (``pairs_signals``'
    ``undated_only`` for a dated pair)."""
    # years between the report and the group's reports (signed: the article later is positive)
    if art.era is not None and group.era_first is not None:
        later, earlier = art.era - group.era_last, group.era_first - art.era
        gap = (later if later > 0 else 0) - (earlier if earlier > 0 else 0)
        row = [float(-20 if gap < -20 else 20 if gap > 20 else gap), 1.0]  # without max and min: see ``_pair``
    else:
        row = [0.0, 0.0]
    if "names_missed" in asked:
        row.append(core_names_missed(art, group, stats))
    if "names_novel" in asked:
        row.append(headline_names_novel(art, group))
    if "numbers_missed" in asked:
        row.append(core_numbers_missed(art, group))
    if "names_body_cos" in asked:
        row.append(body_names_cosine(art, group, stats))
    if "actor_in_group" in asked or "group_actor_in_article" in asked:
        who = (0.0, 0.0) if "actor_in_group" in skip and "group_actor_in_article" in skip else main_actors(art, group, stats)
        if "actor_in_group" in asked:
            row.append(0.0 if "actor_in_group" in skip else who[0])
        if "group_actor_in_article" in asked:
            row.append(0.0 if "group_actor_in_article" in skip else who[1])
    return row


def main_actors(art: ArticleProfile, group: GroupProfile, stats: TermStats) -> tuple[float, float]:
    """Who each side is most about, asked of the other: (``actor_in_group``, ``group_actor_in_article``).

    The article's most named body name (count x IDF; ties by name) weighed in the group's bodies,
    relative to the group's most named (1: the same main participant); and the group's most named
    weighed in the article's body relative to the article's most named. Two happenings of one
    kind share the team, the place, the title; the one each report keeps naming (Pierre Thomas,
    not Reggie Bush) differs. (0, 0) for a headline alone (title case makes every word a name) or
    when either side keeps no body names. Costs the group's ~40 IDF look-ups per pair (the
    article's side is kept with its body weights)."""
    if art.short or not art.body_names or not group.body_names or not group.body_name_norm:
        return 0.0, 0.0
    weights, _, art_top, art_weight = body_name_weights(art, stats)
    names = group.body_names
    top, top_weight, art_top_count = "", 0.0, 0
    for name, count, idf in zip(names, names.values(), stats.idfs(names)):  # the group's most named
        weight = count * idf
        if weight > top_weight or (weight == top_weight and name < top):
            top, top_weight = name, weight
        if name == art_top:
            art_top_count = count
    in_group = art_top_count * stats.idf(art_top) / top_weight if art_top_count and top_weight > 0 else 0.0
    in_article = weights.get(top, 0.0) / art_weight if art_weight > 0 else 0.0
    return in_group, in_article


def body_name_weights(art: ArticleProfile, stats: TermStats) -> tuple:
    """The article's body names with count x IDF, their norm, and the most named (count x IDF,
    ties by name) with its weight (once per article)."""
    if art.body_weights is None:
        weights = dict(zip(art.body_names, stats.weighted(art.body_names)))
        top, top_weight = min(weights.items(), key=lambda kv: (-kv[1], kv[0])) if weights else ("", 0.0)
        art.body_weights = (weights, math.sqrt(math.fsum(w * w for w in weights.values())), top, top_weight)
    return art.body_weights


def body_names_cosine(art: ArticleProfile, group: GroupProfile, stats: TermStats) -> float:
    """TF-IDF cosine of the names the article's body repeats and those the group's bodies repeat:
    a report of Klitschko against Rahman names Rahman as often as Klitschko, one of the fight
    against Thompson names Thompson; the lead's name sets share Klitschko, the title, the belts.
    0 for a headline alone (title case makes every word a name)."""
    if art.short or not group.body_name_norm or not art.body_names:
        return 0.0
    weights, norm, _, _ = body_name_weights(art, stats)
    names = group.body_names
    shared = [n for n in weights if n in names]
    dot = math.fsum([weights[n] * names[n] * idf for n, idf in zip(shared, stats.idfs(shared))])
    return dot / (norm * group.body_name_norm) if dot and norm else 0.0


def headline_names_novel(art: ArticleProfile, group: GroupProfile) -> float:
    """The IDF-weighted share of the names in the article's title and first sentence that no member
    of the group names: the report is about someone else (Thompson, not Rahman; the Red Sox, not
    the Angels). 0 for a headline alone (title case makes every word a name)."""
    if art.short or not art.headline_names:
        return 0.0
    idf, names = art.name_idf, group.names
    total = novel = 0  # sums in the names' order, as ``sum`` adds them
    for n in art.headline_names:
        weight = idf[n]
        total += weight
        if n not in names:
            novel += weight
    return novel / total if total else 0.0


def core_numbers_missed(art: ArticleProfile, group: GroupProfile) -> float:
    """The share of the group's core numbers (in at least half its members, a group of two or more)
    that the article, stating numbers of its own, does not state: two quakes of one place differ
    in magnitude (5.6, 6.1), two fights in the round, two crashes in the toll."""
    if art.short or not art.numbers or group.size < 2:
        return 0.0
    core = group.core_numbers()
    if not core:
        return 0.0
    numbers = art.numbers  # a few: a tuple's look-up costs less than making a set each pair
    missed = 0
    for n in core:
        if n not in numbers:
            missed += 1
    return missed / len(core)


def _title_cosine(art: ArticleProfile, titles: Counter, stats: TermStats) -> float:
    """TF-IDF cosine of the article's title to a group's titles (the article's norm from ``prepare``)."""
    idf = stats.idf
    dot = sum(c * titles[t] * idf(t) ** 2 for t, c in sorted(art.title_terms.items()) if t in titles)
    if not dot:
        return 0.0
    return dot / (art.title_norm * stats.norm(titles))
