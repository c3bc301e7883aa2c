"""Parameters shared by the API and the pages, with the checks that turn bad input into a 4xx.

Path and query values come from anyone who can reach the server: they are length-bounded,
typed, and reach SQL only as bound parameters (in the store's query functions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import HTTPException, Path, Query

from storyline.store.queries_web import ArticleFilter, StoryFilter

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000

# Article ids come from inputs (file names, JSONL ids) so they may hold almost anything printable;
# control characters never occur in a stored id and are refused.
ArticleId = Annotated[
    str, Path(min_length=1, max_length=512, pattern=r"^[^\x00-\x1f\x7f]+$", description="article id")
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")]
Source = Annotated[str | None, Query(max_length=300, description="only articles of this outlet")]
DateParam = Annotated[str | None, Query(max_length=10, description="ISO date YYYY-MM-DD, inclusive")]
SearchText = Annotated[str, Query(min_length=1, max_length=500, description="words or \"quoted phrases\"")]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadParameter(HTTPException):
    """A parameter that passed its type check but makes no sense (422 with the parameter named)."""

    def __init__(self, name: str, reason: str):
        super().__init__(status_code=422, detail=f"{name}: {reason}")


def parse_date(name: str, value: str | None) -> str | None:
    """An ISO date string, ``None`` for empty (an empty date field in a form), else 422."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _ISO_DATE.match(value):
        raise BadParameter(name, f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a calendar date") from None
    return value


@dataclass(frozen=True)
class ListParams:
    """The filters of an article list, checked."""

    filters: ArticleFilter

    @classmethod
    def parse(cls, source: str | None, date_from: str | None, date_to: str | None, include_duplicates: bool):
        start, end = parse_date("date_from", date_from), parse_date("date_to", date_to)
        if start and end and start > end:
            raise BadParameter("date_from", f"{start} is after date_to {end}")
        source = source if source and source.strip() else None
        return cls(ArticleFilter(source=source, date_from=start, date_to=end, include_duplicates=include_duplicates))


# Story and event ids are "s-"/"e-" + an article id; entity ids are "kind:slug".
GroupId = Annotated[
    str, Path(min_length=3, max_length=520, pattern=r"^[se]-[^\x00-\x1f\x7f]+$", description="story or event id")
]
EntityId = Annotated[
    str, Path(min_length=3, max_length=300, pattern=r"^[a-z]+:[^\x00-\x1f\x7f]+$", description="entity id")
]
EntityParam = Annotated[str | None, Query(max_length=300, description="only stories mentioning this entity id")]
StoryText = Annotated[str | None, Query(max_length=500, description="words the story's articles contain")]


@dataclass(frozen=True)
class StoryParams:
    """The filters of the story list, checked."""

    filters: StoryFilter

    @classmethod
    def parse(cls, q, date_from, date_to, source, entity):
        start, end = parse_date("date_from", date_from), parse_date("date_to", date_to)
        if start and end and start > end:
            raise BadParameter("date_from", f"{start} is after date_to {end}")

        def blank(v):
            return v.strip() if v and v.strip() else None

        return cls(StoryFilter(q=blank(q), date_from=start, date_to=end, source=blank(source), entity=blank(entity)))
