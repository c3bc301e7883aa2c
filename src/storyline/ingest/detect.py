"""Which reader an input needs, judged by its content first and its file name second."""

from __future__ import annotations

import json
import re

from storyline.ingest.decode import looks_binary

_FEED = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.I)
_HTML = re.compile(rb"<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<(div|p|article|meta|title)[\s>]", re.I)
_JSON_DOCUMENT = re.compile(rb'\[\s*[{\]]|\{\s*"')
_EXTENSIONS = {
    "txt": "text", "text": "text",
    "html": "html", "htm": "html", "xhtml": "html",
    "rss": "feed", "atom": "feed", "xml": "feed",
    "warc": "warc",
    "jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl",
}


def detect_format(head: bytes, name: str = "") -> str | None:
    """``text | html | feed | warc | jsonl | json``, or None for binary content."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16: judge the decoded head instead of raw bytes.
        try:
            text_head = head.decode("utf-16", errors="ignore").encode("utf-8")
        except UnicodeError:
            return "text"
        return detect_format(text_head, name) or "text"
    if looks_binary(head[:8192]):
        return None
    if stripped.startswith(b"{") and _first_line_is_json_object(stripped):
        return "jsonl"
    if _JSON_DOCUMENT.match(stripped):
        return "json"  # one JSON document over many lines: an array of records, or one object
    if _FEED.search(stripped[:4096]) and not stripped[:200].lower().startswith((b"<!doctype html", b"<html")):
        return "feed"
    if stripped.startswith(b"<") and _HTML.search(stripped[:4096]):
        return "html"
    by_name = _EXTENSIONS.get(_extension(name))
    if by_name in ("html", "feed", "jsonl") and stripped.startswith((b"<", b"{")):
        return by_name
    if by_name == "warc":
        return "warc"
    return "text"


def _first_line_is_json_object(data: bytes) -> bool:
    line = data.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        # A long first record may be cut by the head; an opening brace and a quoted key suffice.
        return bool(re.match(rb'\{\s*"', line))


def _extension(name: str) -> str:
    lowered = name.lower()
    for suffix in (".gz", ".bz2"):
        if lowered.endswith(suffix):
            lowered = lowered[: -len(suffix)]
    return lowered.rsplit(".", 1)[-1] if "." in lowered else ""
