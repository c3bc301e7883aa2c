"""Read-side queries for the web app and HTTP API: lists, pages of articles, search with snippets.

Functions take a ``sqlite3.Connection`` (usually a read-only one, one per server thread) and return
plain dicts, ready for JSON or a template. Every user value is a bound parameter; pagination is
limit/offset with the total alongside, so a page can say "41–60 of 9,812".
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from storyline.store import fts_query

# Snippet highlight markers: private-use characters that article text does not contain, so the
# page can escape the snippet first and only then turn the markers into <mark> elements.
MATCH_START = "\ue000"
MATCH_END = "\ue001"

_LIST_COLUMNS = "a.article_id, a.title, a.source, a.published, a.url, a.lang, a.duplicate_of, a.duplicate_kind"


@dataclass(frozen=True)
class ArticleFilter:
    """What a list of articles is narrowed to; ``None`` means no restriction."""

    source: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    include_duplicates: bool = True

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.source is not None:
            clauses.append("a.source = ?")
            params.append(self.source)
        if self.date_from is not None:
            clauses.append("a.published >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append("a.published <= ?")
            params.append(self.date_to)
        if not self.include_duplicates:
            clauses.append("a.duplicate_of IS NULL")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _list_item(row: sqlite3.Row) -> dict:
    return {
        "id": row["article_id"],
        "title": row["title"],
        "source": row["source"],
        "published": row["published"],
        "url": row["url"],
        "lang": row["lang"],
        "duplicate_of": row["duplicate_of"],
        "duplicate_kind": row["duplicate_kind"],
    }


def list_articles(conn: sqlite3.Connection, filters: ArticleFilter, *, limit: int, offset: int) -> dict:
    """A page of articles, newest publication date first (undated last, then newest stored first)."""
    where, params = filters.where()
    total = conn.execute(f"SELECT count(*) FROM articles a{where}", params).fetchone()[0]
    # SQLite sorts NULL below every date, so DESC puts undated articles last and the index serves it.
    rows = conn.execute(
        f"SELECT {_LIST_COLUMNS} FROM articles a{where} ORDER BY a.published DESC, a.rowid DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return {"total": total, "limit": limit, "offset": offset, "items": [_list_item(r) for r in rows]}


def publication_counts(conn: sqlite3.Connection, filters: ArticleFilter) -> list[tuple[str, int]]:
    """How many of the filtered articles were published on each date, oldest first (undated left out)."""
    where, params = filters.where()
    where = (where + " AND" if where else " WHERE") + " a.published IS NOT NULL"
    rows = conn.execute(
        f"SELECT a.published AS day, count(*) AS n FROM articles a{where} GROUP BY a.published ORDER BY a.published",
        params,
    ).fetchall()
    return [(r["day"], r["n"]) for r in rows]


def article_detail(conn: sqlite3.Connection, article_id: str) -> dict | None:
    """One article with everything a reader may want: text, cleaning notes, duplicate links."""
    row = conn.execute(
        "SELECT article_id, title, text, url, source, published, lang, author, summary_only, duplicate_of, "
        "duplicate_kind, origin, input_format, raw_text, cleaning FROM articles WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    cleaning = json.loads(row["cleaning"] or "{}")
    original = None
    if row["duplicate_of"]:
        found = conn.execute(
            "SELECT article_id, title, source, published FROM articles WHERE article_id = ?", (row["duplicate_of"],)
        ).fetchone()
        original = _brief(found) if found else {"id": row["duplicate_of"], "title": None, "source": None,
                                                 "published": None}
    copies = conn.execute(
        "SELECT article_id, title, source, published, duplicate_kind FROM articles WHERE duplicate_of = ? "
        "ORDER BY rowid LIMIT 200",
        (article_id,),
    ).fetchall()
    return {
        "id": row["article_id"],
        "title": row["title"],
        "text": row["text"],
        "url": row["url"],
        "source": row["source"],
        "published": row["published"],
        "lang": row["lang"],
        "author": row["author"],
        "summary_only": bool(row["summary_only"]),
        "origin": row["origin"],
        "input_format": row["input_format"],
        "raw_text": row["raw_text"],
        "duplicate_kind": row["duplicate_kind"],
        "duplicate_of": original,
        "duplicates": [{**_brief(c), "kind": c["duplicate_kind"]} for c in copies],
        "dropped_lines": [{"line": line, "reason": reason} for line, reason in cleaning.get("dropped_lines", [])],
        "foreign_lines": [{"line": line, "lang": lang} for line, lang in cleaning.get("foreign_lines", [])],
    }


def _brief(row: sqlite3.Row) -> dict:
    return {"id": row["article_id"], "title": row["title"], "source": row["source"], "published": row["published"]}


def list_sources(conn: sqlite3.Connection, *, limit: int = -1) -> list[dict]:
    """Outlets with their article counts and date range, biggest first; articles without a source
    are one row (None). ``limit`` -1 means all."""
    rows = conn.execute(
        "SELECT source, count(*) AS articles, sum(duplicate_of IS NOT NULL) AS duplicates, "
        "min(published) AS first_published, max(published) AS last_published "
        "FROM articles GROUP BY source ORDER BY articles DESC, source IS NULL, source LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        {
            "source": r["source"],
            "articles": r["articles"],
            "duplicates": r["duplicates"],
            "first_published": r["first_published"],
            "last_published": r["last_published"],
        }
        for r in rows
    ]


def store_stats(conn: sqlite3.Connection) -> dict:
    row = conn.execute(
        "SELECT count(*) AS articles, sum(duplicate_of IS NOT NULL) AS duplicates, "
        "count(DISTINCT source) AS sources, min(published) AS first_published, max(published) AS last_published "
        "FROM articles"
    ).fetchone()
    return {
        "articles": row["articles"],
        "duplicates": row["duplicates"] or 0,
        "sources": row["sources"],
        "first_published": row["first_published"],
        "last_published": row["last_published"],
    }


def search_articles(conn: sqlite3.Connection, query: str, *, limit: int, offset: int) -> dict:
    """Full-text search with snippets, best match first (ties in storage order), paged.

    Same FTS5 index, weights and query quoting as ``Store.search``. Two steps keep it fast on a big
    store: rank every match on the index alone, then build snippets and read article rows only for
    the page shown. Snippets mark matches with ``MATCH_START``/``MATCH_END`` instead of brackets, so
    brackets in the text stay text.
    """
    match = fts_query(query)
    if not match:
        return {"query": query, "total": 0, "limit": limit, "offset": offset, "items": []}
    total = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]
    rows = conn.execute(
        "SELECT a.article_id, a.title, a.source, a.published, a.duplicate_of, a.duplicate_kind, "
        "snippet(articles_fts, 1, ?, ?, ' … ', 16) AS snippet, bm25(articles_fts, 5.0, 1.0) AS score "
        "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ? AND articles_fts.rowid IN ("
        "  SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
        "  ORDER BY bm25(articles_fts, 5.0, 1.0), rowid LIMIT ? OFFSET ?) "
        "ORDER BY score, articles_fts.rowid",
        (MATCH_START, MATCH_END, match, match, limit, offset),
    ).fetchall()
    items = [
        {
            "id": r["article_id"],
            "title": r["title"],
            "source": r["source"],
            "published": r["published"],
            "duplicate_of": r["duplicate_of"],
            "duplicate_kind": r["duplicate_kind"],
            "score": round(-r["score"], 6),
            "snippet": snippet_segments(r["snippet"]),
        }
        for r in rows
    ]
    return {"query": query, "total": total, "limit": limit, "offset": offset, "items": items}


def snippet_segments(snippet: str) -> list[dict]:
    """Split a marked snippet into ``{"text", "match"}`` pieces (for JSON and for escaping in HTML)."""
    segments: list[dict] = []
    rest = snippet
    while rest:
        start = rest.find(MATCH_START)
        if start < 0:
            segments.append({"text": rest, "match": False})
            break
        if start:
            segments.append({"text": rest[:start], "match": False})
        end = rest.find(MATCH_END, start + 1)
        end = len(rest) if end < 0 else end
        segments.append({"text": rest[start + 1:end], "match": True})
        rest = rest[end + 1:]
    return [s for s in segments if s["text"]]


def story_list(conn: sqlite3.Connection, *, limit: int, offset: int) -> dict | None:
    """The stories for the home page, or ``None`` while the store has no story layer.

    The swap point for the grouping work: this schema has no stories yet, so there is nothing to
    list and the page says so instead of showing made-up groups. Replace the body with the real
    query (same return shape as ``list_articles``) when the stories tables land.
    """
    return None
