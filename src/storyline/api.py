"""The public Python API: what the CLI and the web app call.

    import storyline
    with storyline.open("news.db") as db:
        report = db.ingest(["examples/"])
        for hit in db.search("Lachin corridor"):
            print(hit.article_id, hit.snippet)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from storyline.engine.executors import LocalExecutor
from storyline.engine.ingest_pipeline import RunReport, run_ingest
from storyline.export import write_rows
from storyline.ingest import read_inputs
from storyline.model import Article
from storyline.store import SearchHit, Store

EXPORTS = ("articles", "assignments")


class Storyline:
    """A Storyline database and the operations on it."""

    def __init__(self, path: str | os.PathLike = "storyline.db", *, read_only: bool = False):
        self.path = Path(path)
        self.store = Store(self.path, read_only=read_only)

    def ingest(
        self,
        paths: Iterable[str | os.PathLike],
        *,
        stdin: BinaryIO | None = None,
        workers: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> RunReport:
        """Read, clean, deduplicate and store every input; bad inputs are reported, not fatal."""
        paths = [str(p) for p in paths]
        with LocalExecutor(workers) as executor:
            return run_ingest(
                self.store, read_inputs(paths, stdin=stdin), inputs=paths, executor=executor, on_progress=on_progress
            )

    def articles(self, *, include_duplicates: bool = True) -> Iterator[Article]:
        return self.store.articles(include_duplicates=include_duplicates)

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        return self.store.search(query, limit=limit)

    def assignments(self) -> Iterator[dict]:
        return self.store.assignments()

    def stories(self, *, limit: int | None = None) -> list[dict]:
        """Stories, largest first, each with its events (dates, articles, outlets)."""
        from storyline.store import grouping

        return grouping.stories(self.store.conn, limit=limit)

    def story(self, story_id: str) -> list[dict] | None:
        """One story's events in date order, or None if there is no such story."""
        from storyline.store import grouping

        if not grouping.story_exists(self.store.conn, story_id):
            return None
        return grouping.story_events(self.store.conn, story_id)

    def why(self, article_id: str) -> dict | None:
        """Why an article is in its event and story: the signals, and the nearest rejected candidate."""
        from storyline.store import grouping

        return grouping.article_group(self.store.conn, article_id)

    def export(self, what: str, fmt: str, out: IO) -> int:
        """Write ``articles`` or ``assignments`` rows to ``out``; returns how many."""
        if what == "articles":
            rows: Iterable[dict] = (a.to_row() for a in self.articles())
        elif what == "assignments":
            rows = self.assignments()
        else:
            raise ValueError(f"unknown export {what!r}; choose one of {', '.join(EXPORTS)}")
        return write_rows(rows, fmt, out)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open(path: str | os.PathLike = "storyline.db", *, read_only: bool = False) -> Storyline:  # noqa: A001
    """Open (creating or upgrading) a Storyline database."""
    return Storyline(path, read_only=read_only)
