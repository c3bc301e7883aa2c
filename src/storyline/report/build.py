"""Assemble a story's report as plain data (the JSON form; docs/report-schema.md documents it)."""

from __future__ import annotations

from collections import Counter, defaultdict

from storyline.compare import compare
from storyline.compare.load import StorySet
from storyline.compare.sources import outlet
from storyline.compare.vectors import one_blas_thread
from storyline.summarize import build_timeline, summarize_event

SCHEMA = "storyline-report/1"
MAX_SINGLE_SOURCE = 200  # single-source facts listed (the rest are counted)


def build_report(story: StorySet, *, timeline_dates: int | None = None, per_date: int = 2,
                 summary_sentences: int = 4, embedder: str = "auto") -> dict:
    """Everything the report shows, each sentence with its article id and span in ``article.text``."""
    articles = story.articles
    by_id = {a.id: a for a in articles}
    comparison = compare(articles, story.annotations, events=story.events, embedder=embedder)
    embedder = comparison.embedder  # one model for the whole report, chosen on the story's size
    days = {a.published for a in articles if a.published}
    n_dates = timeline_dates if timeline_dates is not None else max(1, min(12, len(days) or 1))
    timeline = build_timeline(articles, story.annotations, dates=n_dates, per_date=per_date, embedder=embedder)

    members: dict[str, list] = defaultdict(list)
    for a in articles:
        members[story.events.get(a.id) or f"e-{a.id}"].append(a)
    event_ids = [e for e in story.event_order if e in members] + sorted(set(members) - set(story.event_order))
    facts_by_event: dict[str, list[str]] = defaultdict(list)
    for f in comparison.facts:
        for ev in f.events:
            facts_by_event[ev].append(f.fact_id)
    with one_blas_thread():  # hundreds of small events: small products
        events = [_event(ev, members[ev], facts_by_event, summary_sentences, embedder) for ev in event_ids]
    single = [f for f in comparison.facts if f.status == "single-source"]
    shown = [f.as_dict() for f in comparison.facts if f.status != "single-source"] + \
        [f.as_dict() for f in single[:MAX_SINGLE_SOURCE]]
    dates = sorted(days)
    return {
        "schema": SCHEMA,
        "story": {
            "id": story.story_id,
            "first_published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None,
            "articles": len(articles),
            "events": len(events),
            "outlets": sorted({outlet(a) for a in articles}),
        },
        "counts": dict(sorted(Counter(f.status for f in comparison.facts).items())),
        "embedder": comparison.embedder,
        "timeline": [e.as_dict() for e in timeline],
        "events": events,
        "facts": shown,
        "positions": [{"topic": p.topic, "positions": p.positions} for p in comparison.positions],
        "entities": _entities(story),
        "figures": _figures(story),
        "articles": [{"id": a.id, "title": a.title, "outlet": outlet(a), "source": a.source, "url": a.url,
                      "published": a.published, "duplicate_of": a.duplicate_of, "event": story.events.get(a.id)}
                     for a in sorted(articles, key=lambda a: (a.published or "9999", a.id))],
        "texts": {a.id: a.text for a in sorted(articles, key=lambda a: a.id) if a.id in by_id},
    }


def _event(ev: str, arts: list, facts_by_event: dict[str, list[str]], summary_sentences: int, embedder: str) -> dict:
    arts = sorted(arts, key=lambda a: (a.published or "9999", a.id))
    dates = sorted(a.published for a in arts if a.published)
    return {
        "id": ev,
        "title": next((a.title for a in arts if a.title), None),
        "first_published": dates[0] if dates else None,
        "last_published": dates[-1] if dates else None,
        "articles": [a.id for a in arts],
        "outlets": sorted({outlet(a) for a in arts}),
        "summary": summarize_event(arts, sentences=summary_sentences, embedder=embedder),
        "facts": facts_by_event.get(ev, []),
    }


def _entities(story: StorySet, limit: int = 50) -> list[dict]:
    mentions, arts, names, kinds = Counter(), defaultdict(set), {}, {}
    for aid, ann in sorted(story.annotations.items()):
        if ann is None:
            continue
        for e in ann.entities:
            names.setdefault(e.entity_id, e.name)
            kinds.setdefault(e.entity_id, e.kind)
        for m in ann.mentions:
            key = m.acts_as or m.entity_id
            if key:
                mentions[key] += 1
                arts[key].add(aid)
    ranked = sorted(mentions, key=lambda k: (-len(arts[k]), -mentions[k], k))[:limit]
    return [{"entity_id": k, "name": names.get(k, k.split(":", 1)[-1]), "kind": kinds.get(k, k.split(":", 1)[0]),
             "mentions": mentions[k], "articles": len(arts[k])} for k in ranked]


def _figures(story: StorySet, limit: int = 200) -> list[dict]:
    out = []
    for aid, ann in sorted(story.annotations.items()):
        if ann is None:
            continue
        for f in ann.figures:
            if f.start < ann.body_offset:
                continue
            out.append({"article_id": aid, "start": f.start - ann.body_offset, "end": f.end - ann.body_offset,
                        "text": f.text, "value": f.value, "unit": f.unit, "counted": f.counted,
                        "qualifier": f.qualifier})
    return out[:limit]
