"""The trainer's other tree learners (``bench/train_grouping.py --learner``) export models that
``TreeModel`` applies exactly as the learner does, with explanations that add up; the monotone
ones never move the probability against a signal's declared direction (``signals.DIRECTIONS``)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from storyline.group.signals import CANDIDATE_FEATURES, DIRECTIONS, EVENT_FEATURES

TRAINER = Path(__file__).resolve().parent.parent / "bench" / "train_grouping.py"
FEATURES = ("cos_centroid", "days_apart", "log_size", "names_missed")


def _trainer():
    spec = importlib.util.spec_from_file_location("train_grouping", TRAINER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


def _parts():
    """Two sets of pairs whose label wiggles in cos_centroid: an unconstrained learner follows the wiggle."""
    rng = np.random.default_rng(5)
    parts = []
    for n in (3000, 1500):
        X = np.column_stack([rng.random(n), rng.random(n) * 3, rng.integers(0, 4, n), rng.random(n)])
        score = X[:, 0] + 0.4 * np.sin(9 * X[:, 0]) - 0.2 * X[:, 1] - 0.3 * X[:, 3] + 0.2 * rng.standard_normal(n)
        parts.append(([dict(zip(FEATURES, map(float, r))) for r in X], [int(s > 0.3) for s in score]))
    return parts


def test_every_signal_has_a_direction():
    assert set(EVENT_FEATURES) | set(CANDIDATE_FEATURES) <= set(DIRECTIONS)
    assert set(DIRECTIONS.values()) <= {-1, 0, 1}


@pytest.mark.parametrize("learner", ["hist", "monotone", "line", "line-monotone"])
def test_learners_export_exactly_and_monotone_ones_hold(learner):
    trainer = _trainer()
    fit = trainer.fit_line_trees if learner.startswith("line") else trainer.fit_hist_trees
    # fitting asserts that the exported arrays give the learner's own scores
    model = fit(_parts(), FEATURES, depth=3, trees=30, min_leaf=10, monotone=learner.endswith("monotone"))
    assert model.depth == 3 and model._pattern_leaf is not None  # the fast pattern tables apply
    rng = np.random.default_rng(6)
    wiggles = 0
    for _ in range(40):
        row = {"cos_centroid": 0.5, "days_apart": float(rng.random() * 3), "log_size": float(rng.integers(0, 4)),
               "names_missed": float(rng.random())}
        contributions = model.contributions(row)  # Saabas credits add up to the raw score
        raw = model.base + float(model.value[model.roots].sum()) + sum(contributions.values())
        assert math.isclose(1 / (1 + math.exp(-raw)), model.probability(row), abs_tol=1e-9)
        for f in ("cos_centroid", "days_apart", "names_missed"):
            grid = np.linspace(-0.5, 3.5, 161)
            p = model.probabilities([dict(row, **{f: float(v)}) for v in grid]) * DIRECTIONS[f]
            wiggles += int((np.diff(p) < -1e-12).any())
    if learner.endswith("monotone"):
        assert wiggles == 0
    else:
        assert wiggles > 0  # the data wiggle, and so does an unconstrained model
