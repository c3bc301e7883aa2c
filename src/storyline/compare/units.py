"""Sentences as comparison units: text, span, and what annotation found inside them.

A unit is one sentence of an article body with the figures, resolved dates, entities and attribution
(the party whose claim or words it reports) that fall inside it. Spans are offsets into
``article.text`` (the cleaned body), so every point in a comparison or summary links back to the
words of an article.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from storyline.annotate.text import annotated_text, sentences
from storyline.annotate.types import Annotations, Figure, TimeRef
from storyline.model import Article

MIN_WORDS = 6
NEGATION = re.compile(r"\b(not|never|no longer|n't|denied|denies|deny|refused to)\b", re.I)
_BOILERPLATE = re.compile(
    r"^(be the first to comment|leave a (reply|comment)|your email address|sign up|subscribe|share this|"
    r"read more|click here|all rights reserved|copyright|follow us)", re.I)


@dataclass
class Unit:
    """One sentence of one article, ready to be compared with the others."""

    index: int  # position in the comparison's list of units
    article_id: str
    order: int  # sentence number in the article body
    start: int  # span in article.text
    end: int
    text: str
    figures: list[Figure] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    party: str | None = None  # normalised party key when the sentence reports a party's claim or words
    party_name: str | None = None
    stance: str | None = None
    anchor_words: dict[int, set[str]] = field(default_factory=dict)  # time index -> words naming what it dates
    figure_words: dict[int, set[str]] = field(default_factory=dict)  # figure index -> words around it

    @property
    def attribution(self) -> str:
        return f"party:{self.party}" if self.party else "outlet"

    @cached_property
    def counted_keys(self) -> frozenset[str]:
        """What the sentence's figures count (``counted_key``), for quick matching."""
        return frozenset(k for k in (counted_key(f) for f in self.figures) if k is not None)

    @cached_property
    def dated_words(self) -> frozenset[str]:
        """The words naming what the sentence's resolved dates are dates of (all of them together)."""
        return frozenset(w for i, t in enumerate(self.times) if t.begin for w in self.anchor_words.get(i, ()))

    @cached_property
    def negated(self) -> bool:
        """The sentence says something did not happen (or denies it)."""
        return bool(NEGATION.search(self.text))

    @property
    def informative(self) -> bool:
        """Worth listing even when no other outlet says it: it carries a figure, a date or a claim."""
        return bool(self.figures or any(t.begin for t in self.times) or self.party or len(self.entities) >= 2)


def party_key(party_id: str | None, party: str | None) -> str | None:
    """One key per party, so "Baku", "Azerbaijan" and "the Azerbaijani side" meet.

    Annotation already maps metonyms to the government's entity; places and governments of the same
    country are folded together here.
    """
    if party_id:
        key = party_id.split(":", 1)[-1]
        key = re.sub(r"^government-of-", "", key)
        return key
    if party:
        return re.sub(r"[^a-z0-9]+", "-", party.lower()).strip("-") or None
    return None


def article_units(article: Article, ann: Annotations | None, start_index: int = 0) -> list[Unit]:
    """The body sentences of ``article`` worth comparing, with their annotations attached."""
    body = article.text
    offset = ann.body_offset if ann is not None else annotated_text(article)[1]
    units: list[Unit] = []
    spans = _Spans(ann) if ann is not None else None
    for order, (a, b) in enumerate(sentences(body)):
        text = body[a:b]
        if len(text.split()) < MIN_WORDS or _BOILERPLATE.match(text):
            continue
        unit = Unit(start_index + len(units), article.id, order, a, b, text)
        if ann is not None:
            _attach(unit, ann, spans, a + offset, b + offset, body, offset)
        units.append(unit)
    return units


class _Spans:
    """An article's figures, times and mentions by start offset, to find those inside a sentence
    without scanning them all for every sentence."""

    def __init__(self, ann: Annotations):
        self.kinds = {name: (items, sorted(range(len(items)), key=lambda k: items[k].start))
                      for name, items in (("figures", ann.figures), ("times", ann.times), ("mentions", ann.mentions))}
        self.starts = {name: [items[k].start for k in order] for name, (items, order) in self.kinds.items()}

    def inside(self, name: str, a: int, b: int) -> list:
        """The items that lie within [a, b], in their original order."""
        items, order = self.kinds[name]
        starts = self.starts[name]
        found = sorted(order[k] for k in range(bisect_left(starts, a), bisect_right(starts, b)) if items[order[k]].end <= b)
        return [items[k] for k in found]


def _attach(unit: Unit, ann: Annotations, spans: _Spans, a: int, b: int, body: str, offset: int) -> None:
    unit.figures = [f for f in spans.inside("figures", a, b) if not _is_year(f)]
    unit.times = [t for t in spans.inside("times", a, b) if t.kind != "duration"]
    for m in spans.inside("mentions", a, b):
        unit.entities.add(m.acts_as or m.entity_id or m.text.lower())
    for i, t in enumerate(unit.times):
        unit.anchor_words[i] = anchor_words(body, t.start - offset, t.end - offset)
    for i, f in enumerate(unit.figures):
        unit.figure_words[i] = figure_context(unit.text, f.start - offset - unit.start, f.end - offset - unit.start)
    for claim in ann.claims:
        lo, hi = (claim.sentence_start, claim.sentence_end) if claim.sentence_end else (claim.start, claim.end)
        if lo < b and hi > a:
            unit.party, unit.party_name, unit.stance = party_key(claim.party_id, claim.party), claim.party, claim.stance
            return
    for quote in ann.quotes:
        if quote.start < b and quote.end > a and (quote.speaker_id or quote.speaker):
            unit.party, unit.party_name, unit.stance = party_key(quote.speaker_id, quote.speaker), quote.speaker, "says"
            return


def _is_year(fig: Figure) -> bool:
    return fig.unit is None and fig.counted is None and 1800 <= fig.value <= 2100 and float(fig.value).is_integer()


_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "from", "since", "by", "to", "for", "and", "or", "that", "which",
    "who", "was", "were", "is", "are", "has", "have", "had", "be", "been", "its", "their", "his", "her", "this",
    "with", "during", "until", "after", "before", "earlier", "later", "last", "next", "as", "it", "reached",
    "signed", "said", "says", "took", "place", "held", "began", "ended", "made",
}


_TIME_NOUNS = {"spring", "summer", "autumn", "fall", "winter", "year", "years", "month", "months", "week", "weeks",
               "day", "days", "morning", "evening", "night", "weekend", "season", "decade", "time", "period"}


def anchor_words(body: str, start: int, end: int) -> set[str]:
    """What a date is the date *of*, when it dates one definite thing: the words of the "the ..."
    phrase it closes ("the Russian-brokered agreement from November 2020", "the ceasefire agreement
    reached earlier this year") or the noun it opens ("the 2020 war"). Names and time words are left
    out, and an indefinite happening ("flooded 12 villages in 2019") dates nothing comparable, so
    "Blinken on Monday" / "Blinken on Sunday" and two floods in two years never look like one thing
    with two dates."""
    window = body[max(0, start - 60) : start]
    words: list[str] = []
    if re.search(r"\bthe\s+$", window, re.I):
        words += re.findall(r"[A-Za-z][\w-]*", body[end : end + 25])[:1]
    else:
        the = [m.end() for m in re.finditer(r"\bthe\b", window, re.I)]
        if the:
            words += re.findall(r"[A-Za-z][\w-]*", window[the[-1] :])[:4]
    return {_stem(w.lower()) for w in words if _content(w) and w.lower() not in _TIME_NOUNS}


def _content(word: str) -> bool:
    return not (word[0].isupper() or word.lower() in _STOP or len(word) < 3)


# Words that say what a count is a count *of*, folded to one class each, so "7,000 people died" and
# "claimed the lives of 6,500 people" count the same thing and "home to 120,000 people" does not.
_CLASSES = {
    "death": "died dead death deaths killed killing kill kills lives life toll fatalities perished dying",
    "injury": "injured injuring injuries wounded wounding hurt",
    "population": "home population inhabitants residents live living populated",
    "missing": "missing disappeared unaccounted",
    "displaced": "homeless displaced evacuated fled shelter accommodation",
    "arrest": "arrested detained held custody",
    "money": "worth valued cost costs loot booty stolen",
}
_CLASS_OF = {w: c for c, words in _CLASSES.items() for w in words.split()}


def figure_context(text: str, start: int, end: int) -> set[str]:
    """The words around a figure in its sentence (classes for the usual ones, else stems)."""
    before = re.findall(r"[A-Za-z][\w-]*", text[max(0, start - 50) : start])[-4:]
    after = re.findall(r"[A-Za-z][\w-]*", text[end : end + 50])[:4]
    out = set()
    for w in before + after:
        lw = w.lower()
        if lw in _CLASS_OF:
            out.add(_CLASS_OF[lw])
        elif _content(w):
            out.add(_stem(lw))
    return out


def _stem(word: str) -> str:
    for suffix in ("ments", "ment", "ings", "ing", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def counted_key(fig: Figure) -> str | None:
    """What a figure counts, reduced to its head noun ("Russian peacekeepers" -> "peacekeeper")."""
    if not fig.counted:
        return None
    head = fig.counted.lower().split()[-1]
    return _stem(head) + f"|{fig.unit or ''}"
