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
                models: GroupingModels | None = None, grouper: OnlineGrouper | None = None) -> list[Decision]:
    """Assign the batch's articles (in order) to events and stories and store the result.

    Pass the same ``grouper`` for every batch of a run: it keeps the groups in memory between
    batches instead of reading them back (the result is the same either way)."""
    if not articles:
        return []
    grouper = grouper or OnlineGrouper(store.conn, embedder=embedder, models=models)
    try:
        with store.transaction():
            decisions = grouper.group(articles)
            grouper.save()
    except BaseException:
        grouper.forget()  # memory is ahead of the store now
        raise
    return decisions
