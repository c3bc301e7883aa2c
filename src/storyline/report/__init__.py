"""A story's report: timeline, events with summaries, the comparison table, entities, figures.

    from storyline.report import build_report, render
    data = build_report(story_set)          # plain dict, schema in docs/report-schema.md
    text = render(data, "html")              # "json" | "md" | "html"

The HTML is one self-contained file (inline CSS, no script, no external resource) with every piece
of article text escaped.
"""

from __future__ import annotations

import json

from storyline.report.build import SCHEMA, build_report
from storyline.report.html import to_html
from storyline.report.markdown import to_markdown

FORMATS = ("md", "json", "html")


def render(report: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=1) + "\n"
    if fmt == "md":
        return to_markdown(report)
    if fmt == "html":
        return to_html(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "SCHEMA", "build_report", "render"]
