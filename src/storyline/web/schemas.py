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


class StorySummary(BaseModel):
    id: str
    title: str | None = Field(description="title of the article that opened the story")
    first_published: str | None
    last_published: str | None
    events: int
    articles: int
    outlets: int


class StoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[StorySummary]
    next: str | None


class OutletCount(BaseModel):
    source: str | None
    articles: int


class GroupArticle(ArticleRef):
    url: str | None
    duplicate_of: str | None
    duplicate_kind: str | None
    event: str
    probability: float | None = Field(description="grouping model's belief that it belongs to its event")


class StoryEvent(BaseModel):
    id: str
    title: str | None
    first_published: str | None
    last_published: str | None
    articles: list[GroupArticle]
    outlets: list[OutletCount]


class ClaimSentence(BaseModel):
    before: str
    match: str = Field(description="the claim itself")
    after: str


class Claim(BaseModel):
    article: ArticleRef
    text: str = Field(description="what the party asserts, denies, demands ...")
    stance: str = Field(description="asserts | characterises | denies | accuses | condemns | supports | demands")
    verb: str
    said_as: str = Field(description="the words that named the party in the article")
    sentence: ClaimSentence = Field(description="the claim's sentence, cut around the claim")


class PartyPosition(BaseModel):
    party: str | None = Field(description="entity id of the party; null when the words did not resolve to one")
    name: str
    kind: str | None
    claims: list[Claim]


class StoryDetail(StorySummary):
    last_seq: int
    outlet_counts: list[OutletCount]
    event_list: list[StoryEvent]
    parties: list[PartyPosition] = Field(
        description="claims made in the story's articles, by canonical party, most claims first")
    comparison: dict | None = Field(
        description="counts, facts (status, evidence with context), positions, summaries per event, timeline "
        "(the shapes of storyline.report; docs/report-schema.md); null unless comparison_status is ready")
    comparison_status: str = Field(
        description="ready | pending (a large story is being compared in the background: ask again) | failed | skipped")


class EventArticle(GroupArticle):
    text: str


class OutletColumn(BaseModel):
    source: str | None
    articles: list[EventArticle]


class EventDetail(BaseModel):
    id: str
    story: str
    title: str | None
    first_published: str | None
    last_published: str | None
    articles: int
    outlets: list[OutletColumn]


class EntitySummary(BaseModel):
    id: str
    kind: str
    name: str
    mentions: int


class EntityPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EntitySummary]
    next: str | None


class EntityEvent(BaseModel):
    id: str
    story: str
    title: str | None
    first_published: str | None
    last_published: str | None
    articles: int


class EntityStory(StorySummary):
    mentioning_articles: int


class EntityQuote(BaseModel):
    article: ArticleRef
    text: str
    kind: str
    verb: str | None


class EntityDetail(BaseModel):
    id: str
    kind: str
    name: str
    aliases: list[str]
    roles: list[str]
    stories: list[EntityStory]
    events: list[EntityEvent]
    quotes: list[EntityQuote]
    claims: list[Claim] = Field(description="claims whose party is this entity, oldest first")


class SimilarArticle(ArticleRef):
    score: float = Field(description="cosine similarity of the stored title + lead embeddings")


class SimilarArticles(BaseModel):
    id: str
    available: bool = Field(description="false when there are no stored embeddings to compare")
    reason: str | None = Field(description="why similar articles cannot be found, when they cannot")
    items: list[SimilarArticle] = Field(description="nearest first; ties by id")
