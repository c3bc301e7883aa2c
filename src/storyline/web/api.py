"""The HTTP API under /api/: JSON for the data behind every page.

Errors are ``{"error": message}`` with the status (see ``app.py``); lists are paged with
``limit``/``offset`` and carry ``total`` and a ``next`` URL. The response models document the shapes
in the OpenAPI document; handlers return ``JSONResponse`` directly because the store already gives
plain JSON values, and validating them again on every request costs more than the query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from storyline.store import fts_query, positions
from storyline.store import queries_web as queries
from storyline.store import similar as similar_sql
from storyline.web import schemas
from storyline.web.params import (
    MAX_LIMIT, ArticleId, BadParameter, DateParam, EntityId, EntityParam, GroupId, Limit, ListParams, Offset, SearchText,
    Source, StoryParams, StoryText,
)
from storyline.web.render import page_url
from storyline.web.similar import DEFAULT_COUNT

router = APIRouter(prefix="/api", responses={422: {"model": schemas.Error, "description": "bad parameter"}})


def _next(request: Request, page: dict) -> str | None:
    if page["offset"] + page["limit"] >= page["total"]:
        return None
    return page_url(request.url.path, dict(request.query_params), offset=page["offset"] + page["limit"])


@router.get("/articles", response_model=schemas.ArticlePage, summary="List articles, newest first")
def articles(
    request: Request,
    source: Source = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    include_duplicates: Annotated[bool, Query(description="include articles that copy another")] = True,
    limit: Limit = 20,
    offset: Offset = 0,
):
    params = ListParams.parse(source, date_from, date_to, include_duplicates)
    page = queries.list_articles(request.app.state.readers.conn(), params.filters, limit=limit, offset=offset)
    return JSONResponse({**page, "next": _next(request, page)})


@router.get(
    "/articles/{article_id:path}",
    response_model=schemas.ArticleDetail,
    summary="One article with its cleaning notes and duplicates",
    responses={404: {"model": schemas.Error, "description": "no article with this id"}},
)
def article(
    request: Request,
    article_id: ArticleId,
    include_raw: Annotated[bool, Query(description="also return the text as read")] = False,
):
    found = queries.article_detail(request.app.state.readers.conn(), article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    if not include_raw:
        found["raw_text"] = None
    return JSONResponse(found)


@router.get(
    "/similar/{article_id:path}",
    response_model=schemas.SimilarArticles,
    summary="More like this: articles nearest by the stored title + lead embeddings (cosine)",
    responses={404: {"model": schemas.Error, "description": "no article with this id"}},
)
def similar(
    request: Request,
    article_id: ArticleId,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="how many (nearest first)")] = DEFAULT_COUNT,
):
    # Not /articles/{id}/similar: article ids may contain "/", so that path would be ambiguous.
    conn = request.app.state.readers.conn()
    if not similar_sql.article_exists(conn, article_id):
        raise HTTPException(404, f"no article with id {article_id!r}")
    found = request.app.state.similar.similar(conn, article_id, count=limit)
    return JSONResponse({"id": article_id, **found})


@router.get("/search", response_model=schemas.SearchPage, summary="Full-text search with highlighted snippets")
def search(request: Request, q: SearchText, limit: Limit = 20, offset: Offset = 0):
    if not fts_query(q):
        raise BadParameter("q", "no words to search for")
    page = queries.search_articles(request.app.state.readers.conn(), q, limit=limit, offset=offset)
    return JSONResponse({**page, "next": _next(request, page)})


@router.get("/sources", response_model=list[schemas.Source], summary="Outlets with their article counts")
def sources(request: Request):
    return JSONResponse(queries.list_sources(request.app.state.readers.conn()))


@router.get("/stories", response_model=schemas.StoryPage, summary="List stories, latest activity first")
def stories(
    request: Request,
    q: StoryText = None,
    date_from: DateParam = None,
    date_to: DateParam = None,
    source: Source = None,
    entity: EntityParam = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    params = StoryParams.parse(q, date_from, date_to, source, entity)
    page = queries.story_list(request.app.state.readers.conn(), params.filters, limit=limit, offset=offset)
    return JSONResponse({**page, "next": _next(request, page)})


@router.get(
    "/stories/{story_id:path}",
    response_model=schemas.StoryDetail,
    summary="One story: events with articles per outlet, summaries and the comparison of outlets",
    responses={404: {"model": schemas.Error, "description": "no story with this id"}},
)
def story(
    request: Request,
    story_id: GroupId,
    compare: Annotated[bool, Query(description="include the comparison and event summaries (a large story's is computed in the background: status pending until ready)")]
    = True,
):
    from storyline.web.pages import story_report

    found = queries.story_detail(request.app.state.readers.conn(), story_id)
    if found is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    found["parties"] = positions.story_positions(request.app.state.readers.conn(), story_id)
    report = story_report(request, found) if compare else None
    found["comparison_status"] = ("skipped" if not compare else "failed" if report is None
                                  else "pending" if report.get("pending") else "ready")
    found["comparison"] = report if found["comparison_status"] == "ready" else None
    return JSONResponse(found)


@router.get(
    "/events/{event_id:path}",
    response_model=schemas.EventDetail,
    summary="One event with its articles grouped by outlet",
    responses={404: {"model": schemas.Error, "description": "no event with this id"}},
)
def event(request: Request, event_id: GroupId):
    found = queries.event_detail(request.app.state.readers.conn(), event_id)
    if found is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    return JSONResponse(found)


@router.get("/entities", response_model=schemas.EntityPage, summary="List entities, most mentioned first")
def entities(
    request: Request,
    q: Annotated[str | None, Query(max_length=200, description="part of the name or id")] = None,
    kind: Annotated[str | None, Query(pattern="^(person|org|place)$", description="person | org | place")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
):
    page = queries.entity_list(request.app.state.readers.conn(), q=q or None, kind=kind, limit=limit, offset=offset)
    return JSONResponse({**page, "next": _next(request, page)})


@router.get(
    "/entities/{entity_id:path}",
    response_model=schemas.EntityDetail,
    summary="One entity: stories and events it appears in, its quotes and claims",
    responses={404: {"model": schemas.Error, "description": "no entity with this id"}},
)
def entity(request: Request, entity_id: EntityId):
    conn = request.app.state.readers.conn()
    found = queries.entity_detail(conn, entity_id)
    if found is None:
        raise HTTPException(404, f"no entity with id {entity_id!r}")
    found["claims"] = positions.entity_claims(conn, entity_id)
    return JSONResponse(found)
