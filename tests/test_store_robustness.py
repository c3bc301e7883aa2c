"""Kill ``storyline run`` midway and run it again: nothing lost, corrupted or duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import storyline
from tests.conftest import ROOT
from tests.ingest_builders import jsonl_records, write_jsonl

ARTICLES = 3000
BATCH = 50


def _stored_count(db) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def _fts_consistent(conn: sqlite3.Connection) -> None:
    """FTS5's own checks raise "database disk image is malformed" when the index is damaged, and (with
    rank 1) when it does not match the articles table it indexes."""
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")


def test_sigkill_midway_then_rerun_loses_and_duplicates_nothing(tmp_path):
    records = jsonl_records(ARTICLES)
    source = write_jsonl(tmp_path / "many.jsonl", records)
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "storyline.cli", "run", str(source), "--db", str(db), "--quiet",
           "--workers", "1", "--batch-size", str(BATCH)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while proc.poll() is None and _stored_count(db) < 4 * BATCH:
        time.sleep(0.02)
    killed_midway = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored_at_kill = _stored_count(db)
    assert killed_midway and 0 < stored_at_kill < ARTICLES, "the run ended before it could be killed"
    assert stored_at_kill % BATCH == 0  # whole batches only

    again = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"{ARTICLES} articles read: {ARTICLES - stored_at_kill} added, 0 updated, {stored_at_kill} unchanged" in again.stdout

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    ids = [row[0] for row in conn.execute("SELECT article_id FROM articles ORDER BY rowid")]
    assert ids == [r["id"] for r in records]  # none lost, none twice, in input order
    _fts_consistent(conn)
    assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == ARTICLES
    hits = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", ('"district 2999-3"',)).fetchall()
    assert len(hits) == 1
    runs = conn.execute("SELECT finished_at IS NOT NULL, articles_added FROM runs ORDER BY run_id").fetchall()
    assert runs == [(0, 0), (1, ARTICLES - stored_at_kill)]  # the killed run is visible as unfinished
    orphans = conn.execute(
        "SELECT count(*) FROM (SELECT article_rowid FROM minhash_band_index UNION ALL "
        "SELECT article_rowid FROM minhash_band_recent) WHERE article_rowid NOT IN (SELECT rowid FROM articles)"
    ).fetchone()[0]
    assert orphans == 0
    # a batch is stored, annotated and grouped together or not at all: the rerun skips what is
    # stored, so an article stored by the killed run must already have its event and annotations
    ungrouped = conn.execute(
        "SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM article_groups)").fetchone()[0]
    unannotated = conn.execute(
        "SELECT count(*) FROM articles WHERE duplicate_of IS NULL "
        "AND article_id NOT IN (SELECT article_id FROM article_annotations)").fetchone()[0]
    assert (ungrouped, unannotated) == (0, 0)
    conn.close()

    with storyline.open(db) as lib:
        assert lib.store.count_articles() == ARTICLES
        assert lib.store.integrity_ok()
