"""What annotation finds in an article, each item with its character span.

Spans are offsets into the article's *annotated text*: the title, a blank line, then the cleaned body
(``annotated_text(article)``). Title offsets therefore come first; a body offset is ``start - body_offset``
in ``article.text``. Plain dataclasses, like ``storyline.model``, so steps test without a database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Mention:
    """One place an entity is named: "Blinken", "Secretary of State Antony Blinken", "Baku"."""

    start: int
    end: int
    text: str
    kind: str  # person | org | place | group (NORP) | other
    entity_id: str = ""
    role: str | None = None  # title or role kept with the name: "U.S. Secretary of State"
    acts_as: str | None = None  # metonymy: "Baku" acting as the government of Azerbaijan -> that entity id
    source: str = "rule"  # ner | rule | role (a role phrase standing for a person) | alias


@dataclass
class Entity:
    """A canonical entity: one id across mentions and articles."""

    entity_id: str  # "person:antony-blinken", "place:nagorno-karabakh"
    kind: str
    name: str  # the fullest form seen
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass
class TimeRef:
    """A temporal expression resolved against its anchor (publication date, or sibling articles)."""

    start: int
    end: int
    text: str
    kind: str  # date | interval | duration
    value: str | None  # "2023-01-23", "2022-12", "2020", "2022-12-12/2023-01-24", "P1M"; None if unresolved
    begin: str | None = None  # the interval's first day (ISO) when resolved
    until: str | None = None  # the interval's last day (ISO) when resolved
    granularity: str | None = None  # day | week | month | year | decade
    anchor: str | None = None  # "absolute" | "published 2023-01-24" | "siblings 2023-01-24" | None
    qualifier: str | None = None  # approximate | lower | upper (for durations: "over a month")


@dataclass
class Figure:
    """A number with what it counts: "more than 120,000 people" -> 120000, people, lower."""

    start: int
    end: int
    text: str
    value: float
    unit: str | None  # "%", "USD", "month", "year", ... or None for a plain count
    counted: str | None  # "people", "Russian peacekeepers", "mandate"
    qualifier: str | None  # approximate | lower | upper | None (exact)


@dataclass
class Quote:
    """Direct or reported speech with its speaker and speech verb."""

    start: int
    end: int
    text: str  # the words quoted (direct) or the reported clause
    kind: str  # direct | reported
    speaker: str | None  # the speaker's surface text
    speaker_id: str | None  # resolved entity id
    verb: str | None
    cue_start: int | None = None  # span of the attribution ("State Department spokesman Ned Price said")
    cue_end: int | None = None


@dataclass
class Claim:
    """A statement a party makes or holds: "Azerbaijan claims that ...", "Baku refused the claims"."""

    start: int
    end: int
    text: str  # the claim itself
    party: str  # surface text of the party
    party_id: str | None
    stance: str  # asserts | denies | accuses | condemns | supports | demands | characterises
    verb: str
    sentence_start: int = 0
    sentence_end: int = 0
    party_source: str = "mention"  # mention | pronoun ("it claimed ...": resolved to a party named nearby)


@dataclass
class Annotations:
    """Everything annotation found in one article."""

    article_id: str
    body_offset: int  # where article.text starts in the annotated text
    published: str | None
    anchor_date: str | None  # the date relative expressions were resolved against
    anchor_kind: str | None  # published | siblings | None
    event_date: str | None  # when the reported happening took place
    event_date_source: str | None  # the expression it came from, or "published" / "siblings"
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
