"""The HTML pages: home (stories, outlets, recent articles), article lists, one article, search.

Pages take the same parameters as the API and call the same store queries; templates get plain
values and Jinja escapes every one of them (autoescape is on, nothing is marked safe).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storyline.store import annotations, fts_query, positions
from storyline.store import queries_web as queries
from storyline.web.params import (
    ArticleId, DateParam, EntityId, EntityParam, GroupId, ListParams, Offset, Source, StoryParams, StoryText,
)
from storyline.web.plots import story_timeline, timeline_bars
from storyline.web.render import marked_paragraphs, page_url, pager, paragraphs, safe_link

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 25
SearchBox = Annotated[str, Query(max_length=500)]


def _render(request: Request, template: str, **context) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context)


@router.get("/")
def home(
    request: Request,
    q: StoryText = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    source: Source = None,
    entity: EntityParam = None,
    offset: Offset = 0,
):
    params = StoryParams.parse(q, date_from, date_to, source, entity)
    f = params.filters
    form = {"q": f.q, "date_from": f.date_from, "date_to": f.date_to, "source": f.source, "entity": f.entity}
    conn = request.app.state.readers.conn()
    stories = queries.story_list(conn, f, limit=PAGE_SIZE, offset=offset)
    return _render(
        request,
        "home.html",
        form=form,
        filtered=any(form.values()),
        entity_name=_entity_name(conn, f.entity),
        story_pager=pager("/", form, total=stories["total"], limit=PAGE_SIZE, offset=offset),
        stats=queries.store_stats(conn),
        stories=stories,
        sources=queries.list_sources(conn, limit=30),
        recent=queries.list_articles(conn, queries.ArticleFilter(), limit=15, offset=0)["items"],
        plot=timeline_bars(queries.publication_counts(conn, queries.ArticleFilter())),
    )


@router.get("/articles")
def articles(
    request: Request,
    source: Source = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    duplicates: Annotated[str | None, Query(max_length=5)] = None,
    offset: Offset = 0,
):
    params = ListParams.parse(source, date_from, date_to, include_duplicates=duplicates != "no")
    conn = request.app.state.readers.conn()
    page = queries.list_articles(conn, params.filters, limit=PAGE_SIZE, offset=offset)
    form = {"source": params.filters.source, "date_from": params.filters.date_from,
            "date_to": params.filters.date_to, "duplicates": "no" if duplicates == "no" else None}
    return _render(
        request,
        "articles.html",
        page=page,
        form=form,
        pager=pager("/articles", form, total=page["total"], limit=PAGE_SIZE, offset=offset),
        sources=queries.list_sources(conn, limit=300),
        plot=timeline_bars(queries.publication_counts(conn, params.filters)),
    )


@router.get("/articles/{article_id:path}")
def article(request: Request, article_id: ArticleId):
    found = queries.article_detail(request.app.state.readers.conn(), article_id)
    if found is None:
        raise HTTPException(404, f"No article with id {article_id!r}.")
    conn = request.app.state.readers.conn()
    marks = queries.article_marks(conn, article_id, found["text"])
    return _render(
        request, "article.html", a=found, link=safe_link(found["url"]), paragraphs=paragraphs(found["text"]),
        marked=marked_paragraphs(found["text"], marks), mark_counts=_mark_counts(marks),
        place=queries.article_place(conn, article_id), similar=request.app.state.similar.similar(conn, article_id),
    )


def _mark_counts(marks: list[dict]) -> list[tuple[str, int]]:
    return [(k, n) for k in queries.MARK_KINDS if (n := sum(m["kind"] == k for m in marks))]


def _entity_name(conn, entity_id: str | None) -> str | None:
    if not entity_id:
        return None
    found = annotations.entity(conn, entity_id)
    return found.name if found else None


def story_report(request: Request, story: dict) -> dict | None:
    """The comparison and summaries of ``story`` (None when the compare module cannot make them)."""
    return request.app.state.story_reports.get(story["id"], story["last_seq"], story["articles"])


@router.get("/stories/{story_id:path}")
def story(request: Request, story_id: GroupId):
    conn = request.app.state.readers.conn()
    found = queries.story_detail(conn, story_id)
    if found is None:
        raise HTTPException(404, f"No story with id {story_id!r}.")
    outlets = [o["source"] for o in found["outlet_counts"]]
    return _render(request, "story.html", s=found, plot=story_timeline(found["event_list"], outlets),
                   report=story_report(request, found), parties=positions.story_positions(conn, story_id))


@router.get("/events/{event_id:path}")
def event(request: Request, event_id: GroupId):
    conn = request.app.state.readers.conn()
    found = queries.event_detail(conn, event_id)
    if found is None:
        raise HTTPException(404, f"No event with id {event_id!r}.")
    for group in found["outlets"]:
        for a in group["articles"]:
            a["paragraphs"] = paragraphs(a["text"])
    return _render(request, "event.html", e=found, story=queries.story_detail(conn, found["story"]))


@router.get("/entities")
def entities(request: Request, q: Annotated[str | None, Query(max_length=200)] = None, offset: Offset = 0):
    page = queries.entity_list(request.app.state.readers.conn(), q=q or None, kind=None, limit=PAGE_SIZE * 2,
                               offset=offset)
    return _render(request, "entities.html", page=page, q=q or "",
                   pager=pager("/entities", {"q": q}, total=page["total"], limit=PAGE_SIZE * 2, offset=offset))


@router.get("/entities/{entity_id:path}")
def entity(request: Request, entity_id: EntityId):
    conn = request.app.state.readers.conn()
    found = queries.entity_detail(conn, entity_id)
    if found is None:
        raise HTTPException(404, f"No entity with id {entity_id!r}.")
    return _render(request, "entity.html", ent=found, claims=positions.entity_claims(conn, entity_id))


@router.get("/search")
def search(request: Request, q: SearchBox = "", offset: Offset = 0):
    conn = request.app.state.readers.conn()
    page = None
    if q.strip() and fts_query(q):
        page = queries.search_articles(conn, q, limit=PAGE_SIZE, offset=offset)
    return _render(
        request,
        "search.html",
        q=q,
        page=page,
        no_words=bool(q.strip()) and not fts_query(q),
        pager=pager("/search", {"q": q}, total=page["total"], limit=PAGE_SIZE, offset=offset) if page else None,
    )


def url_for_article(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="")


def url_for_api_article(article_id: str) -> str:
    return "/api/articles/" + quote(article_id, safe="")


def url_for_source(source: str) -> str:
    return page_url("/articles", {"source": source})


def url_for_story(story_id: str) -> str:
    return "/stories/" + quote(story_id, safe="")


def url_for_event(event_id: str) -> str:
    return "/events/" + quote(event_id, safe="")


def url_for_entity(entity_id: str) -> str:
    return "/entities/" + quote(entity_id, safe=":")
