"""The annotate step of a run: annotate a batch's new non-duplicate articles and store the results.

Runs right after the batch's articles are written (duplicates carry no annotations of their own: their
original has them). Annotation errors are stored per article and do not stop the run.
"""

from __future__ import annotations

from storyline.model import Article
from storyline.store import Store


def annotate_and_store(store: Store, articles: list[Article], run_id: int | None, executor=None) -> int:
    """Annotate ``articles`` and write their annotations in one transaction; returns how many."""
    if not articles:
        return 0
    from storyline.annotate import ANNOTATOR_VERSION, annotate_articles
    from storyline.store.annotations import write_annotations

    done, errors = annotate_articles(articles, executor)
    with store.transaction():
        write_annotations(store.conn, done, annotator=ANNOTATOR_VERSION, run_id=run_id, errors=errors)
    return len(done)
