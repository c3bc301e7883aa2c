"""The one data model that flows through every step.

Steps take and yield these objects; the store persists them. Keeping them as plain dataclasses
(no ORM) means a step can be tested without a database and shipped to a Ray worker as-is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Article:
    """One news article, from its raw form to its cleaned form.

    ``raw_text`` is what the reader saw (a dump, or the main text trafilatura found in HTML);
    ``text`` is the cleaned body. ``meta`` holds what cleaning set aside but a user may want back
    (byline, dropped boilerplate lines with their reason, lines in another language).
    """

    id: str
    raw_text: str = ""
    title: str | None = None
    text: str = ""
    url: str | None = None
    source: str | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD"
    lang: str | None = None
    author: str | None = None
    summary_only: bool = False  # feed items whose body is only the feed's summary
    origin: str = ""  # the input it came from: "path", "path#line 12", "path#record 3"
    input_format: str = ""  # text | html | feed | warc | jsonl
    content_hash: str = ""
    duplicate_of: str | None = None
    duplicate_kind: str | None = None  # exact | near
    meta: dict[str, Any] = field(default_factory=dict)
    # What per-article workers computed from the cleaned text for the corpus steps (content hash,
    # MinHash, grouping profile), so the driver only looks things up. Never stored; cleared
    # whenever the text changes after cleaning.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_row(self) -> dict[str, Any]:
        """The export form of an article (the columns the issue promises, then the rest)."""
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "lang": self.lang,
            "author": self.author,
            "summary_only": self.summary_only,
            "duplicate_of": self.duplicate_of,
            "origin": self.origin,
            "input_format": self.input_format,
        }

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["derived"]
        return out


@dataclass(frozen=True)
class Rejection:
    """An input (or one record of it) that could not become an article, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"
