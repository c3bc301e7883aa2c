"""A story's comparison and event summaries, from the compare/summarize/report modules, cached.

``build_report`` aligns every sentence of the story with a sentence-embedding model, which takes
seconds, so each story's result is kept (keyed by the story's last grouping sequence number: a
story that gains articles is compared again). Evidence sentences are cut into before / sentence /
after pieces from the article text so the page can escape each piece and mark the sentence.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from storyline.store import Store

CONTEXT_CHARS = 160  # text shown either side of an evidence sentence
CACHED_STORIES = 32
log = logging.getLogger(__name__)


class StoryReports:
    """Report data per story for one database, computed on first request and kept (LRU)."""

    def __init__(self, path):
        self.path = path
        self._cache: OrderedDict[tuple[str, int], dict] = OrderedDict()
        self._lock = threading.Lock()  # one computation at a time: the models are shared and CPU-bound

    def get(self, story_id: str, last_seq: int) -> dict | None:
        """The story's report data, or ``None`` (logged) when the comparison fails: the rest of the
        story page still shows."""
        try:
            return self._get(story_id, last_seq)
        except Exception:  # noqa: BLE001 - a comparison bug must not take the story page down
            log.exception("comparison of story %r failed", story_id)
            return None

    def _get(self, story_id: str, last_seq: int) -> dict:
        key = (story_id, last_seq)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            report = _compute(self.path, story_id)
            self._cache[key] = report
            while len(self._cache) > CACHED_STORIES:
                self._cache.popitem(last=False)
            return report


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
