"""Server-side plots: geometry computed here, drawn as SVG by a template (no script, no library).

The template only places numbers and escaped labels into ``<rect>``/``<text>``; colours come
from the stylesheet. The story timeline will reuse ``timeline_bars`` with events as the series.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

WIDTH, HEIGHT, AXIS = 1000, 120, 18


def _bucket(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next_bucket(start: date, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start.replace(year=start.year + 1)


def _unit_for(span_days: int) -> str:
    if span_days <= 92:
        return "day"
    if span_days <= 2 * 366:
        return "week"
    if span_days <= 12 * 366:
        return "month"
    return "year"


def timeline_bars(counts: list[tuple[str, int]]) -> dict | None:
    """Bars of articles per day/week/month/year (chosen by the span) with their labels; ``None`` when
    fewer than two periods have dates (nothing to plot)."""
    parsed = []
    for day, n in counts:
        try:
            parsed.append((date.fromisoformat(day), n))
        except ValueError:
            continue  # a stored date that is not ISO is left out of the plot, not fatal
    if not parsed:
        return None
    first, last = parsed[0][0], parsed[-1][0]
    unit = _unit_for((last - first).days)
    per_bucket: Counter[date] = Counter()
    for day, n in parsed:
        per_bucket[_bucket(day, unit)] += n
    buckets, cursor = [], _bucket(first, unit)
    while cursor <= last:
        buckets.append(cursor)
        cursor = _next_bucket(cursor, unit)
    if len(buckets) < 2:
        return None  # one bar says nothing a count does not
    peak = max(per_bucket.values())
    slot = WIDTH / len(buckets)
    bar_width = max(min(slot * 0.8, 48), 1)
    plot_height = HEIGHT - AXIS
    bars = []
    for i, start in enumerate(buckets):
        n = per_bucket.get(start, 0)
        height = round(plot_height * n / peak, 1) if n else 0
        label = start.isoformat() if unit == "day" else f"{unit} of {start.isoformat()}"
        bars.append({
            "x": round(i * slot + (slot - bar_width) / 2, 1),
            "y": round(plot_height - height, 1),
            "width": round(bar_width, 1),
            "height": height,
            "title": f"{label}: {n} article{'s' if n != 1 else ''}",
        })
    return {
        "width": WIDTH, "height": HEIGHT, "axis_y": HEIGHT - 4, "bars": bars, "unit": unit, "peak": peak,
        "first": buckets[0].isoformat(), "last": last.isoformat(), "total": sum(per_bucket.values()),
    }


OUTLET_COLOURS = 8  # stylesheet classes o0..o7; more outlets reuse them (the legend names each)
STORY_HEIGHT, STORY_TOP, STORY_AXIS = 170, 22, 20


def story_timeline(events: list[dict], outlets: list[str | None]) -> dict | None:
    """A story's events on a date axis: one column per event at its first date, stacked by outlet
    (``outlets`` in legend order), numbered as in the event list; ``None`` when no event is dated."""
    dated = []
    for number, ev in enumerate(events, start=1):
        try:
            dated.append((number, date.fromisoformat(ev["first_published"] or ""), ev))
        except ValueError:
            continue
    if not dated:
        return None
    first = min(d for _, d, _ in dated)
    last = max(d for _, d, _ in dated)
    span = max((last - first).days, 1)
    colour = {o: i % OUTLET_COLOURS for i, o in enumerate(outlets)}
    peak = max(sum(o["articles"] for o in ev["outlets"]) for _, _, ev in dated)
    plot_height = STORY_HEIGHT - STORY_TOP - STORY_AXIS
    margin = 40
    width = min(36.0, (WIDTH - 2 * margin) / max(len(dated), 1) * 0.8)
    columns = []
    for number, day, ev in dated:
        centre = margin + (WIDTH - 2 * margin) * ((day - first).days / span if first != last else 0.5)
        y = STORY_TOP + plot_height
        segments = []
        for o in ev["outlets"]:
            h = round(plot_height * o["articles"] / peak, 1)
            y -= h
            segments.append({"y": round(y, 1), "height": h, "colour": colour.get(o["source"], 0),
                             "title": f"event {number}, {day.isoformat()}: {o['articles']} article"
                                      f"{'s' if o['articles'] != 1 else ''} from {o['source'] or 'no outlet'}"})
        columns.append({"number": number, "id": ev["id"], "x": round(centre - width / 2, 1), "width": round(width, 1),
                        "label_x": round(centre, 1), "label_y": round(y - 5, 1), "segments": segments})
    return {
        "width": WIDTH, "height": STORY_HEIGHT, "axis": STORY_HEIGHT - STORY_AXIS, "tick_y": STORY_HEIGHT - 5,
        "first": first.isoformat(), "last": last.isoformat(), "columns": columns, "peak": peak,
        "legend": [{"source": o, "colour": colour[o]} for o in outlets],
        "undated": len(events) - len(dated),
    }
