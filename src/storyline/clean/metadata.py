"""Metadata that text dumps carry inline: the headline, a dateline, a byline.

A scraper's text dump has no fields, only lines; the headline is the first line that reads like
one, a line such as ``24.01.23 12:29`` is the publication time, ``By Jane Doe`` is the author.
These lines are taken out of the body and kept as fields.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {  # month names and abbreviations -> month number (shared with annotate.times)
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for m in names
}
_TIME = r"(?:[,\s]+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?|[A-Z]{2,4}|GMT[+-]?\d*|UTC[+-]?\d*)?)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_PATTERNS = [
    # 24.01.23 12:29, 24.01.2023, 24/01/2023
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{2}|\d{4})" + _TIME + r"$", re.I),
    # 2023-01-24, 2023-01-24T12:29
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[T\s]\d{2}:\d{2}(?::\d{2})?\S*)?$"),
    # January 24, 2023 (12:29)
    re.compile(r"^" + _WEEKDAY + r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _TIME + r"$", re.I),
    # 24 January 2023
    re.compile(r"^" + _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?,?\s+(?P<y>\d{4})" + _TIME + r"$", re.I),
]
_DATE_PREFIX = re.compile(
    r"^(?:published|posted|updated|last updated|date|on)\s*(?:on|at)?\s*:?\s*", re.I
)
_BYLINE = re.compile(
    r"^(?i:by|written by|author:?|reporting by)\s+(?P<name>[A-Z][\w.'\-]+(?:\s+(?:[A-Z][\w.'\-]+|and|&|de|der|den|van|von|da|di|du|la|le|al|bin|ibn))*"
    r"(?:\s*,\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+)*)*)\s*$"
)


def parse_dateline(line: str) -> str | None:
    """ISO date of a line that is only a date (with optional time or 'Published:'), else None."""
    text = _DATE_PREFIX.sub("", line.strip()).strip(" |·-")
    if len(text) > 60:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        try:
            year = int(parts["y"])
            if year < 100:
                year += 2000 if year < 70 else 1900
            month = MONTHS.get(parts["mon"].lower().rstrip(".")) if parts.get("mon") else int(parts["m"])
            if month is None:
                continue
            return date(year, month, int(parts["d"])).isoformat()
        except (ValueError, TypeError):
            continue
    return None


def parse_byline(line: str) -> str | None:
    """The author name(s) of a byline such as 'By Jane Doe and John Roe', else None."""
    match = _BYLINE.match(line.strip())
    if not match or len(line) > 100:
        return None
    return match.group("name").strip()


def reads_as_headline(line: str) -> bool:
    """A headline: a few words to a couple of dozen, no closing full stop, mostly letters."""
    words = line.split()
    if not 3 <= len(words) <= 30 or len(line) > 220:
        return False
    if line.rstrip().endswith((".", ":", ";", ",")) and not line.rstrip().endswith("..."):
        return False
    letters = sum(ch.isalpha() for ch in line)
    return letters >= 0.6 * len(line.replace(" ", ""))
