"""WARC and WARC.gz: every HTTP response record holding an HTML page becomes an article.

Records are streamed with warcio; a truncated archive keeps the records before the damage and
names the record where it broke.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.decode import DecodeError, decode_bytes
from storyline.ingest.html import html_to_article
from storyline.ingest.sources import Source
from storyline.model import Article, Rejection

MAX_RECORD_BYTES = 20 * 1024 * 1024


def read_warc(source: Source, stream: BinaryIO) -> Iterator[Article | Rejection]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    found = 0
    records = ArchiveIterator(stream)
    try:
        for record in records:
            number += 1
            if record.rec_type != "response":
                continue
            http = record.http_headers
            if http is None:
                continue
            ctype = (http.get_header("Content-Type") or "").lower()
            if "html" not in ctype:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            origin = f"{source.origin}#record {number}" + (f" ({url})" if url else "")
            status = http.get_statuscode()
            if status and not status.startswith("2"):
                continue
            found += 1
            body = record.content_stream().read(MAX_RECORD_BYTES + 1)
            if len(body) > MAX_RECORD_BYTES:
                yield Rejection(origin, f"HTML record larger than {MAX_RECORD_BYTES // 2**20} MB")
                continue
            if getattr(record.raw_stream, "limit", 0):
                yield Rejection(origin, "truncated WARC: the record ends before its Content-Length")
                return
            try:
                html, _ = decode_bytes(body, declared=_charset(ctype))
            except DecodeError as exc:
                yield Rejection(origin, str(exc))
                continue
            key = url or record.rec_headers.get_header("WARC-Record-ID") or f"{source.stem}:{number}"
            article_id = "warc-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
            article = html_to_article(html, article_id=article_id, origin=origin, url=url)
            if isinstance(article, Article):
                article.input_format = "warc"
            yield article
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield Rejection(f"{source.origin}#record {number + 1}", f"truncated or malformed WARC ({exc})")
        return
    size = source.size
    if size is not None and records.offset < size:
        yield Rejection(
            f"{source.origin}#record {number + 1}",
            f"truncated or malformed WARC after byte {records.offset} of {size}; the {number} records before were read",
        )
        return
    if number == 0:
        yield Rejection(source.origin, "no WARC records")
    elif found == 0:
        yield Rejection(source.origin, "WARC holds no HTML response records")


def _charset(content_type: str) -> str | None:
    """The charset an HTTP Content-Type declares ("text/html; charset=windows-1251")."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip() == "charset" and value.strip():
            return value.strip().strip('"')
    return None
