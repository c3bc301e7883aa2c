"""Sentences as comparison units: text, span, and what annotation found inside them.

A unit is one sentence of an article body with the figures, resolved dates, entities and attribution
(the party whose claim or words it reports) that fall inside it. Spans are offsets into
``article.text`` (the cleaned body), so every point in a comparison or summary links back to the
words of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyline.annotate.text import annotated_text, sentences
from storyline.annotate.types import Annotations, Figure, TimeRef
from storyline.model import Article

MIN_WORDS = 6
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

    @property
    def attribution(self) -> str:
        return f"party:{self.party}" if self.party else "outlet"

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
    for order, (a, b) in enumerate(sentences(body)):
        text = body[a:b]
        if len(text.split()) < MIN_WORDS or _BOILERPLATE.match(text):
            continue
        unit = Unit(start_index + len(units), article.id, order, a, b, text)
        if ann is not None:
            _attach(unit, ann, a + offset, b + offset, body, offset)
        units.append(unit)
    return units


def _inside(start: int, end: int, a: int, b: int) -> bool:
    return start >= a and end <= b


def _attach(unit: Unit, ann: Annotations, a: int, b: int, body: str, offset: int) -> None:
    unit.figures = [f for f in ann.figures if _inside(f.start, f.end, a, b) and not _is_year(f)]
    unit.times = [t for t in ann.times if _inside(t.start, t.end, a, b) and t.kind != "duration"]
    for m in ann.mentions:
        if _inside(m.start, m.end, a, b):
            unit.entities.add(m.acts_as or m.entity_id or m.text.lower())
    for i, t in enumerate(unit.times):
        unit.anchor_words[i] = anchor_words(body, t.start - offset, t.end - offset)
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


def anchor_words(body: str, start: int, end: int) -> set[str]:
    """Lower-case common words just before a date ("agreement from November 2020") or the noun it
    modifies just after ("the 2020 war"): what the date is the date *of*. Names are left out, so that
    "Blinken on Monday" and "Blinken on Sunday" do not look like two dates of one thing."""
    before = re.findall(r"[A-Za-z][\w-]*", body[max(0, start - 60) : start])[-4:]
    after = re.findall(r"[A-Za-z][\w-]*", body[end : end + 25])[:1]
    words = set()
    for w in before + after:
        if w[0].isupper() or w.lower() in _STOP or len(w) < 3:
            continue
        words.add(_stem(w.lower()))
    return words


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
