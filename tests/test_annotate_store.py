"""Annotations in the store: written by a run, read back, exported, listed, shown; one id per entity."""

from __future__ import annotations

import io
import json

import storyline
from storyline.cli import main
from tests.conftest import EXAMPLES
from tests.schema_rewind import rewind

A000, A002, A003 = "000_194ea5a329165da9", "002_a3294b9df3b941d9", "003_a09610e4a41b2d35"


def test_run_stores_annotations_with_provenance(db_path):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        ann = db.annotations(A002)
        head = db.store.conn.execute("SELECT annotator, run_id FROM article_annotations WHERE article_id = ?",
                                     (A002,)).fetchone()
        text = db.article(A002)
    assert head["annotator"].startswith("annotate-") and head["run_id"] == 1
    assert ann.event_date == "2023-01-23" and ann.published == "2023-01-24"
    body = (text.title + "\n\n" + text.text)
    for item in [*ann.mentions, *ann.times, *ann.figures, *ann.quotes, *ann.claims]:
        assert body[item.start : item.end] == item.text or item.text in body[item.start : item.end + 1]


def test_entities_are_merged_across_articles(db_path):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        rows = {r["entity_id"]: r for r in db.entities()}
        pashinyan = {m.entity_id for m in db.annotations(A003).mentions if "Pashinyan" in m.text}
    assert rows["person:antony-blinken"]["articles"] == 3
    assert "U.S. Secretary of State" in rows["person:antony-blinken"]["roles"]
    assert pashinyan == {"person:nikol-pashinian"}  # spelling variant linked to the known person
    assert "person:nikol-pashinyan" not in rows


def test_reingest_keeps_one_set_of_annotations(db_path):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        first = db.store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        db.annotate()
        again = db.store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert first == again > 0


def test_duplicates_are_not_annotated(db_path, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_text((EXAMPLES / "002_a3294b9df3b941d9.txt").read_text(encoding="utf-8"), encoding="utf-8")
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        db.ingest([copy])
        assert db.article("copy").duplicate_of == A002
        assert db.annotations("copy") is None


def test_reanchor_through_siblings_is_stored(db_path):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        assert db.annotations(A000).event_date is None
        db.reanchor_times(A000, [A002])
        ann = db.annotations(A000)
    assert ann.anchor_kind == "siblings" and ann.anchor_date == "2023-01-24"
    assert ann.event_date == "2023-01-23"


def test_export_rows_have_article_span_text_and_fields(db_path, capsys):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
    for what in ("entities", "mentions", "times", "figures", "quotes", "claims"):
        assert main(["export", "--db", str(db_path), "--what", what, "--format", "jsonl"]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert rows, what
        if what != "entities":
            assert {"article_id", "start", "end", "text"} <= set(rows[0]), what
    with storyline.open(db_path) as db:
        out = io.StringIO()
        db.export("figures", "csv", out)
    assert "more than 120,000 people" in out.getvalue()


def test_cli_entities_and_show(db_path, capsys):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
    assert main(["entities", "--db", str(db_path), "--limit", "5"]) == 0
    listing = capsys.readouterr().out
    assert "person:antony-blinken" in listing and len(listing.splitlines()) == 5
    assert main(["show", A002, "--db", str(db_path)]) == 0
    shown = capsys.readouterr().out
    assert "event date: 2023-01-23" in shown and "[Ned Price]" in shown and "person:josep-borrell" in shown
    assert main(["show", "no-such-id", "--db", str(db_path)]) == 2
    assert "no article or story with id 'no-such-id'" in capsys.readouterr().err


def test_a_failing_article_does_not_stop_the_batch(db_path, monkeypatch):
    import storyline.annotate as annotate_module

    real = annotate_module.annotate

    def flaky(article, ner=None):
        if article.id == A003:
            raise ValueError("boom")
        return real(article, ner)

    monkeypatch.setattr(annotate_module, "annotate", flaky)
    with storyline.open(db_path) as db:
        report = db.ingest([EXAMPLES], workers=1)
        error = db.store.conn.execute("SELECT error FROM article_annotations WHERE article_id = ?", (A003,)).fetchone()
        assert report.added == 3 and db.annotations(A002).mentions
    assert "ValueError: boom" in error["error"]


def test_known_people_are_found_through_the_word_indexes(db_path):
    """Linking a person to known people looks up their first and last words in indexes, never by
    scanning every person stored; the answer is the one the name patterns give."""
    import sqlite3

    from storyline.store.annotations import _people_like
    from storyline.store.schema import ENTITY_WORDS_MIGRATION

    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        conn = db.store.conn
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        found = [e.entity_id for e in _people_like(conn, "Tony Blinken")]
        conn.set_trace_callback(None)
        (query,) = [s for s in statements if s.startswith("SELECT")]
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + query)]
        assert not [step for step in plan if step.startswith("SCAN")], plan
        by_pattern = [r[0] for r in conn.execute(
            "SELECT entity_id FROM entities WHERE kind = 'person' AND (name LIKE '% blinken' OR name LIKE 'tony %') "
            "ORDER BY entity_id")]
        assert found == by_pattern == ["person:antony-blinken"]
        assert _people_like(conn, "Blinken") and not _people_like(conn, "Lachin")
        words = dict(((r[0], (r[1], r[2])) for r in conn.execute("SELECT entity_id, first_word, last_word FROM entities")))
    rewind(db_path, ENTITY_WORDS_MIGRATION - 1)  # a database from before the word columns gets them on opening
    with storyline.open(db_path) as db:
        again = dict(((r[0], (r[1], r[2])) for r in db.store.conn.execute(
            "SELECT entity_id, first_word, last_word FROM entities")))
    assert again == words and words["person:antony-blinken"] == ("antony", "blinken")
