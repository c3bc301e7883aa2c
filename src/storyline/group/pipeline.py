"""The grouping step of a run: group one batch and write it, in one transaction.

Called by the ingest pipeline after deduplication (copies take their original's event) and by
``storyline eval grouping``, so both exercise the same code.
"""

from __future__ import annotations

from storyline.embed import DEFAULT_EMBEDDER
from storyline.group.events import Decision, OnlineGrouper
from storyline.group.model import GroupingModels
from storyline.model import Article
from storyline.store import Store


def group_batch(store: Store, articles: list[Article], *, embedder: str = DEFAULT_EMBEDDER,
                models: GroupingModels | None = None) -> list[Decision]:
    """Assign the batch's articles (in order) to events and stories and store the result."""
    if not articles:
        return []
    grouper = OnlineGrouper(store.conn, embedder=embedder, models=models)
    with store.transaction():
        decisions = grouper.group(articles)
        grouper.save()
    return decisions
