"""Online grouping: each new article joins an existing event or opens one; a new event joins a story.

Articles are taken one at a time in arrival order. For each, candidate groups come from an index,
not from a scan of the store: only groups whose dates lie within a window of the article's date
(or, for undated articles and groups, those touched by the last ``RECENT_ARTICLES`` articles) are
eligible, and among them the nearest by embedding plus those sharing the article's rarest names.
The learned model (``group/model.py``) scores each candidate from the signals of
``group/signals.py``; the best one is joined if its probability reaches the threshold.

State (group profiles, document frequencies, a sequence counter) is read from the store at the
start of each batch and written back at its end, so batch boundaries do not change the result:
the seeds in one batch or one per run give the same events and stories.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from typing import NamedTuple

import numpy as np

from storyline.embed import DEFAULT_EMBEDDER, get_embedder
from storyline.group.model import GroupingModels, LinearModel, load_models
from storyline.group import repair
from storyline.group.signals import (
    CANDIDATE_FEATURES,
    MAX_MEMBERS,
    ArticleProfile,
    NO_NEIGHBOURS,
    GroupProfile,
    Neighbours,
    WHEN_CONTRADICTED,
    NAMES_SHARED,
    TFIDF_COS,
    COS_CENTROID,
    TermStats,
    day_number,
    lead_text,
    pairs_signals,
    profile_article,
    signal_names,
)
from storyline.model import Article
from storyline.store import grouping as sql

EVENT_WINDOW_DAYS = 10  # an event's reports lie within days of each other
STORY_WINDOW_DAYS = 120  # a story's events continue one another within months
RECENT_ARTICLES = 2000  # undated articles are compared with groups touched this recently


class CandidateCounts(NamedTuple):
    """How many candidate groups an article gets besides the events of its nearest articles (which
    bring most right ones): the nearest centroids and those sharing its rarest names. 6 and 4 until
    session 9: fewer cost fewer signals (~30 per candidate); a headline alone, whose few words make
    a weak embedding, keeps more (bench/train_grouping.py --cv --score-candidates, docs/benchmarks.md).
    The trainer's replays ask for more (``TRAINING_CANDIDATES`` there)."""

    by_vector: int = 3
    by_name: int = 2
    headline_by_vector: int = 4
    headline_by_name: int = 4


CANDIDATE_COUNTS = CandidateCounts()
NEIGHBOURS = 10  # nearest earlier articles whose events become candidates and vote
RAREST_NAMES = 3


@dataclass
class Decision:
    article_id: str
    event: str
    story: str
    probability: float | None
    explanation: dict = field(default_factory=dict)


def best_first(sims: np.ndarray, tiebreak: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest ``sims``, highest first, ties by ``tiebreak`` (ascending): the
    first ``k`` of ``np.lexsort((tiebreak, -sims))``, without sorting a dense window's thousands
    of rows: only those at or above the k-th highest value (ties included) are sorted. Array
    methods, not ``np.partition`` and ``np.flatnonzero``: the same operations without their
    Python wrappers (~1 µs each; asked ~4 times per article)."""
    if len(sims) > 4 * k:
        part = sims.copy()
        part.partition(len(sims) - k)
        kth = part[len(sims) - k]
        pos = (sims >= kth).nonzero()[0]
        return pos[np.lexsort((tiebreak[pos], -sims[pos]))[:k]]
    return np.lexsort((tiebreak, -sims))[:k]


def in_days(days: np.ndarray, day: int, window: int) -> np.ndarray:
    """Which ``days`` (day numbers, NaN when unknown) lie within ``window`` days of ``day``: two
    comparisons, false for NaN without the warning (and the context manager) ``abs`` would need."""
    return (days >= day - window) & (days <= day + window)


class GroupIndex:
    """The eligible groups of one level in memory, with arrays for vectorised candidate search."""

    def __init__(self, dim: int):
        self.dim = dim
        self.groups: dict[str, GroupProfile] = {}
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self.centroids = np.zeros((64, dim), dtype=np.float32)
        self.first = np.full(64, np.nan)
        self.last = np.full(64, np.nan)
        self.seq = np.zeros(64, dtype=np.int64)
        self.by_name: dict[str, list[int]] = {}  # name -> rows of the groups that mention it
        self.indexed: dict[str, set[str]] = {}
        self.touched: set[str] = set()

    def put(self, group: GroupProfile, seq: int, *, touched: bool = True) -> None:
        """Add or refresh a group after it changed (new member)."""
        if group.group_id not in self.row:
            i = len(self.ids)
            if i == len(self.seq):
                self._grow()
            self.ids.append(group.group_id)
            self.row[group.group_id] = i
        i = self.row[group.group_id]
        indexed = self.indexed.setdefault(group.group_id, set())
        self.groups[group.group_id] = group
        self.centroids[i] = group.centroid  # cast to float32 on assignment, as ``astype`` would, without its copy
        self.first[i] = np.nan if group.first_day is None else group.first_day
        self.last[i] = np.nan if group.last_day is None else group.last_day
        self.seq[i] = seq
        for name in group.names:
            if name not in indexed:
                indexed.add(name)
                self.by_name.setdefault(name, []).append(i)
        if touched:
            self.touched.add(group.group_id)

    def drop_stale_names(self, group: GroupProfile) -> None:
        """Forget the names the group no longer holds (it gave reports back, ``repair``): as a
        group read back from the store is indexed by its names, so is the one in memory."""
        i, indexed = self.row[group.group_id], self.indexed.get(group.group_id, set())
        for name in sorted(indexed - group.names.keys()):
            indexed.discard(name)
            self.by_name[name].remove(i)

    def remove(self, gid: str) -> None:
        """The group was emptied (its reports joined another: ``repair``): never a candidate again."""
        i = self.row[gid]
        for name in self.indexed.pop(gid, set()):
            self.by_name[name].remove(i)
        self.first[i] = self.last[i] = np.nan
        self.seq[i] = -(1 << 62)
        self.centroids[i] = 0.0
        self.touched.discard(gid)

    def retain(self, keep: set[str]) -> GroupIndex:
        """A fresh index of the kept groups (in their order here): drops the groups no batch can use."""
        index = GroupIndex(self.dim)
        for gid in self.ids:
            if gid in keep:
                index.put(self.groups[gid], int(self.seq[self.row[gid]]), touched=False)
        return index

    def _grow(self) -> None:
        n = len(self.seq) * 2
        self.centroids = np.vstack([self.centroids, np.zeros((n - len(self.seq), self.dim), dtype=np.float32)])
        self.first = np.concatenate([self.first, np.full(n - len(self.first), np.nan)])
        self.last = np.concatenate([self.last, np.full(n - len(self.last), np.nan)])
        self.seq = np.concatenate([self.seq, np.zeros(n - len(self.seq), dtype=np.int64)])

    def candidates(self, art: ArticleProfile, seq: int, window: int, stats: TermStats,
                   extra: Iterable[str] = (), recent_only: bool = False,
                   counts: CandidateCounts = CANDIDATE_COUNTS) -> list[str]:
        """Eligible groups: the nearest by centroid, those sharing the rarest names (``counts`` of
        each), and ``extra``.
        ``recent_only``: only groups touched by the last ``RECENT_ARTICLES`` articles (a repair's
        second look at an earlier article: only those are in memory whatever the batches were)."""
        rows_extra = [self.row[g] for g in extra if g in self.row]
        n = len(self.ids)
        if not n:
            return []
        recent = self.seq[:n] > seq - RECENT_ARTICLES
        if art.day is None:
            eligible = recent
        else:  # comparisons with NaN (undated) are false, without a warning
            first, last = self.first[:n], self.last[:n]
            eligible = ((last >= art.day - window) & (first <= art.day + window)) | ((last != last) & recent)
        if recent_only:
            eligible = eligible & recent
            rows_extra = [i for i in rows_extra if eligible[i]]
        rows = eligible.nonzero()[0]  # ``np.flatnonzero`` without its wrapper (see ``best_first``)
        if not len(rows):
            return [self.ids[i] for i in sorted(set(rows_extra))]
        by_vector, by_names = ((counts.headline_by_vector, counts.headline_by_name) if art.short
                               else (counts.by_vector, counts.by_name))
        sims = self.centroids.take(rows, axis=0) @ art.vector  # take: the same rows as [rows], copied faster
        # nearest first, ties by the group's sequence number (not its row: rows depend on load order)
        top = best_first(sims, self.seq[rows], by_vector)
        chosen = set(rows[top].tolist()) | set(rows_extra)
        name_idf = art.name_idf  # set by ``art.prepare(stats)``
        names = sorted(art.names, key=lambda x: (-name_idf[x], x))[:RAREST_NAMES]
        by_name: dict[int, float] = {}
        for name in names:
            rows_named = self.by_name.get(name)
            if rows_named:  # ~40 rows a name: their eligibility read at once, not one numpy scalar each
                weight = name_idf[name]
                for i in compress(rows_named, eligible.take(rows_named).tolist()):
                    by_name[i] = by_name.get(i, 0.0) + weight
        for i, _ in sorted(by_name.items(), key=lambda kv: (-kv[1], self.ids[kv[0]]))[:by_names]:
            chosen.add(i)
        return [self.ids[i] for i in sorted(chosen)]


class ArticleIndex:
    """Recent articles' vectors with their event and story: the nearest earlier articles vote."""

    def __init__(self, dim: int):
        self.dim = dim
        self.ids: list[str] = []
        self.known: set[str] = set()
        self.row_of: dict[str, int] = {}
        self.groups: dict[str, list[str]] = {"event": [], "story": []}
        self.vectors = np.zeros((256, dim), dtype=np.float32)
        self.day = np.full(256, np.nan)
        self.seq = np.zeros(256, dtype=np.int64)
        self.size = 0

    def put(self, article_id: str, vector: np.ndarray, event: str, story: str, day: int | None, seq: int) -> None:
        if self.size == len(self.seq):
            n = self.size
            self.vectors = np.vstack([self.vectors, np.zeros((n, self.dim), dtype=np.float32)])
            self.day = np.concatenate([self.day, np.full(n, np.nan)])
            self.seq = np.concatenate([self.seq, np.zeros(n, dtype=np.int64)])
        i = self.size
        self.vectors[i], self.day[i], self.seq[i] = vector, np.nan if day is None else day, seq
        self.groups["event"].append(event)
        self.groups["story"].append(story)
        self.ids.append(article_id)
        self.known.add(article_id)
        self.row_of[article_id] = i
        self.size += 1

    def forget(self, article_id: str) -> None:
        """The article's text was replaced: its old vector is nobody's neighbour any more."""
        i = self.row_of.pop(article_id, None)
        if i is not None:
            self.day[i], self.seq[i] = np.nan, -(1 << 62)
            self.known.discard(article_id)

    def relabel(self, article_id: str, event: str, story: str) -> None:
        """The article moved to another event (``repair``): its vote goes there now."""
        i = self.row_of.get(article_id)
        if i is not None:
            self.groups["event"][i] = event
            self.groups["story"][i] = story

    def nearest_recent(self, art: ArticleProfile, seq: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the ``NEIGHBOURS`` nearest other articles among those grouped recently
        (the last ``RECENT_ARTICLES``, dated within ``window`` days of it or undated): a repair
        asks it of earlier articles, and only recent rows are in memory whatever the batches were."""
        n = self.size
        recent = self.seq[:n] > seq - RECENT_ARTICLES
        if art.day is not None:
            day = self.day[:n]
            recent &= in_days(day, art.day, window) | (day != day)
        own = self.row_of.get(art.article_id)
        if own is not None and own < n:
            recent[own] = False
        rows = recent.nonzero()[0]  # ``np.flatnonzero`` without its wrapper (see ``best_first``)
        if not len(rows):
            return rows, np.zeros(0)
        sims = self.vectors.take(rows, axis=0) @ art.vector  # take: the same rows as [rows], copied faster
        order = best_first(sims, self.seq[rows], NEIGHBOURS)
        return rows[order], sims[order]

    def retain(self, keep: np.ndarray) -> ArticleIndex:
        """A fresh index of the rows where ``keep`` is true (in their order here)."""
        index = ArticleIndex(self.dim)
        for i in np.flatnonzero(keep[:self.size]).tolist():
            index.put(self.ids[i], self.vectors[i], self.groups["event"][i], self.groups["story"][i],
                      None if np.isnan(self.day[i]) else int(self.day[i]), int(self.seq[i]))
        return index

    def nearest(self, art: ArticleProfile, seq: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and cosines of the ``NEIGHBOURS`` nearest eligible articles, nearest first (ties by sequence number)."""
        n = self.size
        if not n:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        recent = self.seq[:n] > seq - RECENT_ARTICLES
        if art.day is None:
            eligible = recent
        else:
            day = self.day[:n]
            eligible = in_days(day, art.day, window) | ((day != day) & recent)
        rows = eligible.nonzero()[0]  # ``np.flatnonzero`` without its wrapper (see ``best_first``)
        if not len(rows):
            return rows, np.zeros(0)
        sims = self.vectors.take(rows, axis=0) @ art.vector  # take: the same rows as [rows], copied faster
        order = best_first(sims, self.seq[rows], NEIGHBOURS)  # ties by sequence, not by row
        return rows[order], sims[order]

    def votes(self, level: str, rows: np.ndarray, sims: np.ndarray) -> dict[str, Neighbours]:
        names = self.groups[level]
        out: dict[str, list] = {}
        for rank, (row, sim) in enumerate(zip(rows.tolist(), sims.tolist())):
            entry = out.setdefault(names[row], [0, -1.0, rank == 0])
            entry[0] += 1
            if sim > entry[1]:  # max(entry[1], sim), without the builtin's call (~0.3 µs)
                entry[1] = sim
        # events: a share of the NEIGHBOURS asked for, not of those found: in a young store the one
        # earlier article is always the nearest, and one vote in one must not read as ten in ten.
        # stories: a share of those found (a story's few earlier articles all vote for it)
        found = NEIGHBOURS if level == "event" else max(1, len(rows))
        # made as ``Neighbours._make`` makes them (tuple.__new__, in C), not through the named tuple's
        # ``__new__`` in Python: ~0.4 µs each against ~0.9, ~30 per article
        new = tuple.__new__
        return {g: new(Neighbours, (c / found, b, f)) for g, (c, b, f) in out.items()}


class OnlineGrouper:
    """Groups batches of articles into the events and stories kept in a store's connection."""

    def __init__(self, conn: sqlite3.Connection, *, embedder: str = DEFAULT_EMBEDDER,
                 models: GroupingModels | None = None):
        self.conn = conn
        self.embedder = get_embedder(embedder)
        self.models = models or load_models()
        # computed only if the level's model uses them: they cost time per candidate
        self.candidate_signals = {level: frozenset(set(getattr(self.models, level).features) & set(CANDIDATE_FEATURES))
                                  for level in ("event", "story")}
        self.signal_names = {level: signal_names(asked) for level, asked in self.candidate_signals.items()}
        # ... and of those, the ones only an undated pair's trees read: computed for undated pairs only
        # (``pairs_signals``; a training replay that records every signal sets it empty)
        self.undated_only = {level: undated_only_signals(getattr(self.models, level)) for level in ("event", "story")}
        self.recorder = None  # training hook: called with (level, article, group id, signals) per candidate
        self.headline_rule = True  # ``_likeliest_first`` for headlines alone (training replays go without)
        self.repair = True  # ``repair``: small events re-checked as they grow
        self.story_rule = True  # ``unrelated`` on top of the story model (training replays go without)
        self.candidate_counts = CANDIDATE_COUNTS  # the trainer's replays ask for more
        self._synced_seq: int | None = None  # the store's sequence number when memory last matched it

    # -- one batch ---------------------------------------------------------------------------

    def group(self, articles: list[Article], replaced: dict[str, Article] | None = None,
              copied: frozenset[str] = frozenset()) -> list[Decision]:
        """Assign each article (in order) to an event and a story; returns the decisions, unsaved.

        ``replaced``: the stored version of articles whose text this batch replaces (a later crawl
        of the same page). Each grouped one whose words, title, date or outlet changed is placed
        again as if new, after its event and story give its old text back (``_unplace``), unless
        it is in ``copied``: stored copies of its old text still report that text there."""
        done = sql.grouped_ids(self.conn, [a.id for a in articles])
        replaced = replaced or {}
        again = {a.id: done.pop(a.id) for a in articles
                 if a.id in done and a.id in replaced and _text_changed(replaced[a.id], a)}
        documents, last_seq = sql.load_counters(self.conn)
        if last_seq != self._synced_seq:  # the first batch, or another process grouped meanwhile
            self.stats = TermStats(sql.load_df(self.conn), documents)
            self.seq = last_seq
            self._reset()
        self.stats.changed = set()
        self._synced_seq = None  # until ``save`` has written this batch
        self._batch: dict[str, Decision] = {}  # this batch's decisions by article (a repair may move one)
        self._moves: dict[str, tuple[str, str, list[dict]]] = {}  # earlier batches' articles a repair moved
        self._dropped: dict[str, set[str]] = {"event": set(), "story": set()}  # groups a repair emptied
        fresh = [a for a in articles if a.id not in done and not a.duplicate_of]
        profiles = profile_articles(fresh, self.embedder)
        self._load_groups(list(profiles.values()))
        decisions: list[Decision] = []
        placed: dict[str, tuple[str, str]] = {}
        for art in articles:
            if art.id in done:
                continue
            left = (self._unplace(replaced[art.id], *again.pop(art.id), give_back=art.id not in copied)
                    if art.id in again else None)
            if art.duplicate_of:
                original = placed.get(art.duplicate_of) or sql.grouped_ids(self.conn, [art.duplicate_of]).get(
                    art.duplicate_of)
                if original:
                    moved = self._batch.get(art.duplicate_of)
                    if moved is not None:  # its original may have moved since (``repair``)
                        original = (moved.event, moved.story)
                    self.seq += 1
                    self._seq_of[art.id] = self.seq
                    decisions.append(Decision(art.id, original[0], original[1], None,
                                              {"decision": "duplicate", "of": art.duplicate_of, **(left or {})}))
                    self._batch[art.id] = decisions[-1]
                    placed[art.id] = original
                    continue
                # the original was never grouped (should not happen): group the copy on its own
                profiles.update(profile_articles([art], self.embedder))
            decision = self._place(profiles[art.id])
            decision.explanation.update(left or {})
            placed[art.id] = (decision.event, decision.story)
            decisions.append(decision)
        self._pending = decisions
        return decisions

    def save(self) -> None:
        """Write the last batch's groups, assignments and term statistics (inside a transaction)."""
        events = [_to_row(self.events.groups[g], self.events.seq[self.events.row[g]], self.stories_children)
                  for g in sorted(self.events.touched)]
        stories = [_to_row(self.stories.groups[g], self.stories.seq[self.stories.row[g]], self.stories_children)
                   for g in sorted(self.stories.touched)]
        # dropped and not made again under the same id (a replaced article's own event and story)
        gone = {level: self._dropped[level] - index.touched
                for level, index in (("event", self.events), ("story", self.stories))}
        assignments = [
            (d.article_id, d.event, d.story, self._seq_of[d.article_id], d.probability,
             json.dumps(d.explanation, sort_keys=True), *self._vector_of.get(d.article_id, (None, None)))
            for d in self._pending
        ]
        terms = {t: self.stats.df[t] for t in self.stats.changed}
        sql.save_models(self.conn, self.models.fingerprint, self.models.weights_json)
        sql.save_batch(self.conn, events=events, stories=stories, assignments=assignments, terms=terms,
                       documents=self.stats.docs, last_seq=self.seq)
        sql.save_small_members(self.conn, [
            (g, [(m.article_id, i, repair.profile_to_json(m)) for i, m in enumerate(self.small.get(g, ()))])
            for g in sorted(self.events.touched | self._dropped["event"])])
        if self._moves:  # after the events they move to are written
            sql.move_articles(self.conn, [(a, *moved) for a, moved in sorted(self._moves.items())])
        sql.delete_groups(self.conn, sorted(gone["event"]), sorted(gone["story"]))
        self._synced_seq = self.seq

    def forget(self) -> None:
        """Drop what is held in memory (the batch's transaction failed): the next batch reads the store."""
        self._synced_seq = None

    # -- internals ---------------------------------------------------------------------------

    def _reset(self) -> None:
        dim = self.embedder.dim
        self.events, self.stories, self.articles = GroupIndex(dim), GroupIndex(dim), ArticleIndex(dim)
        self.stories_children: dict[str, int] = {}
        self.small: dict[str, list[ArticleProfile]] = {}  # members of events of up to ``REPAIR_SIZE`` reports

    def _load_groups(self, profiles: list[ArticleProfile]) -> None:
        """Bring into memory the groups and articles this batch may compare with: those dated within
        the windows around the batch's dates, or touched recently.

        What earlier batches left in memory is kept (it equals the store: this grouper wrote it) and
        only what is missing is read; rows that no batch can use any more are dropped once they
        are half of the index. Holding more than needed changes nothing: every look-up filters by
        the same windows, and ties are broken by sequence numbers and ids, never by row."""
        self._seq_of: dict[str, int] = {}
        self._vector_of: dict[str, tuple[str | None, bytes]] = {}
        for index in (self.events, self.stories):
            index.touched = set()
        days = [p.day for p in profiles if p.day is not None]
        min_seq = self.seq - RECENT_ARTICLES
        lo = min(days) - EVENT_WINDOW_DAYS if days else None
        hi = max(days) + EVENT_WINDOW_DAYS if days else None
        n = self.articles.size
        if n:
            day, recent = self.articles.day[:n], self.articles.seq[:n] > min_seq
            with np.errstate(invalid="ignore"):
                keep = recent if lo is None else recent | ((day >= lo) & (day <= hi))
            if keep.sum() * 2 < n:
                self.articles = self.articles.retain(keep)
        for article_id, event, story, seq, published, vector in sql.load_article_vectors(
                self.conn, lo=_iso(lo) if days else None, hi=_iso(hi) if days else None, min_seq=min_seq):
            if article_id not in self.articles.known:
                self.articles.put(article_id, np.frombuffer(vector, dtype=np.float32), event, story,
                                  day_number(published), seq)
        levels = (("story", "stories", STORY_WINDOW_DAYS), ("event", "events", EVENT_WINDOW_DAYS))
        for level, attribute, window in levels:
            index = getattr(self, attribute)
            lo = min(days) - window if days else None
            hi = max(days) + window if days else None
            keep = {gid for gid in index.ids if _usable(index, gid, lo, hi, min_seq)}
            if len(keep) * 2 < len(index.ids):
                index = index.retain(keep)
                setattr(self, attribute, index)
                if level == "event":
                    self.small = {g: m for g, m in self.small.items() if g in keep}
            for row in sql.load_groups(self.conn, level, lo=_iso(lo) if days else None,
                                       hi=_iso(hi) if days else None, min_seq=min_seq, skip=index.groups):
                if level == "story":
                    self.stories_children[row.group_id] = row.children
                index.put(_from_row(row, self.embedder.dim), row.last_seq, touched=False)

    def _place(self, art: ArticleProfile) -> Decision:
        self.seq += 1
        self._seq_of[art.article_id] = self.seq
        art.prepare(self.stats)
        rows, sims = self.articles.nearest(art, self.seq, EVENT_WINDOW_DAYS)
        model = self.models.event
        scored = self._score(art, self.events, EVENT_WINDOW_DAYS, model, self.articles.votes("event", rows, sims))
        if self.headline_rule and headline_alone(art):
            scored = _likeliest_first(scored, self.events, model.threshold)
        best = scored[0] if scored else None
        explanation: dict = {"models": self.models.fingerprint}
        if best and best[0] >= model.threshold:
            event = self.events.groups[best[1]]
            explanation["decision"] = "joined event"
            explanation["event"] = _explain(best, model, self.signal_names["event"])
            rejected = scored[1] if len(scored) > 1 else None
            story_id = event.parent
            story = self.stories.groups.get(story_id)
            if story is None:  # its story fell outside the loaded window: read it back
                story = self._load_story(story_id)
            explanation["story"] = {"decision": "with its event", "id": story_id}
            probability = best[0]
        else:
            rejected = _ruled_out(scored, model, self.signal_names["event"], "event") or best
            explanation["decision"] = "new event"
            story_scored = self._score(art, self.stories, STORY_WINDOW_DAYS, self.models.story,
                                       self.articles.votes("story", rows, sims))
            story_best = story_scored[0] if story_scored else None
            if story_best and story_best[0] >= self.models.story.threshold:
                story = self.stories.groups[story_best[1]]
                explanation["story"] = {"decision": "joined story",
                                        **_explain(story_best, self.models.story, self.signal_names["story"])}
                story_rejected = story_scored[1] if len(story_scored) > 1 else None
            else:
                story = GroupProfile.empty("s-" + art.article_id, len(art.vector))
                explanation["story"] = {"decision": "new story", "id": story.group_id}
                ruled = (_ruled_out(story_scored, self.models.story, self.signal_names["story"], "story")
                         if self.story_rule else None)
                story_rejected = ruled or story_best
            if story_rejected:
                explanation["story"]["nearest_rejected"] = _explain(story_rejected, self.models.story,
                                                                    self.signal_names["story"],
                                                                    rule="story" if self.story_rule else None)
            event = GroupProfile.empty("e-" + art.article_id, len(art.vector), parent=story.group_id)
            self.stories_children[story.group_id] = self.stories_children.get(story.group_id, 0) + 1
            probability = best[0] if best else None
        if rejected:
            explanation["nearest_rejected"] = _explain(rejected, model, self.signal_names["event"], rule="event")
        event.add(art, self.stats)
        story.add(art, self.stats, body_names=False)
        self.events.put(event, self.seq)
        self.stories.put(story, self.seq)
        self.stats.add(art)
        self.articles.put(art.article_id, art.vector, event.group_id, story.group_id, art.day, self.seq)
        self._vector_of[art.article_id] = (None if art.day is None else _iso(art.day),
                                           art.vector.astype(np.float32).tobytes())
        decision = Decision(art.article_id, event.group_id, story.group_id,
                            None if probability is None else round(probability, 4), explanation)
        self._batch[art.article_id] = decision
        if self.repair:
            self._remember(event, art)
            if explanation["decision"] == "joined event":
                # the other events the article fits too: it may be the report that bridges them
                self._absorb(event, art, rows, [s[1] for s in scored[1:] if s[0] >= model.threshold])
        return decision

    def _remember(self, event: GroupProfile, art: ArticleProfile) -> None:
        """Keep the members' profiles of events of up to ``REPAIR_SIZE`` reports (``repair``)."""
        gid = event.group_id
        if event.size > repair.REPAIR_SIZE:
            self.small.pop(gid, None)
        elif event.size == 1:
            self.small[gid] = [art]
        elif gid in self.small:
            self.small[gid].append(art)
        else:  # read back from the store: its members are all stored but this one
            members = self._members_from_store(event)
            if len(members) == event.size - 1:  # a store grouped without the repair keeps none
                self.small[gid] = members + [art]

    def _absorb(self, event: GroupProfile, art: ArticleProfile, rows: np.ndarray, candidates: list[str]) -> None:
        """The event just grew: a small event of the article's nearest earlier articles, or one the
        article fits too (``candidates``: scored at the threshold or above), whose every report now
        fits it (the event model, each report scored against it) joins it (``repair``)."""
        labels = self.articles.groups["event"]
        near = sorted(({labels[r] for r in rows.tolist()} | set(candidates)) - {event.group_id})
        for gid in near:
            small = self.events.groups.get(gid)
            if small is None or small.size > repair.REPAIR_SIZE or small.size > event.size:
                continue
            if small.parent not in self.stories.groups:
                self._load_story(small.parent)
            members = self.small.get(gid)
            if members is None:  # not seen joining: all its members are stored
                members = self._members_from_store(small)
                if len(members) != small.size:  # a store grouped without the repair keeps none
                    continue
            scored = []
            for m in members:
                best = self._second_look(m, small.group_id, members, event.group_id)
                if best is None or best[1] != event.group_id:
                    break
                scored.append((best[0], best[2], m.article_id))
            else:
                worst = min(scored, key=lambda t: (t[0], t[2]))
                self._merge(small, event, members, art, worst)

    def _second_look(self, m: ArticleProfile, own: str, members: list[ArticleProfile], target: str) -> tuple | None:
        """Where an earlier article would go if it came now: the best candidate at the threshold or
        above (probability, id, signals), or None; asked only whether that is ``target``, so the
        look stops early when ``target`` is not a candidate or falls short of the threshold
        (``repair``). Its own small event is a candidate without it (its other reports), so a
        report stays with reports closer to it."""
        m.prepare(self.stats)
        near = self.articles.votes("event", *self.articles.nearest_recent(m, self.seq, EVENT_WINDOW_DAYS))
        threshold, signals, names = self.models.event.threshold, self.candidate_signals["event"], self.signal_names["event"]
        # the target's own score first: most looks end there, before the candidate search
        skip = self.undated_only["event"]
        first = pairs_signals(m, [self.events.groups[target]], self.stats, [near.get(target, NO_NEIGHBOURS)], signals, skip)
        if contradicted(first[0]) or self.models.event.probabilities_of(first, names)[0] < threshold:
            return None  # the target cannot win: the rest need not be scored
        gids = [g for g in self.events.candidates(m, self.seq, EVENT_WINDOW_DAYS, self.stats, extra=near,
                                                  recent_only=True, counts=self.candidate_counts) if g != own]
        if target not in gids:
            return None
        gids.remove(target)
        groups = [self.events.groups[g] for g in gids]
        others = [x for x in members if x is not m]
        if others:  # its own event without it
            rest = GroupProfile.empty(own, len(m.vector))
            rest.add_all(others, self.stats)
            gids.append(own)
            groups.append(rest)
        rows = first + pairs_signals(m, groups, self.stats, [near.get(g, NO_NEIGHBOURS) for g in gids], signals, skip)
        gids = [target] + gids
        probabilities = self.models.event.probabilities_of(rows, names)
        scored = sorted(((0.0 if contradicted(f) else float(p), g, f) for p, g, f in zip(probabilities, gids, rows)),
                        key=lambda t: (-t[0], t[1]))
        if self.headline_rule and headline_alone(m):
            sizes = {g: self.events.groups[g].size for g in gids}
            if others:
                sizes[own] = len(others)
            scored = _likeliest_first(scored, self.events, threshold, sizes)
        best = scored[0]
        return best if best[0] >= threshold else None

    def _merge(self, small: GroupProfile, event: GroupProfile, members: list[ArticleProfile],
               art: ArticleProfile, worst: tuple) -> None:
        story = self.stories.groups.get(event.parent) or self._load_story(event.parent)
        if small.parent != event.parent:  # its reports join the event's story
            story.add_all(members, self.stats, body_names=False)
            self.stories.put(story, self.seq)
            if self.stories_children.get(small.parent, 0) == 1:  # its story held only it: the story goes too
                self._drop(self.stories, small.parent, "story")
                self.stories_children.pop(small.parent, None)
            else:  # its story holds other events: it gives the reports back (``GroupProfile.remove_all``)
                self.stories_children[small.parent] -= 1
                self._give_back(self.stories, self.stories.groups[small.parent], members)
        else:
            self.stories_children[event.parent] -= 1
        event.add_all(members, self.stats)
        self.events.put(event, self.seq)
        self._drop(self.events, small.group_id, "event")
        self.small.pop(small.group_id, None)
        if event.group_id in self.small:
            if event.size <= repair.REPAIR_SIZE:
                self.small[event.group_id] = self.small[event.group_id] + members
            else:
                del self.small[event.group_id]
        entry = {"decision": "moved", "from": small.group_id, "to": event.group_id, "when": art.article_id,
                 "reason": f"each of its event's {small.size} report(s), placed again, would join {event.group_id}",
                 "probability": round(worst[0], 4), "signals": dict(zip(self.signal_names["event"], worst[1]))}
        for m in members:
            aid = m.article_id
            self.articles.relabel(aid, event.group_id, event.parent)
            decision = self._batch.get(aid)
            if decision is not None:
                decision.event, decision.story = event.group_id, event.parent
                decision.explanation.setdefault("moves", []).append(entry)
            else:
                _, _, moves = self._moves.get(aid, (None, None, []))
                self._moves[aid] = (event.group_id, event.parent, moves + [entry])
            for copy in self._batch.values():  # copies of it in this batch follow it
                if copy.explanation.get("of") == aid:
                    copy.event, copy.story = event.group_id, event.parent

    def _unplace(self, old: Article, event_id: str, story_id: str, *, give_back: bool) -> dict:
        """Take a stored article out of its event and story before its new text is placed: the
        groups give its old profile back (``GroupProfile.remove_all``), an event it leaves empty
        goes, and so does a story left without events; the term statistics count it out and the
        groups' date ranges are those of the reports left. ``give_back=False``: its copies still
        report the old text there, so the groups and statistics keep it. What its explanation
        keeps of it."""
        counted = sql.has_vector(self.conn, old.id)  # a copy was never counted in its event's sums
        self.articles.forget(old.id)
        left = {"text_replaced": {"left_event": event_id, "left_story": story_id}}
        if not counted or not give_back:
            return left
        profile = profile_articles([old], self.embedder)[old.id]
        self.stats.remove(profile)
        event = self.events.groups.get(event_id) or self._load_group("event", event_id)
        story = self.stories.groups.get(story_id) or self._load_story(story_id)
        if event.size <= 1:
            self._drop(self.events, event_id, "event")
            self.small.pop(event_id, None)
            self.stories_children[story_id] -= 1
        else:
            members = self.small.get(event_id)
            if members is None and event.size <= repair.REPAIR_SIZE:
                members = self._members_from_store(event)
            event.first_day, event.last_day = self._date_range("event", event_id, leaving=old.id)
            self._give_back(self.events, event, [profile])
            if members is not None and len(members) == event.size + 1:
                self.small[event_id] = [m for m in members if m.article_id != old.id]
        if self.stories_children.get(story_id, 0) == 0:
            self._drop(self.stories, story_id, "story")
            self.stories_children.pop(story_id, None)
        else:
            story.first_day, story.last_day = self._date_range("story", story_id, leaving=old.id)
            self._give_back(self.stories, story, [profile])
        return left

    def _date_range(self, level: str, gid: str, *, leaving: str) -> tuple[int | None, int | None]:
        """First and last day of the reports a group counts once ``leaving`` is gone: the stored
        ones, where this batch has not placed or moved them since, and this batch's."""
        where = 0 if level == "event" else 1
        here = {aid: (d.event, d.story) for aid, d in self._batch.items()}  # placed by this batch
        moved = {aid: (e, s) for aid, (e, s, _) in self._moves.items()}  # earlier ones this batch moved
        moved_in = sorted(aid for aid, groups in moved.items() if groups[where] == gid)
        dates = [published for aid, published in sql.member_dates(self.conn, level, gid, moved_in)
                 if aid != leaving and aid not in here and (aid not in moved or moved[aid][where] == gid)]
        dates += [self._vector_of[aid][0] for aid, groups in here.items()
                  if groups[where] == gid and aid in self._vector_of]
        days = [day_number(d) for d in dates if d is not None]
        return (min(days), max(days)) if days else (None, None)

    def _give_back(self, index: GroupIndex, group: GroupProfile, members: list[ArticleProfile]) -> None:
        """The group counts ``members`` out (``GroupProfile.remove_all``; a story keeps no body
        names) and keeps its place in the index: its sequence number, and only the names it still holds."""
        group.remove_all(members, self.stats, body_names=index is self.events)
        index.put(group, int(index.seq[index.row[group.group_id]]))
        index.drop_stale_names(group)

    def _drop(self, index: GroupIndex, gid: str, level: str) -> None:
        index.remove(gid)
        self._dropped[level].add(gid)

    def _members_from_store(self, event: GroupProfile) -> list[ArticleProfile]:
        """A small event's members as the store keeps them (the grouper did not see them join:
        another run or batch); the same profiles as in memory (``repair.profile_to_json``)."""
        return [repair.profile_from_json(aid, profile, vector)
                for aid, profile, vector in sql.small_members(self.conn, event.group_id)]

    def _score(self, art: ArticleProfile, index: GroupIndex, window: int, model: LinearModel,
               near: dict[str, Neighbours]):
        """The candidates as (probability, id, signals' row), likeliest first (ties by id)."""
        level = "event" if index is self.events else "story"
        gids = index.candidates(art, self.seq, window, self.stats, extra=near, counts=self.candidate_counts)
        rows = pairs_signals(art, [index.groups[g] for g in gids], self.stats,
                             [near.get(g, NO_NEIGHBOURS) for g in gids], self.candidate_signals[level],
                             self.undated_only[level])
        if self.recorder:
            for gid, row in zip(gids, rows):
                self.recorder(level, art, gid, dict(zip(self.signal_names[level], row)))
        probabilities = model.probabilities_of(rows, self.signal_names[level])
        if level == "event" or self.story_rule:  # a rule, not learned: see ``contradicted`` and ``unrelated``
            ruled = RULES[level][0]
            probabilities = [0.0 if ruled(f) else p for p, f in zip(probabilities, rows)]
        out = [(float(p), gid, row) for p, gid, row in zip(probabilities, gids, rows)]
        out.sort(key=lambda t: (-t[0], t[1]))
        return out

    def _load_story(self, story_id: str) -> GroupProfile:
        return self._load_group("story", story_id)

    def _load_group(self, level: str, group_id: str) -> GroupProfile:
        """A group outside the loaded windows, read back into memory."""
        row = sql.load_group(self.conn, level, group_id)
        group = _from_row(row, self.embedder.dim)
        if level == "story":
            self.stories_children[group_id] = row.children
        (self.stories if level == "story" else self.events).put(group, row.last_seq, touched=False)
        return group


def _text_changed(old: Article, new: Article) -> bool:
    """Whether a replaced article's new version reads otherwise to grouping (its words, title,
    date or outlet): a new crawl that changed only the page around the text changes nothing."""
    return (old.title, old.text, old.published, old.source) != (new.title, new.text, new.published, new.source)


def profile_articles(articles: list[Article], embedder) -> dict[str, ArticleProfile]:
    """Each article's profile: the one a worker prepared with the same embedder (``prepare_profile``)
    or one made here, the missing ones embedded in one call."""
    profiles: dict[str, ArticleProfile] = {}
    missing = []
    for art in articles:
        prepared = art.derived.get("profile")
        if prepared is not None and art.derived.get("embedder") == embedder.name:
            profiles[art.id] = prepared
        else:
            missing.append(art)
    vectors = embedder.encode([lead_text(a.title, a.text) for a in missing])
    for art, vector in zip(missing, vectors):
        profiles[art.id] = profile_article(art.id, art.title, art.text, art.published, art.source, vector)
    return profiles


def prepare_profile(article: Article, embedder_name: str = DEFAULT_EMBEDDER) -> None:
    """Profile one cleaned article where it was cleaned (a worker), for ``profile_articles``.

    The embedding of one text alone equals its row in a batch (model2vec pools each text on its
    own), so where the profile is made does not change the grouping."""
    embedder = get_embedder(embedder_name)
    article.derived["profile"] = profile_articles([article], embedder)[article.id]
    article.derived["embedder"] = embedder.name


def undated_only_signals(model) -> frozenset[str]:
    """The candidate signals only ``model``'s trees for undated pairs read (``UndatedFullModel``:
    its second trees' signals the shared trees do not use)."""
    second = getattr(model, "undated_full", None)
    if second is None:
        return frozenset()
    return frozenset(set(second.features) - set(model.base.features)) & frozenset(CANDIDATE_FEATURES)


def headline_alone(art: ArticleProfile) -> bool:
    """The article is a title and nothing more: its lead has no content word the title lacks."""
    return bool(art.title_terms) and art.short and not (art.terms.keys() - art.title_terms.keys())


def _likeliest_first(scored: list[tuple], index: GroupIndex, threshold: float,
                     sizes: dict[str, int] | None = None) -> list[tuple]:
    """For a headline alone: of the events it may join (probability at the threshold or above),
    the one where it finds the most reports of its own happening first (probability x size).

    A headline has too few words for the probabilities to tell one happening's early splinter
    from the happening's main event: when a headline fits two events, they are mostly one
    happening split early, and joining the larger stops the splinter from growing
    (uci-headlines-dev, shipped model: of 158 headlines where the two orders differ, probability
    x size picks the event holding most of the headline's happening in 115, probability alone
    in 7). Full reports keep the probability order: for them it is about a coin toss
    (ecbplus-dev: 9 against 13). The rest keep their order (probability, then id)."""
    if len(scored) < 2 or scored[1][0] < threshold:
        return scored
    fit = [s for s in scored if s[0] >= threshold]
    size = sizes or {s[1]: index.groups[s[1]].size for s in fit}  # ``sizes``: a repair's own event without the report
    fit.sort(key=lambda s: (-s[0] * size[s[1]], -s[0], s[1]))
    return fit + scored[len(fit):]


def contradicted(signals: list[float]) -> bool:
    """The article states another day for its happening than every member of the event agrees on
    ("on Sunday" against two reports of a Monday call): a different happening, whatever the words.
    ``signals``: the pair's row (``signals.pairs_signals``).

    A rule on top of the learned model, because the dev sets rarely hold this case (their
    same-kind events lie years apart); what it costs on them is measured in docs/grouping.md.
    """
    return signals[WHEN_CONTRADICTED] >= 1.0


def unrelated(signals: list[float]) -> bool:
    """The story shares no name with the article, next to none of its words, and its centroid is
    not close: the article's nearest earlier articles voting for it is then no evidence. A story
    counts the votes of the neighbours found, so in a young or sparse store they all lie in its
    biggest story and vote for it, and the story model, trained on the dense dev sets, read that
    as ten votes in ten: a storm in Norway joined the seeds' Lachin corridor story, and in a mixed
    feed one story swallowed eleven unrelated reports (``tests/test_group.py``).

    A rule on top of the learned model, like ``contradicted``. Story B³ F1 (docs/benchmarks.md,
    "Young and sparse stores, session 13"): a sparse mixed feed of the dev sets
    (``bench/mixed_feed.py``) 0.808 -> 0.844, ECB+ 0.859 -> 0.875, UCI 0.919 either way, T17
    0.965 -> 0.964; a looser cosine floor gains more on the mixed feed but costs T17 (0.7: 0.954)."""
    return signals[NAMES_SHARED] == 0.0 and signals[TFIDF_COS] < 0.05 and signals[COS_CENTROID] < 0.6


RULES = {  # per level: the rule that sets a candidate's probability to 0, and why, as ``why`` says it
    "event": (contradicted, "the article states another day for its happening than the event's reports agree on"),
    "story": (unrelated, "the story shares no name with the article, next to none of its words (TF-IDF "
                         "cosine below 0.05) and its centroid is not close (embedding cosine below 0.6)"),
}


def _ruled_out(scored: list[tuple], model: LinearModel, names: tuple[str, ...], level: str) -> tuple | None:
    """The candidate the model would have joined had a rule not ruled it out: the one to explain."""
    ruled = [(model.probability(dict(zip(names, s[2]))), s) for s in scored if RULES[level][0](s[2])]
    ruled = [(p, s) for p, s in ruled if p >= model.threshold]
    return min(ruled, key=lambda ps: (-ps[0], ps[1][1]))[1] if ruled else None


def _explain(scored: tuple, model: LinearModel, names: tuple[str, ...], *, rule: str | None = None) -> dict:
    """One scored candidate as an explanation keeps it: its signals (its row, named by ``names``),
    exact (each signal's effect is computed from them when asked, ``with_effects``: most
    explanations are never read)."""
    probability, gid, row = scored
    feats = dict(zip(names, row))
    out = {"id": gid, "probability": round(probability, 4), "signals": feats}
    if rule and RULES[rule][0](row):  # ``rule``: the level whose rule may have ruled it out
        out["model_probability"] = round(model.probability(feats), 4)
        out["ruled_out"] = RULES[rule][1]
    return out


def with_effects(explanation: dict, models: GroupingModels) -> dict:
    """The explanation with each scored candidate's signal effects (``contributions``) filled in by
    ``models``, the models that made the decision. Explanations stored before session 5 have them."""
    def fill(scored: dict | None, model) -> None:
        if scored and "signals" in scored and "contributions" not in scored:
            scored["contributions"] = {k: round(v, 3) for k, v in model.contributions(scored["signals"]).items()}

    fill(explanation.get("event"), models.event)
    fill(explanation.get("nearest_rejected"), models.event)
    story = explanation.get("story") or {}
    if story.get("decision") == "joined story":
        fill(story, models.story)
    fill(story.get("nearest_rejected"), models.story)
    for move in explanation.get("moves", ()):
        fill(move, models.event)
    return explanation


def _usable(index: GroupIndex, gid: str, lo: int | None, hi: int | None, min_seq: int) -> bool:
    """Whether the store's window query (``sql.load_groups``) would return this group now."""
    i = index.row[gid]
    if index.seq[i] > min_seq:
        return True
    first, last = index.first[i], index.last[i]
    return lo is not None and not np.isnan(last) and last >= lo and first <= hi


def _iso(day: int) -> str:
    return date.fromordinal(max(1, day)).isoformat()


def _to_row(group: GroupProfile, seq: int, children: dict[str, int]) -> sql.GroupRow:
    profile = {  # json.dumps(sort_keys=True) writes every dict sorted, nested ones too
        "terms": group.terms,
        "title_terms": group.title_terms,
        "titles": group.titles,
        "names": group.names,
        "numbers": group.numbers,
        "body_names": group.body_names,
        "body_name_norm": group.body_name_norm,
        "weekdays": group.weekdays,
        "when_weekdays": group.when_weekdays,
        "when_days": [group.when_first, group.when_last],
        "eras": [group.era_first, group.era_last],
        "term_norm": group.term_norm,
    }
    members = group.member_matrix.tobytes() if group.members else b""
    return sql.GroupRow(
        group_id=group.group_id,
        parent=group.parent,
        first_published=None if group.first_day is None else _iso(group.first_day),
        last_published=None if group.last_day is None else _iso(group.last_day),
        articles=group.size,
        children=children.get(group.group_id, 0),
        last_seq=int(seq),
        vector_sum=group.vector_sum.astype(np.float64).tobytes(),
        members=members,
        profile=json.dumps(profile, sort_keys=True),
    )


def _from_row(row: sql.GroupRow, dim: int) -> GroupProfile:
    from collections import Counter

    from storyline.group.signals import day_number

    profile = json.loads(row.profile)
    members = np.frombuffer(row.members, dtype=np.float32).reshape(-1, dim) if row.members else np.zeros((0, dim))
    return GroupProfile(
        group_id=row.group_id,
        vector_sum=np.frombuffer(row.vector_sum, dtype=np.float64).copy(),
        members=[m.copy() for m in members][-MAX_MEMBERS:],
        terms=Counter(profile["terms"]),
        title_terms=Counter(profile.get("title_terms", {})),
        titles=profile.get("titles", 0),
        names=Counter(profile["names"]),
        numbers=Counter(profile["numbers"]),
        body_names=Counter(profile.get("body_names", {})),
        body_name_norm=profile.get("body_name_norm", 0.0),
        weekdays=Counter(profile["weekdays"]),
        when_weekdays=Counter(profile.get("when_weekdays", {})),
        when_first=profile.get("when_days", [None, None])[0],
        when_last=profile.get("when_days", [None, None])[1],
        era_first=profile.get("eras", [None, None])[0],
        era_last=profile.get("eras", [None, None])[1],
        term_norm=profile["term_norm"],
        first_day=day_number(row.first_published),
        last_day=day_number(row.last_published),
        size=row.articles,
        parent=row.parent,
    )
