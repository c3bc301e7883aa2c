"""The HTML pages: home (stories, outlets, recent articles), article lists, one article, search.

Pages take the same parameters as the API and call the same store queries; templates get plain
values and Jinja escapes every one of them (autoescape is on, nothing is marked safe).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from storyline.store import fts_query
from storyline.store import queries_web as queries
from storyline.web.params import ArticleId, DateParam, ListParams, Offset, Source
from storyline.web.plots import timeline_bars
from storyline.web.render import page_url, pager, paragraphs, safe_link

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 25
SearchBox = Annotated[str, Query(max_length=500)]


def _render(request: Request, template: str, **context) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context)


@router.get("/")
def home(request: Request):
    conn = request.app.state.readers.conn()
    return _render(
        request,
        "home.html",
        stats=queries.store_stats(conn),
        stories=queries.story_list(conn, limit=PAGE_SIZE, offset=0),
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
    return _render(
        request, "article.html", a=found, link=safe_link(found["url"]), paragraphs=paragraphs(found["text"])
    )


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
