"""The text annotation works on, and cheap sentence splitting.

Annotation reads the title and the body as one string (title, blank line, body), so every span is an
offset into that string. Sentences are split by a regular expression that knows the usual
abbreviations: the statistical parser is never loaded (it would cost more than everything else).
"""

from __future__ import annotations

import re
from functools import lru_cache

from storyline.model import Article

SEPARATOR = "\n\n"
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "prof", "jr", "sr",
    "inc", "corp", "ltd", "co", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "d.c", "approx", "est", "mt", "ft",
}
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|\n+""")


def annotated_text(article: Article) -> tuple[str, int]:
    """The title and body as one string, and the offset where the body starts."""
    title = (article.title or "").strip()
    if title and not article.text.startswith(title):
        return title + SEPARATOR + article.text, len(title) + len(SEPARATOR)
    return article.text, 0


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end), never crossing a line break."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: a report splits each article several times (comparison, summaries, timeline, sources)."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().startswith("."):
            tail = text[max(start, match.start() - 12) : match.start()].split()
            word = tail[-1].lstrip("(\"“'") if tail and not text[match.start() - 1].isspace() else ""
            if word and (word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())):
                continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return tuple(spans)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def slug(name: str) -> str:
    """A stable id part: lower case, ASCII letters and digits joined by hyphens."""
    import unicodedata

    flat = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", flat).strip("-") or "x"
