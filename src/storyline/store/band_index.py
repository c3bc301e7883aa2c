"""The MinHash band index in two tiers: a small table that takes each batch's rows, merged into
the big index in key order when it fills up (a log-structured merge in two levels).

Band keys are random, so rows inserted straight into an index of millions each land on a page of
their own: a batch of 256 originals dirtied ~8,000 pages, written to the WAL at commit and copied
back at checkpoint, and that cost grew with the store. The small table stays a few hundred pages
(dirtied again by every batch, but few), and a merge walks the big index once, in order,
touching each of its pages at most once for thousands of articles. Look-ups ask both tiers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

RECENT_ROWS = 131_072  # rows the small table takes before a merge: 4,096 originals of 32 bands
_TIERS = ("minhash_band_index", "minhash_band_recent")


def add_bands(conn: sqlite3.Connection, rows: list[tuple[int, int]]) -> None:
    """Index ``(band_key, article_rowid)`` rows (in key order: neighbouring keys share pages)."""
    conn.executemany("INSERT OR IGNORE INTO minhash_band_recent (band_key, article_rowid) VALUES (?, ?)",
                     sorted(rows))


def merge_when_full(conn: sqlite3.Connection) -> bool:
    """Move the small table into the big index once it holds ``RECENT_ROWS`` rows; True if it did."""
    if conn.execute("SELECT count(*) FROM minhash_band_recent").fetchone()[0] < RECENT_ROWS:
        return False
    conn.execute("INSERT OR IGNORE INTO minhash_band_index (band_key, article_rowid) "
                 "SELECT band_key, article_rowid FROM minhash_band_recent ORDER BY band_key, article_rowid")
    conn.execute("DELETE FROM minhash_band_recent")
    return True


def drop_bands(conn: sqlite3.Connection, rows: list[tuple[int, int]]) -> None:
    """Remove ``(band_key, article_rowid)`` rows from whichever tier holds them."""
    for table in _TIERS:
        conn.executemany(f"DELETE FROM {table} WHERE band_key = ? AND article_rowid = ?", rows)


def band_rows(conn: sqlite3.Connection, band_keys: list[int]) -> Iterable[tuple[int, str, int]]:
    """``(band_key, article_id, article_rowid)`` of the originals in these bands, in key order.

    Each tier is the outer loop of its own join (CROSS JOIN): SQLite would otherwise walk every
    original article and probe its bands, which grows with the corpus."""
    marks = ",".join("?" * len(band_keys))
    per_tier = [
        f"SELECT b.band_key, a.article_id, b.article_rowid FROM {table} b "
        f"CROSS JOIN articles a ON a.rowid = b.article_rowid "
        f"WHERE b.band_key IN ({marks}) AND a.duplicate_of IS NULL"
        for table in _TIERS
    ]
    return conn.execute(" UNION ".join(per_tier) + " ORDER BY 1, 3", [*band_keys, *band_keys])
