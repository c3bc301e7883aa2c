"""JSON Lines in the evaluation article format: ``id, title, text, url, source, published, lang``.

Read line by line, so a file of any size streams; a bad line is rejected with its line number and
the lines around it still count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.decode import DecodeError, decode_bytes
from storyline.ingest.sources import Source, is_truncated
from storyline.model import Article, Rejection

MAX_LINE_BYTES = 20 * 1024 * 1024  # one article; a longer "line" is a broken file, not an article
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def read_jsonl(source: Source, stream: BinaryIO) -> Iterator[Article | Rejection]:
    number = 0
    try:
        for number, raw in _bounded_lines(stream):
            origin = f"{source.origin}#line {number}"
            if raw is None:
                yield Rejection(origin, f"line longer than {MAX_LINE_BYTES // 2**20} MB; skipped")
                continue
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:  # JSON Lines should be UTF-8; a legacy encoding is still read when it can be told
                    line, _ = decode_bytes(raw)
                except DecodeError as exc:
                    yield Rejection(origin, f"not UTF-8 and {exc}")
                    continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield Rejection(origin, f"malformed JSON ({exc})")
                continue
            yield record_to_article(record, origin=origin, fallback_id=f"{source.stem}-{number}")
    except (OSError, EOFError) as exc:
        yield Rejection(f"{source.origin}#line {number + 1}", f"input ends abruptly ({exc})")
        return
    if is_truncated(stream):
        yield Rejection(
            f"{source.origin}#line {number}",
            f"gzip data ends abruptly (truncated file); the {number} lines before were read",
        )


def _bounded_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)``; an over-long line gives ``None`` and is skipped without being held."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(MAX_LINE_BYTES)
            yield number, None
            continue
        yield number, raw


def read_json(source: Source, data: bytes) -> Iterator[Article | Rejection]:
    """A whole JSON document: an array of records, an object holding one (``articles``, ``items``,
    ``data``, ``records``), or a single record. Read whole, so large sets belong in JSONL."""
    try:
        text, _ = decode_bytes(data)
        document = json.loads(text)
    except DecodeError as exc:
        yield Rejection(source.origin, str(exc))
        return
    except ValueError as exc:
        yield Rejection(source.origin, f"malformed JSON ({exc})")
        return
    if isinstance(document, dict):
        listed = next((document[k] for k in _LIST_KEYS if isinstance(document.get(k), list)), None)
        if listed is None:
            yield record_to_article(document, origin=source.origin, fallback_id=source.stem)
            return
        document = listed
    if not isinstance(document, list):
        yield Rejection(source.origin, f"a JSON array or object was expected, got {type(document).__name__}")
        return
    if not document:
        yield Rejection(source.origin, "JSON array holds no records")
    for number, record in enumerate(document, start=1):
        yield record_to_article(record, origin=f"{source.origin}#item {number}", fallback_id=f"{source.stem}-{number}")


_LIST_KEYS = ("articles", "items", "data", "records")


def record_to_article(record: object, *, origin: str, fallback_id: str) -> Article | Rejection:
    if not isinstance(record, dict):
        return Rejection(origin, f"a JSON object was expected, got {type(record).__name__}")
    text = record.get("text")
    raw = record.get("raw_text")
    body = raw if isinstance(raw, str) and raw.strip() else text
    if not isinstance(body, str) or not body.strip():
        return Rejection(origin, "record has no 'text'")
    published = record.get("published")
    if published is not None and not (isinstance(published, str) and _DATE.match(published)):
        published = None
    article_id = record.get("id")
    title = record.get("title")
    return Article(
        id=str(article_id) if article_id not in (None, "") else fallback_id,
        raw_text=body,
        title=title if isinstance(title, str) and title.strip() else None,
        url=_str_or_none(record.get("url")),
        source=_str_or_none(record.get("source")),
        published=published[:10] if published else None,
        lang=_str_or_none(record.get("lang")),
        origin=origin,
        input_format="jsonl",
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
