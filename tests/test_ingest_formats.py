"""Every input format, read from small files the tests write, detected by content as well as name."""

from __future__ import annotations

import gzip
import io

import storyline
from storyline.ingest import detect_format, read_inputs
from storyline.model import Article, Rejection
from tests.conftest import SEED_002
from tests.ingest_builders import (
    atom_feed, english_body, html_page, jsonl_records, rss_feed, warc_bytes, write_jsonl,
)


def _read(*paths, stdin=None):
    items = list(read_inputs([str(p) for p in paths], stdin=stdin))
    return [a for a in items if isinstance(a, Article)], [r for r in items if isinstance(r, Rejection)]


def test_text_dump_is_one_article_named_after_the_file(tmp_path):
    (tmp_path / "story_01.txt").write_text("A headline\n\n" + english_body(1), encoding="utf-8")
    articles, rejected = _read(tmp_path / "story_01.txt")
    assert not rejected
    [art] = articles
    assert art.id == "story_01" and art.input_format == "text"
    assert "report number 1" in art.raw_text and art.meta["encoding"] == "utf-8"


def test_text_dump_through_the_pipeline_gets_title_and_dateline(db_path):
    with storyline.open(db_path) as db:
        report = db.ingest([SEED_002])
        art = db.article(SEED_002.stem)
    assert report.added == 1
    assert art.title == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    assert art.published == "2023-01-24"


def test_html_page_title_date_author_site(tmp_path, db_path):
    page = tmp_path / "flood.html"
    page.write_text(html_page("Flood waters recede in river town", english_body(2)), encoding="utf-8")
    [art], rejected = _read(page)
    assert not rejected
    assert art.id == "flood" and art.input_format == "html"
    assert art.title == "Flood waters recede in river town"
    assert art.published == "2024-03-05"
    assert art.author == "Jane Miller"
    assert art.source == "Daily Courier"
    assert art.url == "https://www.dailycourier.example/news/x"
    assert "Copyright" not in art.raw_text and "Sport" not in art.raw_text
    with storyline.open(db_path) as db:
        db.ingest([page])
        stored = db.article("flood")
    assert stored.text.startswith("The ")  # the repeated <h1> headline is not part of the body
    assert "report number 2" in stored.text


def test_rss_items_full_content_and_summary_only(tmp_path):
    feed = tmp_path / "river.rss"
    feed.write_text(rss_feed([
        {"title": "Dam opens gates", "link": "https://rivernews.example/a", "guid": "a1", "summary": "Teaser.",
         "content": "".join(f"<p>{line}</p>" for line in english_body(3).split("\n"))},
        {"title": "Bridge closed", "link": "https://rivernews.example/b", "guid": "b2",
         "summary": "The old bridge stays closed until engineers finish their inspection, the council said.",
         "date": "Wed, 06 Mar 2024 09:00:00 GMT"},
    ]), encoding="utf-8")
    articles, rejected = _read(feed)
    assert not rejected
    full, teaser = articles
    assert full.title == "Dam opens gates" and not full.summary_only and "report number 3" in full.raw_text
    assert full.source == "River News" and full.url == "https://rivernews.example/a"
    assert full.published == "2024-03-05" and full.input_format == "feed"
    assert teaser.summary_only and teaser.raw_text.startswith("The old bridge")
    assert teaser.published == "2024-03-06"
    assert full.id != teaser.id and full.id.startswith("feed-")
    again, _ = _read(feed)
    assert [a.id for a in again] == [full.id, teaser.id]  # ids are stable across reads


def test_atom_entries(tmp_path):
    feed = tmp_path / "harbour.atom"
    feed.write_text(atom_feed([
        {"title": "Harbour reopens", "link": "https://harbour.example/1", "id": "urn:1",
         "content": "".join(f"<p>{line}</p>" for line in english_body(4).split("\n")), "author": "Ana Ruiz"},
        {"title": "Ferry delayed", "link": "https://harbour.example/2", "id": "urn:2",
         "summary": "The morning ferry was delayed by fog for three hours, the operator said."},
    ]), encoding="utf-8")
    (full, teaser), rejected = _read(feed)
    assert not rejected
    assert full.title == "Harbour reopens" and full.author == "Ana Ruiz" and full.published == "2024-04-01"
    assert not full.summary_only and "report number 4" in full.raw_text
    assert teaser.summary_only and "delayed by fog" in teaser.raw_text
    assert full.source == "Harbour Times"


def _pages():
    return [
        (f"https://example.org/story/{i}", html_page(f"Story {i} about the {w}", english_body(10 + i)))
        for i, w in enumerate(["harbour", "summit", "railway"])
    ]


def test_warc_and_warc_gz(tmp_path):
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(warc_bytes(_pages(), gzip_records=False))
    packed = tmp_path / "crawl2.warc.gz"
    packed.write_bytes(warc_bytes(_pages(), gzip_records=True))
    for path in (plain, packed):
        articles, rejected = _read(path)
        assert not rejected, rejected
        assert [a.title for a in articles] == ["Story 0 about the harbour", "Story 1 about the summit",
                                               "Story 2 about the railway"]
        assert [a.url for a in articles] == [u for u, _ in _pages()]
        assert all(a.input_format == "warc" and a.id.startswith("warc-") for a in articles)
        assert "report number 11" in articles[1].raw_text
    # The same page in two archives is the same article id: a re-crawl updates instead of adding.
    assert [a.id for a in _read(plain)[0]] == [a.id for a in _read(packed)[0]]


def test_jsonl_eval_format_keeps_ids_dates_and_fills_missing_ids(tmp_path):
    records = jsonl_records(3)
    del records[1]["id"]
    records[2]["published"] = "2024-03-09"
    path = write_jsonl(tmp_path / "batch.jsonl", records)
    articles, rejected = _read(path)
    assert not rejected
    assert [a.id for a in articles] == ["art-0", "batch-2", "art-2"]  # missing id: file stem + line number
    assert articles[0].published == "2024-03-01"  # ISO timestamp cut to its date
    assert articles[2].published == "2024-03-09"
    assert articles[0].title == "Report 0 on the flood"
    assert articles[0].source == "news0.example" and articles[0].url == "https://news0.example/0"
    assert articles[0].lang == "en" and articles[0].input_format == "jsonl"
    assert articles[0].origin.endswith("batch.jsonl#line 1")


def test_jsonl_gz_and_stdin(tmp_path):
    records = jsonl_records(4)
    packed = write_jsonl(tmp_path / "batch.jsonl.gz", records, gz=True)
    articles, rejected = _read(packed)
    assert not rejected and [a.id for a in articles] == [r["id"] for r in records]

    raw = "".join(__import__("json").dumps(r) + "\n" for r in records).encode()
    articles, rejected = _read("-", stdin=io.BytesIO(raw))
    assert not rejected and [a.id for a in articles] == [r["id"] for r in records]
    assert articles[0].origin == "<stdin>#line 1"

    articles, rejected = _read("-", stdin=io.BytesIO(gzip.compress(raw)))
    assert not rejected and len(articles) == 4

    text = ("Council approves budget\n\n" + english_body(5)).encode()
    [art], _ = _read("-", stdin=io.BytesIO(text))
    assert art.id == "stdin" and art.input_format == "text"

    _, [empty] = _read("-", stdin=io.BytesIO(b""))
    assert empty.origin == "<stdin>" and empty.reason == "empty input"


def test_folders_are_walked_recursively_sorted_hidden_skipped(tmp_path):
    root = tmp_path / "news"
    (root / "b_sub").mkdir(parents=True)
    (root / "a_sub" / "deeper").mkdir(parents=True)
    (root / ".git").mkdir()
    for rel, seed in [("z.txt", 1), ("a.txt", 2), ("b_sub/m.txt", 3), ("a_sub/deeper/q.txt", 4),
                      (".hidden.txt", 5), (".git/config.txt", 6)]:
        (root / rel).write_text(english_body(seed), encoding="utf-8")
    articles, rejected = _read(root)
    assert not rejected
    # files of a folder first, then subfolders, sorted; below the walked folder the subfolders name the id
    assert [a.id for a in articles] == ["a", "z", "a_sub/deeper/q", "b_sub/m"]
    [direct], _ = _read(root / "b_sub" / "m.txt")  # a file given by name: its name alone
    assert direct.id == "m"


def test_two_index_pages_in_different_folders_are_two_articles(tmp_path):
    """A crawl keeps one page per folder under the same name: both are read, under their own ids."""
    for site, seed in (("site-a", 7), ("site-b", 8)):
        (tmp_path / site).mkdir()
        (tmp_path / site / "index.html").write_text(html_page(f"Headline of {site}", english_body(seed)),
                                                    encoding="utf-8")
    articles, rejected = _read(tmp_path)
    assert not rejected
    assert [a.id for a in articles] == ["site-a/index", "site-b/index"]


def test_content_sniffing_beats_the_extension(tmp_path):
    html_as_txt = tmp_path / "page.txt"
    html_as_txt.write_text(html_page("Sniffed headline for the page", english_body(6)), encoding="utf-8")
    feed_no_ext = tmp_path / "feed"
    feed_no_ext.write_text(rss_feed([{"title": "Item", "link": "https://x.example/1", "guid": "g",
                                      "summary": "A summary sentence long enough to be kept as text."}]))
    jsonl_as_txt = write_jsonl(tmp_path / "records.txt", jsonl_records(2))
    warc_no_ext = tmp_path / "archive.bin"
    warc_no_ext.write_bytes(warc_bytes(_pages()[:1], gzip_records=False))
    (page,), _ = _read(html_as_txt)
    assert page.input_format == "html" and page.title == "Sniffed headline for the page"
    (item,), _ = _read(feed_no_ext)
    assert item.input_format == "feed" and item.summary_only
    assert [a.input_format for a in _read(jsonl_as_txt)[0]] == ["jsonl", "jsonl"]
    assert [a.input_format for a in _read(warc_no_ext)[0]] == ["warc"]


def test_detect_format_on_heads():
    assert detect_format(b"WARC/1.0\r\n", "x") == "warc"
    assert detect_format(b'{"id": "1", "text": "x"}\n', "x") == "jsonl"
    assert detect_format(b"<?xml version='1.0'?><rss version='2.0'>", "x") == "feed"
    assert detect_format(b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", "x") == "feed"
    assert detect_format(b"<!DOCTYPE html><html><body>", "x.txt") == "html"
    assert detect_format("<html><body>hé</body></html>".encode("utf-16"), "x") == "html"
    assert detect_format(b"Plain words on a line.\n", "x.html") == "text"
    assert detect_format(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.txt") is None


def test_json_documents_array_object_and_single_record(tmp_path):
    import json

    records = jsonl_records(3)
    (tmp_path / "a_array.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
    (tmp_path / "b_wrapped.json").write_text(json.dumps({"articles": records[:2]}, indent=1), encoding="utf-8")
    single = {k: v for k, v in records[2].items() if k != "id"}
    (tmp_path / "c_single.json").write_text(json.dumps(single, indent=2), encoding="utf-8")
    (tmp_path / "d_broken.json").write_text('[{"id": "x", "text": "abc"},', encoding="utf-8")
    articles, rejected = _read(tmp_path)
    assert [a.id for a in articles] == ["art-0", "art-1", "art-2", "art-0", "art-1", "c_single"]
    assert articles[0].origin.endswith("a_array.json#item 1")
    assert articles[-1].published == "2024-03-03" and articles[-1].title == "Report 2 on the harvest"
    [broken] = rejected
    assert "d_broken.json" in broken.origin and "malformed JSON" in broken.reason
