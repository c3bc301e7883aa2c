"""Helpers behind the pages: which URLs become links, paragraphs, snippet segments, paging links."""

from __future__ import annotations

import pytest

from storyline.store.queries_web import MATCH_END, MATCH_START, snippet_segments
from storyline.web.render import pager, paragraphs, safe_link


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://outlet.example/x", "HTTPS://EXAMPLE.ORG/"])
def test_web_urls_become_links(url):
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/relative/path",
        "http:/no-host",
        "https://exa mple.org/",
        "http://[::1",
        "",
        None,
    ],
)
def test_other_urls_stay_text(url):
    assert safe_link(url) is None


def test_paragraphs_split_on_blank_lines_and_keep_line_breaks():
    assert paragraphs("One.\nTwo.\n\n\nThree.\n") == [["One.", "Two."], ["Three."]]
    assert paragraphs("") == []


def test_snippet_segments_split_on_markers_only():
    marked = f"a [b] {MATCH_START}corridor{MATCH_END} c {MATCH_START}x"
    assert snippet_segments(marked) == [
        {"text": "a [b] ", "match": False},
        {"text": "corridor", "match": True},
        {"text": " c ", "match": False},
        {"text": "x", "match": True},
    ]


def test_pager_links_keep_the_filters():
    p = pager("/articles", {"source": "Outlet A", "date_from": None}, total=60, limit=25, offset=25)
    assert (p["first"], p["last"], p["total"]) == (26, 50, 60)
    assert p["prev"] == "/articles?source=Outlet+A" and p["next"] == "/articles?source=Outlet+A&offset=50"
    last = pager("/search", {"q": "a&b"}, total=60, limit=25, offset=50)
    assert last["next"] is None and last["prev"] == "/search?q=a%26b&offset=25"


def test_marked_paragraphs_cut_at_every_mark_edge_and_keep_the_text():
    from storyline.web.render import marked_paragraphs

    text = "Bob said <b>hi</b>.\n\nNext para\nline two"
    marks = [{"start": 0, "end": 19, "kind": "quote", "label": "quote by Bob", "entity": "person:bob"},
             {"start": 0, "end": 3, "kind": "person", "label": "Bob", "entity": "person:bob"}]
    first, second = marked_paragraphs(text, marks)
    assert "".join(p["text"] for p in first) == "Bob said <b>hi</b>."
    assert first[0] == {"text": "Bob", "kinds": ["person", "quote"], "labels": ["quote by Bob", "Bob"],
                        "entity": "person:bob"}
    assert first[1]["kinds"] == ["quote"] and first[1]["entity"] is None  # a quote links no entity
    assert second == [{"text": "Next para\nline two", "kinds": [], "labels": [], "entity": None}]
