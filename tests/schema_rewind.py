"""Turn a current database back into an older schema version, to test that opening it migrates it.

One undo script per migration that later tests rewind past; a new migration that such a test
crosses needs its undo here (the test fails loudly otherwise: the migration finds its own work done).
"""

from __future__ import annotations

import sqlite3

from storyline.store.schema import SCHEMA_VERSION

_UNDO = {  # schema version -> the script that takes a database at it back to the version before
    7: "DROP TABLE minhash_band_index;"
       "CREATE TABLE minhash_bands (band_key TEXT NOT NULL, article_id TEXT NOT NULL, "
       "PRIMARY KEY (band_key, article_id)) WITHOUT ROWID;"
       "CREATE INDEX minhash_bands_by_article ON minhash_bands(article_id);",
    8: "DROP INDEX entities_by_first_word; DROP INDEX entities_by_last_word;"
       "ALTER TABLE entities DROP COLUMN first_word; ALTER TABLE entities DROP COLUMN last_word;",
    9: "DROP TABLE grouping_models;",
    10: "DROP TRIGGER articles_fts_update;"
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;"
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text); "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END;",
    11: "INSERT OR IGNORE INTO minhash_band_index SELECT band_key, article_rowid FROM minhash_band_recent;"
        "DROP TABLE minhash_band_recent;",
    12: "DROP TABLE small_event_members;",
}
assert max(_UNDO) == SCHEMA_VERSION, "a new migration needs its undo script here"


def rewind(path, version: int) -> None:
    """The database at ``path`` as schema ``version`` left it (migrations after it undone, newest first)."""
    conn = sqlite3.connect(path)
    try:
        script = "".join(_UNDO[number] for number in range(SCHEMA_VERSION, version, -1))
        conn.executescript(script + f"PRAGMA user_version = {version};")
    finally:
        conn.close()
