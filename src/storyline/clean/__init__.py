"""Cleaning: from a scraped dump to the article body, with its headline, dateline and byline as fields.

``clean_text`` is a pure function of one text (so it runs the same in any executor); every line it
drops is kept with the reason, and lines in another language are kept apart, not thrown away.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from storyline.clean.language import english_word_share, line_language
from storyline.clean.lines import boilerplate_reason, is_prose
from storyline.clean.metadata import parse_byline, parse_dateline, reads_as_headline
from storyline.model import Article

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NAV_WORDS = frozenset(
    "tv live menu home news sections section login log in sign register search video videos radio podcasts "
    "podcast weather sport sports opinion about contact us more all topics account subscribe watch listen "
    "newsletters newsletter today latest edition en ru de fr".split()
)


@dataclass
class Cleaned:
    title: str | None
    text: str
    published: str | None
    author: str | None
    lang: str | None
    dropped: list[list[str]] = field(default_factory=list)  # [line, reason]
    foreign: list[list[str]] = field(default_factory=list)  # [line, language code]


def normalize_line(line: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()


def line_hash(line: str) -> str:
    """A short stable hash of a line's normalised form (for outlet-level repetition counts)."""
    return hashlib.blake2b(normalize_line(line).lower().encode(), digest_size=8).hexdigest()


def _is_navigation(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line.lower())
    return bool(words) and len(words) <= 6 and sum(w in _NAV_WORDS for w in words) / len(words) >= 0.6


def document_language(lines: list[str]) -> str | None:
    """The language of the article as a whole, judged on its longer lines."""
    long_lines = [line for line in lines if len(line) >= 40] or lines
    sample = " ".join(long_lines)[:3000]
    if not sample.strip():
        return None
    if english_word_share(sample) >= 0.12:
        return "en"
    return line_language(sample, expected="")


def clean_text(
    raw: str, *, title: str | None = None, published: str | None = None, find_title: bool = True
) -> Cleaned:
    """Clean one dump. ``title``/``published`` given by the input are kept; otherwise found in the text."""
    lines: list[tuple[str, bool]] = []  # (line, starts a paragraph)
    blank_before = True
    for raw_line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalize_line(raw_line)
        if not line:
            blank_before = True
            continue
        lines.append((line, blank_before))
        blank_before = False

    lang = document_language([line for line, _ in lines])
    result = Cleaned(title=title, text="", published=published, author=None, lang=lang)
    kept: list[tuple[str, bool]] = []
    want_title = title is None and find_title
    seen_body = False
    title_key = _key(title) if title else None

    for index, (line, para) in enumerate(lines):
        reason = boilerplate_reason(line)
        if reason is None and _is_navigation(line):
            reason = "navigation"
        if reason:
            result.dropped.append([line, reason])
            continue
        line_lang = line_language(line, expected=lang or "en")
        if lang and line_lang and line_lang != lang:
            result.foreign.append([line, line_lang])
            continue
        if not seen_body or len(kept) < 3:
            date = parse_dateline(line)
            if date:
                if result.published is None:
                    result.published = date
                result.dropped.append([line, "dateline"])
                continue
            author = parse_byline(line)
            if author:
                result.author = result.author or author
                result.dropped.append([line, "byline"])
                continue
        if title_key and _key(line) == title_key and not seen_body:
            result.dropped.append([line, "title repeated"])
            continue
        if want_title and reads_as_headline(line) and _followed_by_body(lines, index):
            result.title = line
            want_title = False
            seen_body = True
            continue
        if not seen_body and not is_prose(line) and len(line.split()) < 5 and _followed_by_body(lines, index, 6):
            result.dropped.append([line, "navigation before the headline"])
            continue
        seen_body = True
        kept.append((line, para))

    kept = _drop_trailing_furniture(kept, result)
    result.text = _join(kept)
    return result


def _followed_by_body(lines: list[tuple[str, bool]], index: int, window: int = 3) -> bool:
    """True when one of the next lines is running text or a dateline (a headline precedes a body)."""
    for line, _ in lines[index + 1:index + 1 + window]:
        if is_prose(line) or parse_dateline(line) or len(line) > 150:
            return True
    return False


def _drop_trailing_furniture(kept: list[tuple[str, bool]], result: Cleaned) -> list[tuple[str, bool]]:
    """Short non-sentence lines after the last sentence of the body are page furniture."""
    last_prose = max((i for i, (line, _) in enumerate(kept) if is_prose(line)), default=None)
    if last_prose is None:
        return kept
    for line, _ in kept[last_prose + 1:]:
        if len(line.split()) < 8 and not line.rstrip().endswith((".", "!", "?", '"', "”")):
            result.dropped.append([line, "after the article body"])
        else:
            return kept
    return kept[:last_prose + 1]


def _join(kept: list[tuple[str, bool]]) -> str:
    """Keep the source's paragraphs: a blank line where the dump had one, else a line break."""
    if not kept:
        return ""
    paragraphs_marked = sum(para for _, para in kept[1:]) > 0
    parts = [kept[0][0]]
    for line, para in kept[1:]:
        parts.append(("\n\n" if para or not paragraphs_marked else "\n") + line)
    if not paragraphs_marked:
        return "\n".join(line for line, _ in kept)
    return "".join(parts)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def clean_article(article: Article) -> Article:
    """Clean an article in place and return it; the dropped and foreign lines go to ``meta``."""
    cleaned = clean_text(
        article.raw_text,
        title=article.title,
        published=article.published,
        find_title=article.input_format in ("text", ""),
    )
    article.title = cleaned.title
    article.text = cleaned.text
    article.published = cleaned.published
    article.author = article.author or cleaned.author
    article.lang = article.lang or cleaned.lang
    article.meta["dropped_lines"] = cleaned.dropped
    article.meta["foreign_lines"] = cleaned.foreign
    return article
