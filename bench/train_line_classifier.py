"""Train the line classifier of storyline.clean on boilerplate-dev; deterministic (fixed seeds).

Gold labels: a page line is article text when its words occur, in order, in the page's gold
``main_text``. Lines of four words or more must occur as a whole word sequence; shorter lines
("Home", "1. Phoneography") also need a matched longer line within three lines, because a short
line's words occur somewhere in almost any article.

    PYTHONPATH=src python bench/train_line_classifier.py            # 5-fold CV by page, then fit + save
    PYTHONPATH=src python bench/train_line_classifier.py --cv-only

The model is written to src/storyline/clean/line_model.json (see storyline.clean.classifier).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clean_bench import EVAL, load_pages, word_prf  # noqa: E402

from storyline.clean import normalize_line  # noqa: E402
from storyline.clean.classifier import MODEL_PATH, LineClassifier  # noqa: E402
from storyline.clean.features import FEATURE_NAMES, page_features  # noqa: E402

_WORD = re.compile(r"\w+")
SEED = 13


def page_lines(raw: str) -> list[str]:
    return [line for line in (normalize_line(x) for x in raw.split("\n")) if line]


def gold_labels(lines: list[str], gold: str) -> np.ndarray:
    padded = " " + " ".join(_WORD.findall(gold.lower())) + " "
    tokens = [_WORD.findall(line.lower()) for line in lines]
    found = np.array([bool(t) and (" " + " ".join(t) + " ") in padded for t in tokens])
    long_match = found & np.array([len(t) >= 4 for t in tokens])
    labels = long_match.copy()
    for i, t in enumerate(tokens):
        if found[i] and len(t) < 4 and long_match[max(0, i - 3):i + 4].any():
            labels[i] = True
    return labels.astype(int)


def build(pages):
    rows, labels, weights, groups, texts = [], [], [], [], []
    for g, (_, raw, gold) in enumerate(pages):
        lines = page_lines(raw)
        if not lines:
            continue
        feats = page_features(lines)
        y = gold_labels(lines, gold)
        n_words = np.array([len(_WORD.findall(line)) for line in lines], dtype=float)
        rows.append(feats)
        labels.append(y)
        weights.append(n_words / max(n_words.sum(), 1.0) * len(lines))
        groups.append(np.full(len(lines), g))
        texts.append(lines)
    return np.vstack(rows), np.concatenate(labels), np.concatenate(weights), np.concatenate(groups), texts


def make_model():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.1, max_depth=6, max_leaf_nodes=24, min_samples_leaf=40,
        l2_regularization=1.0, random_state=SEED,
    )


def out_of_fold(X, y, w, folds) -> np.ndarray:
    proba = np.zeros(len(y))
    for train, test in folds:
        model = make_model().fit(X[train], y[train], sample_weight=w[train])
        proba[test] = model.predict_proba(X[test])[:, 1]
    return proba


def page_f1(texts, groups, proba, gold, threshold) -> float:
    scores = []
    for g, lines in enumerate(texts):
        kept = "\n".join(line for line, q in zip(lines, proba[groups == g]) if q >= threshold)
        scores.append(word_prf(kept, gold[g])[2])
    return float(np.mean(scores))


def export_forest(model) -> dict:
    """A fitted HistGradientBoostingClassifier (binary) as flat arrays for classifier.Forest."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth = 0
    for (tree,) in model._predictors:
        nodes = tree.nodes
        offset = len(feature)
        roots.append(offset)
        for node in nodes:
            leaf = bool(node["is_leaf"])
            feature.append(-1 if leaf else int(node["feature_idx"]))
            threshold.append(0.0 if leaf else float(node["num_threshold"]))
            left.append(-1 if leaf else offset + int(node["left"]))
            right.append(-1 if leaf else offset + int(node["right"]))
            value.append(float(node["value"]) if leaf else 0.0)
        depth = max(depth, int(nodes["depth"].max()))
    return {"bias": float(np.ravel(model._baseline_prediction)[0]), "depth": depth, "roots": roots,
            "feature": feature, "threshold": threshold, "left": left, "right": right,
            "value": [round(v, 7) for v in value]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)

    from sklearn.model_selection import GroupKFold

    pages = load_pages(EVAL / "boilerplate-dev")
    X, y, w, groups, texts = build(pages)
    gold = [g for _, _, g in pages]
    print(f"{len(texts)} pages, {len(y)} lines, {y.mean():.3f} of lines are article text")
    print(f"oracle (gold line labels): F1 {page_f1(texts, groups, y.astype(float), gold, 0.5):.4f}")

    folds = list(GroupKFold(n_splits=args.folds).split(X, y, groups))
    proba = out_of_fold(X, y, w, folds)
    cv = {t: page_f1(texts, groups, proba, gold, t) for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)}
    for t, f1 in cv.items():
        print(f"CV ({args.folds}-fold by page): F1 {f1:.4f} at threshold {t}")
    threshold = max(cv, key=lambda t: (cv[t], -abs(t - 0.5)))
    if args.cv_only:
        return 0

    model = make_model().fit(X, y, sample_weight=w)
    spec = {
        "about": "storyline.clean line classifier; trained by bench/train_line_classifier.py on boilerplate-dev",
        "features": list(FEATURE_NAMES),
        "threshold": threshold,
        "cv_f1": round(cv[threshold], 4),
        "forest": export_forest(model),
    }
    MODEL_PATH.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    check = LineClassifier(spec)
    lines = texts[0]
    ours = check.forest.raw_score(X[groups == 0])
    theirs = model.decision_function(X[groups == 0])
    assert np.allclose(ours, theirs, atol=1e-5), "exported trees disagree with scikit-learn"
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB), threshold {threshold}, "
          f"{len(lines)} lines of page 0 checked against scikit-learn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
