"""Extractive summaries: an event's central, non-redundant sentences, and a story's dated timeline.

Every sentence shown is a sentence of an article, with the article id and its character span in
``article.text``.

    from storyline.summarize import summarize_event, build_timeline
"""

from storyline.summarize.event import summarize_event
from storyline.summarize.timeline import TimelineEntry, build_timeline

__all__ = ["TimelineEntry", "build_timeline", "summarize_event"]
