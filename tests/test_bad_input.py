"""Bad input: each gets a one-line reason naming it, the run goes on, and the exit code says so (3)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

import storyline
from storyline import cli
from storyline.ingest import read_inputs
from storyline.model import Article, Rejection
from tests.conftest import ROOT
from tests.ingest_builders import english_body, html_page, jsonl_records, rss_feed, warc_bytes, write_jsonl

MB = 2**20


def _read(*paths):
    items = list(read_inputs([str(p) for p in paths]))
    return [a for a in items if isinstance(a, Article)], [r for r in items if isinstance(r, Rejection)]


def _run_cli(capsys, *args):
    code = cli.main(["run", *map(str, args), "--quiet", "--workers", "1"])
    out, err = capsys.readouterr()
    return code, out, err


def test_binary_empty_whitespace_are_rejected_and_the_rest_goes_on(tmp_path, capsys):
    (tmp_path / "a_photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8)
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_bytes(b"  \n\t\r\n   \n")
    (tmp_path / "d_good.txt").write_text("Council approves budget\n\n" + english_body(1), encoding="utf-8")
    db = tmp_path / "x.db"
    code, out, err = _run_cli(capsys, tmp_path, "--db", db)
    assert code == cli.EXIT_REJECTED
    lines = [line for line in err.splitlines() if line.startswith("rejected:")]
    assert len(lines) == 3
    assert any("a_photo.jpg" in line and "binary" in line for line in lines)
    assert any("b_empty.txt" in line and "empty file" in line for line in lines)
    assert any("c_blank.txt" in line and "whitespace" in line for line in lines)
    assert "1 added" in out and "3 inputs rejected" in out
    with storyline.open(db) as store:
        assert [a.id for a in store.articles()] == ["d_good"]
        assert len(store.store.rejections()) == 3  # kept in the database too


def test_clean_run_exits_zero(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(english_body(2), encoding="utf-8")
    code, out, _ = _run_cli(capsys, tmp_path / "good.txt", "--db", tmp_path / "x.db")
    assert code == cli.EXIT_OK and "1 added" in out


def test_missing_path_is_named(tmp_path, capsys):
    code, _, err = _run_cli(capsys, tmp_path / "nope.txt", "--db", tmp_path / "x.db")
    assert code == cli.EXIT_REJECTED and "nope.txt: no such file or folder" in err


_BIG_SCRIPT = """
import resource, sys
from storyline.ingest import read_inputs
for item in read_inputs(sys.argv[1:]):
    print(type(item).__name__, item)
print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_files_of_hundreds_of_mb_are_refused_or_streamed_without_being_held(tmp_path):
    big_text = tmp_path / "huge.txt"
    big_text.write_text("A headline\n\n" + "\n".join(english_body(n) for n in range(300)), encoding="utf-8")
    os.truncate(big_text, 600 * MB)  # sparse: fast to make, 600 MB to read
    big_jsonl = write_jsonl(tmp_path / "huge.jsonl", jsonl_records(2))
    with open(big_jsonl, "ab") as handle:
        handle.write(b'{"id": "endless", "text": "' + b"words " * 20000)
    os.truncate(big_jsonl, 300 * MB)  # a "line" of 300 MB after two good records
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", _BIG_SCRIPT, str(big_text), str(big_jsonl)],
        capture_output=True, text=True, env=env, check=True,
    )
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Rejection") and "huge.txt" in lines[0] and "too large" in lines[0]
    assert "600 MB" in lines[0]
    assert lines[1].startswith("Article") and lines[2].startswith("Article")
    assert lines[3].startswith("Rejection") and "huge.jsonl#line 3" in lines[3] and "longer than" in lines[3]
    maxrss_mb = int(lines[-1].split()[1]) / 1024
    small = tmp_path / "small.txt"
    small.write_text("A headline\n\n" + english_body(1), encoding="utf-8")
    baseline = subprocess.run(
        [sys.executable, "-c", _BIG_SCRIPT, str(small)], capture_output=True, text=True, env=env, check=True
    )
    baseline_mb = int(baseline.stdout.splitlines()[-1].split()[1]) / 1024
    grown = maxrss_mb - baseline_mb
    assert grown < 100, f"peak memory grew by {grown:.0f} MB over a one-article run: a big input was held in memory"


RUSSIAN = (
    "Правительство объявило о новых мерах поддержки экономики\n\n"
    "Министр финансов заявил в среду, что бюджет на следующий год будет сбалансирован и что расходы "
    "на образование и здравоохранение вырастут.\nПо его словам, инфляция замедлится к концу года."
)
FRENCH = (
    "Le gouvernement annonce une réforme des retraites\n\n"
    "Le gouvernement français a annoncé mercredi une réforme des retraites très contestée, "
    "et les syndicats prévoient une grève générale à la fin du mois.\n"
    "Selon le ministre, les économies seront réinvesties dans les hôpitaux et les écoles élémentaires."
)


def test_legacy_encodings_are_decoded_not_rejected(tmp_path):
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (tmp_path / "fr.txt").write_bytes(FRENCH.encode("latin-1"))
    (tmp_path / "u16.txt").write_bytes(FRENCH.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "u16page.html").write_bytes(html_page("Réforme des retraites", FRENCH.split("\n\n")[1]).encode("utf-16"))
    mixed = ("Café société: a naïve headline\n\n" + english_body(4) + "\n").encode("utf-8") + FRENCH.encode("latin-1")
    (tmp_path / "mixed.txt").write_bytes(mixed)
    articles, rejected = _read(tmp_path)
    assert not rejected, rejected
    by_id = {a.id: a for a in articles}
    assert "Министр финансов заявил" in by_id["ru"].raw_text and by_id["ru"].meta["encoding"] == "cp1251"
    assert "très contestée" in by_id["fr"].raw_text and "grève générale" in by_id["fr"].raw_text
    assert "très contestée" in by_id["u16"].raw_text and by_id["u16"].meta["encoding"].startswith("utf-16")
    assert by_id["u16page"].input_format == "html" and "grève générale" in by_id["u16page"].raw_text
    assert "Café société: a naïve" in by_id["mixed"].raw_text and "très contestée" in by_id["mixed"].raw_text
    assert "\ufffd" not in "".join(a.raw_text for a in articles)


def test_malformed_html_is_read_leniently_or_rejected_with_reason(tmp_path, db_path):
    body = english_body(5).split("\n")
    broken = "<html><head><title>Unclosed tags</title><body><div><p>" + "<p><b>".join(body) + "<div></span></i>"
    (tmp_path / "broken.html").write_text(broken, encoding="utf-8")
    (tmp_path / "empty_page.html").write_text("<html><head><title>x</title></head><body><div></div></body></html>")
    (tmp_path / "only_menu.html").write_text("<html><body><div><a href='/'>Home</a></div></body></html>")
    articles, rejected = _read(tmp_path)
    assert "report number 5" in articles[0].raw_text
    [reason] = rejected
    assert "empty_page.html" in reason.origin and "no main text" in reason.reason
    with storyline.open(db_path) as db:  # a page that is only a menu has nothing left after cleaning
        report = db.ingest([tmp_path], workers=1)
        assert [a.id for a in db.articles()] == ["broken"]
    assert sorted(r.origin.rsplit("/", 1)[1] for r in report.rejections) == ["empty_page.html", "only_menu.html"]


def test_malformed_feed_xml(tmp_path):
    good_item = {"title": "Dam opens gates", "link": "https://r.example/a", "guid": "a1",
                 "content": "".join(f"<p>{line}</p>" for line in english_body(6).split("\n"))}
    second = {"title": "Bridge", "link": "https://r.example/b", "guid": "b2", "summary": "Cut here"}
    xml = rss_feed([good_item, second])
    (tmp_path / "cut.rss").write_text(xml[: xml.index("Cut here")] + "<<<", encoding="utf-8")
    (tmp_path / "junk.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><<<>>', encoding="utf-8")
    articles, rejected = _read(tmp_path)
    assert [a.title for a in articles] == ["Dam opens gates"]
    assert len(rejected) == 3
    cut, cut_item, junk = rejected
    assert "cut.rss" in cut.origin and "malformed feed" in cut.reason and "recovered" in cut.reason
    assert cut_item.origin.endswith("cut.rss#item 2") and "neither content nor summary" in cut_item.reason
    assert "junk.xml" in junk.origin and "malformed feed" in junk.reason


def test_malformed_json_lines_keep_the_good_lines_around_them(tmp_path):
    good = [json.dumps(r) for r in jsonl_records(3)]
    lines = [good[0], "{not json", good[1], "[1, 2]", '{"id": "no-text"}', "", good[2], '{"id": "cut", "text": "abc']
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    articles, rejected = _read(tmp_path / "mixed.jsonl")
    assert [a.id for a in articles] == ["art-0", "art-1", "art-2"]
    assert [r.origin.rsplit("#", 1)[1] for r in rejected] == ["line 2", "line 4", "line 5", "line 8"]
    assert "malformed JSON" in rejected[0].reason
    assert "JSON object was expected" in rejected[1].reason
    assert "no 'text'" in rejected[2].reason


def _pages(n):
    return [(f"https://example.org/{i}", html_page(f"Story {i} headline", english_body(20 + i))) for i in range(n)]


def test_truncated_warc_keeps_the_records_before_the_damage(tmp_path):
    for name, gz in (("cut.warc", False), ("cut.warc.gz", True)):
        data = warc_bytes(_pages(3), gzip_records=gz)
        path = tmp_path / name
        path.write_bytes(data[: int(len(data) * 0.85)])
        articles, rejected = _read(path)
        assert [a.url for a in articles] == ["https://example.org/0", "https://example.org/1"], name
        [damage] = rejected
        assert name in damage.origin and "truncated" in damage.reason


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path):
    records = jsonl_records(400)
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in records).encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    articles, rejected = _read(cut)
    assert 50 < len(articles) < 400
    assert [a.id for a in articles] == [r["id"] for r in records[: len(articles)]]  # a prefix, in order
    assert all(a.raw_text == r["text"] for a, r in zip(articles, records))
    assert rejected and "truncated" in rejected[-1].reason and "cut.jsonl.gz" in rejected[-1].origin

    text = tmp_path / "cut.txt.gz"
    text.write_bytes(gzip.compress(english_body(7).encode())[:-12])
    _, [reason] = _read(text)
    assert "truncated" in reason.reason


def test_a_folder_of_thousands_of_small_files(tmp_path, db_path):
    root = tmp_path / "many"
    for shard in range(10):
        (root / f"s{shard}").mkdir(parents=True)
        for k in range(200):
            n = shard * 200 + k
            (root / f"s{shard}" / f"f{n:04d}.txt").write_text(english_body(n, sentences=2), encoding="utf-8")
    (root / "s0" / "zz_bad.bin").write_bytes(bytes(range(256)))
    with storyline.open(db_path) as db:
        report = db.ingest([root], workers=1)
        assert report.read == 2000 and report.added == 2000
        assert [r.origin.rsplit("/", 1)[1] for r in report.rejections] == ["zz_bad.bin"]
        assert db.store.count_articles() == 2000


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(english_body(8))
    locked.chmod(0)
    (tmp_path / "open.txt").write_text(english_body(9))
    try:
        articles, rejected = _read(tmp_path)
    finally:
        locked.chmod(0o644)
    assert [a.id for a in articles] == ["open"]
    [reason] = rejected
    assert "locked.txt" in reason.origin and "cannot read" in reason.reason
