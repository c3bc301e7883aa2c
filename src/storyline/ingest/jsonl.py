"""JSON Lines in the evaluation article format: ``id, title, text, url, source, published, lang``.

Read line by line, so a file of any size streams; a bad line is rejected with its line number and
the lines around it still count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.sources import Source
from storyline.model import Article, Rejection

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def read_jsonl(source: Source, stream: BinaryIO) -> Iterator[Article | Rejection]:
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            origin = f"{source.origin}#line {number}"
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError:
                yield Rejection(origin, "not UTF-8 (JSON Lines must be UTF-8)")
                continue
            except ValueError as exc:
                yield Rejection(origin, f"malformed JSON ({exc})")
                continue
            yield record_to_article(record, origin=origin, fallback_id=f"{source.stem}-{number}")
    except (OSError, EOFError) as exc:
        yield Rejection(f"{source.origin}#line {number + 1}", f"input ends abruptly ({exc})")


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
