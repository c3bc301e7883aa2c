"""A story's comparison and event summaries, from the compare/summarize/report modules, cached.

``build_report`` aligns every sentence of the story with a sentence-embedding model, which takes
seconds, so each story's result is kept (keyed by the story's last grouping sequence number: a
story that gains articles is compared again). A small story is compared while its page waits; a
larger one (more than ``INLINE_ARTICLES``) in the background, so its page answers at once and
says the comparison is being prepared — pages stay fast while big stories take their seconds.
Evidence sentences are cut into before / sentence / after pieces from the article text so the page
can escape each piece and mark the sentence.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor

from storyline.store import Store

CONTEXT_CHARS = 160  # text shown either side of an evidence sentence
CACHED_STORIES = 32
INLINE_ARTICLES = 40  # stories up to this size are compared while the page waits (well under a second)
PENDING = {"pending": True}  # what a page gets while its story is compared in the background
log = logging.getLogger(__name__)


class StoryReports:
    """Report data per story for one database, computed on first request and kept (LRU)."""

    def __init__(self, path):
        self.path = path
        self._cache: OrderedDict[tuple[str, int], dict] = OrderedDict()
        self._failed: set[tuple[str, int]] = set()
        self._queued: set[tuple[str, int]] = set()
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # guards the dictionaries above; held only briefly
        self._compute_lock = threading.Lock()

    def get(self, story_id: str, last_seq: int, articles: int = 0) -> dict | None:
        """The story's report data; ``PENDING`` while it is compared in the background (a large story,
        or a small one while another comparison runs);
        ``None`` (logged) when the comparison fails: the rest of the story page still shows."""
        key = (story_id, last_seq)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            if key in self._failed:
                return None
            # a small story is compared now, unless another comparison holds the models: then it
            # waits its turn in the background too, rather than the page waiting for both
            if articles <= INLINE_ARTICLES and self._compute_lock.acquire(blocking=False):
                inline = True
            else:
                inline = False
                if key not in self._queued:
                    self._queued.add(key)
                    self._queue.put(key)
                    self._start_worker()
        if not inline:
            return PENDING
        try:
            return self._compute_and_keep(key)
        finally:
            self._compute_lock.release()

    def _compute_and_keep(self, key: tuple[str, int]) -> dict | None:
        """Compare the story and keep the result; the caller holds ``_compute_lock`` (one
        computation at a time). Comparisons run in one child process at the lowest CPU priority
        (it keeps the models loaded), so the server's threads keep the cores for the pages."""
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        try:
            report = self._comparer().submit(_compute, str(self.path), key[0]).result()
        except Exception:  # noqa: BLE001 - a comparison bug must not take the story page down
            log.exception("comparison of story %r failed", key[0])
            with self._lock:
                self._failed.add(key)
            return None
        with self._lock:
            self._cache[key] = report
            while len(self._cache) > CACHED_STORIES:
                self._cache.popitem(last=False)
        return report

    def _comparer(self) -> ProcessPoolExecutor:
        if self._pool is None:  # spawned, not forked: the server runs threads
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(19,))
        return self._pool

    def close(self) -> None:
        """Stop the comparing child process (the app calls it at shutdown)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="story-comparisons", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            try:
                key = self._queue.get(timeout=5)
            except queue.Empty:
                return
            try:
                with self._compute_lock:
                    self._compute_and_keep(key)
            finally:
                with self._lock:
                    self._queued.discard(key)
                self._queue.task_done()

    def wait(self) -> None:
        """Block until every queued comparison is done (for tests and tools)."""
        self._queue.join()


def _compute(path, story_id: str) -> dict:
    from storyline.compare.load import load_story
    from storyline.report.build import build_report

    store = Store(path, read_only=True)
    try:
        report = build_report(load_story(store, story_id))
    finally:
        store.close()
    texts = report.get("texts", {})
    for fact in report["facts"]:
        for ev in fact["evidence"]:
            ev["context"] = in_context(texts.get(ev["article_id"], ""), ev["start"], ev["end"], ev["text"])
    summaries = {ev["id"]: ev.get("summary", []) for ev in report["events"]}
    return {"counts": report["counts"], "embedder": report["embedder"], "facts": report["facts"],
            "positions": report["positions"], "summaries": summaries, "timeline": report["timeline"]}


def in_context(text: str, start: int, end: int, sentence: str) -> dict:
    """``{before, match, after}``: the sentence with up to CONTEXT_CHARS either side (cut at a space)."""
    if not (0 <= start < end <= len(text)):
        return {"before": "", "match": sentence, "after": ""}
    lo = max(0, start - CONTEXT_CHARS)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    hi = min(len(text), end + CONTEXT_CHARS)
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    return {"before": ("… " if lo > 0 else "") + text[lo:start], "match": text[start:end],
            "after": text[end:hi] + (" …" if hi < len(text) else "")}
