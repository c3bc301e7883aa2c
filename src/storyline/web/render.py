"""Small helpers that turn stored values into what a page shows, safely.

Everything here returns plain strings or lists for Jinja to escape; nothing builds HTML by hand.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f]")


def safe_link(url: str | None) -> str | None:
    """The URL if it is a plain http(s) address a browser may follow, else ``None``.

    Article URLs come from the input: ``javascript:``, ``data:`` or a URL with hidden whitespace
    (browsers drop tabs and newlines, so ``java\\tscript:`` would still run) must stay text.
    """
    if not url or len(url) > 2048 or _UNSAFE_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each a list of its lines."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line for line in block.split("\n") if line.strip()] for block in blocks if block.strip()]


def page_url(path: str, params: dict, **changes) -> str:
    """``path`` with the query ``params`` updated by ``changes`` (``None`` values dropped)."""
    merged = {**params, **changes}
    query = urlencode([(k, v) for k, v in merged.items() if v not in (None, "", False)])
    return f"{path}?{query}" if query else path


def pager(path: str, params: dict, *, total: int, limit: int, offset: int) -> dict:
    """Previous/next links and the "41–60 of 812" range for a paged list."""
    prev_offset = max(offset - limit, 0) if offset > 0 else None
    next_offset = offset + limit if offset + limit < total else None
    return {
        "first": offset + 1 if total else 0,
        "last": min(offset + limit, total),
        "total": total,
        "prev": page_url(path, params, offset=prev_offset or None) if prev_offset is not None else None,
        "next": page_url(path, params, offset=next_offset) if next_offset is not None else None,
    }


def marked_paragraphs(text: str, marks: list[dict]) -> list[list[dict]]:
    """The text cut into paragraphs of pieces ``{text, kinds, labels, entity}`` at every mark edge.

    Overlapping marks (a name inside a quote) give a piece every kind that covers it; the template
    escapes each piece and wraps marked ones in ``<mark>``, so no text ever becomes markup.
    """
    out = []
    for block in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        a, b = block.start(), block.end()
        inside = [m for m in marks if m["start"] < b and m["end"] > a]
        cuts = sorted({a, b, *(max(a, min(b, m["start"])) for m in inside), *(max(a, min(b, m["end"])) for m in inside)})
        pieces = []
        for lo, hi in zip(cuts, cuts[1:]):
            cover = [m for m in inside if m["start"] <= lo and m["end"] >= hi]
            pieces.append({
                "text": text[lo:hi],
                "kinds": sorted({m["kind"] for m in cover}),
                "labels": list(dict.fromkeys(m["label"] for m in cover if m["label"])),
                "entity": next((m["entity"] for m in cover if m["entity"] and m["kind"] != "quote"), None),
            })
        out.append(pieces)
    return out
