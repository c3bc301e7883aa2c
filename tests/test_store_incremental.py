"""Idempotent and incremental runs, updates of an article, duplicates across runs."""

from __future__ import annotations

import json
import sqlite3

import storyline
from storyline import cli
from storyline.store import fts_query
from tests.ingest_builders import english_body, jsonl_records, write_jsonl
from tests.schema_rewind import rewind


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


def test_one_article_twice_in_a_batch_keeps_the_full_text_index_whole(db_path):
    """New rows are indexed once per batch; an update of a row inserted earlier in the same batch
    must find it indexed (an external-content index 'deleting' a row it never held is corrupt)."""
    from storyline.model import Article
    from storyline.store import Store

    first = Article(id="twice", raw_text="r", title="Heron count", text="The heron count rose this spring.",
                    content_hash="h1", origin="test", input_format="text")
    second = Article(id="twice", raw_text="r", title="Heron count", text="Correction: the kingfisher count rose.",
                     content_hash="h2", origin="test", input_format="text")
    other = Article(id="other", raw_text="r", title="Ferry", text="The ferry timetable changed.",
                    content_hash="h3", origin="test", input_format="text")
    store = Store(db_path)
    store.write_articles([first, other, second], run_id=None, signatures={})
    store.close()
    assert _fts_matches(db_path, "kingfisher") == ["twice"]
    assert _fts_matches(db_path, "spring") == []  # the first text left the index
    assert _fts_matches(db_path, "ferry") == ["other"]


def test_an_article_stored_by_other_means_can_be_updated(tmp_path, db_path):
    """A row another writer inserted without indexing it: updating it indexes it, and the index stays whole."""
    records = jsonl_records(2)
    path = write_jsonl(tmp_path / "feed.jsonl", records)
    with storyline.open(db_path) as db:
        db.store.conn.execute(
            "INSERT INTO articles (article_id, text, content_hash, origin, input_format, raw_text) "
            "VALUES ('art-1', 'an old text about pelicans', 'h', 'test', 'text', 'raw')")
        db.store.conn.commit()
        report = db.ingest([path], workers=1)
        assert (report.updated, report.added) == (1, 1)
    assert _fts_matches(db_path, "pelicans") == []
    assert _fts_matches(db_path, '"report number 1 said"') == ["art-1"]


def test_a_database_indexed_row_by_row_is_migrated_to_batch_indexing(tmp_path, db_path):
    """A store from before schema version 10 (full-text index filled by a trigger per row) keeps its
    index; after opening, updates and new articles are indexed and the index stays whole."""
    from storyline.store.schema import FTS_BY_BATCH_MIGRATION

    records = jsonl_records(3)
    path = write_jsonl(tmp_path / "feed.jsonl", records)
    with storyline.open(db_path) as db:
        db.ingest([path], workers=1)
    rewind(db_path, FTS_BY_BATCH_MIGRATION - 1)
    records[1]["text"] = "Correction: the kingfisher sanctuary reopened on Friday after repairs to the boardwalk."
    write_jsonl(path, records + jsonl_records(1, start=3))
    with storyline.open(db_path) as db:
        report = db.ingest([path], workers=1)
        assert (report.updated, report.added) == (1, 1)
    assert _fts_matches(db_path, "kingfisher") == ["art-1"]
    assert _fts_matches(db_path, '"report number 3 said"') == ["art-3"]
    assert _fts_matches(db_path, '"report number 0 said"') == ["art-0"]


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
    assert {"articles", "articles_fts", "runs", "rejections", "minhash_band_index", "minhash_signatures",
            "source_lines"} <= tables


def test_search_and_export_need_an_existing_database(tmp_path, capsys):
    missing = tmp_path / "missing.db"
    assert cli.main(["search", "x", "--db", str(missing)]) == cli.EXIT_FATAL
    assert cli.main(["export", "--what", "articles", "--db", str(missing)]) == cli.EXIT_FATAL
    assert "missing.db: no such database" in capsys.readouterr().err
    assert not missing.exists()


def test_an_id_reused_in_a_later_batch_names_the_first_origin(tmp_path, db_path):
    recs = jsonl_records(5)
    recs[4]["id"] = recs[0]["id"]
    with storyline.open(db_path) as db:
        report = db.ingest([write_jsonl(tmp_path / "x.jsonl", recs)], workers=1, batch_size=2)
        assert db.article("art-0").text == recs[0]["text"]  # the first one stays
    [rejection] = report.rejections
    assert rejection.origin.endswith("x.jsonl#line 5") and "x.jsonl#line 1" in rejection.reason


def _band_rows(conn) -> list[tuple]:
    return sorted(tuple(r) for r in conn.execute(
        "SELECT band_key, article_rowid FROM minhash_band_index UNION ALL "
        "SELECT band_key, article_rowid FROM minhash_band_recent"))


def test_an_updated_article_leaves_no_stale_bands(tmp_path, db_path):
    """An original rewritten into another text keeps only its new bands: the old ones would pair
    later copies of the old text with it."""
    records = jsonl_records(4)
    path = write_jsonl(tmp_path / "feed.jsonl", records)
    with storyline.open(db_path) as db:
        db.ingest([path], workers=1)
        before = _band_rows(db.store.conn)
    records[1]["text"] = english_body(99, sentences=6)
    write_jsonl(path, records)
    with storyline.open(db_path) as db:
        assert db.ingest([path], workers=1).updated == 1
        conn = db.store.conn
        rowid = conn.execute("SELECT rowid FROM articles WHERE article_id = 'art-1'").fetchone()[0]
        after = _band_rows(conn)
        assert len(after) == len(before)
        assert {r for r in before if r[1] != rowid} == {r for r in after if r[1] != rowid}
        assert {r for r in before if r[1] == rowid}.isdisjoint(after)  # the old text's bands are gone
        assert len({r for r in after if r[1] == rowid}) == 32


def test_a_database_from_before_the_integer_band_index_is_migrated(tmp_path, db_path):
    """Opening a database written with text band keys rebuilds the band index from the stored
    signatures: same rows as a fresh database, and later near copies still find their original."""
    from storyline.store.schema import BAND_INDEX_MIGRATION

    body = english_body(42, sentences=6)
    write_jsonl(tmp_path / "run1.jsonl", [{"id": "orig", "title": "Harbour deal", "text": body},
                                          {"id": "other", "text": english_body(7, sentences=6)}])
    with storyline.open(db_path) as db:
        db.ingest([tmp_path / "run1.jsonl"], workers=1)
        fresh = _band_rows(db.store.conn)
    assert len(fresh) == 64
    rewind(db_path, BAND_INDEX_MIGRATION - 1)  # the schema before the integer band index
    near = {"id": "near", "text": "\n".join(body.split("\n")[:5] + ["Read more on our website every day."])}
    write_jsonl(tmp_path / "run2.jsonl", [near])
    with storyline.open(db_path) as db:
        assert _band_rows(db.store.conn) == fresh
        assert db.ingest([tmp_path / "run2.jsonl"], workers=1).near_duplicates == 1
        assert db.article("near").duplicate_of == "orig"
        tables = {r[0] for r in db.store.conn.execute("SELECT name FROM sqlite_master")}
        assert "minhash_bands" not in tables and "minhash_bands_by_article" not in tables


def test_nested_transactions_keep_or_drop_their_steps_and_report_the_real_error(tmp_path):
    from storyline.store import Store

    store = Store(tmp_path / "tx.db")
    conn = store.conn
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    with store.transaction():
        conn.execute("INSERT INTO t VALUES (1)")
        try:
            with store.transaction():  # a step that fails: only it is undone
                conn.execute("INSERT INTO t VALUES (2)")
                raise ValueError("step failed")
        except ValueError:
            pass
        with store.transaction():
            conn.execute("INSERT INTO t VALUES (3)")
    assert [r[0] for r in conn.execute("SELECT k FROM t ORDER BY k")] == [1, 3]
    try:  # an error that rolls back the whole transaction itself surfaces as itself
        with store.transaction():
            with store.transaction():
                conn.execute("INSERT OR ROLLBACK INTO t VALUES (1)")
    except sqlite3.IntegrityError:
        pass
    else:
        raise AssertionError("the conflict was not raised")
    assert not conn.in_transaction
    with store.transaction():  # and the store goes on
        conn.execute("INSERT INTO t VALUES (4)")
    assert [r[0] for r in conn.execute("SELECT k FROM t ORDER BY k")] == [1, 3, 4]
    store.close()


def test_band_rows_in_either_tier_find_copies_and_an_update_drops_them_from_both(tmp_path, db_path, monkeypatch):
    """New band rows go to a small table, merged into the big index when it fills up
    (``store.band_index``): copies are found in either tier, and an update leaves no stale row."""
    from storyline.store import band_index

    monkeypatch.setattr(band_index, "RECENT_ROWS", 40)  # two originals (64 rows) fill it
    tiers = lambda conn: [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
                          for t in ("minhash_band_index", "minhash_band_recent")]
    body, other_body = english_body(42, sentences=6), english_body(7, sentences=6)
    near = lambda text, i: {"id": f"near-{i}", "text": "\n".join(text.split("\n")[:5] + ["Read more every day."])}  # noqa: E731
    write_jsonl(tmp_path / "run1.jsonl", [{"id": "orig", "text": body}, {"id": "other", "text": other_body}])
    new_body = english_body(99, sentences=6)
    write_jsonl(tmp_path / "run2.jsonl", [near(body, 1), {"id": "other", "text": new_body}])
    write_jsonl(tmp_path / "run3.jsonl", [near(new_body, 2), near(other_body, 3)])
    with storyline.open(db_path) as db:
        conn = db.store.conn
        db.ingest([tmp_path / "run1.jsonl"], workers=1)
        assert tiers(conn) == [64, 0]  # merged at the end of the batch
        assert db.ingest([tmp_path / "run2.jsonl"], workers=1).updated == 1
        assert db.article("near-1").duplicate_of == "orig"  # found in the big index
        assert tiers(conn) == [32, 32]  # the update's old rows left the big index, its new ones wait
        assert db.ingest([tmp_path / "run3.jsonl"], workers=1).near_duplicates == 1
        assert db.article("near-2").duplicate_of == "other"  # found in the small table
        assert db.article("near-3").duplicate_of is None  # the old text of "other" is gone


def _copy_state(db, *ids):
    return {i: (db.article(i).duplicate_of, db.article(i).duplicate_kind) for i in ids}


def test_copies_of_an_original_whose_text_is_replaced_are_placed_again(tmp_path, db_path):
    """A copy keeps the text its original had: when the original is rewritten, the oldest copy
    becomes the original of that text (its bands, its annotations), the others follow it, and
    the rewritten original loses the annotations of its old text."""
    body = english_body(42, sentences=6)
    lines = body.split("\n")
    old = {"id": "orig", "title": "Harbour deal signed", "text": body, "source": "a.example"}
    exact = {"id": "exact-copy", "title": "Harbour deal signed", "text": body, "source": "b.example"}
    near = {"id": "near-copy", "title": "Deal signed at harbour", "source": "c.example",
            "text": "\n".join(lines[:5] + ["Read more stories like this on our website every day."])}
    other = {"id": "other", "title": "Storm closes schools", "text": english_body(7, sentences=6)}
    write_jsonl(tmp_path / "run1.jsonl", [old, exact, near, other])
    with storyline.open(db_path) as db:
        db.ingest([tmp_path / "run1.jsonl"], workers=1)
        assert _copy_state(db, "exact-copy", "near-copy") == {
            "exact-copy": ("orig", "exact"), "near-copy": ("orig", "near")}
        assert db.annotations("orig") is not None and db.annotations("exact-copy") is None
        events = {a["id"]: a["event"] for a in db.assignments()}

    # the original is rewritten into a copy of another stored article
    write_jsonl(tmp_path / "run2.jsonl", [{**old, "title": other["title"], "text": other["text"]}])
    with storyline.open(db_path) as db:
        report = db.ingest([tmp_path / "run2.jsonl"], workers=1)
        assert (report.updated, report.added, report.exact_duplicates, report.copies_rechecked) == (1, 0, 1, 2)
        assert "2 stored copies checked again" in report.summary()
        assert _copy_state(db, "orig", "exact-copy", "near-copy") == {
            "orig": ("other", "exact"), "exact-copy": (None, None), "near-copy": ("exact-copy", "near")}
        assert "near_duplicate_similarity" not in db.article("exact-copy").meta
        assert db.article("near-copy").meta["near_duplicate_similarity"] >= 0.6
        assert db.annotations("orig") is None  # a copy's annotations are its original's
        assert db.annotations("exact-copy") is not None
        assert db.store.signatures(["exact-copy"]) and not db.store.signatures(["orig"])
        assert {a["id"]: a["event"] for a in db.assignments()}["exact-copy"] == events["exact-copy"]
        assert db.store.integrity_ok()

    # the old text arriving again is a copy of the copy that now holds it
    again = {"id": "late-copy", "title": "Harbour deal signed", "text": body, "source": "d.example"}
    write_jsonl(tmp_path / "run3.jsonl", [again])
    with storyline.open(db_path) as db:
        db.ingest([tmp_path / "run3.jsonl"], workers=1)
        assert _copy_state(db, "late-copy") == {"late-copy": ("exact-copy", "exact")}


def test_copies_of_a_lightly_corrected_original_stay_its_copies(tmp_path, db_path):
    body = english_body(42, sentences=6)
    old = {"id": "orig", "title": "Harbour deal signed", "text": body, "source": "a.example"}
    exact = {"id": "exact-copy", "title": "Harbour deal signed", "text": body, "source": "b.example"}
    write_jsonl(tmp_path / "run1.jsonl", [old, exact])
    corrected = {**old, "text": body + "\nCorrection: the deal was signed on Tuesday."}
    write_jsonl(tmp_path / "run2.jsonl", [corrected])
    with storyline.open(db_path) as db:
        db.ingest([tmp_path / "run1.jsonl"], workers=1)
        db.ingest([tmp_path / "run2.jsonl"], workers=1)
        assert _copy_state(db, "orig", "exact-copy") == {"orig": (None, None), "exact-copy": ("orig", "near")}
        assert any("Tuesday" in t.text for t in db.annotations("orig").times)  # annotated anew
