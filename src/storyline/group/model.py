"""The learned decision: a logistic regression over the pair signals, one for events, one for stories.

Weights come from ``bench/train_grouping.py`` (trained on the dev sets' labels) and ship as
``group/weights.json``; applying them needs only numpy. A probability of at least 0.5 joins the
best candidate; below it the article opens a new event (or the new event a new story). The same
weights explain a decision: each signal's contribution is its weight times its standardised value.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from pathlib import Path

import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.json"
_BYTES_TO_BITS = np.uint64(0x0102040810204080)  # sum of 2^(56 - 7k): byte k of a word lands on bit 56 + k
PATTERN_DEPTH = 3  # trees up to this deep are applied through a table of 2^(2^depth - 1) test patterns per tree


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        return {
            f: c * (values[f] - m) / s
            for f, m, s, c in zip(self.features, self.mean, self.scale, self.coef)
        }

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.array([self.probability(r) for r in rows])

    def probabilities_of(self, rows: list[list[float]], columns: tuple[str, ...]) -> np.ndarray:
        """``probabilities`` of rows of values named by ``columns`` (``signals.pairs_signals``)."""
        return self.probabilities([dict(zip(columns, row)) for row in rows])

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(self.contributions(values).values())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold}

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        return cls(tuple(d["features"]), tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]),
                   float(d["intercept"]), float(d.get("threshold", 0.5)))


class TreeModel:
    """Gradient-boosted trees (shallow, from scikit-learn), stored as flat arrays, applied with numpy.

    Signals interact (a high embedding cosine means little when the weekdays or the counts
    disagree), which a linear model cannot express. A decision is still explained signal by
    signal: along each tree's path, every split moves the prediction from a node's value to its
    child's, and that move is credited to the split's signal (Saabas contributions).
    """

    def __init__(self, d: dict):
        self.features = tuple(d["features"])
        self.threshold = float(d.get("threshold", 0.5))
        self.base = float(d["base"])
        self.feature = np.asarray(d["feature"], dtype=np.int64)  # per node, -1 at leaves
        self.split = np.asarray(d["split"], dtype=np.float64)
        self.left = np.asarray(d["left"], dtype=np.int64)  # absolute node index, -1 at leaves
        self.right = np.asarray(d["right"], dtype=np.int64)
        self.value = np.asarray(d["value"], dtype=np.float64)  # scaled node value (leaf: its output)
        self.roots = np.asarray(d["roots"], dtype=np.int64)
        self.depth = int(d["depth"])
        self._dict = d
        values = itemgetter(*self.features)  # a signals dict -> its values in model order
        self._row_values = values if len(self.features) > 1 else lambda row: (values(row),)
        self._where: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}  # ``_columns``
        self._path_credit = self._credit_along_paths()
        # for ``_leaves``: every tree laid out complete in heap order, each slot's test done at once
        self._complete_trees()

    def _credit_along_paths(self) -> np.ndarray:
        """Per node, the Saabas credit of each signal along the path from its tree's root to it:
        a decision's contributions are then one look-up per tree (the credit of the leaf it
        reaches) instead of a walk per explanation."""
        credit = np.zeros((len(self.feature), len(self.features)))
        stack = list(self.roots)
        while stack:
            node = stack.pop()
            f = self.feature[node]
            if f < 0:
                continue
            for child in (self.left[node], self.right[node]):
                credit[child] = credit[node]
                credit[child, f] += self.value[child] - self.value[node]
                stack.append(child)
        return credit

    def _complete_trees(self) -> None:
        """Every tree as a complete tree of ``depth`` levels in heap order (slot k's children are
        2k+1 and 2k+2; a leaf above the last level gets tests whose both sides lead to it): each
        slot's signal and split, and the node each last-level slot stands for. Up to
        ``PATTERN_DEPTH`` levels also a table from a tree's test results (one bit per slot) to its
        leaf, so a row's leaf in every tree is one comparison, one dot product and one look-up
        (~2x cheaper than stepping down level by level, which deeper trees do)."""
        trees, slots = len(self.roots), 2 ** self.depth - 1
        width = max(slots, 1)  # a tree that never splits keeps one slot, whose test is never used
        feature = np.zeros((trees, width), dtype=np.int64)
        split = np.full((trees, width), np.inf)
        final = np.zeros((trees, slots + 1), dtype=np.int64)
        for t, root in enumerate(self.roots.tolist()):
            slot_node = {0: root}  # heap slot -> node, filled level by level
            for k in range(slots):
                node = slot_node[k]
                inner = self.feature[node] >= 0
                if inner:
                    feature[t, k], split[t, k] = self.feature[node], self.split[node]
                slot_node[2 * k + 1] = self.left[node] if inner else node
                slot_node[2 * k + 2] = self.right[node] if inner else node
            for j in range(slots + 1):
                if self.feature[slot_node[slots + j]] >= 0:
                    raise ValueError(f"tree {t} is deeper than its declared depth {self.depth}")
                final[t, j] = slot_node[slots + j]
        self._slot_feature, self._slot_split, self._final_leaf = feature.ravel(), split.ravel(), final.ravel()
        self._pattern_leaf = None
        if self.depth <= PATTERN_DEPTH:
            patterns = np.arange(2 ** slots)
            k = np.zeros_like(patterns)
            for _ in range(self.depth):  # bit k set: slot k's test passed, go left
                k = np.where(patterns >> k & 1, 2 * k + 1, 2 * k + 2)
            self._pattern_leaf = final[:, k - slots].ravel()  # trees x patterns
            self._pattern_value = self.value[self._pattern_leaf]  # ... and that leaf's output
            self._first_pattern = np.arange(trees) * 2 ** slots
            # each tree's tests padded to 8 (a padding test never passes): one byte per test, eight
            # bytes per tree, read as one 64-bit word and packed into the pattern by a multiply
            byte_feature = np.zeros((trees, 8), dtype=np.int64)
            byte_split = np.full((trees, 8), -np.inf)
            byte_feature[:, :slots] = feature[:, :slots]
            byte_split[:, :slots] = split[:, :slots]
            self._byte_feature, self._byte_split = byte_feature.ravel(), byte_split.ravel()

    def _leaves(self, X: np.ndarray) -> np.ndarray:
        """The leaf node each row reaches in each tree."""
        if self._pattern_leaf is not None:
            return self._pattern_leaf[self._patterns(X)]  # flat: one gather
        trees, slots = len(self.roots), 2 ** self.depth - 1
        passed = X[:, self._slot_feature] <= self._slot_split  # rows x (trees x slots)
        first = np.arange(trees) * slots
        slot = np.zeros((X.shape[0], trees), dtype=np.int64)
        rows = np.arange(X.shape[0])[:, None]
        for _ in range(self.depth):
            slot = 2 * slot + 2 - passed[rows, first + slot]  # a passed test goes left: 2k+1
        return self._final_leaf[np.arange(trees) * (slots + 1) + slot - slots]

    def _patterns(self, X: np.ndarray, byte_feature: np.ndarray | None = None) -> np.ndarray:
        """Each row's test pattern in each tree (bit k: slot k's test passed, go left), as its
        position in the pattern tables. ``byte_feature``: each test's column in ``X`` when ``X``
        is not in the model's order (``probabilities_of``)."""
        columns = self._byte_feature if byte_feature is None else byte_feature
        passed = X.take(columns, axis=1) <= self._byte_split  # rows x (trees x 8), a byte each
        if sys.byteorder == "little":  # byte k of each word to bit k: the multiply's partial products never collide
            pattern = (passed.view(np.uint64) * _BYTES_TO_BITS) >> np.uint64(56)
        else:
            pattern = passed.reshape(X.shape[0], len(self.roots), 8).astype(np.int64) @ (1 << np.arange(8))
        return self._first_pattern + pattern.astype(np.int64)

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        return self._probabilities(np.array(list(map(self._row_values, rows)), dtype=np.float64))

    def probabilities_of(self, rows: list[list[float]], columns: tuple[str, ...]) -> np.ndarray:
        """``probabilities`` of rows of values named by ``columns`` (``signals.pairs_signals``): the
        model reads its own columns from them, with no dict per row."""
        if not rows:
            return np.zeros(0)
        X = np.array(rows, dtype=np.float64)
        where, byte_where = self._columns(columns)
        if self._pattern_leaf is not None:  # each test reads its column straight from the rows
            return self._from_outputs(self._pattern_value[self._patterns(X, byte_where)])
        return self._probabilities(X.take(where, axis=1))

    def _columns(self, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Where each of the model's signals is among ``columns``, and where each pattern test's
        signal is (kept per layout: a grouper has two)."""
        found = self._where.get(columns)
        if found is None:
            where = np.array([columns.index(f) for f in self.features], dtype=np.int64)
            byte_where = where[self._byte_feature] if self._pattern_leaf is not None else where
            found = self._where[columns] = (where, byte_where)
        return found

    def _probabilities(self, X: np.ndarray) -> np.ndarray:
        """The probability of each row of ``X`` (the model's signals, in its order)."""
        if self._pattern_leaf is not None:  # the leaves' outputs straight from the pattern table
            return self._from_outputs(self._pattern_value[self._patterns(X)])
        return self._from_outputs(self.value[self._leaves(X)])

    def _from_outputs(self, outputs: np.ndarray) -> np.ndarray:
        """The probabilities from each row's outputs of every tree (rows x trees)."""
        raw = self.base + np.add.reduce(outputs, axis=1)  # ``outputs.sum(axis=1)`` without its Python wrapper
        return 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(raw, -50.0), 50.0)))  # ufuncs: np.clip's wrapper costs more

    def probability(self, values: dict[str, float]) -> float:
        return float(self.probabilities([values])[0])

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        x = np.array([[values[f] for f in self.features]], dtype=np.float64)
        out = self._path_credit[self._leaves(x)[0]].sum(axis=0)
        return {f: float(v) for f, v in zip(self.features, out)}

    def to_dict(self) -> dict:
        return self._dict


class UndatedFullModel:
    """The event model with its own trees for a full report in an undated pair (the report or the
    event without a publication date), the shared trees for every other pair.

    Without dates, what tells two happenings of one kind apart is in the bodies: who each keeps
    naming (``signals.main_actors``). The shared trees serve headlines alone (UCI: nearly every
    report) and dated full reports too: given signals that vary only for full reports, they spend
    splits on them and re-form the other sets' events (T17 lost 0.026 on unseen stories, session
    12), and trees fitted on full reports alone split T17's dated events (session 13). So the
    second trees (fitted on the full reports' pairs, dated or not, with the ``main_actors``
    signals) decide only where no date speaks: headlines and dated pairs keep the shared model's
    probability exactly (docs/benchmarks.md, "Grouping, session 13 (quality)").
    """

    def __init__(self, d: dict):
        self.base = model_from_dict(d["base"])
        self.undated_full = model_from_dict(d["undated_full"])
        self.threshold = self.base.threshold
        self.features = self.base.features + tuple(
            f for f in self.undated_full.features + ("short", "undated") if f not in self.base.features)
        self._dict = d

    def deciding(self, values: dict[str, float]) -> TreeModel | LinearModel:
        """The trees that decide this pair: the second ones for a full report in an undated pair."""
        return self.undated_full if values["short"] == 0.0 and values["undated"] == 1.0 else self.base

    def probabilities_of(self, rows: list[list[float]], columns: tuple[str, ...]) -> np.ndarray:
        p = self.base.probabilities_of(rows, columns)
        short, undated = columns.index("short"), columns.index("undated")
        picked = [i for i, row in enumerate(rows) if row[short] == 0.0 and row[undated] == 1.0]
        if picked:
            p[picked] = self.undated_full.probabilities_of([rows[i] for i in picked], columns)
        return p

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        return np.array([self.probability(r) for r in rows])

    def probability(self, values: dict[str, float]) -> float:
        return self.deciding(values).probability(values)

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        """The deciding trees' contributions (``storyline why``): they add up to its probability."""
        return self.deciding(values).contributions(values)

    def to_dict(self) -> dict:
        return self._dict


@dataclass(frozen=True)
class GroupingModels:
    event: LinearModel | TreeModel | UndatedFullModel
    story: LinearModel | TreeModel

    @cached_property
    def weights_json(self) -> str:
        return json.dumps({"event": self.event.to_dict(), "story": self.story.to_dict()})

    @cached_property
    def fingerprint(self) -> str:
        """Names these weights: a decision's explanation records it, the store keeps the weights."""
        return hashlib.sha256(self.weights_json.encode()).hexdigest()[:16]


def models_from_json(text: str) -> GroupingModels:
    data = json.loads(text)
    return GroupingModels(model_from_dict(data["event"]), model_from_dict(data["story"]))


def model_from_dict(d: dict) -> LinearModel | TreeModel:
    if d.get("kind") == "undated-full":
        return UndatedFullModel(d)
    return TreeModel(d) if d.get("kind") == "trees" else LinearModel.from_dict(d)


@lru_cache(maxsize=4)
def load_models(path: str | None = None) -> GroupingModels:
    return models_from_json(Path(path or WEIGHTS_PATH).read_text())
