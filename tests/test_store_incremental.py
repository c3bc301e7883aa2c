"""Idempotent and incremental runs, updates of an article, duplicates across runs."""

from __future__ import annotations

import json
import sqlite3

import storyline
from storyline import cli
from storyline.store import fts_query
from tests.ingest_builders import english_body, jsonl_records, write_jsonl


def _fts_matches(db_path, phrase: str) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)")
        return [row[0] for row in conn.execute(
            "SELECT a.article_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY a.article_id", (fts_query(phrase),))]
    finally:
        conn.close()


def test_same_content_twice_adds_nothing_and_a_later_run_adds(tmp_path, db_path):
    first = write_jsonl(tmp_path / "first.jsonl", jsonl_records(30))
    second = write_jsonl(tmp_path / "second.jsonl", jsonl_records(20, start=30))
    with storyline.open(db_path) as db:
        r1 = db.ingest([first], workers=1)
        r2 = db.ingest([first], workers=1)
        assert (r1.added, r2.added, r2.updated, r2.unchanged) == (30, 0, 0, 30)
        r3 = db.ingest([second, first], workers=1)
        assert (r3.added, r3.unchanged) == (20, 30)
        assert db.store.count_articles() == 50
        runs = db.store.conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0]
        assert runs == 3
    with storyline.open(db_path) as db:  # reopening an existing database is the same database
        assert db.store.count_articles() == 50


def test_an_updated_article_is_updated_fts_too(tmp_path, db_path):
    records = jsonl_records(5)
    path = write_jsonl(tmp_path / "feed.jsonl", records)
    with storyline.open(db_path) as db:
        db.ingest([path], workers=1)
    assert _fts_matches(db_path, "kingfisher") == []
    assert _fts_matches(db_path, '"report number 2 said"') == ["art-2"]
    records[2]["text"] = "Correction: the kingfisher sanctuary reopened on Friday after repairs to the boardwalk."
    records[2]["title"] = "Sanctuary reopens"
    write_jsonl(path, records)
    with storyline.open(db_path) as db:
        report = db.ingest([path], workers=1)
        assert (report.updated, report.added, report.unchanged) == (1, 0, 4)
        art = db.article("art-2")
        assert art.title == "Sanctuary reopens" and "kingfisher sanctuary" in art.text
        assert db.store.count_articles() == 5
        assert [h.article_id for h in db.search("kingfisher")] == ["art-2"]
    assert _fts_matches(db_path, "kingfisher") == ["art-2"]
    assert _fts_matches(db_path, '"report number 2 said"') == []  # the old text left the index


def test_exact_and_near_duplicates_across_runs_point_to_the_original(tmp_path, db_path, capsys):
    body = english_body(42, sentences=6)
    original = {"id": "orig", "title": "Harbour deal signed", "text": body, "source": "a.example"}
    exact = {"id": "exact-copy", "title": "Harbour deal signed", "text": body.upper() + "\n", "source": "b.example"}
    lines = body.split("\n")
    near = {"id": "near-copy", "title": "Deal signed at harbour", "source": "c.example",
            "text": "\n".join(lines[:5] + ["Read more stories like this on our website every day."])}
    other = {"id": "other", "title": "Unrelated", "text": english_body(7, sentences=6)}
    write_jsonl(tmp_path / "run1.jsonl", [original])
    write_jsonl(tmp_path / "run2.jsonl", [exact, near, other])
    with storyline.open(db_path) as db:
        db.ingest([tmp_path / "run1.jsonl"], workers=1)
        report = db.ingest([tmp_path / "run2.jsonl"], workers=1)
        assert (report.exact_duplicates, report.near_duplicates, report.added) == (1, 1, 3)
        assert db.article("exact-copy").duplicate_of == "orig"
        assert db.article("exact-copy").duplicate_kind == "exact"
        assert db.article("near-copy").duplicate_of == "orig"
        assert db.article("near-copy").duplicate_kind == "near"
        assert db.article("near-copy").meta["near_duplicate_similarity"] >= 0.6
        assert db.article("other").duplicate_of is None
        assert db.store.count_articles(include_duplicates=False) == 2  # copies are stored, counted once

    code = cli.main(["export", "--db", str(db_path), "--what", "assignments"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [(r["id"], r["duplicate_of"]) for r in rows] == [
        ("orig", None), ("exact-copy", "orig"), ("near-copy", "orig"), ("other", None)
    ]
    by_id = {r["id"]: r for r in rows}
    for copy in ("exact-copy", "near-copy"):  # a copy belongs where its original belongs
        assert (by_id[copy]["event"], by_id[copy]["story"]) == (by_id["orig"]["event"], by_id["orig"]["story"])
    assert all(r["event"] and r["story"] for r in rows)


def test_duplicates_inside_one_batch(tmp_path, db_path):
    body = english_body(5, sentences=5)
    recs = [{"id": "a", "text": body}, {"id": "b", "text": body}, {"id": "c", "text": body + "\nExtra line."}]
    with storyline.open(db_path) as db:
        report = db.ingest([write_jsonl(tmp_path / "x.jsonl", recs)], workers=1)
        assert (report.exact_duplicates, report.near_duplicates) == (1, 1)
        assert [a.duplicate_of for a in db.articles()] == [None, "a", "a"]


def test_an_id_used_twice_in_one_run_is_rejected_with_both_origins(tmp_path, db_path):
    recs = jsonl_records(2)
    recs[1]["id"] = recs[0]["id"]
    with storyline.open(db_path) as db:
        report = db.ingest([write_jsonl(tmp_path / "x.jsonl", recs)], workers=1)
    [rejection] = report.rejections
    assert rejection.origin.endswith("x.jsonl#line 2")
    assert "art-0" in rejection.reason and "x.jsonl#line 1" in rejection.reason


def test_newer_schema_is_refused(tmp_path, db_path, capsys):
    with storyline.open(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    code = cli.main(["search", "x", "--db", str(db_path)])
    assert code == cli.EXIT_FATAL and "newer than this Storyline" in capsys.readouterr().err


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path, capsys):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database " * 200)
    code = cli.main(["run", str(tmp_path / "x.txt"), "--db", str(bogus), "--quiet"])
    assert code == cli.EXIT_FATAL and "notes.db" in capsys.readouterr().err


def test_wal_mode_and_self_explaining_tables(db_path):
    with storyline.open(db_path) as db:
        mode = db.store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        tables = {r[0] for r in db.store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert mode == "wal"
    assert {"articles", "articles_fts", "runs", "rejections", "minhash_bands", "minhash_signatures",
            "source_lines"} <= tables
