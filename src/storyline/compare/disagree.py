"""When two aligned statements disagree: figures, dates, actors or polarity.

A false contradiction is the worst error a comparison can make, so every test here is narrow:
figures must count the same thing, in the same period; dates must be dates of the same thing (the
words around them say what they date); a party's claim is only ever compared with the same party's
claim as reported by another outlet, never with the outlet's own statements or another party's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from storyline.compare.units import Unit, counted_key

FIGURE_TOLERANCE = 0.02  # relative difference below which two figures are the same figure
DATE_SLACK_DAYS = 1  # reports a day apart about one day are not a contradiction
POLARITY_SIMILARITY = 0.80
ACTOR_SIMILARITY = 0.92
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass
class Disagreement:
    kind: str  # figure | date | actor | polarity
    a: int  # unit index
    b: int
    value_a: str
    value_b: str


def disagreements(a: Unit, b: Unit, cosine: float, published: dict[str, str | None]) -> list[Disagreement]:
    """What two aligned sentences from independent outlets disagree on (empty when nothing)."""
    if a.attribution != b.attribution:
        return []  # a party's claim against the outlet's word, or two parties: positions, not contradictions
    out = []
    fig = _figure_conflict(a, b, published)
    if fig:
        out.append(Disagreement("figure", a.index, b.index, *fig))
    day = _date_conflict(a, b)
    if day:
        out.append(Disagreement("date", a.index, b.index, *day))
    if cosine >= POLARITY_SIMILARITY and a.negated != b.negated and not a.figures and not b.figures:
        out.append(Disagreement("polarity", a.index, b.index, _polarity(a), _polarity(b)))
    return out


def may_disagree(a: Unit, b: Unit) -> bool:
    """False when ``disagreements`` is sure to find nothing, judged from what each sentence carries:
    no figures counting the same thing, no dates of the same thing, and no polarity to oppose. Big
    aligned groups have hundreds of thousands of pairs; this keeps the full check to the few that can
    disagree."""
    if a.counted_keys & b.counted_keys or a.dated_words & b.dated_words:
        return True
    return not a.figures and not b.figures and a.negated != b.negated


def _polarity(u: Unit) -> str:
    return "negative" if u.negated else "positive"


def _figure_conflict(a: Unit, b: Unit, published: dict[str, str | None]) -> tuple[str, str] | None:
    if not a.counted_keys & b.counted_keys or not _same_time_frame(a, b, published):
        return None
    values_a = {(counted_key(f), f.value) for f in a.figures}
    values_b = {(counted_key(f), f.value) for f in b.figures}
    for ia, fa in enumerate(a.figures):
        key = counted_key(fa)
        if key is None or fa.qualifier == "upper" and fa.value <= 1:
            continue
        for ib, fb in enumerate(b.figures):
            if counted_key(fb) != key:
                continue
            if not (a.figure_words.get(ia, set()) & b.figure_words.get(ib, set())):
                continue  # "killed 10 people" and "home to 120,000 people" count different things
            if _close(fa.value, fb.value):
                continue
            # the same two numbers both present on both sides is not a disagreement
            if (key, fb.value) in values_a or (key, fa.value) in values_b:
                continue
            return fa.text, fb.text
    return None


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= FIGURE_TOLERANCE * max(abs(x), abs(y), 1e-9)


def _same_time_frame(a: Unit, b: Unit, published: dict[str, str | None]) -> bool:
    """Counts can change between reports (a death toll rises) and differ between happenings (this
    quake and the one in February): compare two figures only when the sentences' periods meet. A
    sentence's period is what its resolved dates say, else its article's publication day."""
    pa, pb = _periods(a, published), _periods(b, published)
    if not pa or not pb:
        return False
    return any(not _disjoint(x0, x1, y0, y1) for x0, x1 in pa for y0, y1 in pb)


def _periods(u: Unit, published: dict[str, str | None]) -> list[tuple[str, str]]:
    spans = [(t.begin, t.until or t.begin) for t in u.times if t.begin]
    # a bare year the time annotator did not resolve ("in the spring of 2019") still dates the sentence
    spans += [(f"{y}-01-01", f"{y}-12-31") for y in sorted(set(_YEAR.findall(u.text)))
              if not any(t.begin and t.begin[:4] == y for t in u.times)]
    if spans:
        return spans
    day = published.get(u.article_id)
    return [(day, day)] if day else []


def _date_conflict(a: Unit, b: Unit) -> tuple[str, str] | None:
    if not a.dated_words & b.dated_words:
        return None
    for i, ta in enumerate(a.times):
        if not ta.begin:
            continue
        for j, tb in enumerate(b.times):
            if not tb.begin:
                continue
            if not (a.anchor_words.get(i, set()) & b.anchor_words.get(j, set())):
                continue  # not visibly the date of the same thing
            if ta.anchor != "absolute" and tb.anchor != "absolute":
                continue  # two relative dates ("on Thursday"): the resolution, not the outlets, may differ
            if _disjoint(ta.begin, ta.until or ta.begin, tb.begin, tb.until or tb.begin):
                return f"{ta.text} ({_span(ta)})", f"{tb.text} ({_span(tb)})"
    return None


def _span(t) -> str:
    return t.begin if not t.until or t.until == t.begin else f"{t.begin}/{t.until}"


def _disjoint(a0: str, a1: str, b0: str, b1: str) -> bool:
    gap = max((date.fromisoformat(b0) - date.fromisoformat(a1)).days, (date.fromisoformat(a0) - date.fromisoformat(b1)).days)
    return gap > DATE_SLACK_DAYS


def actor_conflicts(units: list[Unit], pairs, groups_of: dict[str, str]) -> list[Disagreement]:
    """The same words put in different mouths: near-verbatim reported speech, different speakers,
    in independent outlets."""
    out = []
    for i, j, c in pairs:
        a, b = units[i], units[j]
        if c < ACTOR_SIMILARITY or groups_of[a.article_id] == groups_of[b.article_id]:
            continue
        if a.stance == "says" and b.stance == "says" and a.party and b.party and a.party != b.party:
            out.append(Disagreement("actor", i, j, a.party_name or a.party, b.party_name or b.party))
    return out
