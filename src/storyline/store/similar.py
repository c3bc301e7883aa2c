"""SQL behind "more like this": the lead embeddings grouping stored per article, and an article's copies.

Grouping keeps a float32 vector of title + lead for every article it placed (``article_groups.vector``;
NULL for copies, which share their original's). Nearest neighbours are ranked in numpy by the web
layer (``storyline.web.similar``); this module only reads rows.
"""

from __future__ import annotations

import sqlite3


def vectors_version(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes whenever grouping writes (each placement takes a new, higher ``seq``): a cache key
    that, unlike ``PRAGMA data_version``, means the same on every connection."""
    row = conn.execute("SELECT coalesce(max(seq), 0), count(*) FROM article_groups").fetchone()
    return row[0], row[1]


def load_vectors(conn: sqlite3.Connection) -> list[tuple[str, bytes]]:
    """Every stored (article id, vector blob), by article id."""
    return conn.execute(
        "SELECT article_id, vector FROM article_groups WHERE vector IS NOT NULL ORDER BY article_id"
    ).fetchall()


def copy_family(conn: sqlite3.Connection, article_id: str) -> tuple[str, set[str]]:
    """The original an article stands for (itself, or the article it copies) and every id of that
    family (the original and all its stored copies), which "more like this" leaves out."""
    row = conn.execute("SELECT duplicate_of FROM articles WHERE article_id = ?", (article_id,)).fetchone()
    original = row[0] if row and row[0] else article_id
    family = {article_id, original}
    family.update(r[0] for r in conn.execute("SELECT article_id FROM articles WHERE duplicate_of = ?", (original,)))
    return original, family


def article_refs(conn: sqlite3.Connection, article_ids: list[str]) -> dict[str, dict]:
    """Id, title, outlet and date of the given articles (missing ids are left out)."""
    out: dict[str, dict] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
            f"SELECT article_id, title, source, published FROM articles WHERE article_id IN ({marks})", chunk
        ):
            out[r[0]] = {"id": r[0], "title": r[1], "source": r[2], "published": r[3]}
    return out


def article_exists(conn: sqlite3.Connection, article_id: str) -> bool:
    return conn.execute("SELECT 1 FROM articles WHERE article_id = ?", (article_id,)).fetchone() is not None
