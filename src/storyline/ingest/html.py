"""HTML pages: main text and metadata (title, date, author, site) with trafilatura."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from storyline.ingest.decode import DecodeError, decode_bytes
from storyline.ingest.sources import Source
from storyline.model import Article, Rejection

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def html_to_article(html: str, *, article_id: str, origin: str, url: str | None = None) -> Article | Rejection:
    """One page to one article; a page without recognisable main text is rejected, not stored empty."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises many kinds on broken markup
        return Rejection(origin, f"malformed HTML ({type(exc).__name__}: {exc})")
    if doc is None or not (doc.text or "").strip():
        return Rejection(origin, "no main text found in the HTML page")
    page_url = url or doc.url
    source = doc.sitename or (urlsplit(page_url).hostname if page_url else None) or doc.hostname
    return Article(
        id=article_id,
        raw_text=doc.text,
        title=(doc.title or None),
        url=page_url,
        source=_strip_www(source),
        published=_iso_date(doc.date),
        author=doc.author or None,
        lang=doc.language or None,
        origin=origin,
        input_format="html",
    )


def read_html(source: Source, data: bytes) -> Iterator[Article | Rejection]:
    try:
        html, _ = decode_bytes(data)
    except DecodeError as exc:
        yield Rejection(source.origin, str(exc))
        return
    yield html_to_article(html, article_id=source.stem, origin=source.origin)


def _iso_date(value: str | None) -> str | None:
    return value[:10] if value and len(value) >= 10 and value[4] == "-" else None


def _strip_www(host: str | None) -> str | None:
    if host and host.startswith("www."):
        return host[4:]
    return host
