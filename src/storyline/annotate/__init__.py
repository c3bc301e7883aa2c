"""Annotation: who, when, how many, who said what, in each article.

    from storyline.annotate import annotate, annotate_many
    ann = annotate(article)              # one article (loads the spaCy model once per process)
    anns = annotate_many(articles)       # a batch: the model reads all leads in one nlp.pipe call

Spans are offsets into ``annotated_text(article)`` (title, blank line, body). The model reads only the
title (unless it is headline-cased) and the lead; everything else is rules (see entities.py for why).
An article with no publication date is resolved with no anchor; ``reanchor(ann, article, sibling_dates)``
re-resolves it once its event siblings are known (the grouping step calls it).
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.annotate.canonical import canonicalise
from storyline.annotate.claims import find_claims
from storyline.annotate.entities import find_mentions, ner_region, role_mentions
from storyline.annotate.figures import find_figures
from storyline.annotate.quotes import find_quotes
from storyline.annotate.text import annotated_text, sentences
from storyline.annotate.times import event_date, find_times, resolve_event_relative, sibling_anchor
from storyline.annotate.types import Annotations, Claim, Entity, Figure, Mention, Quote, TimeRef
from storyline.model import Article

ANNOTATOR_VERSION = "annotate-1"


def annotate(article: Article, ner: list[tuple[int, int, str]] | None = None) -> Annotations:
    """Annotate one article. ``ner`` (spans in the annotated text) skips running the model here."""
    text, body_offset = annotated_text(article)
    if ner is None:
        from storyline.annotate.nlp import ner_spans

        start, end = ner_region(text, body_offset)
        ner = [(a + start, b + start, label) for a, b, label in next(ner_spans([text[start:end]]))]
    mentions = find_mentions(text, ner, body_offset)
    mentions = sorted(mentions + role_mentions(text, mentions), key=lambda m: (m.start, m.end))
    entities = canonicalise(mentions)
    anchor = article.published
    ann = Annotations(article.id, body_offset, article.published, anchor, "published" if anchor else None, None, None,
                      mentions, entities)
    sents = sentences(text)
    _resolve_times(ann, text, sents)
    ann.figures = find_figures(text, skip=[(t.start, t.end) for t in ann.times if t.kind != "duration"])
    ann.quotes = find_quotes(text, mentions, sents)
    ann.claims = find_claims(text, mentions, sents)
    return ann


def annotate_many(articles: Sequence[Article], *, batch_size: int = 64) -> list[Annotations]:
    """Annotate a batch: the model reads every article's lead in one ``nlp.pipe`` pass."""
    from storyline.annotate.nlp import ner_spans

    regions = []
    for article in articles:
        text, body_offset = annotated_text(article)
        start, end = ner_region(text, body_offset)
        regions.append((start, text[start:end]))
    out = []
    for article, (start, _), spans in zip(articles, regions, ner_spans((r for _, r in regions), batch_size=batch_size)):
        out.append(annotate(article, [(a + start, b + start, label) for a, b, label in spans]))
    return out


def _resolve_times(ann: Annotations, text: str, sents: list[tuple[int, int]] | None = None) -> None:
    ann.times = find_times(text, ann.anchor_date, ann.anchor_kind)
    body = [(s, e) for s, e in (sents if sents is not None else sentences(text)) if s >= ann.body_offset]
    lead_end = body[1][1] if len(body) > 1 else len(text)
    ann.event_date, ann.event_date_source = event_date(ann.times, lead_end, ann.anchor_date, ann.anchor_kind)
    resolve_event_relative(ann.times, text, lead_end, ann.event_date)


def reanchor(ann: Annotations, article: Article, sibling_dates: Sequence[str]) -> Annotations:
    """Anchor an article without a publication date through its event siblings' dates.

    The grouping step calls this (or ``Storyline.reanchor_times``) with the publication dates of the
    other articles of the article's event; relative expressions ("on Monday") are resolved against
    their median, and the article's anchor says so (anchor_kind "siblings"). Dated articles are
    returned unchanged: their own date is the better anchor.
    """
    if ann.published:
        return ann
    anchor = sibling_anchor(list(sibling_dates))
    if not anchor:
        return ann
    text, _ = annotated_text(article)
    ann.anchor_date, ann.anchor_kind = anchor, "siblings"
    _resolve_times(ann, text)
    return ann


__all__ = [
    "ANNOTATOR_VERSION", "Annotations", "Claim", "Entity", "Figure", "Mention", "Quote", "TimeRef", "annotate",
    "annotate_many", "annotated_text", "reanchor",
]


def annotate_or_error(article: Article) -> Annotations | str:
    """``annotate`` for a worker process: an error comes back as its message, so the batch goes on."""
    try:
        return annotate(article)
    except Exception as exc:  # one bad article must not stop the batch
        return f"annotation failed ({type(exc).__name__}: {exc})"


def annotate_articles(articles: Sequence[Article], executor=None) -> tuple[list[Annotations], dict[str, str]]:
    """Annotate a batch, on the executor's worker processes when it has them; returns (annotations, errors).

    Each worker loads the model once (lru_cache) and reads one lead at a time; in one process the
    leads go through ``nlp.pipe`` together.
    """
    if executor is not None and getattr(executor, "workers", 1) > 1:
        results = executor.map(annotate_or_error, list(articles))
    else:
        try:
            results = list(annotate_many(articles))
        except Exception:  # find the article that failed, annotate the others
            results = [annotate_or_error(a) for a in articles]
    done, errors = [], {}
    for article, result in zip(articles, results):
        if isinstance(result, str):
            errors[article.id] = result
        else:
            done.append(result)
    return done, errors
