"""Candidate sentences for summaries, with their spans and resolved day-level dates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storyline.annotate.text import annotated_text, sentences
from storyline.annotate.types import Annotations, TimeRef
from storyline.model import Article

MIN_WORDS, MAX_WORDS = 6, 70
_DATELINE = re.compile(r"^.{0,200}?\((?:Reuters|AP|AFP|CNN|Xinhua)\)\s*[-–—]+\s*")


@dataclass
class Sentence:
    article_id: str
    order: int  # position in the body
    start: int  # span in article.text
    end: int
    text: str
    days: set[str] = field(default_factory=set)  # day-level dates the sentence names (ISO)

    def cite(self) -> dict:
        return {"article_id": self.article_id, "start": self.start, "end": self.end, "text": self.text}


def article_sentences(article: Article, times: list[TimeRef] | None, body_offset: int | None = None) -> list[Sentence]:
    """The body's usable sentences; ``times`` are offsets into the annotated text (title + body)."""
    body = article.text
    offset = annotated_text(article)[1] if body_offset is None else body_offset
    out = []
    for order, (a, b) in enumerate(sentences(body)):
        m = _DATELINE.match(body, a, b) if order == 0 else None
        if m:  # "By X, Editor WASHINGTON (Reuters) - ..." : keep the sentence after the dateline
            a = m.end()
        text = body[a:b]
        words = len(text.split())
        if words < MIN_WORDS or words > MAX_WORDS:
            continue
        days = {t.value for t in (times or []) if t.kind == "date" and t.granularity == "day" and t.value
                and a + offset <= t.start and t.end <= b + offset}
        out.append(Sentence(article.id, order, a, b, text, days))
    return out


def times_of(article: Article, ann: Annotations | None) -> tuple[list[TimeRef], int, str | None]:
    """An article's resolved times, body offset and event day: stored ones, or found now by the
    annotation's own rules (``find_times``, anchored on the publication date) when not annotated."""
    if ann is not None:
        day = ann.event_date if ann.event_date and len(ann.event_date) == 10 else article.published
        return ann.times, ann.body_offset, day
    from storyline.annotate.times import event_date, find_times

    text, offset = annotated_text(article)
    times = find_times(text, article.published, "published" if article.published else None)
    spans = sentences(text[offset:])
    lead_end = offset + (spans[1][1] if len(spans) > 1 else len(text) - offset)
    day, _ = event_date(times, lead_end, article.published, "published" if article.published else None)
    return times, offset, day if day and len(day) == 10 else article.published
