"""The commands: run (summary, progress bar), export, clean, search."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

import storyline
from storyline import cli
from tests.conftest import EXAMPLES, ROOT, SEED_000, SEED_002
from tests.ingest_builders import jsonl_records, write_jsonl

ARTICLE_KEYS = ["id", "title", "text", "url", "source", "published", "lang"]


@pytest.fixture
def filled_db(tmp_path):
    db = tmp_path / "filled.db"
    records = jsonl_records(6)
    records.append({**records[0], "id": "copy-of-0"})  # an exact copy
    with storyline.open(db) as lib:
        lib.ingest([EXAMPLES, write_jsonl(tmp_path / "r.jsonl", records)], workers=1)
    return db


def test_run_prints_a_summary_line(tmp_path, capsys):
    code = cli.main(["run", str(EXAMPLES), str(SEED_000), "--db", str(tmp_path / "x.db"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[0] == (
        "4 articles read: 3 added, 0 updated, 1 unchanged; 0 duplicates (0 exact, 0 near); 0 inputs rejected"
    )
    assert err == ""  # --quiet and not a terminal: no progress bar


def test_summary_groups_rejection_reasons(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.bin").write_bytes(bytes(range(256)))
    code = cli.main(["run", str(tmp_path), "--db", str(tmp_path / "x.db"), "--quiet"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_REJECTED
    assert "3 inputs rejected (2 empty file, 1 binary content)" in out


def test_progress_bar_only_on_a_terminal(tmp_path):
    data = write_jsonl(tmp_path / "r.jsonl", jsonl_records(40))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    base = [sys.executable, "-m", "storyline.cli", "run", str(data), "--workers", "1"]

    def stderr_on_tty(extra):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal has a size
        done = subprocess.run(base + extra, env=env, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        return done.returncode, b"".join(chunks).decode("utf-8", "replace")

    code, tty_err = stderr_on_tty(["--db", str(tmp_path / "a.db")])
    assert code == 0 and "articles" in tty_err and "40" in tty_err
    code, quiet_err = stderr_on_tty(["--db", str(tmp_path / "b.db"), "--quiet"])
    assert code == 0 and "articles" not in quiet_err
    piped = subprocess.run(base + ["--db", str(tmp_path / "c.db")], env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == "" and "40 added" in piped.stdout


def test_run_reads_stdin(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    raw = "".join(json.dumps(r) + "\n" for r in jsonl_records(3))
    done = subprocess.run([sys.executable, "-m", "storyline.cli", "run", "-", "--db", str(tmp_path / "s.db"),
                           "--quiet"], input=raw, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "3 added" in done.stdout


def _export(db, what, fmt, tmp_path):
    out = tmp_path / f"{what}.{fmt}"
    assert cli.main(["export", "--db", str(db), "--what", what, "--format", fmt, "-o", str(out)]) == 0
    return out


def test_export_articles_jsonl_csv_parquet_agree(filled_db, tmp_path):
    import pyarrow.parquet as pq

    from_jsonl = [json.loads(line) for line in _export(filled_db, "articles", "jsonl", tmp_path).read_text().splitlines()]
    with open(_export(filled_db, "articles", "csv", tmp_path), newline="", encoding="utf-8") as handle:
        from_csv = list(csv.DictReader(handle))
    from_parquet = pq.read_table(_export(filled_db, "articles", "parquet", tmp_path)).to_pylist()
    assert len(from_jsonl) == len(from_csv) == len(from_parquet) == 10
    assert list(from_jsonl[0])[:7] == ARTICLE_KEYS
    assert [r["id"] for r in from_jsonl] == [r["id"] for r in from_csv] == [r["id"] for r in from_parquet]
    assert from_jsonl == from_parquet
    by_id = {r["id"]: r for r in from_jsonl}
    seed = by_id["002_a3294b9df3b941d9"]
    assert seed["published"] == "2023-01-24" and seed["title"].startswith("U.S. Urges Azerbaijan")
    assert "Be the first to comment" not in seed["text"]  # the cleaned text, not the dump
    assert by_id["art-3"]["published"] == "2024-03-04" and by_id["art-3"]["source"] == "news3.example"
    assert by_id["copy-of-0"]["duplicate_of"] == "art-0"
    assert {r["text"] for r in from_csv} == {r["text"] for r in from_jsonl}


def test_export_assignments_all_formats(filled_db, tmp_path):
    import pyarrow.parquet as pq

    rows = [json.loads(x) for x in _export(filled_db, "assignments", "jsonl", tmp_path).read_text().splitlines()]
    assert all(list(r) == ["id", "event", "story", "duplicate_of"] for r in rows)
    assert {r["id"]: r["duplicate_of"] for r in rows}["copy-of-0"] == "art-0"
    table = pq.read_table(_export(filled_db, "assignments", "parquet", tmp_path))
    assert table.column_names == ["id", "event", "story", "duplicate_of"]
    assert table.to_pylist() == rows
    with open(_export(filled_db, "assignments", "csv", tmp_path), newline="") as handle:
        assert [r["id"] for r in csv.DictReader(handle)] == [r["id"] for r in rows]


def test_export_to_stdout(filled_db, capsys):
    assert cli.main(["export", "--db", str(filled_db), "--what", "assignments"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_clean_file_and_stdin(capsys, monkeypatch):
    assert cli.main(["clean", str(SEED_002)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia\n\n")
    assert "გამოიწერეთ" not in out and "RFE/RL reports." in out
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_002.read_bytes())))
    assert cli.main(["clean", "-"]) == 0
    assert capsys.readouterr().out == out


def test_clean_jsonl(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "s2", "raw_text": SEED_002.read_text(encoding="utf-8")}) + "\n"
        + "{broken\n"
        + json.dumps({"id": "s0", "raw_text": SEED_000.read_text(encoding="utf-8")}) + "\n",
        encoding="utf-8",
    )
    code = cli.main(["clean", "--jsonl", str(src)])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == cli.EXIT_REJECTED and "in.jsonl#line 2" in err
    assert [list(r) for r in rows] == [["id", "title", "text"]] * 2
    assert [r["id"] for r in rows] == ["s2", "s0"]
    assert rows[1]["title"] == "State Secretary Blinken Tells Baku to Lift Lachin Corridor Blockade"
    assert "Be the first to comment" not in rows[1]["text"]


def test_clean_without_input_is_a_usage_error(capsys):
    assert cli.main(["clean"]) == cli.EXIT_USAGE


def test_search_with_snippets(filled_db, capsys):
    assert cli.main(["search", "Lachin corridor", "--db", str(filled_db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6  # three seeds, two lines each
    assert all("[lachin] [corridor]" in line.lower() for line in out[1::2])
    assert {line.split()[0] for line in out[0::2]} == {
        "000_194ea5a329165da9", "002_a3294b9df3b941d9", "003_a09610e4a41b2d35"}


@pytest.mark.parametrize("query", ['"', "OR", "*", "'; DROP TABLE articles; --", "NEAR(", "title:Blinken",
                                   "(", "AND OR NOT", "^", 'Lachin" OR "x', "\\", "%", "Blinken*"])
def test_hostile_search_queries_neither_fail_nor_inject(filled_db, query, capsys):
    assert cli.main(["search", query, "--db", str(filled_db)]) == 0
    capsys.readouterr()
    with storyline.open(filled_db) as db:
        assert db.store.count_articles() == 10
        db.search(query)


def test_search_words_are_matched_literally(filled_db):
    with storyline.open(filled_db) as db:
        assert db.search("Blinken corridor") != []
        assert db.search("title:Blinken") == []  # the phrase "title Blinken", not a column filter
        assert db.search("OR") == db.search("or")
        assert db.search("zebra unicorn") == []
