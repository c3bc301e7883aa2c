"""Plain-text dumps: one article per file; headline, dateline and byline are found by cleaning."""

from __future__ import annotations

from collections.abc import Iterator

from storyline.ingest.decode import DecodeError, decode_bytes
from storyline.ingest.sources import Source
from storyline.model import Article, Rejection


def read_text(source: Source, data: bytes) -> Iterator[Article | Rejection]:
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        yield Rejection(source.origin, str(exc))
        return
    if not text.strip():
        yield Rejection(source.origin, "no text (only whitespace)")
        return
    yield Article(
        id=source.stem, raw_text=text, origin=source.origin, input_format="text", meta={"encoding": encoding}
    )
