"""The HTML pages, read as raw HTML: what they show and that hostile article content stays text."""

from __future__ import annotations

import re
from urllib.parse import quote


def test_home_shows_what_the_store_has(client):
    html = client.get("/").text
    assert "9 articles" in html and "1 duplicate)" in html
    assert "Talks resume in Brussels" in html and 'href="/articles?source=Outlet+B"' in html


def test_home_and_list_plot_articles_by_date_as_svg(client):
    html = client.get("/").text
    assert re.search(r'<figure class="timeline">\s*<svg viewBox="0 0 1000 120" role="img"', html)
    assert "<title>2023-01-24: 1 article</title>" in html and "<title>2023-01-21: 0 articles</title>" not in html
    assert "7 dated articles per day" in html  # seeds 000 and 003 are undated
    outlet_b = client.get("/articles", params={"source": "Outlet B"}).text
    assert "These articles by publication date: 2 dated articles per day" in outlet_b
    assert "<svg" not in client.get("/articles", params={"source": "Outlet C"}).text  # one day: no plot


def test_articles_page_filters_and_hides_duplicates(client):
    html = client.get("/articles", params={"source": "Outlet B", "duplicates": "no"}).text
    assert "Talks resume in Brussels" in html and "convoy-copy" not in html and "1 article," in html
    empty_form = client.get("/articles", params={"source": "", "date_from": "", "date_to": ""})
    assert empty_form.status_code == 200 and "9 articles" in empty_form.text


def test_articles_page_bad_date_is_an_html_error(client):
    response = client.get("/articles", params={"date_from": "01/02/2023"})
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "date_from: &#39;01/02/2023&#39; is not a date in the form YYYY-MM-DD" in response.text


def test_article_page_shows_text_cleaning_notes_and_links(client):
    html = client.get("/articles/002_a3294b9df3b941d9").text
    assert "<h1 class=\"headline\">U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia</h1>" in html
    assert "<time datetime=\"2023-01-24\">" in html
    assert re.search(r"<details id=\"dropped-lines\">\s*<summary>Lines removed by cleaning \(3\)</summary>", html)
    assert "<td>TV Live Menu</td><td class=\"muted\">navigation</td>" in html
    assert "Lines in another language, set aside (2)" in html
    assert '<section id="similar">' in html and 'href="/articles/000_194ea5a329165da9"' in html


def test_article_page_links_duplicates_both_ways(client):
    original = client.get("/articles/outlet-a-1").text
    assert '<a href="https://outlet-a.example/convoy" rel="noopener noreferrer nofollow">' in original
    assert 'href="/articles/outlet-b-copy"' in original
    copy = client.get("/articles/outlet-b-copy").text
    assert "This article is an exact copy of" in copy and 'href="/articles/outlet-a-1"' in copy


def test_unknown_article_page_is_404_html(client):
    response = client.get("/articles/nope")
    assert response.status_code == 404 and "No article with id &#39;nope&#39;." in response.text


def test_id_with_slash_links_and_resolves(client):
    html = client.get("/articles", params={"source": "Outlet C"}).text
    href = "/articles/" + quote("id with spaces/and slash", safe="")
    assert f'href="{href}"' in html
    assert "An article whose id needs quoting" in client.get(href).text


def test_search_page_highlights_matches_and_escapes_everything_else(client):
    html = client.get("/search", params={"q": "brackets"}).text
    assert "1 article match" in html
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>brackets</mark>" in snippet
    assert "&lt;/mark&gt;&lt;script&gt;" in snippet and "<script>" not in snippet
    assert snippet.count("<mark>") == 1


def test_search_page_without_words_says_so(client):
    assert "Type at least one word" in client.get("/search", params={"q": "?!"}).text
    assert "No article matches <strong>zzzqqq</strong>." in client.get("/search", params={"q": "zzzqqq"}).text


# -- hostile content --------------------------------------------------------------------------

def _tags(html: str) -> list[str]:
    """Every real tag in the page (escaped text never starts a tag)."""
    return re.findall(r"<[a-zA-Z/][^>]*>", html)


def _main(html: str) -> str:
    return html.split("<main", 1)[1]


def test_hostile_article_renders_as_text(client):
    response = client.get("/articles/xss-1")
    html = _main(response.text)
    for tag in _tags(response.text):
        assert not re.search(r"onerror|javascript:|^<(script|img|b)\b", tag, re.I), tag
    title = "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Corridor &lt;img src=x onerror=alert(&#39;t&#39;)&gt;"
    assert f'<h1 class="headline">{title}</h1>' in html
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in html
    assert "&lt;a href=&#34;javascript:alert(&#39;a&#39;)&#34;&gt;click here&lt;/a&gt;" in html
    assert '<code class="url">javascript:alert(&#39;url&#39;)</code>' in html  # shown, not linked
    assert not re.search(r"href=\"\s*javascript", response.text, re.I)
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in html
    assert "<script" not in response.text  # not even the page's own: scripts are never inline


def test_hostile_title_is_escaped_in_lists_search_and_the_page_title(client):
    for path in ("/", "/articles", "/search?q=convoy", "/articles/xss-1"):
        html = client.get(path).text
        assert "<script" not in html and "<img" not in html, path
        assert "&lt;script&gt;alert(&#39;title&#39;)" in html, path


def test_hostile_url_stays_inside_the_href_attribute(client):
    html = client.get("/articles/xss-2").text
    assert 'href="https://example.org/a?x=&#34;&gt;&lt;script&gt;alert(&#39;attr&#39;)&lt;/script&gt;"' in html


def test_hostile_search_query_is_escaped(client):
    html = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_empty_database_says_how_to_fill_it(tmp_path):
    from fastapi.testclient import TestClient

    from storyline.store import Store
    from storyline.web import create_app

    Store(tmp_path / "empty.db").close()
    with TestClient(create_app(tmp_path / "empty.db")) as empty:
        html = empty.get("/").text
        assert "This database is empty." in html and "storyline run INPUTS --db FILE" in html
        assert "No articles match these filters." in empty.get("/articles").text
        assert empty.get("/api/articles").json()["total"] == 0 and empty.get("/api/sources").json() == []
