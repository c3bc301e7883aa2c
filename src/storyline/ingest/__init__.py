"""Ingest: every input format to ``Article`` records (or ``Rejection`` with a reason).

One reader per format; the format is sniffed from the content so a ``.txt`` holding HTML, or a
feed saved without an extension, still goes to the right reader.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from storyline.ingest.detect import detect_format
from storyline.ingest.feeds import read_feed
from storyline.ingest.html import read_html
from storyline.ingest.jsonl import read_json, read_jsonl
from storyline.ingest.sources import HEAD_BYTES, Source, is_truncated, iter_sources
from storyline.ingest.text import read_text
from storyline.ingest.warc import read_warc
from storyline.model import Article, Rejection

# One-article formats are read whole; past this size a file is not an article.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FEED_BYTES = 200 * 1024 * 1024

__all__ = ["read_inputs", "read_source", "detect_format", "MAX_DOCUMENT_BYTES"]


def read_inputs(
    paths: Iterable[str | os.PathLike], stdin: BinaryIO | None = None, skip: Iterable[str | os.PathLike] = ()
) -> Iterator[Article | Rejection]:
    """Articles from every input, in a stable order; unreadable inputs become rejections."""
    for item in iter_sources(paths, stdin=stdin, skip=skip):
        if isinstance(item, tuple):
            yield Rejection(*item)
        else:
            yield from read_source(item)


def read_source(source: Source) -> Iterator[Article | Rejection]:
    """Articles of one input; every failure is a rejection naming the input, never an exception."""
    try:
        size = source.size
        if size == 0:
            yield Rejection(source.origin, "empty file")
            return
        head = source.head()
    except (OSError, EOFError) as exc:
        yield Rejection(source.origin, f"cannot read ({_why(exc)})")
        return
    if not source.raw_head:
        yield Rejection(source.origin, "empty input")
        return
    if source.gzipped and not head:
        yield Rejection(source.origin, "corrupt gzip data (nothing could be decompressed)")
        return
    if not head.strip() and (len(source.raw_head) < HEAD_BYTES):
        yield Rejection(source.origin, "no text (only whitespace)")
        return
    kind = detect_format(head, source.origin)
    if kind is None:
        yield Rejection(source.origin, "binary content (not text, HTML, feed, WARC or JSONL)")
        return
    limit = MAX_FEED_BYTES if kind in ("feed", "json") else MAX_DOCUMENT_BYTES
    if kind not in ("jsonl", "warc") and size is not None and not source.gzipped and size > limit:
        yield Rejection(source.origin, _too_large(kind, limit, size))
        return
    try:
        if kind == "warc":
            with source.open_raw() as stream:  # warcio undoes per-record gzip itself
                yield from read_warc(source, stream)
            return
        if kind == "jsonl":
            with source.open() as stream:
                yield from read_jsonl(source, stream)
            return
        with source.open() as stream:
            data = stream.read(limit + 1)
            truncated = is_truncated(stream)
        if len(data) > limit:
            yield Rejection(source.origin, _too_large(kind, limit, None))
            return
        if truncated:
            yield Rejection(source.origin, "gzip data ends abruptly (truncated file)")
            return
        reader = {"text": read_text, "html": read_html, "feed": read_feed, "json": read_json}[kind]
        yield from reader(source, data)
    except (OSError, EOFError) as exc:
        yield Rejection(source.origin, f"input ends abruptly or cannot be read ({_why(exc)})")
    except Exception as exc:  # a parser's bug on hostile input must not stop the other inputs
        yield Rejection(source.origin, f"could not be read as {kind} ({type(exc).__name__}: {exc})")


def _too_large(kind: str, limit: int, size: int | None) -> str:
    actual = f" ({size / 2**20:.0f} MB)" if size is not None else ""
    return f"too large for one {kind} document{actual}, the limit is {limit // 2**20} MB; split it or use JSONL"


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
