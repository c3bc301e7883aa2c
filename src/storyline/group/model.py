"""The learned decision: a logistic regression over the pair signals, one for events, one for stories.

Weights come from ``bench/train_grouping.py`` (trained on the dev sets' labels) and ship as
``group/weights.json``; applying them needs only numpy. A probability of at least 0.5 joins the
best candidate; below it the article opens a new event (or the new event a new story). The same
weights explain a decision: each signal's contribution is its weight times its standardised value.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WEIGHTS_PATH = Path(__file__).resolve().parent / "weights.json"


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


@dataclass(frozen=True)
class GroupingModels:
    event: LinearModel
    story: LinearModel

    def to_json(self) -> str:
        return json.dumps({"event": self.event.to_dict(), "story": self.story.to_dict()}, indent=1)


@lru_cache(maxsize=4)
def load_models(path: str | None = None) -> GroupingModels:
    data = json.loads(Path(path or WEIGHTS_PATH).read_text())
    return GroupingModels(LinearModel.from_dict(data["event"]), LinearModel.from_dict(data["story"]))
