"""Stories, events and entities: API (shapes, paging, filters, bad parameters) and pages (raw HTML).

The session database (tests/web/conftest.py) is grouped by the real grouping step: the seeds, the
outlet records and the hostile records make one Lachin story of four events, and the record with a
space and a slash in its id a story of its own.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from fastapi.testclient import TestClient

from storyline.web import create_app
from tests.web.test_web_pages import _main, _tags

LACHIN = "s-000_194ea5a329165da9"
SEED_EVENT = "e-000_194ea5a329165da9"  # the January call: seeds 000 and 002
APRIL_EVENT = "e-003_a09610e4a41b2d35"  # the April call: seed 003
BLINKEN = "person:antony-blinken"


# -- API --------------------------------------------------------------------------------------

def test_stories_latest_activity_first_with_counts(client):
    page = client.get("/api/stories").json()
    assert page["total"] == 2 and page["next"] is None
    first = page["items"][0]
    assert first["id"] == LACHIN and first["last_published"] == "2023-02-13"
    assert (first["events"], first["articles"], first["outlets"]) == (5, 7, 3)  # named outlets (the seeds have none)
    assert first["first_published"] == "2023-01-24"
    assert page["items"][1]["id"] == "s-id with spaces/and slash"


def test_stories_paging_and_filters(client):
    one = client.get("/api/stories", params={"limit": 1}).json()
    assert len(one["items"]) == 1 and one["next"].endswith("limit=1&offset=1")
    assert client.get(one["next"]).json()["items"][0]["id"] == "s-id with spaces/and slash"
    by_outlet = client.get("/api/stories", params={"source": "Outlet B"}).json()
    assert [s["id"] for s in by_outlet["items"]] == [LACHIN]
    assert client.get("/api/stories", params={"date_from": "2023-02-01"}).json()["total"] == 1
    assert client.get("/api/stories", params={"date_to": "2023-01-19"}).json()["total"] == 0
    assert [s["id"] for s in client.get("/api/stories", params={"entity": BLINKEN}).json()["items"]] == [LACHIN]
    assert client.get("/api/stories", params={"entity": "person:nobody"}).json()["total"] == 0
    assert [s["id"] for s in client.get("/api/stories", params={"q": "Brussels"}).json()["items"]] == [LACHIN]
    assert client.get("/api/stories", params={"q": "zzzqqq"}).json()["total"] == 0
    assert client.get("/api/stories", params={"q": "' OR 1=1 -- NEAR("}).status_code == 200  # words, not syntax


@pytest.mark.parametrize("params, named", [
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset"),
    ({"date_from": "2023-13-01"}, "date_from"), ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "2023-02-01", "date_to": "2023-01-01"}, "date_from"), ({"q": "x" * 501}, "q"),
])
def test_stories_bad_parameters_are_422_naming_the_parameter(client, params, named):
    response = client.get("/api/stories", params=params)
    assert response.status_code == 422 and response.json()["error"].startswith(f"{named}:")


def test_story_detail_has_events_in_date_order_with_outlets(client):
    story = client.get(f"/api/stories/{LACHIN}", params={"compare": "false"}).json()
    # the January call (000 + 002), then the dated events, the undated April call (003) last
    assert [e["id"] for e in story["event_list"]] == [SEED_EVENT, "e-xss-1", "e-outlet-a-1", "e-outlet-b-1",
                                                      APRIL_EVENT]
    seed = story["event_list"][0]
    assert {a["id"] for a in seed["articles"]} == {"000_194ea5a329165da9", "002_a3294b9df3b941d9"}
    assert sum(o["articles"] for o in seed["outlets"]) == 2
    assert [a["id"] for a in story["event_list"][-1]["articles"]] == ["003_a09610e4a41b2d35"]
    assert story["comparison"] is None


def test_story_comparison_reports_the_contradicted_death_toll(client):
    story = client.get(f"/api/stories/{LACHIN}").json()
    comparison = story["comparison"]
    assert set(comparison["counts"]) <= {"contradicted", "corroborated", "single-source"}
    toll = [f for f in comparison["facts"] if f["status"] == "contradicted"
            and any(d["kind"] == "figure" and "7,000" in " ".join(d["values"]) for d in f["disagreements"])]
    assert toll, "the seeds disagree on the 2020 war's death toll (close to 7,000 vs more than 6,500)"
    for ev in toll[0]["evidence"]:
        context = ev["context"]
        assert context["match"] == ev["text"]
        text = client.get("/api/articles/" + quote(ev["article_id"], safe="")).json()["text"]
        assert text[ev["start"]:ev["end"]] == ev["text"]
        assert (context["before"] + context["match"] + context["after"]).strip(" …") in text
    assert SEED_EVENT in comparison["summaries"] and comparison["summaries"][SEED_EVENT]


def test_event_detail_groups_articles_by_outlet_with_text(client):
    event = client.get(f"/api/events/{SEED_EVENT}").json()
    assert event["story"] == LACHIN and event["articles"] == 2
    assert sum(len(col["articles"]) for col in event["outlets"]) == 2
    assert all(a["text"] for col in event["outlets"] for a in col["articles"])
    copy = client.get("/api/events/e-outlet-a-1").json()
    assert [col["source"] for col in copy["outlets"]] == ["Outlet A", "Outlet B"]


def test_group_ids_with_space_and_slash_are_reachable(client):
    story_id = "s-id with spaces/and slash"
    assert client.get("/api/stories/" + quote(story_id, safe="")).json()["id"] == story_id
    assert client.get("/api/events/" + quote("e-id with spaces/and slash", safe="")).status_code == 200
    assert client.get("/stories/" + quote(story_id, safe="")).status_code == 200


@pytest.mark.parametrize("path, status, named", [
    ("/api/stories/s-nope", 404, None), ("/api/events/e-nope", 404, None), ("/api/entities/person:nobody", 404, None),
    ("/api/stories/nope", 422, "story_id"), ("/api/events/x-1", 422, "event_id"),
    ("/api/stories/s-%01", 422, "story_id"), ("/api/stories/s-" + "x" * 600, 422, "story_id"),
    ("/api/entities/NoKind", 422, "entity_id"), ("/api/entities/person:%0a", 422, "entity_id"),
])
def test_bad_and_unknown_group_and_entity_ids(client, path, status, named):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    if named:
        assert response.json()["error"].startswith(f"{named}:")
    else:
        assert response.json()["error"].startswith("no ")


def test_entities_most_mentioned_first_paged_and_filtered(client):
    page = client.get("/api/entities", params={"limit": 5}).json()
    assert page["total"] > 5 and len(page["items"]) == 5 and page["next"]
    counts = [e["mentions"] for e in page["items"]]
    assert counts == sorted(counts, reverse=True)
    found = client.get("/api/entities", params={"q": "Blinken"}).json()
    assert [e["id"] for e in found["items"]] == [BLINKEN]
    assert client.get("/api/entities", params={"q": "%"}).json()["total"] == 0  # LIKE wildcards are text
    assert client.get("/api/entities", params={"kind": "alien"}).status_code == 422
    people = client.get("/api/entities", params={"kind": "person", "limit": 100}).json()["items"]
    assert people and all(e["kind"] == "person" for e in people)


def test_entity_detail_has_stories_events_and_quotes(client):
    ent = client.get(f"/api/entities/{BLINKEN}").json()
    assert ent["name"] == "Antony Blinken" and ent["kind"] == "person"
    assert [s["id"] for s in ent["stories"]] == [LACHIN]
    assert SEED_EVENT in [e["id"] for e in ent["events"]]
    assert ent["quotes"] and all(q["text"] for q in ent["quotes"])


def test_openapi_lists_the_new_endpoints(client):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {"/api/stories", "/api/stories/{story_id}", "/api/events/{event_id}", "/api/entities",
            "/api/entities/{entity_id}"} <= paths
    assert not any(p.startswith(("/stories", "/events", "/entities")) for p in paths)


# -- pages ------------------------------------------------------------------------------------

def test_home_lists_stories_with_counts_and_filters(client):
    html = client.get("/").text
    assert 'id="stories"' in html and 'id="no-stories"' not in html
    assert f'href="/stories/{LACHIN}"' in html and 'href="/stories/s-id%20with%20spaces%2Fand%20slash"' in html
    assert '<form class="filters" id="story-filters"' in html
    filtered = client.get("/", params={"source": "Outlet B"}).text
    table = filtered.split('id="stories"', 1)[1].split("</table>", 1)[0]
    assert f'href="/stories/{LACHIN}"' in table and "spaces%2Fand" not in table
    assert "No story matches these filters." in client.get("/", params={"q": "zzzqqq"}).text
    assert client.get("/", params={"date_from": "2023-99-01"}).status_code == 422


def test_story_page_has_timeline_events_and_comparison(client):
    html = client.get(f"/stories/{LACHIN}").text
    assert re.search(r'<figure class="timeline story-timeline" id="story-timeline">\s*<svg', html)
    assert len(re.findall(r'<rect class="o\d"', html)) == 6  # 4 dated events, two of them from two outlets
    assert html.count('<li class="event">') == 5
    assert f'href="/events/{APRIL_EVENT}"' in html
    assert f'href="/events/{SEED_EVENT}"' in html
    assert 'id="facts-contradicted"' in html and "Disagree on figure:" in html
    assert re.search(r'<mark class="m-evidence">[^<]*7,000 people died', html)


def test_event_page_sets_outlets_side_by_side(client):
    html = client.get("/events/e-outlet-a-1").text
    assert '<div class="side-by-side" id="outlets">' in html
    assert html.count('<section class="outlet-column">') == 2
    assert f'href="/stories/{LACHIN}"' in html
    seeds = client.get(f"/events/{SEED_EVENT}").text  # no named outlet: each article stands alone
    assert seeds.count('<section class="outlet-column">') == 2


def test_article_page_marks_annotations_and_links_its_event_and_story(client):
    html = client.get("/articles/002_a3294b9df3b941d9").text
    assert f'href="/events/{SEED_EVENT}"' in html and f'href="/stories/{LACHIN}"' in html
    assert re.search(r'<a class="entity" href="/entities/person:antony-blinken"><mark class="m-person ', html)
    for kind in ("time", "figure", "quote"):
        assert f'<mark class="m-{kind} ' in html or f' m-{kind} ' in html, kind
    # the marked text is the article's text, piece for piece
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    plain = re.sub(r"<[^>]+>", "", body.replace("<br>", "\n"))
    assert "Close to 7,000 people died on both sides" in plain


def test_entity_pages(client):
    html = client.get(f"/entities/{BLINKEN}").text
    assert "<h1>Antony Blinken</h1>" in html and f'href="/stories/{LACHIN}"' in html
    assert "<blockquote>" in html
    listing = client.get("/entities", params={"q": "Blinken"}).text
    assert f'href="/entities/{BLINKEN}"' in listing
    assert client.get("/entities/person:nobody").status_code == 404


# -- hostile content on the new pages ---------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/", f"/stories/{LACHIN}", "/events/e-xss-1", "/articles/xss-1", "/articles/xss-2", "/entities",
])
def test_hostile_content_stays_text_on_story_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    for tag in _tags(response.text):
        assert not re.search(r"onerror|javascript:|^<(script|img|b)\b", tag, re.I), (path, tag)
    assert "<script" not in response.text


def test_hostile_event_shows_the_markup_as_text(client):
    html = _main(client.get("/events/e-xss-1").text)
    assert "&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;" in html
    assert "&lt;/mark&gt;&lt;script&gt;alert(&#39;mark&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in html


def test_hostile_marked_article_keeps_marks_balanced(client):
    html = _main(client.get("/articles/xss-2").text)
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert body.count("<mark") == body.count("</mark>")
    assert "&lt;/mark&gt;&lt;script&gt;" in body


def test_hostile_filter_values_are_escaped(client):
    html = client.get("/", params={"q": "<script>x</script>", "entity": "\"><img src=x>"}).text
    assert "<script>x" not in html and "<img src=x>" not in html
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in html


def test_a_large_story_is_compared_in_the_background(web_db, monkeypatch):
    from storyline.web import comparison

    monkeypatch.setattr(comparison, "INLINE_ARTICLES", 1)  # the Lachin story (7 articles) counts as large
    with TestClient(create_app(web_db)) as fresh:
        page = fresh.get(f"/stories/{LACHIN}").text
        assert 'id="comparison-pending"' in page and 'id="facts-contradicted"' not in page
        first = fresh.get(f"/api/stories/{LACHIN}").json()
        assert first["comparison_status"] in ("pending", "ready")
        fresh.app.state.story_reports.wait()
        ready = fresh.get(f"/api/stories/{LACHIN}").json()
        assert ready["comparison_status"] == "ready" and ready["comparison"]["counts"]["contradicted"] >= 1
        assert 'id="facts-contradicted"' in fresh.get(f"/stories/{LACHIN}").text
        skipped = fresh.get(f"/api/stories/{LACHIN}", params={"compare": "false"}).json()
        assert skipped["comparison_status"] == "skipped" and skipped["comparison"] is None
