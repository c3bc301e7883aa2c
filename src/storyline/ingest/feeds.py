"""RSS and Atom feeds: one article per item; items that carry only a summary are marked as such."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from storyline.ingest.html import html_to_article
from storyline.ingest.sources import Source
from storyline.model import Article, Rejection

_TAG = re.compile(r"<[^>]+>")
_BENIGN: tuple[type, ...] | None = None  # feedparser warnings that do not mean a broken feed


def read_feed(source: Source, data: bytes) -> Iterator[Article | Rejection]:
    import feedparser

    global _BENIGN
    if _BENIGN is None:
        _BENIGN = _benign_feed_problems()
    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"malformed feed ({problem})" if problem else "feed has no items"
        yield Rejection(source.origin, reason)
        return
    problem = parsed.get("bozo_exception")
    if problem is not None and not isinstance(problem, _BENIGN):
        # feedparser's lenient parser recovers what it can; the items it found are kept.
        yield Rejection(
            source.origin, f"malformed feed XML ({problem}); {len(entries)} item(s) recovered and kept"
        )
    feed_title = (parsed.get("feed") or {}).get("title")
    for number, entry in enumerate(entries, start=1):
        origin = f"{source.origin}#item {number}"
        key = entry.get("id") or entry.get("link") or f"{source.stem}:{number}"
        article_id = "feed-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        link = entry.get("link")
        contents = entry.get("content") or []
        body_html = contents[0].get("value") if contents else None
        summary = entry.get("summary") or ""
        if body_html and len(_TAG.sub("", body_html)) > len(_TAG.sub("", summary)):
            page = f"<html><body><article>{body_html}</article></body></html>"
            article = html_to_article(page, article_id=article_id, origin=origin, url=link)
            if isinstance(article, Rejection):
                article = _summary_article(article_id, origin, summary or body_html)
        else:
            article = _summary_article(article_id, origin, summary)
        if isinstance(article, Rejection):
            yield article
            continue
        article.title = entry.get("title") or article.title
        article.url = link or article.url
        article.source = feed_title or (urlsplit(link).hostname if link else None) or article.source
        article.author = entry.get("author") or article.author
        article.published = _entry_date(entry) or article.published
        article.input_format = "feed"
        yield article


def _benign_feed_problems() -> tuple[type, ...]:
    import feedparser

    names = ("CharacterEncodingOverride", "NonXMLContentType")
    return tuple(getattr(feedparser, n) for n in names if hasattr(feedparser, n))


def _summary_article(article_id: str, origin: str, summary_html: str) -> Article | Rejection:
    text = _TAG.sub(" ", summary_html or "")
    import html

    text = re.sub(r"[ \t]+", " ", html.unescape(text)).strip()
    if not text:
        return Rejection(origin, "feed item has neither content nor summary")
    return Article(id=article_id, raw_text=text, origin=origin, input_format="feed", summary_only=True)


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return time.strftime("%Y-%m-%d", value)
    return None
