"""A story's timeline: the days that matter, each with a few sentences saying what happened.

Days are chosen from what the articles say happened when, not from how much was published: a day
named by a later article (a resolved temporal expression, "on January 23", "last Monday", in an
article published two or more days after it) is a day that mattered enough to be recalled, and each
such article votes for it. Publication volume adds a smaller share, and the articles' event days
(the first exact date in the lead) break ties. For each chosen day, the
candidates are the sentences that name it and the leads of the articles whose event day it is; the
most central of them (sentence embeddings) are taken, skipping near-repeats.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from storyline.annotate.types import Annotations
from storyline.model import Article
from storyline.summarize.sentences import Sentence, article_sentences, times_of

# Weights of the day votes (chosen on t17-dev, see docs/benchmarks.md).
RECALLED_WEIGHT = 2.0  # per later article naming the day
PUBLISHED_WEIGHT = 0.5  # per article published that day
EVENT_DAY_WEIGHT = 0.01  # per article whose lead's date it is (a tie-breaker)
RECALL_GAP_DAYS = 2  # "later" means published at least this many days after the day it names
LEAD_SENTENCES = 3
EXPLICIT_BONUS = 0.05
REDUNDANT = 0.8  # cosine above which a sentence repeats one already chosen
BACKGROUND_DAYS = 60  # days before the first article still eligible (a story's origin)


@dataclass
class TimelineEntry:
    date: str
    sentences: list[dict] = field(default_factory=list)  # {article_id, start, end, text}
    score: float = 0.0

    def as_dict(self) -> dict:
        return {"date": self.date, "sentences": self.sentences}


def day_scores(articles: Sequence[Article], dated: Mapping[str, tuple[list[Sentence], str | None]]) -> dict[str, float]:
    """Votes per day: recalled by later articles, publications, event days (see the module docstring)."""
    event_days, recalled, published = Counter(), Counter(), Counter()
    for a in articles:
        sents, day = dated[a.id]
        if day:
            event_days[day] += 1
        if a.published:
            published[a.published] += 1
            before = (date.fromisoformat(a.published) - timedelta(days=RECALL_GAP_DAYS - 1)).isoformat()
            for d in {d for s in sents for d in s.days}:
                if d < before:
                    recalled[d] += 1
    pubs = sorted(published)
    lo = (date.fromisoformat(pubs[0]) - timedelta(days=BACKGROUND_DAYS)).isoformat() if pubs else "0000"
    hi = pubs[-1] if pubs else "9999"
    days = set(event_days) | set(recalled) | set(published)
    return {d: RECALLED_WEIGHT * recalled[d] + PUBLISHED_WEIGHT * published[d] + EVENT_DAY_WEIGHT * event_days[d]
            for d in days if lo <= d <= hi}


def build_timeline(articles: Sequence[Article], annotations: Mapping[str, Annotations | None] | None = None, *,
                   dates: int = 10, per_date: int = 1, embedder: str = "auto") -> list[TimelineEntry]:
    """The ``dates`` best days of the articles' story, each with up to ``per_date`` sentences, in date order."""
    from storyline.compare import choose_embedder
    from storyline.compare.vectors import encode

    annotations = annotations or {}
    ids = {a.id for a in articles}
    articles = sorted((a for a in articles if not (a.duplicate_of and a.duplicate_of in ids)), key=lambda a: a.id)
    dated: dict[str, tuple[list[Sentence], str | None]] = {}
    for a in articles:
        times, offset, day = times_of(a, annotations.get(a.id))
        dated[a.id] = (article_sentences(a, times, offset), day)
    scores = day_scores(articles, dated)
    candidates: dict[str, list[tuple[Sentence, bool]]] = defaultdict(list)
    for a in articles:
        sents, day = dated[a.id]
        for s in sents:
            for d in sorted(s.days & scores.keys()):
                candidates[d].append((s, True))
            if day in scores and s.order < LEAD_SENTENCES + 1 and day not in s.days:
                candidates[day].append((s, False))
    # the best days that have something to show
    chosen = sorted(sorted((d for d in scores if candidates.get(d)), key=lambda d: (-scores[d], d))[:dates])
    texts = sorted({s.text for d in chosen for s, _ in candidates[d]})
    name = choose_embedder(len(texts) * 3, embedder)  # MiniLM up to ~1,300 candidates (speed)
    vec = dict(zip(texts, encode(name, texts))) if texts else {}
    used: set[str] = set()
    out = []
    for d in chosen:
        picked = _pick(candidates[d], vec, per_date, used)
        used.update(s.text for s in picked)
        if picked:
            out.append(TimelineEntry(d, [s.cite() for s in picked], round(scores[d], 3)))
    return out


def _pick(cands: list[tuple[Sentence, bool]], vec: Mapping[str, np.ndarray], k: int, used: set[str]) -> list[Sentence]:
    """The most central candidates, explicit date mentions and early sentences first, no repeats."""
    seen, pool = set(), []
    for s, explicit in sorted(cands, key=lambda c: (c[0].article_id, c[0].start)):
        if s.text in seen or s.text in used:
            continue
        seen.add(s.text)
        pool.append((s, explicit))
    if not pool:
        return []
    mat = np.stack([vec[s.text] for s, _ in pool])
    centre = mat.mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    score = mat @ centre + np.array([EXPLICIT_BONUS * e - 0.01 * min(s.order, 5) for s, e in pool])
    order = sorted(range(len(pool)), key=lambda i: (-round(float(score[i]), 6), pool[i][0].article_id, pool[i][0].start))
    picked: list[int] = []
    for i in order:
        if len(picked) >= k:
            break
        if any(float(mat[i] @ mat[j]) >= REDUNDANT for j in picked):
            continue
        picked.append(i)
    return [pool[i][0] for i in picked]
