"""Temporal expressions, resolved to dates, intervals or durations against an anchor date.

The anchor is the publication date; an article without one can be anchored later through the articles
of its event (``reanchor``: the grouping step passes their dates in). Rules, not a parser: news uses a
small set of forms ("on Monday", "since December 12", "last week", "earlier this year", "in November
2020", "for over a month now") and rules resolve them the same way every time, at regex speed.
Past is the default reading (news reports what happened); "next"/"will"/"tomorrow" read forward.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from storyline.annotate.figures import word_number
from storyline.annotate.types import TimeRef
from storyline.clean.metadata import MONTHS

WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_NUM = r"(?P<num>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|few)"
_UNIT = r"(?P<unit>day|week|month|year|decade|hour)s?"
_QUAL = r"(?P<qual>more than|over|nearly|almost|about|around|roughly|at least|less than|under|close to)"

# Order matters: the first pattern that matches a stretch of text wins it.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("numeric", re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<year>(?:19|20)?\d\d)\b")),
    ("since_mdy", re.compile(rf"\b(?P<since>since|from)\s+{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?!:)", re.I)),
    ("since_dmy", re.compile(rf"\b(?P<since>since|from)\s+{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b", re.I)),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?![:\d])", re.I)),
    ("dmy", re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("season", re.compile(rf"\b(?P<season>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\s+(?:of\s+)?{_YEAR}\b")),
    ("rel_event", re.compile(r"\b(?:(?:the|a|one)\s+(?P<what>day|night|week|month|year)\s+(?P<dir>before|after|earlier|later)"
                             r"|the\s+(?P<dir2>previous|preceding|following)\s+(?P<what2>day|night|week|month|year)"
                             r"|the\s+(?P<next>next)\s+(?P<what3>day|morning))\b", re.I)),
    ("rel_month", re.compile(rf"\b(?P<rel>(?:earlier|later|early|late|mid-?)\s+in|in|since|last|this|next|by|until|during|early|late|mid-?)\s+{_MONTH}(?!\s+\d)\b", re.I)),
    ("weekday", re.compile(r"\b(?P<rel>on\s+|last\s+|this\s+|next\s+|since\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?P<part>\s+(?:morning|afternoon|evening|night))?\b")),
    ("relative", re.compile(r"\b(?P<rel>earlier|later|last|this|next|past)\s+(?:(?P<this>this)\s+)?(?P<what>week(?:end)?|month|year)\b", re.I)),
    ("deictic", re.compile(r"\b(?P<what>yesterday|today|tomorrow|tonight|this (?:morning|afternoon|evening))\b", re.I)),
    ("duration", None),  # "for over a month now", "three years ago": found from the unit word (_unit_anchored)
    ("year", re.compile(rf"(?<![\d,.$€£-]){_YEAR}(?![\d,]|\.\d|-\d)")),
]
assert PATTERNS[-1][0] == "year"  # find_times(years=False) leaves out the last pattern
_UNIT_WORD = re.compile(r"\b(?:day|week|month|year|decade|hour)s?\b", re.I)
_BEFORE_UNIT = re.compile(
    rf"(?:\b(?P<lead>for|over|during|in|within|the past|the last|past|last)\s+)?(?:{_QUAL}\s+)?\b{_NUM}(?:\s+|-)$", re.I
)
_AFTER_UNIT = re.compile(r"(?P<now>\s+now\b)?(?P<ago>\s+ago\b)?")


class _Found:
    """A match assembled from two regex matches around a unit word (same interface as re.Match here)."""

    def __init__(self, start: int, end: int, text: str, groups: dict):
        self._start, self._end, self._text, self._groups = start, end, text, groups

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, name=0):
        return self._text[self._start : self._end] if name == 0 else self._groups.get(name)

    def groupdict(self) -> dict:
        return dict(self._groups)


def _unit_anchored(text: str):
    """Durations and "N units ago": a cheap search for unit words, then a small regex on the words before."""
    for unit in _UNIT_WORD.finditer(text):
        window_start = max(0, unit.start() - 40)
        before = _BEFORE_UNIT.search(text, window_start, unit.start())
        if not before:
            continue
        after = _AFTER_UNIT.match(text, unit.end())
        groups = {**before.groupdict(), "unit": unit.group().lower().rstrip("s"), "now": after.group("now"),
                  "ago": after.group("ago")}
        yield _Found(before.start(), after.end(), text, groups)


_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TRIGGERS = {
    "since_mdy": ("since", "from"), "since_dmy": ("since", "from"), "mdy": _MONTH_STEMS, "dmy": _MONTH_STEMS,
    "month_year": _MONTH_STEMS, "rel_month": _MONTH_STEMS, "weekday": ("day",), "relative": ("week", "month", "year"),
    "season": ("spring", "summer", "autumn", "fall", "winter"),
    "rel_event": ("before", "after", "earlier", "later", "previous", "preceding", "following", "next"),
    "deictic": ("yesterday", "today", "tomorrow", "tonight", "this "), "iso": ("-",), "numeric": (".",),
}
_WINDOW_TRIGGERS = {
    # at a word's start: "mar" in "market" or "dec" in "decided" opens no window
    "month": re.compile(r"\b(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"),
    "weekday": re.compile(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"),
    "event": re.compile(r"\b(?i:before|after|earlier|later|previous|preceding|following|next)"),
    "season": re.compile(r"\b(?i:spring|summer|autumn|fall|winter)"),
}
_WINDOWED = {"since_mdy": "month", "since_dmy": "month", "mdy": "month", "dmy": "month", "month_year": "month",
             "rel_month": "month", "weekday": "weekday", "rel_event": "event", "season": "season"}


def _windows(trigger: re.Pattern, text: str, before: int = 30, after: int = 30) -> list[tuple[int, int]]:
    """Merged [start, end) windows around each trigger word: where a pattern can possibly match."""
    spans: list[tuple[int, int]] = []
    for m in trigger.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


_FORWARD = re.compile(r"\b(will|next|tomorrow|upcoming|plans? to|scheduled|due to|to appear|expected to)\b", re.I)
_UNIT_CODE = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "Y", "hour": "H"}
_QUALIFIER = {"more than": "lower", "over": "lower", "at least": "lower", "less than": "upper", "under": "upper",
              "nearly": "upper", "almost": "upper", "close to": "approximate", "about": "approximate",
              "around": "approximate", "roughly": "approximate"}


def find_times(text: str, anchor: str | None, anchor_kind: str | None, *, years: bool = True) -> list[TimeRef]:
    """Every temporal expression in ``text``, resolved against ``anchor`` (ISO date) when one is given.

    ``years=False`` leaves out bare years ("in 2009"): their pattern comes last, so the others find
    the same (grouping wants only day-level dates, in every article it reads)."""
    anchor_day = date.fromisoformat(anchor) if anchor else None
    taken = [False] * (len(text) + 1)
    found: list[TimeRef] = []
    lowered = text.lower()
    windows: dict[str, list[tuple[int, int]]] = {}  # per trigger group, found when a pattern first needs it
    for name, pattern in PATTERNS if years else PATTERNS[:-1]:
        if name in _TRIGGERS and not any(map(lowered.__contains__, _TRIGGERS[name])):
            continue  # a substring test is far cheaper than running the pattern
        if pattern is None:
            matches = _unit_anchored(text)
        elif name in _WINDOWED:  # run the pattern only around its trigger words (month names, weekdays)
            group = _WINDOWED[name]
            if group not in windows:
                windows[group] = _windows(_WINDOW_TRIGGERS[group], text)
            matches = (m for ws, we in windows[group] for m in pattern.finditer(text, ws, we))
        else:
            matches = pattern.finditer(text)
        for m in matches:
            if name == "duration" and m.group("ago"):
                name_here = "ago"
            else:
                name_here = name
            start, end = m.start(), m.end()
            while start < end and text[start].isspace():
                start += 1
            if any(taken[start:end]) or start == end:
                continue
            ref = _resolve(name_here, m, text, anchor_day)
            if ref is None:
                continue
            ref.start, ref.end, ref.text = start, end, text[start:end]
            if ref.anchor == "anchor":
                ref.anchor = f"{anchor_kind or 'published'} {anchor}" if anchor_day else None
            for i in range(start, end):
                taken[i] = True
            found.append(ref)
    found.sort(key=lambda r: r.start)
    return found


def _ref(kind, value=None, begin=None, until=None, granularity=None, anchor="anchor", qualifier=None) -> TimeRef:
    return TimeRef(0, 0, "", kind, value, begin, until, granularity, anchor, qualifier)


def _resolve(name: str, m: re.Match, text: str, anchor: date | None) -> TimeRef | None:
    g = m.groupdict()
    forward = bool(_FORWARD.search(_sentence_before(text, m.start())))
    if name in {"iso", "numeric"}:
        year = int(g["year"]) if len(g["year"]) == 4 else 2000 + int(g["year"])
        day = _safe_date(year, int(g["m"]), int(g["day"]))
        return _ref("date", day.isoformat(), day.isoformat(), day.isoformat(), "day", "absolute") if day else None
    if name in {"since_mdy", "since_dmy", "mdy", "dmy"}:
        month, day_n = MONTHS[g["month"].lower().rstrip(".")], int(g["day"])
        if g.get("year"):
            day = _safe_date(int(g["year"]), month, day_n)
            how = "absolute"
        elif anchor:
            day = _nearest_year(anchor, month, day_n, forward)
            how = "anchor"
        else:
            return _ref("interval" if g.get("since") else "date", None, granularity="day", anchor=None)
        if day is None:
            return None
        if g.get("since"):
            until = anchor.isoformat() if anchor else None
            return _ref("interval", f"{day.isoformat()}/{until or '..'}", day.isoformat(), until, "day", how)
        return _ref("date", day.isoformat(), day.isoformat(), day.isoformat(), "day", how)
    if name == "season":
        return _season(int(g["year"]), g["season"].lower())
    if name == "rel_event":  # "the day before his call": relative to another event, resolved later if it can be
        what = (g.get("what") or g.get("what2") or "day").lower()
        return _ref("relative", None, granularity="day" if what in {"night", "morning"} else what, anchor=None)
    if name == "month_year":
        return _month(int(g["year"]), MONTHS[g["month"].lower().rstrip(".")], "absolute")
    if name == "rel_month":
        month = MONTHS[g["month"].lower().rstrip(".")]
        if g["month"] == "May" and not g["rel"].lower().startswith(("in", "since", "last", "early", "late", "mid")):
            return None  # "may" the verb
        if not anchor:
            return _ref("date", None, granularity="month", anchor=None)
        rel = g["rel"].lower()
        year = anchor.year
        if rel == "next" or (forward and rel != "last"):
            year += month < anchor.month
        elif month > anchor.month or (rel == "last" and month == anchor.month):
            year -= 1
        return _month(year, month, "anchor")
    if name == "weekday":
        return _weekday(g, anchor, forward)
    if name == "relative":
        return _relative(g, anchor, forward)
    if name == "deictic":
        if not anchor:
            return _ref("date", None, granularity="day", anchor=None)
        shift = {"yesterday": -1, "tomorrow": 1}.get(g["what"].lower(), 0)
        day = (anchor + timedelta(days=shift)).isoformat()
        return _ref("date", day, day, day, "day")
    if name == "ago":
        n = word_number(g["num"]) or 1
        if not anchor:
            return _ref("date", None, granularity=g["unit"].lower(), anchor=None)
        day = _shift(anchor, -n, g["unit"].lower())
        return _ref("date", day.isoformat(), day.isoformat(), day.isoformat(), g["unit"].lower())
    if name == "duration":
        lead = (g.get("lead") or "").lower()
        qual = (g.get("qual") or "").lower()
        hyphen = "-" in m.group()
        if not (lead or qual or hyphen or g.get("now")):
            return None  # "two years" alone is a figure, not a time reference
        n = word_number(g["num"]) if g["num"].lower() not in {"several", "a few", "few"} else None
        unit = g["unit"].lower()
        amount = (n or 0) * (10 if unit == "decade" else 1)
        value = f"P{'T' if unit == 'hour' else ''}{amount}{_UNIT_CODE[unit]}" if n else None
        qualifier = _QUALIFIER.get(qual) or ("approximate" if g["num"].lower() in {"several", "a few", "few"} else None)
        ref = _ref("duration", value, granularity=unit, anchor="absolute", qualifier=qualifier)
        if g.get("now") and anchor and n:
            ref.until = anchor.isoformat()
            ref.begin = _shift(anchor, -amount if unit != "decade" else -n * 10, "year" if unit == "decade" else unit).isoformat()
            ref.anchor = "anchor"
        return ref
    if name == "year":
        year = int(g["year"])
        before = text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(r"(in|since|by|of|the|during|until|from|early|late|mid-?|before|after|year|and|\d{4}\s*-|,)\s*$", before) \
                and not re.match(r"\s+(war|election|elections|season|census|olympics|world cup|ceasefire|agreement|deal|crisis)", text[m.end():m.end() + 15], re.I):
            return None
        return _ref("date", str(year), f"{year}-01-01", f"{year}-12-31", "year", "absolute")
    return None


def _sentence_before(text: str, pos: int) -> str:
    start = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), 0)
    return text[start:pos]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(anchor: date, month: int, day: int, forward: bool) -> date | None:
    """The month-day closest to the anchor on the side the tense points to (past by default)."""
    this_year = _safe_date(anchor.year, month, day)
    if this_year is None:
        return None
    if forward:
        return this_year if this_year >= anchor - timedelta(days=2) else _safe_date(anchor.year + 1, month, day)
    return this_year if this_year <= anchor + timedelta(days=2) else _safe_date(anchor.year - 1, month, day)


def _month(year: int, month: int, how: str) -> TimeRef:
    last = monthrange(year, month)[1]
    return _ref("date", f"{year}-{month:02d}", f"{year}-{month:02d}-01", f"{year}-{month:02d}-{last}", "month", how)


# Seasons, northern hemisphere, meteorological: spring Mar-May, summer Jun-Aug, autumn/fall Sep-Nov,
# winter Dec-Feb ("winter 2019" = December 2019 to February 2020). Values in TIMEX style: "2019-SP".
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}


def _season(year: int, season: str) -> TimeRef:
    code, first = SEASONS[season]
    last_year, last_month = (year + 1, 2) if first == 12 else (year, first + 2)
    until = date(last_year, last_month, monthrange(last_year, last_month)[1])
    return _ref("interval", f"{year}-{code}", f"{year}-{first:02d}-01", until.isoformat(), "season", "absolute")


_REL_EVENT = PATTERNS[[n for n, _ in PATTERNS].index("rel_event")][1]
_REFERENCE = re.compile(r"\s+(?P<ref>[^.,;:!?()“”\"]{1,60})")
_MINOR = {"with", "from", "that", "this", "their", "they", "them", "there", "which", "what", "when", "where", "into",
          "over", "about", "after", "before", "also"}


def resolve_event_relative(times: list[TimeRef], text: str, lead_end: int, event_day: str | None) -> None:
    """Resolve "the day before ..." against the article's event date when it refers to the main event.

    It does when nothing follows ("a day earlier.", "the previous day") or when every content word of the
    reference ("his call with President Aliyev") is in the title or lead, which report the main event.
    Otherwise the expression stays kind "relative", unresolved: its reference event has no known date.
    """
    if not event_day:
        return
    lead = set(re.findall(r"[a-z]{4,}", text[:lead_end].lower()))
    for ref in times:
        if ref.kind != "relative" or ref.value is not None:
            continue
        m = _REL_EVENT.fullmatch(ref.text)
        direction = (m.group("dir") or m.group("dir2") or m.group("next") or "").lower()
        if direction in {"before", "after"}:
            after = _REFERENCE.match(text, ref.end)
            words = [w for w in re.findall(r"[a-z]{4,}", after.group("ref").lower()) if w not in _MINOR][:4] if after else []
            if words and not all(w in lead for w in words):
                continue
        sign = -1 if direction in {"before", "earlier", "previous", "preceding"} else 1
        day = date.fromisoformat(event_day)
        unit = ref.granularity
        shifted = _shift(day, sign, unit)
        if unit == "day":
            ref.kind, ref.value, ref.begin, ref.until = "date", shifted.isoformat(), shifted.isoformat(), shifted.isoformat()
        else:  # "the week before": the span between the shifted point and the event
            begin, until = (shifted, day - timedelta(days=1)) if sign < 0 else (day + timedelta(days=1), shifted)
            ref.kind, ref.value, ref.begin, ref.until = "interval", f"{begin.isoformat()}/{until.isoformat()}", begin.isoformat(), until.isoformat()
        ref.anchor = f"event {event_day}"


def _weekday(g: dict, anchor: date | None, forward: bool) -> TimeRef:
    rel = (g.get("rel") or "").strip().lower()
    if not anchor:
        return _ref("date", None, granularity="day", anchor=None)
    wanted = WEEKDAYS[g["wd"].lower()]
    if rel == "next" or (forward and rel != "last"):
        delta = (wanted - anchor.weekday()) % 7 or 7
        day = anchor + timedelta(days=delta)
    else:
        delta = (anchor.weekday() - wanted) % 7
        if rel == "last" and delta == 0:
            delta = 7
        day = anchor - timedelta(days=delta)
    if rel == "since":
        return _ref("interval", f"{day.isoformat()}/{anchor.isoformat()}", day.isoformat(), anchor.isoformat(), "day")
    return _ref("date", day.isoformat(), day.isoformat(), day.isoformat(), "day")


def _relative(g: dict, anchor: date | None, forward: bool) -> TimeRef:
    rel, what = g["rel"].lower(), g["what"].lower()
    granularity = "week" if what == "weekend" else what
    if not anchor:
        return _ref("interval" if rel in {"earlier", "later", "past"} else "date", None, granularity=granularity, anchor=None)
    if rel == "past":  # "the past week": the period up to the anchor
        begin = _shift(anchor, -1, granularity)
        return _ref("interval", f"{begin.isoformat()}/{anchor.isoformat()}", begin.isoformat(), anchor.isoformat(), granularity)
    shift = {"last": -1, "this": 0, "next": 1, "earlier": 0, "later": 0}[rel]
    begin, until = _period(anchor, granularity, shift)
    if what == "weekend":
        begin = begin + timedelta(days=5)
    if rel == "earlier":  # "earlier this year": from the period's start to the anchor
        return _ref("interval", f"{begin.isoformat()}/{anchor.isoformat()}", begin.isoformat(), anchor.isoformat(), granularity)
    if rel == "later":
        return _ref("interval", f"{anchor.isoformat()}/{until.isoformat()}", anchor.isoformat(), until.isoformat(), granularity)
    if granularity == "week":
        iso = begin.isocalendar()
        value = f"{iso[0]}-W{iso[1]:02d}"
    elif granularity == "month":
        value = f"{begin.year}-{begin.month:02d}"
    else:
        value = str(begin.year)
    return _ref("date", value, begin.isoformat(), until.isoformat(), granularity)


def _period(anchor: date, granularity: str, shift: int) -> tuple[date, date]:
    if granularity == "week":
        start = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=shift)
        return start, start + timedelta(days=6)
    if granularity == "month":
        month_index = anchor.year * 12 + anchor.month - 1 + shift
        year, month = divmod(month_index, 12)
        return date(year, month + 1, 1), date(year, month + 1, monthrange(year, month + 1)[1])
    return date(anchor.year + shift, 1, 1), date(anchor.year + shift, 12, 31)


def _shift(anchor: date, n: int, unit: str) -> date:
    if unit in {"day", "hour"}:
        return anchor + timedelta(days=n)
    if unit == "week":
        return anchor + timedelta(weeks=n)
    months = n * (12 if unit == "year" else 120 if unit == "decade" else 1)
    index = anchor.year * 12 + anchor.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(anchor.day, monthrange(year, month + 1)[1]))


def event_date(times: list[TimeRef], lead_end: int, anchor: str | None, anchor_kind: str | None) -> tuple[str | None, str | None]:
    """When the reported happening took place: the first day-level date in the title or lead, else the anchor.

    Returns (date, where it came from): the expression's text, or "published" / "siblings".
    """
    for ref in times:
        if ref.start >= lead_end:
            break
        if ref.kind == "date" and ref.granularity == "day" and ref.value and (not anchor or ref.value <= anchor):
            return ref.value, f"{ref.text!s} @{ref.start}"
    if anchor:
        return anchor, anchor_kind
    return None, None


def sibling_anchor(sibling_dates: list[str]) -> str | None:
    """The anchor an undated article gets from its event siblings: the median of their dates."""
    days = sorted(d for d in sibling_dates if d)
    if not days:
        return None
    return days[(len(days) - 1) // 2]
