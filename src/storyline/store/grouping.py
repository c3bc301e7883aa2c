"""SQL for grouping: event and story profiles, each article's assignment and explanation.

Functions take the sqlite3 connection of a ``Store``. Group profiles are stored whole (sums,
member vectors, term counts) so a later run continues exactly where the last one stopped:
grouping the seeds in one run or one run per article gives the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

GROUP_TABLES = {"event": "events", "story": "stories"}
_KEY = {"event": "event_id", "story": "story_id"}


@dataclass
class GroupRow:
    """A stored event or story profile, as the grouper reads and writes it."""

    group_id: str
    parent: str | None  # an event's story; None for a story
    first_published: str | None
    last_published: str | None
    articles: int
    children: int  # a story's events; 0 for an event
    last_seq: int
    vector_sum: bytes
    members: bytes
    profile: str


def load_counters(conn: sqlite3.Connection) -> tuple[int, int]:
    """The number of grouped articles and the last sequence number."""
    state = dict(conn.execute("SELECT key, value FROM group_state").fetchall())
    return int(state.get("documents", 0)), int(state.get("last_seq", 0))


def load_df(conn: sqlite3.Connection) -> dict[str, int]:
    """Document frequencies of the words and names grouped so far."""
    return {row[0]: row[1] for row in conn.execute("SELECT term, df FROM group_terms")}


def load_groups(conn: sqlite3.Connection, level: str, *, lo: str | None, hi: str | None,
                min_seq: int, skip: Iterable[str] = ()) -> Iterator[GroupRow]:
    """Groups that may take an article dated in [lo, hi], or recently touched; oldest first."""
    table, key = GROUP_TABLES[level], _KEY[level]
    parent = "story_id" if level == "event" else "NULL"
    children = "events" if level == "story" else "0"
    skip = set(skip)
    columns = (f"{key}, {parent}, first_published, last_published, articles, {children}, last_seq, "
               "vector_sum, members, profile")
    # two indexed look-ups (recent; dated in the window) instead of one OR, which SQLite answers
    # with a scan of the whole table: the cost of a batch must not grow with the store
    sql, params = f"SELECT {columns}, rowid FROM {table} WHERE last_seq > ?", [min_seq]
    if lo is not None and hi is not None:
        sql += (f" UNION ALL SELECT {columns}, rowid FROM {table} "
                "WHERE last_published >= ? AND first_published <= ? AND +last_seq <= ?")
        params += [lo, hi, min_seq]
    # sorted here: asked to order by rowid, SQLite walks the whole table in rowid order instead
    for row in sorted(conn.execute(sql, params), key=lambda r: r[-1]):
        if row[0] not in skip:
            yield GroupRow(*row[:-1])


def load_group(conn: sqlite3.Connection, level: str, group_id: str) -> GroupRow | None:
    table, key = GROUP_TABLES[level], _KEY[level]
    parent = "story_id" if level == "event" else "NULL"
    children = "events" if level == "story" else "0"
    row = conn.execute(
        f"SELECT {key}, {parent}, first_published, last_published, articles, {children}, last_seq, "
        f"vector_sum, members, profile FROM {table} WHERE {key} = ?",
        (group_id,),
    ).fetchone()
    return GroupRow(*row) if row else None


def load_article_vectors(conn: sqlite3.Connection, *, lo: str | None, hi: str | None, min_seq: int
                         ) -> Iterator[tuple[str, str, str, int, str | None, bytes]]:
    """Grouped articles dated in [lo, hi] or grouped recently: id, event, story, seq, date, vector."""
    columns = "article_id, event_id, story_id, seq, published, vector"
    sql, params = f"SELECT {columns} FROM article_groups WHERE seq > ? AND vector IS NOT NULL", [min_seq]
    if lo is not None and hi is not None:  # two indexed look-ups, not a scan (see ``load_groups``)
        sql += (f" UNION ALL SELECT {columns} FROM article_groups "
                "WHERE published >= ? AND published <= ? AND +seq <= ? AND vector IS NOT NULL")
        params += [lo, hi, min_seq]
    yield from conn.execute(f"{sql} ORDER BY seq", params)


def save_batch(conn: sqlite3.Connection, *, events: list[GroupRow], stories: list[GroupRow],
               assignments: list[tuple], terms: dict[str, int], documents: int, last_seq: int) -> None:
    """Write what a batch changed (call inside the store's transaction)."""
    for row in stories:
        conn.execute(
            "INSERT INTO stories (story_id, first_published, last_published, articles, events, last_seq, "
            "vector_sum, members, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
            "first_published=excluded.first_published, last_published=excluded.last_published, "
            "articles=excluded.articles, events=excluded.events, last_seq=excluded.last_seq, "
            "vector_sum=excluded.vector_sum, members=excluded.members, profile=excluded.profile",
            (row.group_id, row.first_published, row.last_published, row.articles, row.children, row.last_seq,
             row.vector_sum, row.members, row.profile),
        )
    for row in events:
        conn.execute(
            "INSERT INTO events (event_id, story_id, first_published, last_published, articles, last_seq, "
            "vector_sum, members, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
            "story_id=excluded.story_id, first_published=excluded.first_published, "
            "last_published=excluded.last_published, articles=excluded.articles, last_seq=excluded.last_seq, "
            "vector_sum=excluded.vector_sum, members=excluded.members, profile=excluded.profile",
            (row.group_id, row.parent, row.first_published, row.last_published, row.articles, row.last_seq,
             row.vector_sum, row.members, row.profile),
        )
    conn.executemany(
        "INSERT OR REPLACE INTO article_groups (article_id, event_id, story_id, seq, probability, explanation, "
        "published, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        assignments,
    )
    conn.executemany(
        "INSERT INTO group_terms (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET df = excluded.df",
        sorted(terms.items()),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO group_state (key, value) VALUES (?, ?)",
        [("documents", str(documents)), ("last_seq", str(last_seq))],
    )


def save_models(conn: sqlite3.Connection, fingerprint: str, weights: str) -> None:
    """Keep the weights of the models that grouped (once per fingerprint), for later explanations."""
    conn.execute("INSERT OR IGNORE INTO grouping_models (fingerprint, weights) VALUES (?, ?)", (fingerprint, weights))


def load_models_weights(conn: sqlite3.Connection, fingerprint: str) -> str | None:
    row = conn.execute("SELECT weights FROM grouping_models WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return row[0] if row else None


def grouped_ids(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Event and story of those articles already grouped."""
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT article_id, event_id, story_id FROM article_groups WHERE article_id IN ({marks})", chunk
        ):
            out[row[0]] = (row[1], row[2])
    return out


def has_vector(conn: sqlite3.Connection, article_id: str) -> bool:
    """Whether grouping counted the article in its event's sums (a copy keeps no vector)."""
    row = conn.execute("SELECT vector IS NOT NULL FROM article_groups WHERE article_id = ?", (article_id,)).fetchone()
    return bool(row and row[0])


def member_dates(conn: sqlite3.Connection, level: str, group_id: str, also: list[str]
                 ) -> list[tuple[str, str | None]]:
    """The dates grouping used for the reports an event or story counts as stored (copies are not
    counted), and for the articles ``also`` names: id and date."""
    marks = ",".join("?" * len(also))
    either = f" OR article_id IN ({marks})" if also else ""
    return conn.execute(
        f"SELECT article_id, published FROM article_groups WHERE ({_KEY[level]} = ?{either}) AND vector IS NOT NULL",
        [group_id, *also],
    ).fetchall()


def ungrouped_article_ids(conn: sqlite3.Connection) -> list[str]:
    """Stored articles with no group yet (a run stopped between writing and grouping), in order."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT a.article_id FROM articles a LEFT JOIN article_groups g ON g.article_id = a.article_id "
            "WHERE g.article_id IS NULL ORDER BY a.rowid"
        )
    ]


def article_group(conn: sqlite3.Connection, article_id: str) -> dict | None:
    row = conn.execute(
        "SELECT article_id, event_id, story_id, seq, probability, explanation FROM article_groups "
        "WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return None
    return {"article_id": row[0], "event": row[1], "story": row[2], "seq": row[3], "probability": row[4],
            "explanation": json.loads(row[5])}


def assignment_map(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in conn.execute("SELECT article_id, event_id, story_id FROM article_groups")}


def stories(conn: sqlite3.Connection, *, limit: int | None = None) -> list[dict]:
    """Stories, the largest first (ties by id), with their events, dates and outlets."""
    sql = "SELECT story_id, first_published, last_published, articles, events FROM stories ORDER BY articles DESC, story_id"
    params: tuple = ()
    if limit:
        sql += " LIMIT ?"
        params = (limit,)
    out = []
    for row in conn.execute(sql, params).fetchall():
        out.append({
            "story": row[0], "first_published": row[1], "last_published": row[2], "articles": row[3],
            "events": story_events(conn, row[0]),
        })
    return out


def story_events(conn: sqlite3.Connection, story_id: str) -> list[dict]:
    """A story's events in date order (undated last), each with its articles and outlets."""
    events = conn.execute(
        "SELECT event_id, first_published, last_published, articles FROM events WHERE story_id = ? "
        "ORDER BY first_published IS NULL, first_published, event_id",
        (story_id,),
    ).fetchall()
    out = []
    for ev in events:
        arts = conn.execute(
            "SELECT a.article_id, a.title, a.source, a.published, a.text FROM article_groups g "
            "JOIN articles a ON a.article_id = g.article_id WHERE g.event_id = ? "
            "ORDER BY a.published IS NULL, a.published, g.seq",
            (ev[0],),
        ).fetchall()
        out.append({
            "event": ev[0], "first_published": ev[1], "last_published": ev[2], "articles": ev[3],
            "members": [{"id": a[0], "title": a[1], "source": a[2], "published": a[3], "text": a[4]} for a in arts],
            "sources": sorted({a[2] for a in arts if a[2]}),
        })
    return out


def story_exists(conn: sqlite3.Connection, story_id: str) -> bool:
    return conn.execute("SELECT 1 FROM stories WHERE story_id = ?", (story_id,)).fetchone() is not None


def move_articles(conn: sqlite3.Connection, moves: list[tuple[str, str, str, list[dict]]]) -> None:
    """Articles of earlier batches that a repair moved to another event (``group/repair.py``): the
    new event and story, the moves added to the explanation; their copies follow them."""
    for article_id, event_id, story_id, entries in moves:
        row = conn.execute("SELECT explanation FROM article_groups WHERE article_id = ?", (article_id,)).fetchone()
        explanation = json.loads(row[0])
        explanation["moves"] = explanation.get("moves", []) + entries
        conn.execute("UPDATE article_groups SET event_id = ?, story_id = ?, explanation = ? WHERE article_id = ?",
                     (event_id, story_id, json.dumps(explanation, sort_keys=True), article_id))
        conn.execute("UPDATE article_groups SET event_id = ?, story_id = ? WHERE article_id IN "
                     "(SELECT article_id FROM articles WHERE duplicate_of = ?)", (event_id, story_id, article_id))


def delete_groups(conn: sqlite3.Connection, event_ids: list[str], story_ids: list[str]) -> None:
    """Events and stories a repair emptied (their reports joined another event)."""
    conn.executemany("DELETE FROM events WHERE event_id = ?", [(e,) for e in event_ids])
    conn.executemany("DELETE FROM stories WHERE story_id = ?", [(s,) for s in story_ids])


def save_small_members(conn: sqlite3.Connection, events: list[tuple[str, list[tuple[str, int, str]]]]) -> None:
    """Replace the kept member profiles of these events (an empty list: none kept any more)."""
    for event_id, members in events:
        conn.execute("DELETE FROM small_event_members WHERE event_id = ?", (event_id,))
        conn.executemany("INSERT OR REPLACE INTO small_event_members (article_id, event_id, seq, profile) "
                         "VALUES (?, ?, ?, ?)", [(a, event_id, seq, p) for a, seq, p in members])


def small_members(conn: sqlite3.Connection, event_id: str) -> list[tuple[str, str, bytes]]:
    """A small event's kept member profiles in grouping order: id, profile JSON, vector."""
    return conn.execute(
        "SELECT m.article_id, m.profile, g.vector FROM small_event_members m "
        "JOIN article_groups g ON g.article_id = m.article_id WHERE m.event_id = ? ORDER BY m.seq",
        (event_id,),
    ).fetchall()
