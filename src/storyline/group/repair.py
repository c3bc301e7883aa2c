"""Local repair of small events: a second look at a report that was left in a small event.

A report arrives before its happening's main event holds the words it needs, opens an event of its
own (or joins an early splinter), and stays there: events never merge after the fact. ECB+ topics
end as one main event with tails (17 reports as 9 + 4 + 3 + 1); UCI's aggregator clusters leave
headlines in splinters.

So when a report joins an event, the small events of its nearest earlier reports (up to
``REPAIR_SIZE`` reports each, no larger than the event) get a second look: each of their reports
is placed again as if it came now, its own small event aside (the same candidates, signals, model
and rules as on arrival, ``OnlineGrouper._second_look``). If every one of them would join the event
that just grew, the small event joins it: its reports move, their explanations record the move
(``"decision": "moved"``, with the deciding probability and signals, printed by ``storyline why``),
and the emptied event is deleted. The reports join the event's story: a small event alone in its
story takes its story along; one whose story holds other events leaves it, and that story gives
the reports back (``GroupProfile.remove_all``, since session 12).

Bounded: a join looks at the events of at most ``NEIGHBOURS`` earlier reports, only small ones,
and only those in memory whatever the batches were (the last ``RECENT_ARTICLES`` articles), so
the result is the same in one batch or one by one. The members of small events are kept in
memory (a few profiles per small event) and in the store (``small_event_members``), for a grouper
that reads the store back. Training replays run without it (``bench/train_grouping.py``).
Figures: docs/benchmarks.md, "Grouping, session 8".
"""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from storyline.group.signals import ArticleProfile

REPAIR_SIZE = 3  # small events: up to this many reports, whose members a grouper keeps


def profile_to_json(art: ArticleProfile) -> str:
    """A member's grouping profile but its vector (stored with its assignment), to keep while its
    event is small. Counts as lists of pairs, in their order: sums over them (``prepare``) are
    plain float sums, so a profile read back must list its terms as the one in memory."""
    return json.dumps({
        "terms": list(art.terms.items()), "title_terms": list(art.title_terms.items()),
        "names": art.names, "headline_names": art.headline_names, "numbers": art.numbers,
        "weekdays": art.weekdays, "day": art.day, "when_day": art.when_day, "when_weekday": art.when_weekday,
        "era": art.era, "source": art.source, "short": art.short, "body_names": list(art.body_names.items()),
    })


def profile_from_json(article_id: str, text: str, vector: bytes) -> ArticleProfile:
    data = json.loads(text)
    return ArticleProfile(
        article_id=article_id, vector=np.frombuffer(vector, dtype=np.float32).copy(),
        terms=Counter(dict(data["terms"])), title_terms=Counter(dict(data["title_terms"])),
        names=tuple(data["names"]), headline_names=tuple(data["headline_names"]), numbers=tuple(data["numbers"]),
        weekdays=tuple(data["weekdays"]), day=data["day"], when_day=data["when_day"],
        when_weekday=data["when_weekday"], era=data["era"], source=data["source"], short=data["short"],
        body_names=Counter(dict(data["body_names"])),
    )
