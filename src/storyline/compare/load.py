"""Gather a story's (or the whole database's) articles, events and annotations from the store.

Undated articles are anchored in memory through their event's, else their story's, publication
dates (``storyline.annotate.reanchor``), so "earlier this year" in an undated article of a 2023
story resolves to 2023. Articles stored without annotations are annotated here (not stored).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.annotate.types import Annotations
from storyline.model import Article


@dataclass
class StorySet:
    """What a report or a timeline is made from."""

    story_id: str | None
    articles: list[Article]
    annotations: dict[str, Annotations | None]
    events: dict[str, str] = field(default_factory=dict)  # article id -> event id
    event_order: list[str] = field(default_factory=list)  # event ids in date order


def load_story(store, story_id: str | None = None) -> StorySet:
    """The articles of ``story_id`` (every article in the database when None) with their annotations."""
    from storyline.store import grouping
    from storyline.store.annotations import load_annotations_many

    conn = store.conn
    events: dict[str, str] = {}
    order: list[str] = []
    if story_id is not None:
        if not grouping.story_exists(conn, story_id):
            raise KeyError(f"no story {story_id!r} in the database")
        ids = []
        for ev in grouping.story_events(conn, story_id):
            order.append(ev["event"])
            for m in ev["members"]:
                ids.append(m["id"])
                events[m["id"]] = ev["event"]
        articles = [a for a in (store.article(i) for i in ids) if a is not None]
    else:
        articles = list(store.articles())
        assigned = grouping.assignment_map(conn)
        events = {aid: ev for aid, (ev, _) in assigned.items()}
        order = sorted(set(events.values()))
    articles.sort(key=lambda a: a.id)
    annotations = load_annotations_many(conn, [a.id for a in articles])
    missing = [a for a in articles if annotations[a.id] is None and not a.duplicate_of]
    if missing:
        from storyline.annotate import annotate_many

        for ann in annotate_many(missing):
            annotations[ann.article_id] = ann
    anchor_undated(articles, annotations, events)
    return StorySet(story_id, articles, annotations, events, order)


def anchor_undated(articles: list[Article], annotations: dict[str, Annotations | None],
                   events: dict[str, str]) -> None:
    """Resolve undated articles' expressions against their event's, else all given articles', dates."""
    from storyline.annotate import reanchor

    all_dates = [a.published for a in articles if a.published]
    by_event: dict[str, list[str]] = {}
    for a in articles:
        if a.published and a.id in events:
            by_event.setdefault(events[a.id], []).append(a.published)
    for a in articles:
        ann = annotations.get(a.id)
        if ann is None or a.published:
            continue
        dates = by_event.get(events.get(a.id, ""), []) or all_dates
        if dates:
            annotations[a.id] = reanchor(ann, a, dates)
