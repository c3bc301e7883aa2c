"""Boilerplate lines of scraped pages: what they look like, and the reason each is dropped.

Each rule returns a short reason string, which is kept with the dropped line so a user can see why
a line is gone (datatrove's "a filter says why").
"""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("comment footer", re.compile(
        r"^(be the first to comment|leave a (reply|comment)|post a comment|add a comment|"
        r"\d*\s*comments?|comments? \(\d+\)|no comments( yet)?|show comments|view comments|"
        r"your email address will not be published.*|required fields are marked.*|"
        r"(you must be )?log(ged)? in to (post a )?comment.*|cancel reply|join the (conversation|discussion))\W*$",
        re.I)),
    ("loading placeholder", re.compile(r"^(loading|please wait)(\s+\w+)?\s*(\.{2,}|…)?$", re.I)),
    ("share line", re.compile(
        r"^((share|tweet|email|print|pin|like)( (this|on|via|article|story|it))?( (facebook|twitter|x|"
        r"whatsapp|telegram|linkedin|reddit|email))*|facebook|twitter|whatsapp|telegram|linkedin|reddit|"
        r"copy link|copied!?|share this( article| story)?:?|follow us( on \w+)?:?)\W*$",
        re.I)),
    ("subscribe line", re.compile(
        r"^.{0,80}\b(subscribe|sign up|newsletter|get the latest|join our mailing list)\b.{0,80}$", re.I)),
    ("cookie banner", re.compile(
        r"^(?=.{0,300}\b(cookies?|consent preferences)\b)(?=.*\b(accept|allow|consent|policy|settings|preferences|"
        r"manage|browser|website|site|experience|privacy|we use|necessary|reject)\b).{0,600}$", re.I)),
    ("advertisement", re.compile(r"^(advertisement|advertising|sponsored( content)?|ad|ads by \w+)\W*$", re.I)),
    ("navigation", re.compile(
        r"^(skip to (main )?content|main menu|menu|home|search|close|back to top|next( article)?|"
        r"previous( article)?|read more|read next|more from \w+|related( articles| stories| news)?|"
        r"most (read|popular)|trending( now)?|top stories|latest news|see also|you may also like|"
        r"recommended( for you)?|tags?:?.*|categories:?.*|filed under:?.*)\W*$",
        re.I)),
    ("copyright line", re.compile(r"^(©|\(c\)|copyright\b).{0,200}$|^.{0,120}all rights reserved\.?$", re.I)),
    ("photo credit", re.compile(r"^(photo|image|picture|video)( credit)?:.{0,120}$|^(getty images|afp|reuters|ap photo)(/[^.!?]{0,60})?$", re.I)),
]
# Words a line must contain (case-folded) for the rule to match at all. These three rules are the
# only ones not anchored on the line's first words: their regexes try every position of the line
# (~7 us per line of prose, a quarter of cleaning), while a substring test rules most lines out at once.
_NEEDS: dict[str, tuple[str, ...]] = {
    "subscribe line": ("subscribe", "sign up", "newsletter", "get the latest", "join our mailing list"),
    "cookie banner": ("cookie", "consent preferences"),
    "copyright line": ("©", "(c)", "copyright", "all rights reserved"),
}


# The rules that need no word, as one pattern: a line none of them matches (nearly every line of an
# article) is told so by one regex call instead of a Python step per rule (a tenth of cleaning).
_ANY_ANCHORED = re.compile("|".join(f"(?:{pattern.pattern})" for reason, pattern in _PATTERNS if reason not in _NEEDS),
                           re.I)
assert all(pattern.flags & re.I for _, pattern in _PATTERNS)
_ANY_NEEDED = tuple(word for words in _NEEDS.values() for word in words)


def boilerplate_reason(line: str) -> str | None:
    """The reason a line is page furniture rather than article text, or None."""
    stripped = line.strip()
    if not stripped:
        return None
    folded = stripped.casefold()
    if not _ANY_ANCHORED.match(stripped) and not any(map(folded.__contains__, _ANY_NEEDED)):
        return None  # no rule can match: the checks below would all fail
    return rules_one_by_one(stripped, folded)


def rules_one_by_one(stripped: str, folded: str) -> str | None:
    """The first rule that matches a stripped, non-empty line (``folded``: its casefold)."""
    for reason, pattern in _PATTERNS:
        if reason in _NEEDS and not any(map(folded.__contains__, _NEEDS[reason])):
            continue
        if reason == "cookie banner" and len(stripped) > 400:
            continue
        if reason == "subscribe line" and _is_prose(stripped) and len(stripped) > 120:
            continue
        if pattern.match(stripped):
            return reason
    return None


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 12 and line.rstrip().endswith((".", "!", "?", '"', "”", "’", "'"))


def is_prose(line: str) -> bool:
    """A sentence-like line of running text (many words, closing punctuation)."""
    return _is_prose(line)
