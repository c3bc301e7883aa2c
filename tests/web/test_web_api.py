"""The HTTP API: every endpoint, its pagination and filters, and its errors as JSON."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest

import storyline
from storyline.store import Store
from storyline.web import create_app
from storyline.web.readers import Readers


def test_articles_lists_newest_first_with_total(client):
    body = client.get("/api/articles").json()
    assert body["total"] == 9 and body["offset"] == 0 and body["limit"] == 20 and body["next"] is None
    dates = [item["published"] for item in body["items"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # undated come last
    assert body["items"][0]["id"] == "outlet-b-1"


def test_articles_pages_with_limit_offset_and_next(client):
    first = client.get("/api/articles", params={"limit": 4}).json()
    assert len(first["items"]) == 4 and first["next"].endswith("offset=4")
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(ids) == 9 == len(set(ids)) and third["next"] is None


def test_articles_filter_by_source_and_dates(client):
    by_source = client.get("/api/articles", params={"source": "Outlet B"}).json()
    assert {i["id"] for i in by_source["items"]} == {"outlet-b-1", "outlet-b-copy"}
    window = client.get("/api/articles", params={"date_from": "2023-01-25", "date_to": "2023-01-27"}).json()
    assert {i["id"] for i in window["items"]} == {"xss-1", "xss-2", "id with spaces/and slash", "outlet-a-1"}
    originals = client.get("/api/articles", params={"source": "Outlet B", "include_duplicates": "false"}).json()
    assert [i["id"] for i in originals["items"]] == ["outlet-b-1"]
    assert client.get("/api/articles", params={"source": "nobody"}).json() == {
        "total": 0, "limit": 20, "offset": 0, "items": [], "next": None
    }


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2023-02-30"}, "date_to"),
        ({"date_from": "2023-03-01", "date_to": "2023-01-01"}, "date_from"),
        ({"include_duplicates": "perhaps"}, "include_duplicates"),
        ({"source": "x" * 301}, "source"),
    ],
)
def test_articles_bad_parameters_are_422_naming_the_parameter(client, params, named):
    response = client.get("/api/articles", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error"} and response.json()["error"].startswith(named + ":")


def test_article_detail_has_text_cleaning_notes_and_duplicates(client):
    body = client.get("/api/articles/002_a3294b9df3b941d9").json()
    assert body["title"] == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    assert body["text"].startswith("U.S. Secretary of State Antony Blinken has urged")
    assert {"line": "TV Live Menu", "reason": "navigation"} in body["dropped_lines"]
    assert [f["lang"] for f in body["foreign_lines"]] == ["ka", "ka"]
    assert body["raw_text"] is None and body["duplicate_of"] is None and body["duplicates"] == []
    assert "TV Live Menu" in client.get("/api/articles/002_a3294b9df3b941d9?include_raw=true").json()["raw_text"]

    original = client.get("/api/articles/outlet-a-1").json()
    assert [(d["id"], d["kind"]) for d in original["duplicates"]] == [("outlet-b-copy", "exact")]
    copy = client.get("/api/articles/outlet-b-copy").json()
    assert copy["duplicate_of"]["id"] == "outlet-a-1" and copy["duplicate_kind"] == "exact"


def test_article_id_with_space_and_slash_is_reachable(client):
    response = client.get("/api/articles/" + quote("id with spaces/and slash", safe=""))
    assert response.status_code == 200 and response.json()["source"] == "Outlet C"


def test_unknown_article_is_404_json(client):
    response = client.get("/api/articles/no-such-id")
    assert response.status_code == 404
    assert response.json() == {"error": "no article with id 'no-such-id'"}


@pytest.mark.parametrize("bad_id", ["%01control", "x" * 513])
def test_bad_article_ids_are_422(client, bad_id):
    response = client.get("/api/articles/" + bad_id)
    assert response.status_code == 422 and response.json()["error"].startswith("article_id:")


def test_search_returns_hits_with_marked_segments(client):
    body = client.get("/api/search", params={"q": "Lachin corridor"}).json()
    assert body["total"] >= 4 and body["query"] == "Lachin corridor"
    assert body["items"][0]["title"] and body["items"][0]["score"] >= body["items"][-1]["score"]
    for item in body["items"]:
        matched = [s["text"].lower() for s in item["snippet"] if s["match"]]
        assert matched and set(matched) <= {"lachin", "corridor"}


def test_search_pages_and_keeps_brackets_as_text(client):
    page = client.get("/api/search", params={"q": "corridor", "limit": 2}).json()
    assert len(page["items"]) == 2 and page["next"] and "q=corridor" in page["next"]
    hit = client.get("/api/search", params={"q": "brackets"}).json()["items"][0]
    assert hit["id"] == "xss-2"
    assert "[" in "".join(s["text"] for s in hit["snippet"])  # brackets in the text are not markers
    assert [s["text"] for s in hit["snippet"] if s["match"]] == ["brackets"]


def test_search_input_is_not_fts_or_sql_syntax(client):
    for q in ['"unbalanced', "corridor OR 1=1; DROP TABLE articles; --", "title:corridor", "NEAR(a b)", "a*"]:
        assert client.get("/api/search", params={"q": q}).status_code == 200, q
    assert client.get("/api/articles").json()["total"] == 9


@pytest.mark.parametrize(
    ("params", "named"),
    [({}, "q"), ({"q": ""}, "q"), ({"q": "!!! ..."}, "q"), ({"q": "x" * 501}, "q"), ({"q": "a", "limit": 0}, "limit")],
)
def test_search_bad_parameters(client, params, named):
    response = client.get("/api/search", params=params)
    assert response.status_code == 422 and response.json()["error"].startswith(named + ":")


def test_sources_counts_articles_and_duplicates(client):
    rows = {r["source"]: r for r in client.get("/api/sources").json()}
    assert rows["Outlet B"] == {
        "source": "Outlet B", "articles": 2, "duplicates": 1,
        "first_published": "2023-01-28", "last_published": "2023-02-13",
    }
    assert rows[None]["articles"] == 3  # the seeds name no outlet
    assert sum(r["articles"] for r in rows.values()) == 9


def test_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/api/articles", "/api/articles/{article_id}", "/api/search", "/api/sources"} <= set(doc["paths"])
    assert not any(path == "/" or path.startswith("/articles") for path in doc["paths"])  # pages are not API


def test_unknown_endpoint_and_wrong_method_are_json(client):
    missing = client.get("/api/nothing")
    assert missing.status_code == 404 and missing.json() == {"error": "no such endpoint: /api/nothing"}
    wrong = client.post("/api/articles")
    assert wrong.status_code == 405 and "error" in wrong.json()


def test_every_response_carries_the_security_headers(client):
    for path in ("/api/articles", "/", "/static/style.css", "/api/nothing"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp


def test_readers_cannot_write(web_db):
    readers = Readers(web_db)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            readers.conn().execute("DELETE FROM articles")
    finally:
        readers.close()


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(storyline.store.StoreError, match="no such database"):
        create_app(tmp_path / "absent.db")


def test_api_answers_while_a_writer_holds_a_transaction(tmp_path):
    from fastapi.testclient import TestClient

    from tests.conftest import SEED_000, SEED_002

    path = tmp_path / "live.db"
    with storyline.open(path) as db:
        db.ingest([SEED_000], workers=1)
    writer = Store(path)
    with TestClient(create_app(path)) as live:
        assert live.get("/api/articles").json()["total"] == 1
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute(
            "INSERT INTO articles (article_id, text, content_hash, origin, input_format, raw_text) "
            "VALUES ('pending', 'not yet committed', 'h', 'test', 'text', 'raw')"
        )
        assert live.get("/api/articles").json()["total"] == 1  # not blocked, sees the last commit
        assert live.get("/").status_code == 200
        writer.conn.execute("COMMIT")
        assert live.get("/api/articles").json()["total"] == 2
        writer.close()
        with storyline.open(path) as db:
            db.ingest([SEED_002], workers=1)
        assert live.get("/api/articles/002_a3294b9df3b941d9").status_code == 200
