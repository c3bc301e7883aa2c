"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs under uvicorn on a free loopback port in a background thread; every page visited is
screenshotted into test-artifacts/ for a person to look at. Install the browser with
``apt-get install -y chromium`` (``playwright install`` cannot download here).
"""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path

import pytest
import uvicorn

from storyline.web import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def base_url(web_db):
    config = uvicorn.Config(create_app(web_db), host="127.0.0.1", port=_free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join()


@pytest.fixture(scope="module")  # closed with this module: Playwright's sync API allows one at a time
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get update && apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.console_errors = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("console", lambda msg: msg.type == "error" and tab.console_errors.append(msg.text))
    yield tab
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def test_home_lists_outlets_and_latest_articles(page, base_url):
    page.goto(base_url + "/")
    assert page.title() == "Stories · Storyline"
    assert page.locator("#stories tbody tr").count() == 2
    latest = page.locator("section.latest ol.articles li")
    assert latest.count() == 9
    assert page.locator("table.outlets-table").get_by_role("link", name="Outlet B").count() == 1
    assert page.locator("figure.timeline svg rect.bar").count() == 6  # one per dated day with articles
    assert page.locator("figure.timeline svg").bounding_box()["width"] > 800
    # the stylesheet is served by the app and applied (not the browser's default serif body)
    assert "serif" not in page.evaluate("getComputedStyle(document.body).fontFamily").replace("sans-serif", "")
    _shot(page, "home")


def test_click_through_to_an_article(page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("link", name="U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia").first.click()
    page.wait_for_url("**/articles/002_a3294b9df3b941d9")
    assert page.locator("h1.headline").inner_text() == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    assert page.locator(".body p").first.inner_text().startswith("U.S. Secretary of State Antony Blinken has urged")
    dropped = page.locator("#dropped-lines")
    assert not dropped.locator("table").is_visible()  # collapsed until asked for
    dropped.locator("summary").click()
    assert dropped.locator("table").is_visible() and "TV Live Menu" in dropped.inner_text()
    _shot(page, "article")


def test_search_highlights_matches(page, base_url):
    page.goto(base_url + "/search")
    page.locator("form.big-search input[name=q]").fill("Lachin corridor")
    page.locator("form.big-search button").click()
    page.wait_for_url("**/search?q=Lachin+corridor")
    hits = page.locator("ol.hits > li")
    assert hits.count() >= 4
    marks = {m.lower() for m in page.locator("ol.hits mark").all_inner_texts()}
    assert marks == {"lachin", "corridor"}
    _shot(page, "search")


def test_filters_on_the_article_list(page, base_url):
    page.goto(base_url + "/articles")
    page.locator("input[name=source]").fill("Outlet B")
    page.locator("input[name=duplicates]").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert page.locator("ol.articles li").all_inner_texts()[0].startswith("Talks resume in Brussels")
    assert page.locator("ol.articles li").count() == 1
    _shot(page, "articles-filtered")


def test_hostile_article_shows_script_as_text_and_runs_nothing(page, base_url):
    page.goto(base_url + "/articles/xss-1")
    page.wait_for_load_state("networkidle")
    headline = page.locator("h1.headline").inner_text()
    assert headline == "<script>alert('title')</script> Corridor <img src=x onerror=alert('t')>"
    body = page.locator(".body").inner_text()
    assert "<script>alert('body')</script>" in body and "<img src=x onerror=alert('img')>" in body
    assert page.locator("main script, main img, .body a:not(.entity)").count() == 0
    assert all(h.startswith("/entities/") for h in page.locator(".body a").evaluate_all("els => els.map(e => e.getAttribute(\"href\"))"))
    assert page.locator(".original a").count() == 0  # javascript: URL is not a link
    assert page.locator(".original code").inner_text() == "javascript:alert('url')"
    assert page.dialogs == [] and page.console_errors == []  # nothing ran, nothing was even blocked
    _shot(page, "xss")


def test_hostile_search_snippet_runs_nothing(page, base_url):
    page.goto(base_url + "/search?q=brackets")
    page.wait_for_load_state("networkidle")
    assert "</mark><script>alert('mark')</script>" in page.locator(".snippet").inner_text()
    assert page.locator("ol.hits mark").all_inner_texts() == ["brackets"]
    assert page.dialogs == []


def test_story_page_events_timeline_comparison_and_click_through(page, base_url):
    page.goto(base_url + "/")
    page.locator("#stories").get_by_role("link", name="Lachin Corridor", exact=False).first.click()
    page.wait_for_url("**/stories/s-000_194ea5a329165da9")
    events = page.locator("#events > li.event")
    assert events.count() == 5  # the two seed calls (January, April) and three fixture events
    titles = events.locator("h3").all_inner_texts()
    assert "Blinken voices concerns about border checkpoint on Lachin Corridor" in titles
    assert "Convoy crosses the corridor" in titles and "Talks resume in Brussels" in titles
    plot = page.locator("#story-timeline svg")
    assert plot.bounding_box()["width"] > 800 and plot.locator("rect").count() == 6
    assert plot.locator("text.mid").all_text_contents() == ["1", "2", "3", "4"]
    contradicted = page.locator("#facts-contradicted")
    assert "7,000 people" in contradicted.inner_text() and "more than 6,500 people" in contradicted.inner_text()
    assert contradicted.locator("mark.m-evidence").count() >= 2
    assert page.dialogs == []  # the hostile event in this story runs nothing
    _shot(page, "story")

    events.nth(0).locator("h3 a").click()  # the January call, reported by seeds 000 and 002
    page.wait_for_url("**/events/e-000_194ea5a329165da9")
    assert page.locator("#outlets .outlet-column article").count() == 2
    _shot(page, "event")

    page.locator("#outlets").get_by_role("link", name="U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia").click()
    page.wait_for_url("**/articles/002_a3294b9df3b941d9")
    assert page.locator(".body mark.m-person").count() > 0 and page.locator(".body mark.m-figure").count() > 0
    assert page.locator("#grouping a").count() == 2
    _shot(page, "article-marked")

    page.locator(".body a.entity", has_text="Blinken").first.click()
    page.wait_for_url("**/entities/person:antony-blinken")
    assert page.locator("h1").inner_text() == "Antony Blinken"
    assert page.locator("#entity-quotes blockquote").count() > 0
    _shot(page, "entity")


def test_story_filters_in_the_browser(page, base_url):
    page.goto(base_url + "/")
    page.locator("#story-filters select[name=source]").select_option("Outlet B")
    page.locator("#story-filters button").click()
    page.wait_for_load_state()
    assert page.locator("#stories tbody tr").count() == 1
    _shot(page, "home-filtered")


def test_more_like_this_party_positions_and_entity_claims(page, base_url):
    page.goto(base_url + "/articles/000_194ea5a329165da9")
    similar = page.locator("#similar ol.similar li")
    assert similar.count() == 7  # every other grouped original (the copy of outlet-a-1 has none of its own)
    assert similar.first.locator("a").inner_text() == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    hostile = page.locator("#similar a", has_text="<script>alert('title')</script> Corridor")
    assert hostile.count() == 1  # the hostile title is text
    _shot(page, "article-similar")
    similar.first.locator("a").click()
    page.wait_for_url("**/articles/002_a3294b9df3b941d9")

    page.goto(base_url + "/stories/s-000_194ea5a329165da9")
    positions = page.locator("#positions")
    assert positions.locator(".party h3 a", has_text="Government of Azerbaijan").count() == 1
    claim = positions.locator("li.claim", has_text="Harriet Quill denied that")
    assert "<script>alert('claim')</script> the convoy was held" in claim.locator("mark.m-claim").inner_text()
    assert positions.locator("script, img").count() == 0 and page.dialogs == []
    positions.screenshot(path=str(ARTIFACTS / "web-story-positions.png"))

    positions.locator(".party h3 a", has_text="Government of Azerbaijan").click()
    page.wait_for_url("**/entities/org:government-of-azerbaijan")
    claims = page.locator("#entity-claims li.claim")
    assert claims.count() >= 3 and "Baku" in page.locator("#entity-claims").inner_text()
    assert page.dialogs == [] and page.console_errors == []
    _shot(page, "entity-claims")
