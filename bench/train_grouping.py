"""Learn the grouping decisions from the dev sets' labels and write src/storyline/group/weights.json.

    PYTHONPATH=src python bench/train_grouping.py [--eval-dir /work/shared/eval] [--embedder static]
        [--score] [--lodo] [--out src/storyline/group/weights.json]
    PYTHONPATH=src python bench/train_grouping.py --cv [--cv-salt a] [--without era_gap,story:log_size]
        [--learner gb|hist|monotone|line|line-monotone] [--story-learner ...]

The defaults (trees for both levels, depth 3, 150 trees, leaves of 10 pairs or more, the signals
``EVENT_FEATURES`` plus ``SHIPPED_CANDIDATES``; the event model's trees by scikit-learn's gradient
boosting, the story model's ``line-monotone``) are the shipped configuration: run without
arguments, it rewrites the shipped ``weights.json`` byte for byte (docs/benchmarks.md, Grouping,
sessions 5 and 6).
Since session 13 the event model also gets its own trees for full reports in undated pairs
(``--undated-full``, default ``UNDATED_FULL_SIGNALS``: the shipped signals plus who each side
keeps naming; ``none`` leaves them out): on unseen stories ECB+ 0.857 -> 0.868 over six splits,
UCI and T17 identical (they have no undated full reports; docs/benchmarks.md, session 13).
``--cv`` scores on held-out stories instead (``--cv-salt``: another split into halves; the figures
move by several points between splits, so compare settings over a few); ``--without`` leaves
signals out and ``--with`` sets the candidate signals used, to measure what one adds.
``--cost small:W,hard:W`` weighs the event model's costly negative pairs more (a join into an event
of up to 3 reports; into the other happening of the article's own ECB+ topic): measured in
session 9, not better on unseen stories (docs/benchmarks.md).
``--learner hist|monotone|line|line-monotone`` (``--story-learner``: the story model's alone) fits
the trees another way, ``monotone`` ones held to ``signals.DIRECTIONS``: measured in session 11;
the story model's ``line-monotone`` shipped (T17 on unseen stories 0.861 -> 0.915 over six
splits), the rest not (docs/benchmarks.md).

Training examples come from replaying each dev set online, in file order, with the *gold* groups
as the state: for every article, the candidates that the online index would retrieve (same
windows, same nearest-by-embedding and rarest-name look-ups) become (article, group) pairs with
label 1 for its gold group and 0 for the others. So the model learns exactly the decision it
makes at run time. Event pairs come from the sets with event labels (ECB+, UCI); story pairs from
T17 (every article against the stories so far) and, as negatives, from the first article of each
ECB+/UCI event (there story = event, so a new event must not join another story: ECB+'s
same-kind, different-happening pairs). Each set gets the same total weight.

``--lodo`` also reports leave-one-dataset-out B-cubed F1: train without a set, group it online.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from storyline.evaluate import Dataset, load_dataset, mixed_feed, run_ours, scores
from storyline.group.events import (CANDIDATE_COUNTS, EVENT_WINDOW_DAYS, STORY_WINDOW_DAYS, ArticleIndex,
                                    CandidateCounts, GroupIndex)
from storyline.group.model import WEIGHTS_PATH, GroupingModels, LinearModel, TreeModel, UndatedFullModel
from storyline.group.signals import NO_NEIGHBOURS, CANDIDATE_FEATURES, signal_names, DIRECTIONS, EVENT_FEATURES, GroupProfile, story_signals, TermStats, lead_text, pairs_features, profile_article

SETS = ("ecbplus-dev", "uci-headlines-dev", "t17-dev")
SHIPPED_CANDIDATES: tuple[str, ...] = ("names_missed", "era_gap", "era_known", "names_novel", "names_body_cos",
                                         "numbers_missed")  # of CANDIDATE_FEATURES
# the signals of the event model's own trees for full reports in undated pairs (``--undated-full``,
# ``model.UndatedFullModel``): who each side keeps naming (session 13, docs/benchmarks.md)
UNDATED_FULL_SIGNALS: tuple[str, ...] = ("actor_in_group", "group_actor_in_article")


def replay(dataset, embedder: str, counts: CandidateCounts):
    """(event X, y) and (story X, y) from replaying the set with gold state, ``counts`` candidates per article."""
    from storyline.evaluate import cached_embeddings

    vecs = cached_embeddings([lead_text(a.title, a.text) for a in dataset.articles], embedder)
    dim = vecs.shape[1]
    stats = TermStats()
    events, stories, near = GroupIndex(dim), GroupIndex(dim), ArticleIndex(dim)
    ev_x, ev_y, st_x, st_y = [], [], [], []
    has_events = bool(dataset.gold("event"))
    seen_events: set[str] = set()
    for seq, (art, vec) in enumerate(zip(dataset.articles, vecs), start=1):
        label = dataset.labels.get(art.id, {})
        gold_event, gold_story = label.get("event"), label.get("story")
        prof = profile_article(art.id, art.title, art.text, art.published, art.source, vec)
        prof.prepare(stats)
        rows, sims = near.nearest(prof, seq, EVENT_WINDOW_DAYS)
        if has_events and gold_event is not None:
            votes = near.votes("event", rows, sims)
            gids = events.candidates(prof, seq, EVENT_WINDOW_DAYS, stats, extra=votes, counts=counts)
            feats = pairs_features(prof, [events.groups[g] for g in gids], stats,
                                   [votes.get(g, NO_NEIGHBOURS) for g in gids], True)
            ev_x += [_marked(f, gold_event, g) for f, g in zip(feats, gids)]
            ev_y += [int(g == gold_event) for g in gids]
        first_of_event = gold_event is None or gold_event not in seen_events
        if gold_story is not None and first_of_event:
            votes = near.votes("story", rows, sims)
            gids = stories.candidates(prof, seq, STORY_WINDOW_DAYS, stats, extra=votes, counts=counts)
            st_x += pairs_features(prof, [stories.groups[g] for g in gids], stats,
                                   [votes.get(g, NO_NEIGHBOURS) for g in gids], True)
            st_y += [int(g == gold_story) for g in gids]
        if gold_event is not None:
            seen_events.add(gold_event)
            group = events.groups.get(gold_event) or GroupProfile.empty(gold_event, dim)
            group.add(prof, stats)
            events.put(group, seq)
        if gold_story is not None:
            group = stories.groups.get(gold_story) or GroupProfile.empty(gold_story, dim)
            group.add(prof, stats, body_names=False)
            stories.put(group, seq)
        stats.add(prof)
        near.put(art.id, vec, gold_event or "none:" + art.id, gold_story or "none:" + art.id, prof.day, seq)
    return (ev_x, ev_y), (st_x, st_y)


def replay_own(dataset, embedder: str, models: GroupingModels, counts: CandidateCounts,
               headline_rule: bool = False, repair: bool = False):
    """(event X, y) and (story X, y) from grouping the set with a model, labelling each candidate
    by the majority gold group of its members at that moment: the model sees its own mistakes
    (merged events) and learns to keep away from them. The grouping runs without the headline
    rule (``events._likeliest_first``) unless ``headline_rule``: the shipped weights were trained
    so, and the rule applied on top (docs/benchmarks.md, Grouping, session 5)."""
    import tempfile

    from storyline.group.events import OnlineGrouper
    from storyline.store import Store

    out = {"event": ([], []), "story": ([], [])}
    members = {"event": defaultdict(Counter), "story": defaultdict(Counter)}
    has_events = bool(dataset.gold("event"))

    def record(level, art, gid, feats):
        gold = dataset.labels.get(art.article_id, {}).get(level)
        if gold is None or (level == "event" and not has_events):
            return
        counts = members[level][gid]
        majority = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counts else None
        out[level][0].append(_marked(feats, gold, majority) if level == "event" else feats)
        out[level][1].append(int(majority == gold))

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "train.db")
        for i in range(0, len(dataset.articles), 256):
            batch = dataset.articles[i:i + 256]
            grouper = OnlineGrouper(store.conn, embedder=embedder, models=models)
            grouper.recorder = record
            # every candidate signal recorded (the model reads its own columns by name, so its
            # decisions are the same): the second trees (``fit_undated_full``) use more
            grouper.candidate_signals["event"] = frozenset(CANDIDATE_FEATURES)
            grouper.signal_names["event"] = signal_names(grouper.candidate_signals["event"])
            grouper.undated_only["event"] = frozenset()  # and in dated pairs too (``pairs_signals``)
            grouper.headline_rule = headline_rule
            grouper.story_rule = False  # the shipped weights were trained without it (``events.unrelated``)
            grouper.candidate_counts = counts
            grouper.repair = repair  # off by default: the shipped weights were trained so
            with store.transaction():
                decisions = grouper.group(batch)
                grouper.save()
            if repair:  # moves change earlier batches' groups: count the members as stored
                from storyline.store.grouping import assignment_map

                members = {"event": defaultdict(Counter), "story": defaultdict(Counter)}
                placed = assignment_map(store.conn)
                decisions = [d for d in (_Placed(a, *placed[a]) for a in sorted(placed))]
            for d in decisions:
                label = dataset.labels.get(d.article_id, {})
                for level, gid in (("event", d.event), ("story", d.story)):
                    if label.get(level) is not None:
                        members[level][gid][label[level]] += 1
        store.close()
    return out["event"], out["story"]


def topic(label: str) -> str:
    """An ECB+ topic's two happenings share the topic: "25_ecb" and "25_ecbplus" (other sets' labels
    are their own topic)."""
    return re.sub(r"_ecb(plus)?$", "", label)


def _marked(feats: dict, gold: str | None, candidate: str | None) -> dict:
    """The pair's signals with ``_hard`` set when the candidate is the other happening of the
    article's topic (its gold group's sibling): the negative whose wrong join starts a cascade
    (``--cost``). Keys starting with "_" are not signals (``_stack`` reads the model's only)."""
    hard = gold is not None and candidate is not None and candidate != gold and topic(candidate) == topic(gold)
    return dict(feats, _hard=1.0) if hard else feats


@dataclass
class _Placed:
    article_id: str
    event: str
    story: str


@dataclass(frozen=True)
class Cost:
    """Extra weight of the negative pairs whose wrong join costs most (``--cost``): a join into a
    small event (``small``, the candidate has up to ``SMALL`` reports: the event then grows around
    the wrong report) and a join into the other happening of the article's own topic (``hard``)."""

    small: float = 1.0
    hard: float = 1.0
    within: float = 0.0  # 1: only among each set's negatives (its negatives and positives keep their totals)
    SMALL = 3

    def of(self, d: dict, label: int) -> float:
        if label:
            return 1.0
        w = self.hard if d.get("_hard") else 1.0
        return w * (self.small if d["log_size"] <= math.log(self.SMALL) + 1e-9 else 1.0)


NO_COST = Cost()


def parse_cost(text: str) -> Cost:
    """``small:3,hard:2`` -> Cost(small=3, hard=2)."""
    values = dict(item.split(":") for item in text.split(",") if item)
    return Cost(**{k: float(v) for k, v in values.items()})


def _stack(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...], cost: Cost = NO_COST
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signals, labels and sample weights of all parts, each part (dataset) weighing the same; within
    a part, a pair weighs its ``cost``."""
    rows, ys, weights = [], [], []
    for x, y in parts:
        if not x:
            continue
        rows += [[d[f] for f in features] for d in x]
        ys += y
        if cost == NO_COST:
            weights += [1.0 / len(x)] * len(x)
            continue
        pair = [cost.of(d, label) for d, label in zip(x, y)]
        if cost.within:  # the costs move weight among a part's negatives only: its classes keep their totals
            negatives = [p for p, label in zip(pair, y) if not label]
            scale = len(negatives) / sum(negatives) if negatives else 1.0
            pair = [p if label else p * scale for p, label in zip(pair, y)]
        total = sum(pair)
        weights += [p / total for p in pair]
    return np.array(rows), np.array(ys), np.array(weights) * len(rows)


def fit(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...], cost: Cost = NO_COST) -> LinearModel:
    """Logistic regression on standardised signals; every part (dataset) weighs the same."""
    X, y, w = _stack(parts, features, cost)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    clf.fit((X - mean) / scale, y, sample_weight=w)
    return LinearModel(features, tuple(mean.round(6)), tuple(scale.round(6)),
                       tuple(clf.coef_[0].round(6)), float(round(clf.intercept_[0], 6)))


def _balanced_stack(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...],
                    cost: Cost) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_stack`` with the classes weighted to equal totals (as the linear model's
    class_weight="balanced"): every tree learner fits these."""
    X, y, w = _stack(parts, features, cost)
    for label in (0, 1):
        w[y == label] *= w.sum() / (2 * w[y == label].sum())
    return X, y, w


def _constraints(features: tuple[str, ...], monotone: bool) -> list[int] | None:
    """Each signal's ``DIRECTIONS`` entry for a monotone learner (None: unconstrained)."""
    if not monotone:
        return None
    if unknown := [f for f in features if f not in DIRECTIONS]:
        raise ValueError(f"no direction declared in signals.DIRECTIONS for {unknown}")
    return [DIRECTIONS[f] for f in features]


def _append_tree(t, vals: np.ndarray, feature: list, split: list, left: list, right: list, value: list,
                 roots: list) -> None:
    """One scikit-learn tree (``t``: its ``tree_``; ``vals``: its leaves' outputs, scaled) onto the
    flat lists ``TreeModel`` reads. Inner nodes get the weighted average of their children, so the
    Saabas credits along a path add up to the leaf's output; splits and values rounded to 9 digits."""
    weight = t.weighted_n_node_samples
    for i in reversed(range(t.node_count)):  # children come after their parent
        lc, rc = t.children_left[i], t.children_right[i]
        if lc != -1:
            vals[i] = (vals[lc] * weight[lc] + vals[rc] * weight[rc]) / (weight[lc] + weight[rc])
    offset = len(feature)
    roots.append(offset)
    for i in range(t.node_count):
        leaf = t.children_left[i] == -1
        feature.append(-1 if leaf else int(t.feature[i]))
        split.append(0.0 if leaf else round(float(t.threshold[i]), 9))
        left.append(-1 if leaf else offset + int(t.children_left[i]))
        right.append(-1 if leaf else offset + int(t.children_right[i]))
        value.append(round(float(vals[i]), 9))


def fit_trees(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...], depth: int = 3,
              trees: int = 150, min_leaf: int = 1, learning_rate: float = 0.1, subsample: float = 1.0,
              bags: int = 1, cost: Cost = NO_COST) -> TreeModel:
    """Gradient-boosted trees on the raw signals; every part (dataset) weighs the same.

    ``bags`` > 1 averages that many boosted models, each fitted with its own seed on a random
    ``subsample`` of the pairs per tree (stochastic boosting): the average of several such models
    depends less on the few pairs that decide one model's early splits. They ship as one model
    (all trees, each leaf value divided by ``bags``), so applying it costs ``bags`` x ``trees``.
    """
    X, y, w = _balanced_stack(parts, features, cost)
    fitted = []
    for seed in range(bags):
        clf = GradientBoostingClassifier(max_depth=depth, n_estimators=trees, learning_rate=learning_rate,
                                         random_state=seed, min_samples_leaf=min_leaf, subsample=subsample)
        clf.fit(X, y, sample_weight=w)
        fitted.append(clf)
    feature, split, left, right, value, roots = [], [], [], [], [], []
    for est in (e for clf in fitted for e in clf.estimators_[:, 0]):
        t = est.tree_
        _append_tree(t, t.value[:, 0, 0].astype(float) * learning_rate / bags,
                     feature, split, left, right, value, roots)
    base = float(np.mean([clf._raw_predict_init(X[:1])[0, 0] for clf in fitted]))
    model = TreeModel({"kind": "trees", "features": list(features), "threshold": 0.5, "base": base,
                       "depth": depth, "roots": roots, "feature": feature, "split": split, "left": left,
                       "right": right, "value": value})
    check = X[:: max(1, len(X) // 500)]
    ours = model.probabilities([dict(zip(features, r)) for r in check])
    raw = np.mean([clf.decision_function(check) for clf in fitted], axis=0)
    assert np.allclose(ours, 1.0 / (1.0 + np.exp(-raw)), atol=1e-6), "exported trees disagree with scikit-learn"
    return model


# ``--learner``: fit_trees; fit_hist_trees; the same, monotone; fit_line_trees; the same, monotone
LEARNERS = ("gb", "hist", "monotone", "line", "line-monotone")
SHIPPED_STORY_LEARNER = "line-monotone"  # session 11: T17 on unseen stories 0.861 -> 0.915 (docs/benchmarks.md)


def fit_hist_trees(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...], depth: int = 3,
                   trees: int = 150, min_leaf: int = 1, learning_rate: float = 0.1, subsample: float = 1.0,
                   bags: int = 1, cost: Cost = NO_COST, monotone: bool = False) -> TreeModel:
    """``fit_trees`` with scikit-learn's histogram learner (``HistGradientBoostingClassifier``: the
    signals binned into up to 255 values, each split between two bins), and with ``monotone`` each
    tree held to the signals' ``DIRECTIONS`` (a higher cosine never lowers the probability).

    Exported to the same flat arrays. The predictor keeps only the leaves shrunk (a node's value
    is its unshrunk Newton step, the root's 0), so every inner node's value is the average of its
    children's, weighted by the training pairs' weights that reach them, as ``fit_trees`` does
    (the Saabas credits then add up along a path). Splits send ``<=`` left, as ``TreeModel``;
    our signals hold no NaN, so the learner's missing-value side is never used (checked).
    One OpenMP thread: the sums then add in one order, so a retrain writes the same bytes.
    """
    from threadpoolctl import threadpool_limits

    if subsample != 1.0 or bags != 1:
        raise ValueError("the histogram learner fits neither --subsample nor --bags")
    X, y, w = _balanced_stack(parts, features, cost)
    assert not np.isnan(X).any(), "a signal is NaN"
    clf = HistGradientBoostingClassifier(
        max_depth=depth, max_iter=trees, learning_rate=learning_rate, min_samples_leaf=min_leaf,
        max_leaf_nodes=None, early_stopping=False, l2_regularization=0.0, random_state=0,
        monotonic_cst=_constraints(features, monotone))
    with threadpool_limits(limits=1, user_api="openmp"):
        clf.fit(X, y, sample_weight=w)
    feature, split, left, right, value, roots = [], [], [], [], [], []
    for (predictor,) in clf._predictors:  # one tree per iteration (binary)
        nodes = predictor.nodes
        inner = ~nodes["is_leaf"].astype(bool)
        if inner.any():
            assert np.isfinite(nodes["num_threshold"][inner]).all(), "a split on missing values"
            assert not nodes["is_categorical"][inner].any()
        vals = _hist_values(nodes, X, w)
        offset = len(feature)
        roots.append(offset)
        for i, node in enumerate(nodes):
            leaf = bool(node["is_leaf"])
            feature.append(-1 if leaf else int(node["feature_idx"]))
            # unrounded: with more distinct values than bins a split can be a training value itself
            split.append(0.0 if leaf else float(node["num_threshold"]))
            left.append(-1 if leaf else offset + int(node["left"]))
            right.append(-1 if leaf else offset + int(node["right"]))
            value.append(round(float(vals[i]), 9))
    base = float(clf._baseline_prediction[0, 0])
    model = TreeModel({"kind": "trees", "features": list(features), "threshold": 0.5, "base": base,
                       "depth": depth, "roots": roots, "feature": feature, "split": split, "left": left,
                       "right": right, "value": value})
    check = X[:: max(1, len(X) // 500)]
    ours = model.probabilities([dict(zip(features, r)) for r in check])
    assert np.allclose(ours, 1.0 / (1.0 + np.exp(-clf.decision_function(check))), atol=1e-6), \
        "exported trees disagree with scikit-learn"
    return model


def fit_line_trees(parts: list[tuple[list[dict], list[int]]], features: tuple[str, ...], depth: int = 3,
                   trees: int = 150, min_leaf: int = 1, learning_rate: float = 0.1, subsample: float = 1.0,
                   bags: int = 1, cost: Cost = NO_COST, monotone: bool = False) -> TreeModel:
    """Gradient boosting as ``fit_trees`` (each tree a least-squares regression tree on the
    log-loss residuals, scikit-learn's ``DecisionTreeRegressor``), but each tree's outputs scaled
    by one Newton step along the whole tree instead of one per leaf: a positive factor keeps the
    order of the leaves, so with ``monotone`` the trees (held to ``DIRECTIONS`` while growing)
    stay monotone. ``fit_trees``' per-leaf steps would undo the constraints. Exported as
    ``fit_trees`` exports."""
    from sklearn.tree import DecisionTreeRegressor

    if subsample != 1.0 or bags != 1:
        raise ValueError("the line-search learner fits neither --subsample nor --bags")
    X, y, w = _balanced_stack(parts, features, cost)
    cst = _constraints(features, monotone)
    positive = float(np.sum(w * y) / np.sum(w))
    base = math.log(positive / (1.0 - positive))
    raw = np.full(len(X), base)
    feature, split, left, right, value, roots = [], [], [], [], [], []
    for _ in range(trees):
        p = 1.0 / (1.0 + np.exp(-raw))
        residual = y - p
        tree = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=min_leaf, monotonic_cst=cst, random_state=0)
        tree.fit(X, residual, sample_weight=w)
        t = tree.tree_
        out = t.value[:, 0, 0].astype(float)
        step = out[tree.apply(X)]
        curvature = float(np.sum(w * p * (1 - p) * step * step))
        scale = max(0.0, float(np.sum(w * residual * step)) / curvature) if curvature > 0 else 0.0
        vals = out * scale * learning_rate
        raw += vals[tree.apply(X)]
        _append_tree(t, vals, feature, split, left, right, value, roots)
    model = TreeModel({"kind": "trees", "features": list(features), "threshold": 0.5, "base": base,
                       "depth": depth, "roots": roots, "feature": feature, "split": split, "left": left,
                       "right": right, "value": value})
    check = np.arange(0, len(X), max(1, len(X) // 500))
    ours = model.probabilities([dict(zip(features, r)) for r in X[check]])
    assert np.allclose(ours, 1.0 / (1.0 + np.exp(-raw[check])), atol=1e-6), "exported trees disagree with the fit"
    return model


def _hist_values(nodes: np.ndarray, X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Each node's value in one predictor's tree: a leaf's (shrunk) output, an inner node's the
    average of its children's weighted by the training weight that reaches them."""
    reach = np.zeros(len(nodes))
    rows, at = np.arange(len(X)), np.zeros(len(X), dtype=np.int64)
    leaf = nodes["is_leaf"].astype(bool)
    while len(rows):
        reach += np.bincount(at, weights=w[rows], minlength=len(nodes))
        going = ~leaf[at]
        rows, at = rows[going], at[going]
        goes_left = X[rows, nodes["feature_idx"][at]] <= nodes["num_threshold"][at]
        at = np.where(goes_left, nodes["left"][at], nodes["right"][at]).astype(np.int64)
    vals = nodes["value"].astype(float)
    for i in reversed(range(len(nodes))):  # children come after their parent
        if not leaf[i]:
            lc, rc = nodes["left"][i], nodes["right"][i]
            vals[i] = (vals[lc] * reach[lc] + vals[rc] * reach[rc]) / (reach[lc] + reach[rc])
    return vals


UNDATED = "~undated"


def without_some_dates(dataset: Dataset, share: float) -> Dataset:
    """A copy of the set with the publication date removed from a fixed share of its articles.

    Undated articles are common in scrapes (the seeds), but in the dev sets they occur only where
    story = event (ECB+'s older half), so the model would learn that an undated article never
    joins a story. This copy teaches it that a missing date says little about belonging.
    """
    cut = int(share * 256)
    articles = [replace(a, published=None)
                if hashlib.blake2b(a.id.encode(), digest_size=1).digest()[0] < cut else a
                for a in dataset.articles]
    return Dataset(dataset.name + UNDATED, articles, dataset.labels)


YOUNG = "~young"


def young_slices(dataset: Dataset, size: int) -> list[Dataset]:
    """The set cut into runs of ``size`` articles (file order), each replayed from an empty store.

    A whole set is replayed from an empty store once, so the trees see a young store (one or two
    groups, the only earlier article always the nearest) in a handful of pairs, too few for
    leaves of 30: they learn that a lone nearest neighbour means the same event, and a new store
    merges its first unrelated articles. The slices' pairs are one training part together, so
    they weigh as much as one set (every part weighs the same in ``_stack``).
    """
    return [Dataset(f"{dataset.name}{YOUNG}{i}", dataset.articles[start:start + size], dataset.labels)
            for i, start in enumerate(range(0, len(dataset.articles), size))]


def _pieces(data: Dataset | list[Dataset]) -> list[Dataset]:
    return data if isinstance(data, list) else [data]


def _joined(replays: list[tuple]) -> tuple:
    """The (event X, y), (story X, y) of several replays as one."""
    out = (([], []), ([], []))
    for level_pairs in replays:
        for (xs, ys), (x, y) in zip(out, level_pairs):
            xs += x
            ys += y
    return out


def train(examples: dict, names: list[str], kind: str = "trees", story_kind: str = "trees",
          without: tuple[str, ...] = (), with_: tuple[str, ...] = (), cost: Cost = NO_COST,
          learner: str = "gb", story_learner: str = SHIPPED_STORY_LEARNER, **tree_options) -> GroupingModels:
    """The event and the story model (the shipped weights use trees for both; ``linear`` is kept
    for comparison, docs/benchmarks.md). ``without``: signals left out, ``with_``: candidate signals
    added (to measure what one adds). ``cost``: the event pairs' costs (``--cost``)."""
    def make(level_kind: str, learner: str, level_cost: Cost = NO_COST):
        if level_kind != "trees":
            return partial(fit, cost=level_cost)
        if learner == "gb":
            return partial(fit_trees, cost=level_cost, **tree_options)
        fitter = fit_line_trees if learner.startswith("line") else fit_hist_trees
        return partial(fitter, cost=level_cost, monotone=learner.endswith("monotone"), **tree_options)
    event_all = EVENT_FEATURES + tuple(f for f in with_ if f not in EVENT_FEATURES)
    event_features = tuple(f for f in event_all if f not in without and "event:" + f not in without)
    story_features = tuple(f for f in story_signals(event_all) if f not in without and "story:" + f not in without)
    return GroupingModels(event=make(kind, learner, cost)([examples[n][0] for n in names], event_features),
                          story=make(story_kind, story_learner)([examples[n][1] for n in names], story_features))


# (by_vector, by_name) of the replays the shipped weights were trained on: more candidate
# groups, so more negative pairs, per article than the grouper asks for since session 9 (3, 2:
# the same cross-validated figures with ~10% less grouping CPU; docs/benchmarks.md)
TRAINING_CANDIDATES = (6, 4)


def learn(datasets: dict[str, Dataset], args, options: dict) -> tuple[GroupingModels, dict]:
    """Train on the sets (plus their partly undated copies), with rounds of learning from own mistakes."""
    if args.plain_story and args.cost != NO_COST:  # the event model costed, the story model as without
        costed, examples = _learn(datasets, args, options)
        plain, _ = _learn(datasets, argparse.Namespace(**{**vars(args), "cost": NO_COST}), options)
        return GroupingModels(event=costed.event, story=plain.story), examples
    return _learn(datasets, args, options)


def _learn(datasets: dict[str, Dataset], args, options: dict) -> tuple[GroupingModels, dict]:
    training = dict(datasets)
    if args.undated:
        training.update({n + UNDATED: without_some_dates(d, args.undated) for n, d in datasets.items()})
    if args.young:
        training.update({n + YOUNG: young_slices(d, args.young) for n, d in datasets.items()})
    if args.mixed:  # a sparse store: far neighbours all in a few stories (``evaluate.mixed_feed``)
        training["mixed"] = mixed_feed(datasets)
    counts = counts_of(args.train_candidates)
    examples = {n: _joined([replay(p, args.embedder, counts) for p in _pieces(d)]) for n, d in training.items()}
    for n, ((ex, ey), (sx, sy)) in examples.items():
        print(f"{n}: event pairs {len(ey)} ({sum(ey)} positive), story pairs {len(sy)} ({sum(sy)} positive)")
    models = train(examples, list(training), args.kind, args.story_kind, args.without, args.with_, args.cost, **options)
    for round_number in range(args.rounds):
        for n, d in training.items():
            (ex, ey), (sx, sy) = examples[n]
            (ox, oy), (tx, ty) = _joined([replay_own(p, args.embedder, models, counts, args.headline_rule, args.repair_in_replay)
                                          for p in _pieces(d)])
            examples[n] = ((ex + ox, ey + oy), (sx + tx, sy + ty))
            print(f"round {round_number + 1} {n}: +{len(oy)} event pairs ({sum(oy)} positive), "
                  f"+{len(ty)} story pairs ({sum(ty)} positive)")
        models = train(examples, list(training), args.kind, args.story_kind, args.without, args.with_, args.cost, **options)
    if args.undated_full is not None:
        models = GroupingModels(event=fit_undated_full(models.event, [examples[n][0] for n in training],
                                                       args.undated_full, options), story=models.story)
    return models, examples


def fit_undated_full(event, parts: list[tuple[list[dict], list[int]]], signals: tuple[str, ...],
                     options: dict) -> UndatedFullModel:
    """The event model with its own trees for full reports in undated pairs
    (``model.UndatedFullModel``): fitted on the pairs of full reports (dated or not: the dated
    ones teach what the signals mean, the model applies them only where no date speaks), with the
    event model's signals plus ``signals``; every part weighs the same, as in ``fit_trees``."""
    features = event.features + tuple(f for f in signals if f not in event.features)
    full = [([d for d in x if d["short"] == 0.0], [label for d, label in zip(x, y) if d["short"] == 0.0])
            for x, y in parts]
    trees = fit_trees([part for part in full if part[0]], features, depth=options["depth"], trees=options["trees"],
                      min_leaf=options["min_leaf"], learning_rate=options["learning_rate"])
    return UndatedFullModel({"kind": "undated-full", "base": event.to_dict(), "undated_full": trees.to_dict()})


def fold(dataset: Dataset, k: int, salt: str = "") -> Dataset:
    """The articles of half of the set's stories: held-out sets have stories the model never saw.

    Stories are ranked by a hash of their label (and ``salt``: another salt, another split) and
    dealt alternately, so each half gets as many.
    """
    def key(article) -> str:
        label = dataset.labels.get(article.id, {})
        story = label.get("story") or label.get("event") or article.id
        return topic(story)  # an ECB+ topic's two sub-topics stay on one side

    ranked = sorted({key(a) for a in dataset.articles}, key=lambda x: hashlib.blake2b((salt + x).encode()).hexdigest())
    side = {story: rank % 2 for rank, story in enumerate(ranked)}
    return Dataset(f"{dataset.name}#{k}", [a for a in dataset.articles if side[key(a)] == k], dataset.labels)


def counts_of(setting: tuple[int, ...] | None) -> CandidateCounts:
    """``(VECTOR, NAME)`` for every article, or ``(VECTOR, NAME, HEADLINE_VECTOR, HEADLINE_NAME)``
    (None: the grouper's own)."""
    if setting is None:
        return CANDIDATE_COUNTS
    return CandidateCounts(*(setting * 2 if len(setting) == 2 else setting))


def cross_validate(datasets: dict[str, Dataset], args, options: dict) -> int:
    """B-cubed F1 on stories the model never saw: the estimate for the held-out sets. With
    ``--score-candidates``, the same trained models are scored once per candidate setting."""
    table = defaultdict(list)
    settings = args.score_candidates or [None]
    for k in (0, 1):
        models, _ = learn({n: fold(d, k, args.cv_salt) for n, d in datasets.items()}, args, options)
        # also a sparse feed of the held-out stories (``evaluate.mixed_feed``; the dev sets are dense)
        held_out = {n: fold(d, 1 - k, args.cv_salt) for n, d in datasets.items()}
        held_out["mixed"] = mixed_feed(held_out)
        for setting in settings:
            for n, held in held_out.items():
                predicted, _ = run_ours(held, embedder=args.embedder, models=models, repair=args.repair,
                                        candidate_counts=counts_of(setting))
                for level in ("event", "story"):
                    gold = {i: g for i, g in held.gold(level).items() if i in {a.id for a in held.articles}}
                    if gold:
                        table[(setting, n, level)].append(scores(predicted[level], gold)["b3_f1"])
    print(f"{'candidates':10} {'set':20} {'level':6} {'fold 0':>7} {'fold 1':>7} {'mean':>7}")
    for (setting, n, level), v in table.items():
        label = "own" if setting is None else ",".join(map(str, setting))
        print(f"{label:10} {n:20} {level:6} {v[0]:7.3f} {v[1]:7.3f} {sum(v) / 2:7.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    parser.add_argument("--embedder", default="static")
    parser.add_argument("--lodo", action="store_true", help="also report leave-one-dataset-out scores")
    parser.add_argument("--kind", choices=["trees", "linear"], default="trees")
    parser.add_argument("--story-kind", choices=["trees", "linear"], default="trees")
    parser.add_argument("--depth", type=int, default=3, help="trees: depth of each tree")
    parser.add_argument("--trees", type=int, default=150, help="trees: how many")
    parser.add_argument("--min-leaf", type=int, default=10, help="trees: fewest training pairs in a leaf")
    parser.add_argument("--learning-rate", type=float, default=0.1, help="trees: shrinkage of each tree")
    parser.add_argument("--subsample", type=float, default=1.0, help="trees: share of the pairs each tree is fitted on")
    parser.add_argument("--bags", type=int, default=1, help="trees: boosted models averaged (seeds 0..bags-1)")
    parser.add_argument("--learner", choices=LEARNERS, default="gb",
                        help="trees: gb (GradientBoostingClassifier), hist (HistGradientBoostingClassifier), "
                             "monotone (hist, each signal held to its signals.DIRECTIONS), line (regression trees, one Newton "
                             "step per tree) or line-monotone; --monotone: the same as --learner monotone")
    parser.add_argument("--monotone", dest="learner", action="store_const", const="monotone",
                        help="the same as --learner monotone")
    parser.add_argument("--story-learner", choices=LEARNERS, default=SHIPPED_STORY_LEARNER,
                        help="trees: the story model's learner (shipped since session 11: line-monotone; "
                             "until then it was --learner's, gb)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of learning from the model's own grouping")
    parser.add_argument("--undated", type=float, default=0.25,
                        help="also train on a copy of each set with this share of publication dates removed")
    parser.add_argument("--young", type=int, default=0,
                        help="also train on each set cut into runs of this many articles, each from an empty store")
    parser.add_argument("--mixed", action="store_true",
                        help="also train on a sparse mixed feed of the sets (evaluate.mixed_feed)")
    parser.add_argument("--headline-rule", action="store_true",
                        help="apply the headline rule in the replays of the model's own grouping too")
    parser.add_argument("--cv", action="store_true",
                        help="2-fold cross-validation by story: train on half the stories of every set, score the other half")
    parser.add_argument("--with", dest="with_", type=lambda s: tuple(x for x in s.split(",") if x),
                        default=SHIPPED_CANDIDATES,
                        help=f"candidate signals to use, comma-separated (of {', '.join(CANDIDATE_FEATURES)}; "
                             f"default {','.join(SHIPPED_CANDIDATES)}; '' for none)")
    parser.add_argument("--without", type=lambda s: tuple(x for x in s.split(",") if x), default=(),
                        help="signals to leave out, comma-separated, 'story:' or 'event:' before one for one level only "
                             "(to measure what they add)")
    parser.add_argument("--cost", type=parse_cost, default=NO_COST,
                        help="event model: extra weight of costly negative pairs, e.g. small:3,hard:2 (a join into an "
                             "event of up to 3 reports; into the other happening of the article's topic); within:1 "
                             "moves weight among each set's negatives only")
    parser.add_argument("--repair", action=argparse.BooleanOptionalAction, default=None,
                        help="score with the local repair of small events on or off (default: the grouper's; "
                             "training replays always run without it)")
    parser.add_argument("--repair-in-replay", action="store_true",
                        help="run the replays of the model's own grouping with the local repair too")
    parser.add_argument("--cv-salt", default="", help="--cv: another split of the stories into halves")
    parser.add_argument("--plain-story", action="store_true",
                        help="with --cost: the story model from a training without the costs (its replays "
                             "grouped by the uncosted event model)")
    parser.add_argument("--train-candidates", default=TRAINING_CANDIDATES,
                        type=lambda s: tuple(int(x) for x in s.split(",")),
                        help="VECTOR,NAME[,HEADLINE_VECTOR,HEADLINE_NAME] count of candidates in the training "
                             "replays (default: %(default)s)")
    parser.add_argument("--score-candidates", nargs="+", default=None,
                        type=lambda s: tuple(int(x) for x in s.split(",")),
                        help="--cv: score the same models with each count of candidates, VECTOR,NAME "
                             "or VECTOR,NAME,HEADLINE_VECTOR,HEADLINE_NAME (events.CandidateCounts), e.g. 6,4 3,2,4,4")
    parser.add_argument("--undated-full", type=lambda s: tuple(x for x in s.split(",") if x) if s != "none" else None,
                        default=UNDATED_FULL_SIGNALS,
                        help="the event model's own trees for full reports in undated pairs, with these signals "
                             f"besides the event model's (default {','.join(UNDATED_FULL_SIGNALS)}; '' for none "
                             "more; 'none': no second trees, the event model alone)")
    parser.add_argument("--score", action="store_true", help="report scores of the trained model on each set")
    parser.add_argument("--out", default=str(WEIGHTS_PATH))
    args = parser.parse_args()
    options = {"depth": args.depth, "trees": args.trees, "min_leaf": args.min_leaf,
               "learning_rate": args.learning_rate, "subsample": args.subsample, "bags": args.bags,
               "learner": args.learner, "story_learner": args.story_learner}
    datasets = {n: load_dataset(Path(args.eval_dir) / n) for n in SETS}
    if args.cv:
        return cross_validate(datasets, args, options)
    models, examples = learn(datasets, args, options)
    Path(args.out).write_text(models.weights_json + "\n")
    print(f"wrote {args.out}")
    if args.lodo or args.score:
        table = defaultdict(dict)
        training = list(examples)
        settings = [("all", training)]
        for held in SETS:
            if args.lodo:
                settings = [("all", training), ("lodo", [n for n in training if n != "mixed"  # it holds every set
                                                         if n.split(UNDATED)[0].split(YOUNG)[0] != held])]
            for setting, names in settings:
                m = models if setting == "all" else train(examples, names, args.kind, args.story_kind, args.without, args.with_, args.cost, **options)
                predicted, _ = run_ours(datasets[held], embedder=args.embedder, models=m, repair=args.repair)
                for level in ("event", "story"):
                    gold = datasets[held].gold(level)
                    if gold:
                        table[(held, level)][setting] = scores(predicted[level], gold)["b3_f1"]
        print(f"{'set':20} {'level':6} {'trained on all':>14} {'left out':>9}")
        for (held, level), v in table.items():
            print(f"{held:20} {level:6} {v['all']:14.3f} {v.get('lodo', float('nan')):9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
