"""Server-side timeline geometry: the bucket size follows the span, gaps are empty bars, counts add up."""

from __future__ import annotations

from storyline.web.plots import HEIGHT, WIDTH, timeline_bars


def test_days_with_gaps_become_empty_bars():
    plot = timeline_bars([("2023-01-20", 1), ("2023-01-22", 3)])
    assert plot["unit"] == "day" and len(plot["bars"]) == 3 and plot["total"] == 4 and plot["peak"] == 3
    heights = [bar["height"] for bar in plot["bars"]]
    assert heights[1] == 0 and heights[2] == HEIGHT - 18 and 0 < heights[0] < heights[2]
    assert [bar["title"] for bar in plot["bars"]] == [
        "2023-01-20: 1 article", "2023-01-21: 0 articles", "2023-01-22: 3 articles"
    ]
    assert all(0 <= bar["x"] and bar["x"] + bar["width"] <= WIDTH for bar in plot["bars"])


def test_long_spans_are_grouped_by_week_month_or_year():
    assert timeline_bars([("2023-01-02", 1), ("2023-12-31", 1)])["unit"] == "week"
    monthly = timeline_bars([("2010-01-15", 2), ("2010-01-20", 1), ("2014-03-01", 4)])
    assert monthly["unit"] == "month" and monthly["bars"][0]["title"] == "month of 2010-01-01: 3 articles"
    assert len(monthly["bars"]) == 4 * 12 + 3 and monthly["total"] == 7
    assert timeline_bars([("1990-01-01", 1), ("2020-01-01", 1)])["unit"] == "year"


def test_nothing_dated_gives_no_plot():
    assert timeline_bars([]) is None
    assert timeline_bars([("not a date", 3)]) is None
    assert timeline_bars([("2023-01-20", 5)]) is None  # a single period is a count, not a timeline


def test_story_timeline_places_events_by_date_and_stacks_outlets():
    from storyline.web.plots import story_timeline

    events = [
        {"id": "e-1", "first_published": "2023-01-01", "outlets": [{"source": "A", "articles": 2}]},
        {"id": "e-2", "first_published": None, "outlets": [{"source": "B", "articles": 1}]},
        {"id": "e-3", "first_published": "2023-01-11", "outlets": [{"source": "A", "articles": 1},
                                                                   {"source": "B", "articles": 1}]},
    ]
    plot = story_timeline(events, ["A", "B"])
    assert [c["number"] for c in plot["columns"]] == [1, 3] and plot["undated"] == 1
    first, last = plot["columns"]
    assert first["x"] < last["x"] and (plot["first"], plot["last"]) == ("2023-01-01", "2023-01-11")
    assert [s["colour"] for s in last["segments"]] == [0, 1]
    assert sum(s["height"] for s in last["segments"]) == first["segments"][0]["height"]  # both hold 2
    assert story_timeline([events[1]], ["B"]) is None
