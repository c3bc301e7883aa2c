"""Cleaning: from a scraped dump to the article body, with its headline, dateline and byline as fields.

``clean_text`` is a pure function of one text (so it runs the same in any executor); every line it
drops is kept with the reason, and lines in another language are kept apart, not thrown away.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from storyline.clean.classifier import line_classifier
from storyline.clean.language import english_word_share, letter_words, line_language
from storyline.clean.lines import boilerplate_reason, is_prose
from storyline.clean.metadata import parse_byline, parse_dateline, reads_as_headline
from storyline.model import Article

_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]?\s+[A-Z\"“‘]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_NAV_WORDS = frozenset(
    "tv live menu home news sections section login log in sign register search video videos radio podcasts "
    "podcast weather sport sports opinion about contact us more all topics account subscribe watch listen "
    "newsletters newsletter today latest edition en ru de fr".split()
)
_NAV_BYTES = frozenset(word.encode() for word in _NAV_WORDS)


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
    if line.isascii() and "  " not in line and "\t" not in line:
        return line.strip()  # nothing to normalise (the common case, and the cheap test for it)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", line)).strip()


def line_hash(line: str) -> str:
    """A short stable hash of a line's normalised form (for outlet-level repetition counts)."""
    return hashlib.blake2b(normalize_line(line).lower().encode(), digest_size=8).hexdigest()


def _is_navigation(line: str, words: list[bytes] | None = None) -> bool:
    """Six words or fewer, mostly menu words. ``words``: ``letter_words(line.lower())`` if known."""
    if len(line) > 200:  # six words or fewer in 200+ characters: not a menu
        return False
    words = letter_words(line.lower()) if words is None else words
    return bool(words) and len(words) <= 6 and sum(map(_NAV_BYTES.__contains__, words)) / len(words) >= 0.6


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
    raw: str, *, title: str | None = None, published: str | None = None, find_title: bool = True,
    extracted: bool | None = None,
) -> Cleaned:
    """Clean one dump. ``title``/``published`` given by the input are kept; otherwise found in the text.

    ``extracted``: the text is already an article body (JSONL records, trafilatura's output of a
    page), not a page dump; the line classifier, trained on dumps, is not asked (on bodies it was
    sure of next to no line, and it is half the cost); the named rules and language lines still
    apply. Defaults to ``not find_title`` (input that brings its own title is extracted input).

    Order of judgement, each with its reason kept: named boilerplate rules (cookie banners, share
    and comment lines, ...), lines in another language (kept apart as foreign; the script decides
    for free, lingua is asked only about long Latin-script lines with few English function words),
    the headline, dateline and byline around the start of the body, then the learned line
    classifier for everything else.
    """
    lines: list[tuple[str, bool]] = []  # (line, starts a paragraph)
    blank_before = True
    for raw_line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = normalize_line(raw_line)
        if not line:
            blank_before = True
            continue
        lines.append((line, blank_before))
        blank_before = False

    texts = [line for line, _ in lines]
    words = [letter_words(line.lower()) for line in texts]  # each line's words, for navigation and language
    lang = document_language(texts)
    result = Cleaned(title=title, text="", published=published, author=None, lang=lang)
    rules = [boilerplate_reason(line) for line in texts]
    threshold = line_classifier().threshold
    if extracted if extracted is not None else not find_title:
        # An extracted body: the classifier (trained on page dumps) would drop only lines it is
        # sure of (p >= 0.9), which on article bodies is next to none; skipping it halves the cost.
        content = np.ones(len(texts))
    else:
        content = line_classifier().content_probability(texts, [r is not None for r in rules])
    rules = [r or ("navigation" if _is_navigation(line, w) else None) for r, line, w in zip(rules, texts, words)]
    first_body = _first_body(content >= threshold, rules)
    title_index = _title_index(texts, first_body) if title is None and find_title else None
    title_key = _key(title) if title else None
    kept: list[tuple[str, bool]] = []

    for index, (line, para) in enumerate(lines):
        if rules[index]:
            result.dropped.append([line, rules[index]])
            continue
        line_lang = line_language(line, expected=lang or "en", words=words[index])
        if lang and line_lang and line_lang != lang:
            result.foreign.append([line, line_lang])
            continue
        if index == title_index:
            result.title = line
            continue
        if first_body - 8 <= index <= first_body + 2 and len(kept) < 3:
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
        if title_key and not kept and _key(line) == title_key:
            result.dropped.append([line, "title repeated"])
            continue
        if content[index] < threshold and not _long_running_text(line):
            result.dropped.append([line, f"boilerplate (line classifier p={1 - content[index]:.2f})"])
            continue
        kept.append((line, para))

    result.text = _join(kept)
    return result


def _long_running_text(line: str) -> bool:
    """A whole article on one line (300+ words, many sentences): longer than any article line the
    classifier was trained on, so it is kept without asking the classifier."""
    return len(line) > 1500 and len(line.split()) >= 300 and len(_SENTENCE_BREAK.findall(line)) >= 10


def _first_body(keep, rules: list[str | None]) -> int:
    """Index of the body's first line: a kept line with another kept line among the next three
    (a stray promotional sentence in a menu is not the start of the article)."""
    candidates = [i for i, k in enumerate(keep) if k and not rules[i]]
    for i in candidates:
        if keep[i + 1:i + 4].sum() >= 1:
            return i
    return candidates[0] if candidates else len(keep)


def _title_index(texts: list[str], first_body: int) -> int | None:
    """The headline: the body's first line when it reads as one (past a byline or dateline),
    else the nearest headline-like line just before the body."""
    start = first_body
    while start < len(texts) and _is_metadata(texts[start]):
        start += 1
    if start < len(texts) and reads_as_headline(texts[start]) and _followed_by_body(texts, start):
        return start
    for index in range(first_body - 1, max(first_body - 8, 0) - 1, -1):
        if not _is_metadata(texts[index]) and reads_as_headline(texts[index]):
            return index
    return None


def _is_metadata(line: str) -> bool:
    return len(line) <= 100 and (parse_dateline(line) is not None or parse_byline(line) is not None)


def _followed_by_body(texts: list[str], index: int, window: int = 3) -> bool:
    """True when one of the next lines is running text (a headline precedes a body)."""
    return any(is_prose(line) or len(line) > 150 for line in texts[index + 1:index + 1 + window])


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
