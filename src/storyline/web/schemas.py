"""The shapes of the HTTP API's JSON, declared once so the OpenAPI document describes them."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Error(BaseModel):
    error: str = Field(description="what was wrong, naming the parameter when one was")


class ArticleSummary(BaseModel):
    id: str
    title: str | None
    source: str | None
    published: str | None = Field(description="ISO date YYYY-MM-DD")
    url: str | None
    lang: str | None
    duplicate_of: str | None = Field(description="id of the article this one copies")
    duplicate_kind: str | None = Field(description="exact | near")


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ArticleSummary]
    next: str | None = Field(description="URL of the next page, if any")


class ArticleRef(BaseModel):
    id: str
    title: str | None
    source: str | None
    published: str | None


class DuplicateRef(ArticleRef):
    kind: str | None


class DroppedLine(BaseModel):
    line: str
    reason: str


class ForeignLine(BaseModel):
    line: str
    lang: str


class ArticleDetail(BaseModel):
    id: str
    title: str | None
    text: str = Field(description="the cleaned body; paragraphs separated by a blank line")
    url: str | None
    source: str | None
    published: str | None
    lang: str | None
    author: str | None
    summary_only: bool
    origin: str
    input_format: str
    raw_text: str | None = Field(None, description="the text as read (only with include_raw=true)")
    duplicate_kind: str | None
    duplicate_of: ArticleRef | None
    duplicates: list[DuplicateRef] = Field(description="stored copies of this article")
    dropped_lines: list[DroppedLine] = Field(description="lines cleaning removed, with the reason")
    foreign_lines: list[ForeignLine] = Field(description="lines in another language, set aside")


class SnippetSegment(BaseModel):
    text: str
    match: bool = Field(description="true for the words that matched the query")


class SearchHit(BaseModel):
    id: str
    title: str | None
    source: str | None
    published: str | None
    duplicate_of: str | None
    duplicate_kind: str | None
    score: float = Field(description="BM25 relevance, higher is better")
    snippet: list[SnippetSegment]


class SearchPage(BaseModel):
    query: str
    total: int
    limit: int
    offset: int
    items: list[SearchHit]
    next: str | None


class Source(BaseModel):
    source: str | None = Field(description="outlet name or web domain; null for articles without one")
    articles: int
    duplicates: int
    first_published: str | None
    last_published: str | None
