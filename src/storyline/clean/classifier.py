"""The learned line classifier: P(a line is article text), from its features and its neighbours'.

Gradient-boosted trees over FEATURE_NAMES (a line's shape and its neighbourhood), trained by
bench/train_line_classifier.py on boilerplate-dev and stored as plain JSON (line_model.json: no
pickle, no scikit-learn at run time). The trees are evaluated with numpy, all trees and lines at once.
(A second stage fed with the neighbours' scores was tried and scored lower in cross-validation.)
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from storyline.clean.features import FEATURE_NAMES, page_features

MODEL_PATH = Path(__file__).with_name("line_model.json")


class Forest:
    """A sum of regression trees in flat arrays (children as absolute node indices), plus a bias."""

    def __init__(self, spec: dict):
        self.bias = float(spec["bias"])
        self.feature = np.asarray(spec["feature"], dtype=np.int64)
        self.threshold = np.asarray(spec["threshold"], dtype=float)
        self.left = np.asarray(spec["left"], dtype=np.int64)
        self.right = np.asarray(spec["right"], dtype=np.int64)
        self.value = np.asarray(spec["value"], dtype=float)
        self.is_leaf = self.left < 0
        self.roots = np.asarray(spec["roots"], dtype=np.int64)
        # a leaf points to itself, so walking further down is a no-op
        own = np.arange(len(self.left))
        self.left = np.where(self.is_leaf, own, self.left)
        self.right = np.where(self.is_leaf, own, self.right)
        self.feature = np.where(self.is_leaf, 0, self.feature)
        self.depth = int(spec["depth"])

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        n, n_features = X.shape
        flat = np.ascontiguousarray(X, dtype=float).ravel()
        row_start = (np.arange(n) * n_features)[:, None]
        node = np.tile(self.roots, (n, 1))
        for _ in range(self.depth):
            go_left = flat.take(row_start + self.feature.take(node)) <= self.threshold.take(node)
            node = np.where(go_left, self.left.take(node), self.right.take(node))
        return self.bias + self.value.take(node).sum(axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class LineClassifier:
    def __init__(self, spec: dict):
        if tuple(spec["features"]) != FEATURE_NAMES:
            raise ValueError(f"{MODEL_PATH.name} was trained on other features; retrain it "
                             "with bench/train_line_classifier.py")
        self.forest = Forest(spec["forest"])
        self.threshold = float(spec["threshold"])

    def content_probability(self, lines: list[str], rule_hits: list[bool] | None = None) -> np.ndarray:
        """P(article text) of each line of one page (lines normalised, none empty)."""
        if not lines:
            return np.zeros(0)
        return _sigmoid(self.forest.raw_score(page_features(lines, rule_hits)))


@lru_cache(maxsize=1)
def line_classifier() -> LineClassifier:
    """The shipped model, loaded once per process."""
    with open(MODEL_PATH, encoding="utf-8") as f:
        return LineClassifier(json.load(f))
