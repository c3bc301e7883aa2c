"""Reports (json/md/html) and the timeline command on the seeds and on hostile text."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import storyline
from storyline.cli import main as cli_main
from storyline.compare.load import StorySet
from storyline.model import Article
from storyline.report import build_report, render
from storyline.summarize.timeline import day_scores
from storyline.summarize.sentences import Sentence
from tests.conftest import SEED_000, SEED_002, SEED_003

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "report-schema.md"
TOP_KEYS = ["schema", "story", "counts", "embedder", "timeline", "events", "facts", "positions", "entities",
            "figures", "articles", "texts"]
FACT_KEYS = ["fact_id", "status", "text", "attribution", "party", "party_name", "stance", "outlets",
             "independent_sources", "evidence", "disagreements", "events"]


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "seeds.db"
    with storyline.open(path) as db:
        db.ingest([SEED_000, SEED_002, SEED_003], workers=1)
    return path


@pytest.fixture(scope="session")
def seeds_report(seeds_db) -> dict:
    with storyline.open(seeds_db, read_only=True) as db:
        return db.report()


def test_json_report_has_the_documented_keys(seeds_report):
    assert list(seeds_report) == TOP_KEYS
    doc = SCHEMA_DOC.read_text()
    for key in TOP_KEYS + FACT_KEYS:
        assert f"`{key}`" in doc, f"{key} is not documented in docs/report-schema.md"
    for fact in seeds_report["facts"]:
        assert list(fact) == FACT_KEYS
        for e in fact["evidence"]:
            assert seeds_report["texts"][e["article_id"]][e["start"] : e["end"]] == e["text"]
    statuses = {f["status"] for f in seeds_report["facts"]}
    assert statuses == {"contradicted", "corroborated", "single-source"}
    assert json.loads(render(seeds_report, "json")) == seeds_report


def test_report_cli_writes_md_and_html(seeds_db, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert cli_main(["report", "--db", str(seeds_db), "--format", "html", "-o", str(out)]) == 0
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "contradicted" in page and "Close to 7,000 people" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loads from elsewhere
    assert cli_main(["report", "--db", str(seeds_db), "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "## Comparison" in md and "| contradicted: figure" in md and "corroborated" in md


def test_report_is_deterministic(seeds_db):
    with storyline.open(seeds_db, read_only=True) as db:
        assert db.report_text(None, "json") == db.report_text(None, "json")


def test_unknown_story_is_a_usage_error(seeds_db, capsys):
    assert cli_main(["report", "--db", str(seeds_db), "--story", "s-nope", "--format", "md"]) == 2
    assert "no story 's-nope'" in capsys.readouterr().err


HOSTILE = Article(
    "evil-1", title="<script>alert('t')</script> Dam \"report\"", source="<b>bad</b>.example",
    url="javascript:alert(1)", published="2024-03-05",
    text=("Officials said on Monday that <script>alert('body')</script> the dam <img src=x onerror=alert(1)> "
          "is safe for the villages.\nA witness said the water rose by 3 metres on March 1, 2024, "
          "<a href=\"javascript:alert(2)\">click</a> near the dam."))


@pytest.fixture(scope="session")
def hostile_report() -> dict:
    return build_report(StorySet(None, [HOSTILE], {"evil-1": None}))


def test_html_escapes_hostile_text(hostile_report):
    page = render(hostile_report, "html")
    assert "<script" not in page and "onerror=" not in page.replace("onerror=alert", "")  # nothing live
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page and "href='javascript:" not in page
    assert "Content-Security-Policy" in page


def test_markdown_neutralises_hostile_text(hostile_report):
    md = render(hostile_report, "md")
    assert "<script" not in md and "<img" not in md and "](javascript:" not in md


def test_html_report_renders_in_chromium(hostile_report, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: apt-get update && apt-get install -y chromium")
    path = tmp_path / "report.html"
    path.write_text(render(hostile_report, "html"), encoding="utf-8")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        assert page.locator("h2#comparison").is_visible()
        assert "<script>alert('body')</script>" in page.locator("details#a-evil-1 pre").text_content()
        page.click("details#a-evil-1 summary")
        browser.close()
    assert dialogs == []


def test_timeline_command_prints_dates_and_sentences(seeds_db, capsys):
    assert cli_main(["timeline", "--db", str(seeds_db), "--dates", "2", "--per-date", "2", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and 1 <= len(out) <= 2
    assert [e["date"] for e in out] == sorted(e["date"] for e in out)
    for e in out:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", e["date"]) and list(e) == ["date", "sentences"]
        assert 1 <= len(e["sentences"]) <= 2 and all(isinstance(s, str) for s in e["sentences"])
    with storyline.open(seeds_db, read_only=True) as db:
        texts = [a.text for a in db.articles()]
    assert all(any(s in t for t in texts) for e in out for s in e["sentences"])


def test_days_recalled_by_later_articles_outrank_busy_days():
    later = [Article(f"l{i}", text="x", published="2024-03-10") for i in range(2)]
    busy = [Article(f"b{i}", text="x", published="2024-03-09") for i in range(3)]
    dated = {a.id: ([Sentence(a.id, 0, 0, 1, "x", {"2024-03-01"})], None) for a in later}
    dated.update({a.id: ([], None) for a in busy})
    scores = day_scores(later + busy, dated)
    assert scores["2024-03-01"] > scores["2024-03-09"] > scores["2024-03-10"]
