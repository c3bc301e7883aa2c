"""The public Python API: what the CLI and the web app call.

    import storyline
    with storyline.open("news.db") as db:
        report = db.ingest(["examples/"])
        for hit in db.search("Lachin corridor"):
            print(hit.article_id, hit.snippet)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from storyline.engine.executors import LocalExecutor
from storyline.engine.ingest_pipeline import BATCH_SIZE, RunReport, run_ingest
from storyline.export import write_rows
from storyline.ingest import read_inputs
from storyline.model import Article
from storyline.store import SearchHit, Store

from storyline.store.annotations import EXPORT_KINDS as ANNOTATION_EXPORTS

EXPORTS = ("articles", "assignments", *ANNOTATION_EXPORTS)


SKIPPABLE_STEPS = ("annotate", "group")


def _executor(kind: str, workers: int | None, ray_address: str | None):
    """The executor for per-article steps, by name."""
    if kind == "local":
        return LocalExecutor(workers)
    if kind == "ray":
        from storyline.engine.ray_executor import RayExecutor

        return RayExecutor(ray_address, num_cpus=workers)
    raise ValueError(f"unknown executor {kind!r}; choose local or ray")


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
        batch_size: int | None = None,
        skip: Collection[str] = (),
        executor: str = "local",
        ray_address: str | None = None,
    ) -> RunReport:
        """Read, clean, deduplicate, annotate, group and store every input; bad inputs are reported, not fatal.

        ``skip``: steps to leave out (``annotate``, ``group``), e.g. for a fast first load.
        ``executor``: ``local`` (this process, or ``workers`` processes) or ``ray`` (a local Ray
        cluster, or the one at ``ray_address``); both store the same result.
        """
        unknown = set(skip) - set(SKIPPABLE_STEPS)
        if unknown:
            raise ValueError(f"cannot skip {', '.join(sorted(unknown))}; steps that can be skipped: "
                             f"{', '.join(SKIPPABLE_STEPS)}")
        paths = [str(p) for p in paths]
        own_files = [f"{self.path}{suffix}" for suffix in ("", "-wal", "-shm", "-journal")]
        records = read_inputs(paths, stdin=stdin, skip=own_files)
        with _executor(executor, workers, ray_address) as runner:
            return run_ingest(
                self.store, records, inputs=paths, executor=runner, on_progress=on_progress,
                batch_size=batch_size or BATCH_SIZE, annotate="annotate" not in skip, group="group" not in skip,
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
        """Why an article is in its event and story: the signals and their effects, and the nearest
        rejected candidate. The effects come from the models that made the decision (kept in the store)."""
        from storyline.group.events import with_effects
        from storyline.group.model import load_models, models_from_json
        from storyline.store import grouping

        info = grouping.article_group(self.store.conn, article_id)
        if info is None:
            return None
        fingerprint = info["explanation"].get("models")
        weights = grouping.load_models_weights(self.store.conn, fingerprint) if fingerprint else None
        with_effects(info["explanation"], models_from_json(weights) if weights else load_models())
        return info

    def export(self, what: str, fmt: str, out: IO) -> int:
        """Write ``articles`` or ``assignments`` rows to ``out``; returns how many."""
        if what == "articles":
            rows: Iterable[dict] = (a.to_row() for a in self.articles())
        elif what == "assignments":
            rows = self.assignments()
        elif what in ANNOTATION_EXPORTS:
            from storyline.store.annotations import export_rows

            rows = export_rows(self.store.conn, what)
        else:
            raise ValueError(f"unknown export {what!r}; choose one of {', '.join(EXPORTS)}")
        return write_rows(rows, fmt, out)

    # -- annotations (issue 4) -------------------------------------------------------------------

    def annotations(self, article_id: str):
        """An article's stored entities, mentions, times, figures, quotes and claims (or None)."""
        from storyline.store.annotations import load_annotations

        return load_annotations(self.store.conn, article_id)

    def entities(self) -> Iterator[dict]:
        """Canonical entities with mention/article counts and the stories they appear in."""
        from storyline.store.annotations import entity_rows

        return entity_rows(self.store.conn)

    def annotate(self, article_ids: Iterable[str] | None = None, *, workers: int | None = None) -> int:
        """(Re)annotate stored non-duplicate articles (all, or those ids); returns how many."""
        from storyline.engine.annotate_step import annotate_and_store

        wanted = None if article_ids is None else set(article_ids)
        todo = [a for a in self.articles(include_duplicates=False) if wanted is None or a.id in wanted]
        with LocalExecutor(workers) as executor:
            return annotate_and_store(self.store, todo, None, executor)

    def reanchor_times(self, article_id: str, sibling_ids: Iterable[str]) -> object | None:
        """Resolve an undated article's time expressions through its event siblings' publication dates.

        The grouping step calls this once it knows an article's event; dated articles are unchanged.
        """
        from storyline.annotate import reanchor
        from storyline.store.annotations import load_annotations, replace_times

        article, ann = self.article(article_id), self.annotations(article_id)
        if article is None or ann is None or article.published:
            return ann
        dates = [a.published for a in (self.article(i) for i in sibling_ids) if a is not None and a.published]
        ann = reanchor(ann, article, dates)
        with self.store.transaction():
            replace_times(self.store.conn, ann)
        return ann

    # -- comparison, summaries, timelines and reports (issue 5) ------------------------------------

    def story_set(self, story_id: str | None = None):
        """A story's articles, events and annotations (every article when ``story_id`` is None)."""
        from storyline.compare.load import load_story

        return load_story(self.store, story_id)

    def compare(self, story_id: str | None = None, *, embedder: str = "auto"):
        """Fact by fact: corroborated, contradicted and single-source statements, with their evidence."""
        from storyline.compare import compare

        s = self.story_set(story_id)
        return compare(s.articles, s.annotations, events=s.events, embedder=embedder)

    def timeline(self, story_id: str | None = None, *, dates: int = 10, per_date: int = 1) -> list[dict]:
        """[{"date": "YYYY-MM-DD", "sentences": [{article_id, start, end, text}, ...]}, ...] in date order."""
        from storyline.summarize import build_timeline

        s = self.story_set(story_id)
        return [e.as_dict() for e in build_timeline(s.articles, s.annotations, dates=dates, per_date=per_date)]

    def report(self, story_id: str | None = None) -> dict:
        """The story's report as plain data (schema: docs/report-schema.md)."""
        from storyline.report import build_report

        return build_report(self.story_set(story_id))

    def report_text(self, story_id: str | None = None, fmt: str = "md") -> str:
        """The report rendered as ``md``, ``json`` or ``html`` (one self-contained, escaped file)."""
        from storyline.report import render

        return render(self.report(story_id), fmt)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open(path: str | os.PathLike = "storyline.db", *, read_only: bool = False) -> Storyline:  # noqa: A001
    """Open (creating or upgrading) a Storyline database."""
    return Storyline(path, read_only=read_only)
