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




# -- stories, events, entities (the grouping and annotation layers) ---------------------------


@dataclass(frozen=True)
class StoryFilter:
    """What the story list is narrowed to; ``None`` means no restriction."""

    q: str | None = None  # words any of the story's articles contains (FTS5)
    date_from: str | None = None  # stories still active on or after this ISO date
    date_to: str | None = None  # stories begun on or before this ISO date
    source: str | None = None  # stories with an article of this outlet
    entity: str | None = None  # stories with a mention of this entity id

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        match = fts_query(self.q) if self.q else ""
        if match:
            clauses.append(
                "s.story_id IN (SELECT g.story_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "JOIN article_groups g ON g.article_id = a.article_id WHERE articles_fts MATCH ?)"
            )
            params.append(match)
        if self.date_from is not None:
            clauses.append("s.last_published >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append("s.first_published <= ?")
            params.append(self.date_to)
        if self.source is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM article_groups g JOIN articles a ON a.article_id = g.article_id "
                "WHERE g.story_id = s.story_id AND a.source = ?)"
            )
            params.append(self.source)
        if self.entity is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM article_groups g JOIN mentions m ON m.article_id = g.article_id "
                "WHERE g.story_id = s.story_id AND (m.entity_id = ? OR m.acts_as = ?))"
            )
            params += [self.entity, self.entity]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_STORY_COLUMNS = (
    "s.story_id, s.first_published, s.last_published, s.articles, s.events, s.last_seq, "
    "(SELECT count(DISTINCT a.source) FROM article_groups g JOIN articles a ON a.article_id = g.article_id "
    " WHERE g.story_id = s.story_id) AS outlets, "
    "(SELECT a.title FROM article_groups g JOIN articles a ON a.article_id = g.article_id "
    " WHERE g.story_id = s.story_id ORDER BY g.seq LIMIT 1) AS title"
)


def _story_item(row: sqlite3.Row) -> dict:
    return {
        "id": row["story_id"],
        "title": row["title"],
        "first_published": row["first_published"],
        "last_published": row["last_published"],
        "events": row["events"],
        "articles": row["articles"],
        "outlets": row["outlets"],
    }


def story_list(conn: sqlite3.Connection, filters: StoryFilter = StoryFilter(), *, limit: int, offset: int) -> dict:
    """A page of stories, latest activity first (undated last, then most recently grouped), with
    counts of events, articles and outlets; the title is that of the article that opened it."""
    where, params = filters.where()
    total = conn.execute(f"SELECT count(*) FROM stories s{where}", params).fetchone()[0]
    order = "ORDER BY s.last_published IS NULL, s.last_published DESC, s.last_seq DESC, s.story_id"
    # pick the page's ids first, so the per-story counts are computed for the page only
    rows = conn.execute(
        f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.story_id IN "
        f"(SELECT s.story_id FROM stories s{where} {order} LIMIT ? OFFSET ?) {order}",
        (*params, limit, offset),
    ).fetchall()
    return {"total": total, "limit": limit, "offset": offset, "items": [_story_item(r) for r in rows]}


def _group_articles(conn: sqlite3.Connection, column: str, group_id: str, *, with_text: bool = False) -> list[dict]:
    text = ", a.text" if with_text else ""
    rows = conn.execute(
        f"SELECT a.article_id, a.title, a.source, a.published, a.url, a.duplicate_of, a.duplicate_kind, "
        f"g.event_id, g.probability{text} FROM article_groups g JOIN articles a ON a.article_id = g.article_id "
        f"WHERE g.{column} = ? ORDER BY a.published IS NULL, a.published, g.seq",
        (group_id,),
    ).fetchall()
    out = []
    for r in rows:
        item = {**_brief(r), "url": r["url"], "duplicate_of": r["duplicate_of"],
                "duplicate_kind": r["duplicate_kind"], "event": r["event_id"], "probability": r["probability"]}
        if with_text:
            item["text"] = r["text"]
        out.append(item)
    return out


def _outlet_counts(articles: list[dict]) -> list[dict]:
    counts: dict[str | None, int] = {}
    for a in articles:
        counts[a["source"]] = counts.get(a["source"], 0) + 1
    return [{"source": s, "articles": n} for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))]


def story_detail(conn: sqlite3.Connection, story_id: str) -> dict | None:
    """One story: its events in date order, each with its articles and article counts per outlet."""
    row = conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.story_id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    articles = _group_articles(conn, "story_id", story_id)
    events = conn.execute(
        "SELECT event_id, first_published, last_published, articles FROM events WHERE story_id = ? "
        "ORDER BY first_published IS NULL, first_published, event_id",
        (story_id,),
    ).fetchall()
    out_events = []
    for ev in events:
        members = [a for a in articles if a["event"] == ev["event_id"]]
        out_events.append({
            "id": ev["event_id"],
            "title": next((a["title"] for a in members if a["title"]), None),
            "first_published": ev["first_published"],
            "last_published": ev["last_published"],
            "articles": members,
            "outlets": _outlet_counts(members),
        })
    return {**_story_item(row), "last_seq": row["last_seq"], "outlet_counts": _outlet_counts(articles), "event_list": out_events}


def event_detail(conn: sqlite3.Connection, event_id: str) -> dict | None:
    """One event with its articles (and their text) grouped by outlet, for reading side by side."""
    row = conn.execute(
        "SELECT event_id, story_id, first_published, last_published, articles FROM events WHERE event_id = ?",
        (event_id,),
    ).fetchone()
    if row is None:
        return None
    articles = _group_articles(conn, "event_id", event_id, with_text=True)
    # An article without a named outlet is a source of its own (as the comparison counts it).
    by_outlet: dict[tuple, list[dict]] = {}
    for a in articles:
        key = (0, a["source"]) if a["source"] is not None else (1, a["id"])
        by_outlet.setdefault(key, []).append(a)
    return {
        "id": row["event_id"],
        "story": row["story_id"],
        "title": next((a["title"] for a in articles if a["title"]), None),
        "first_published": row["first_published"],
        "last_published": row["last_published"],
        "articles": row["articles"],
        "outlets": [{"source": items[0]["source"], "articles": items} for _, items in sorted(by_outlet.items())],
    }


def article_place(conn: sqlite3.Connection, article_id: str) -> dict | None:
    """The event and story an article was grouped into, with their titles (None when ungrouped)."""
    row = conn.execute(
        "SELECT g.event_id, g.story_id, g.probability FROM article_groups g WHERE g.article_id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return None
    titles = "(SELECT a.title FROM article_groups g JOIN articles a ON a.article_id = g.article_id WHERE g.{} = ? {} LIMIT 1)"
    event_title = conn.execute(
        "SELECT " + titles.format("event_id", "AND a.title IS NOT NULL ORDER BY a.published IS NULL, a.published, g.seq"),
        (row["event_id"],)).fetchone()[0]
    story_title = conn.execute("SELECT " + titles.format("story_id", "ORDER BY g.seq"), (row["story_id"],)).fetchone()[0]
    return {"event": row["event_id"], "story": row["story_id"], "probability": row["probability"],
            "event_title": event_title, "story_title": story_title}


MARK_KINDS = ("person", "org", "place", "time", "figure", "quote")


def article_marks(conn: sqlite3.Connection, article_id: str, text: str) -> list[dict]:
    """Annotation spans mapped onto the cleaned ``text``: ``{start, end, kind, label, entity}``.

    Annotations are stored on title + body (``body_offset`` says where the body starts); spans in
    the title or outside the text are left out.
    """
    head = conn.execute("SELECT body_offset FROM article_annotations WHERE article_id = ?", (article_id,)).fetchone()
    if head is None:
        return []
    shift = head["body_offset"]
    marks: list[dict] = []

    def add(start, end, kind, label, entity=None):
        start, end = start - shift, end - shift
        if 0 <= start < end <= len(text):
            marks.append({"start": start, "end": end, "kind": kind, "label": label, "entity": entity})

    for r in conn.execute(
        "SELECT m.start_char, m.end_char, m.kind, coalesce(m.acts_as, m.entity_id) AS eid, e.name FROM mentions m "
        "LEFT JOIN entities e ON e.entity_id = coalesce(m.acts_as, m.entity_id) WHERE m.article_id = ?",
        (article_id,),
    ):
        kind = r["kind"] if r["kind"] in ("person", "org", "place") else "org"
        add(r["start_char"], r["end_char"], kind, r["name"] or r["kind"], r["eid"])
    for r in conn.execute(
        "SELECT start_char, end_char, kind, value, begin_date, until_date FROM time_refs WHERE article_id = ?",
        (article_id,),
    ):
        span = r["begin_date"] if r["begin_date"] == r["until_date"] else f"{r['begin_date']} – {r['until_date']}"
        add(r["start_char"], r["end_char"], "time", f"date: {r['value'] or span}")
    for r in conn.execute(
        "SELECT start_char, end_char, value, unit, counted FROM figures WHERE article_id = ?", (article_id,)
    ):
        what = " ".join(str(x) for x in (_num(r["value"]), r["unit"], r["counted"]) if x)
        add(r["start_char"], r["end_char"], "figure", f"figure: {what}")
    for r in conn.execute(
        "SELECT start_char, end_char, speaker, speaker_id FROM quotes WHERE article_id = ?", (article_id,)
    ):
        add(r["start_char"], r["end_char"], "quote", f"quote by {r['speaker'] or 'unknown speaker'}", r["speaker_id"])
    marks.sort(key=lambda m: (m["start"], -m["end"], m["kind"]))
    return marks


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def entity_list(conn: sqlite3.Connection, *, q: str | None, kind: str | None, limit: int, offset: int) -> dict:
    """A page of entities, the most mentioned first (ties by id), optionally by name part and kind."""
    clauses, params = [], []
    if q:
        clauses.append("(e.name LIKE ? ESCAPE '\\' OR e.entity_id LIKE ? ESCAPE '\\')")
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        params += [like, like]
    if kind:
        clauses.append("e.kind = ?")
        params.append(kind)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    total = conn.execute(f"SELECT count(*) FROM entities e{where}", params).fetchone()[0]
    # one pass over the mentions (a mention counts for its entity and for whom it acts as)
    rows = conn.execute(
        "WITH counts AS (SELECT eid, count(*) AS n FROM ("
        "  SELECT entity_id AS eid FROM mentions WHERE entity_id IS NOT NULL UNION ALL "
        "  SELECT acts_as FROM mentions WHERE acts_as IS NOT NULL AND acts_as IS NOT entity_id) GROUP BY eid) "
        f"SELECT e.entity_id, e.kind, e.name, coalesce(c.n, 0) AS mentions FROM entities e "
        f"LEFT JOIN counts c ON c.eid = e.entity_id{where} ORDER BY mentions DESC, e.entity_id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    items = [{"id": r["entity_id"], "kind": r["kind"], "name": r["name"], "mentions": r["mentions"]} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


def entity_detail(conn: sqlite3.Connection, entity_id: str) -> dict | None:
    """One entity: the stories and events it is mentioned in, and its quotes."""
    row = conn.execute("SELECT entity_id, kind, name, aliases, roles FROM entities WHERE entity_id = ?",
                       (entity_id,)).fetchone()
    if row is None:
        return None
    mentioned = "(SELECT DISTINCT article_id FROM mentions WHERE entity_id = ? OR acts_as = ?)"
    stories = conn.execute(
        f"SELECT {_STORY_COLUMNS}, (SELECT count(*) FROM article_groups g WHERE g.story_id = s.story_id "
        f"AND g.article_id IN {mentioned}) AS mentioning FROM stories s WHERE s.story_id IN "
        f"(SELECT g.story_id FROM article_groups g WHERE g.article_id IN {mentioned}) "
        "ORDER BY s.last_published IS NULL, s.last_published DESC, s.story_id LIMIT 200",
        (entity_id, entity_id, entity_id, entity_id),
    ).fetchall()
    events = conn.execute(
        "SELECT e.event_id, e.story_id, e.first_published, e.last_published, e.articles, "
        "(SELECT a.title FROM article_groups g JOIN articles a ON a.article_id = g.article_id "
        " WHERE g.event_id = e.event_id AND a.title IS NOT NULL "
        " ORDER BY a.published IS NULL, a.published, g.seq LIMIT 1) AS title "
        f"FROM events e WHERE e.event_id IN (SELECT g.event_id FROM article_groups g WHERE g.article_id IN {mentioned}) "
        "ORDER BY e.first_published IS NULL, e.first_published DESC, e.event_id LIMIT 200",
        (entity_id, entity_id),
    ).fetchall()
    quotes = conn.execute(
        "SELECT q.article_id, q.text, q.kind, q.verb, a.title, a.source, a.published FROM quotes q "
        "JOIN articles a ON a.article_id = q.article_id WHERE q.speaker_id = ? "
        "ORDER BY a.published IS NULL, a.published, q.article_id, q.start_char LIMIT 200",
        (entity_id,),
    ).fetchall()
    return {
        "id": row["entity_id"],
        "kind": row["kind"],
        "name": row["name"],
        "aliases": json.loads(row["aliases"]),
        "roles": json.loads(row["roles"]),
        "stories": [{**_story_item(r), "mentioning_articles": r["mentioning"]} for r in stories],
        "events": [{"id": r["event_id"], "story": r["story_id"], "title": r["title"],
                    "first_published": r["first_published"], "last_published": r["last_published"],
                    "articles": r["articles"]} for r in events],
        "quotes": [{"article": {"id": r["article_id"], "title": r["title"], "source": r["source"],
                                "published": r["published"]}, "text": r["text"], "kind": r["kind"], "verb": r["verb"]}
                   for r in quotes],
    }
