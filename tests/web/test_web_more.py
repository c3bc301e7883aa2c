"""More like this (stored lead embeddings), party positions on story pages, claims on entity pages.

Uses the session database of tests/web/conftest.py: the seeds, the outlet records (one an exact copy)
and the hostile records, one of which carries a claim by "Harriet Quill" full of markup.
"""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import quote

import numpy as np
import pytest
from fastapi.testclient import TestClient

import storyline
from storyline.store import Store
from storyline.web import create_app
from storyline.web.similar import NO_ARTICLE_VECTOR, NO_VECTORS
from tests.conftest import EXAMPLES
from tests.web.test_web_pages import _main, _tags

LACHIN = "s-000_194ea5a329165da9"
SEED = "000_194ea5a329165da9"
QUILL = "person:harriet-quill"
AZERBAIJAN = "org:government-of-azerbaijan"
HOSTILE_CLAIM = "<script>alert('claim')</script> the convoy was held <img src=x onerror=alert('claim')> at the gate"


def _copy(web_db, path):
    """A private copy of the session database (the backup API also takes what is still in the WAL)."""
    src, dst = sqlite3.connect(web_db), sqlite3.connect(path)
    src.backup(dst)
    src.close(), dst.close()
    return path


def _vectors(path) -> dict[str, np.ndarray]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT article_id, vector FROM article_groups WHERE vector IS NOT NULL").fetchall()
    conn.close()
    return {i: np.frombuffer(v, dtype=np.float32) for i, v in rows}


# -- more like this: API ----------------------------------------------------------------------

def test_similar_ranks_by_cosine_of_the_stored_vectors(client, web_db):
    body = client.get(f"/api/similar/{SEED}").json()
    assert body["id"] == SEED and body["available"] and body["reason"] is None
    items = body["items"]
    ids = [i["id"] for i in items]
    assert SEED not in ids and len(ids) == len(set(ids))
    assert ids[0] == "002_a3294b9df3b941d9"  # the other seed on Blinken and the corridor
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    vectors = _vectors(web_db)
    # every grouped original except the article itself, and exactly its cosine
    assert set(ids) == set(vectors) - {SEED}
    for item in items:
        a, b = vectors[SEED], vectors[item["id"]]
        assert item["score"] == pytest.approx(float(a @ b / np.linalg.norm(a) / np.linalg.norm(b)), abs=1e-4)
    assert {"title", "source", "published"} <= set(items[0])


def test_similar_leaves_out_copies_and_a_copy_uses_its_original(client):
    original = client.get("/api/similar/outlet-a-1").json()["items"]
    assert {"outlet-a-1", "outlet-b-copy"}.isdisjoint(i["id"] for i in original)
    copy = client.get("/api/similar/outlet-b-copy").json()
    assert copy["available"] and copy["items"] == original  # the copy has no vector of its own


def test_similar_limit_and_bad_parameters(client):
    assert len(client.get(f"/api/similar/{SEED}", params={"limit": 2}).json()["items"]) == 2
    assert client.get(f"/api/similar/{SEED}", params={"limit": 0}).json()["error"].startswith("limit:")
    assert client.get(f"/api/similar/{SEED}", params={"limit": 101}).status_code == 422
    missing = client.get("/api/similar/no-such-article")
    assert missing.status_code == 404 and missing.json()["error"] == "no article with id 'no-such-article'"
    assert client.get("/api/similar/bad%01id").json()["error"].startswith("article_id:")
    spaced = client.get("/api/similar/" + quote("id with spaces/and slash", safe=""))
    assert spaced.status_code == 200 and spaced.json()["id"] == "id with spaces/and slash"


def test_similar_breaks_equal_scores_by_id(web_db, tmp_path):
    path = _copy(web_db, tmp_path / "ties.db")
    conn = sqlite3.connect(path)  # give two articles one vector: their scores tie
    conn.execute("UPDATE article_groups SET vector = (SELECT vector FROM article_groups WHERE article_id = 'xss-2') "
                 "WHERE article_id = 'outlet-b-1'")
    conn.commit(), conn.close()
    with TestClient(create_app(path)) as tied:
        items = tied.get(f"/api/similar/{SEED}").json()["items"]
    ids = [i["id"] for i in items]
    a, b = ids.index("outlet-b-1"), ids.index("xss-2")
    assert b == a + 1 and items[a]["score"] == items[b]["score"]


def test_similar_follows_new_grouping_and_says_when_an_article_has_no_vector(web_db, tmp_path):
    path = _copy(web_db, tmp_path / "growing.db")
    extra = tmp_path / "extra.jsonl"
    record = {"title": "Blinken tells Baku to lift the Lachin corridor blockade",
              "text": "U.S. Secretary of State Antony Blinken told Azerbaijan's President Ilham Aliyev to lift the "
                      "blockade of the Lachin corridor, the only road linking Armenia and Nagorno-Karabakh.",
              "source": "Outlet D", "published": "2023-01-28", "lang": "en"}
    extra.write_text(json.dumps({"id": "new-grouped", **record}) + "\n")
    with TestClient(create_app(path)) as app:
        before = [i["id"] for i in app.get(f"/api/similar/{SEED}").json()["items"]]
        with storyline.open(path) as db:  # another writer, while the app keeps its cached matrix
            db.ingest([extra], workers=1, skip=("annotate",))
        after = [i["id"] for i in app.get(f"/api/similar/{SEED}").json()["items"]]
        assert "new-grouped" not in before and "new-grouped" in after[:3]
        fresh = app.get("/api/similar/new-grouped").json()
        assert fresh["available"] and fresh["items"][0]["id"] == SEED
    conn = sqlite3.connect(path)
    conn.execute("UPDATE article_groups SET vector = NULL WHERE article_id = 'new-grouped'")  # as if never embedded
    conn.commit(), conn.close()
    with TestClient(create_app(path)) as app:
        body = app.get("/api/similar/new-grouped").json()
        assert body == {"id": "new-grouped", "available": False, "reason": NO_ARTICLE_VECTOR, "items": []}
        assert NO_ARTICLE_VECTOR.replace("'", "&#39;") in app.get("/articles/new-grouped").text


def test_without_grouping_the_api_and_page_say_there_are_no_vectors(tmp_path):
    path = tmp_path / "ungrouped.db"
    with storyline.open(path) as db:
        db.ingest([EXAMPLES], workers=1, skip=("annotate", "group"))
    with TestClient(create_app(path)) as app:
        body = app.get(f"/api/similar/{SEED}").json()
        assert body == {"id": SEED, "available": False, "reason": NO_VECTORS, "items": []}
        html = app.get(f"/articles/{SEED}").text
        assert "No embeddings are stored in this database" in html and '<ol class="similar">' not in html


# -- more like this: page ---------------------------------------------------------------------

def test_article_page_lists_similar_articles_with_escaped_titles(client):
    response = client.get(f"/articles/{SEED}")
    section = _main(response.text).split('<section id="similar">', 1)[1].split("</section>", 1)[0]
    assert 'href="/articles/002_a3294b9df3b941d9"' in section and 'href="/articles/xss-1"' in section
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Corridor" in section
    assert 'href="/articles/id%20with%20spaces%2Fand%20slash"' in section
    assert "<script" not in response.text


# -- party positions on the story page ----------------------------------------------------------

def test_story_api_groups_claims_by_canonical_party(client):
    story = client.get(f"/api/stories/{LACHIN}", params={"compare": "false"}).json()
    parties = story["parties"]
    counts = [len(p["claims"]) for p in parties]
    assert counts == sorted(counts, reverse=True)
    azerbaijan = next(p for p in parties if p["party"] == AZERBAIJAN)
    assert azerbaijan["name"] == "Government of Azerbaijan"
    # "Baku", "the Azerbaijani side" and "Azerbaijan" are one party
    assert {c["said_as"] for c in azerbaijan["claims"]} >= {"Baku", "The Azerbaijani side"}
    assert len({p["party"] for p in parties}) == len(parties)
    for party in parties:
        for claim in party["claims"]:
            article = client.get("/api/articles/" + quote(claim["article"]["id"], safe="")).json()
            sentence = claim["sentence"]
            assert sentence["match"] == claim["text"]
            assert sentence["before"] + sentence["match"] + sentence["after"] in article["text"]
    quill = next(p for p in parties if p["party"] == QUILL)
    assert quill["claims"][0]["text"] == HOSTILE_CLAIM  # JSON carries the text as it is
    assert quill["claims"][0]["stance"] == "denies"


def test_story_page_shows_positions_escaped(client):
    response = client.get(f"/stories/{LACHIN}")
    section = _main(response.text).split('<section id="positions">', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/entities/{AZERBAIJAN}">Government of Azerbaijan</a>' in section
    assert section.count('<div class="party">') == len(client.get(
        f"/api/stories/{LACHIN}", params={"compare": "false"}).json()["parties"])
    assert ('<mark class="m-claim">&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt; the convoy was held '
            '&lt;img src=x onerror=alert(&#39;claim&#39;)&gt; at the gate</mark>') in section
    assert 'href="/articles/xss-1"' in section
    for tag in _tags(response.text):
        assert not (tag.lower().startswith(("<script", "<img")) or "onerror" in tag.lower()), tag


def test_story_without_claims_says_so(client):
    html = client.get("/stories/" + quote("s-id with spaces/and slash", safe="")).text
    assert "No claim attributed to a party in this story" in html
    assert client.get("/api/stories/" + quote("s-id with spaces/and slash", safe=""),
                      params={"compare": "false"}).json()["parties"] == []


# -- claims on entity pages ---------------------------------------------------------------------

def test_entity_api_lists_claims_where_it_is_the_party(client):
    ent = client.get(f"/api/entities/{AZERBAIJAN}").json()
    assert ent["claims"] and all(c["article"]["id"] for c in ent["claims"])
    assert {c["said_as"] for c in ent["claims"]} >= {"Baku", "Azerbaijan"}
    dates = [c["article"]["published"] for c in ent["claims"] if c["article"]["published"]]
    assert dates == sorted(dates)
    quill = client.get(f"/api/entities/{QUILL}").json()
    assert [c["text"] for c in quill["claims"]] == [HOSTILE_CLAIM]
    assert client.get("/api/entities/person:antony-blinken").json()["quotes"]  # quotes stay


def test_entity_page_shows_claims_escaped(client):
    response = client.get(f"/entities/{QUILL}")
    section = _main(response.text).split('<section id="entity-claims">', 1)[1].split("</section>", 1)[0]
    assert "<h2>Claims (1)</h2>" in section
    assert "&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;" in section and 'href="/articles/xss-1"' in section
    assert "<script" not in response.text and "<img" not in response.text
    none = client.get("/entities/place:brussels").text
    assert "No claim with Brussels as the party." in none


def test_openapi_documents_similar_and_claims(client):
    doc = client.get("/api/openapi.json").json()
    assert "/api/similar/{article_id}" in doc["paths"]
    assert {"SimilarArticles", "PartyPosition", "Claim"} <= set(doc["components"]["schemas"])


# -- the acts_as index ----------------------------------------------------------------------------

def test_entity_lookups_use_the_acts_as_index(tmp_path):
    store = Store(tmp_path / "fresh.db")
    try:
        plan = " ".join(r[-1] for r in store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT article_id FROM mentions WHERE entity_id = ? OR acts_as = ?",
            ("a", "a")))
    finally:
        store.close()
    assert "mentions_by_acts_as" in plan and "mentions_by_entity" in plan


def test_top_is_the_stable_descending_order_with_ties_by_row():
    from storyline.web.similar import top

    rng = np.random.default_rng(3)
    for n in (1, 9, 10, 11, 200):
        scores = np.round(rng.integers(0, 4, n) / 3.0, 6)  # few distinct values: many ties
        scores[rng.integers(0, n)] = -np.inf
        for count in (1, 3, 10, 25):
            assert top(scores, count).tolist() == np.argsort(-scores, kind="stable")[:count].tolist()
