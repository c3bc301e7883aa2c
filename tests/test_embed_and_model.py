"""The static embedder's own pooling equals model2vec's, and a tree model's explanation adds up to
its decision: the speed-ups of both must not change a number."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np

from storyline.embed import _normalize, get_embedder
from storyline.group.model import load_models
from storyline.group.signals import lead_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_static_embedding_equals_model2vec_bit_for_bit():
    embedder = get_embedder("static")
    texts = [lead_text(None, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += ["", "   ", "\x00\x01", "Ünïcödé ✓ 中文 текст العربية", "Lachin " * 3000,
              "Blinken called Aliyev on Monday.", "zzqxv qqqq 12345",
              # the word-by-word tokenizer path: typographic punctuation, underscores, signs, white space,
              # a control character inside a word (dropped by BERT: one word), a word past 100 characters
              "Don’t “quote” — dash… end ‘it’", "A_b c-d 3.5% $10 #tag @me {x} [y] ~z`", "tab\there\r\nnew  line",
              "ab\x01cd", "x" * 150 + " ok", "Blinken called Aliyev on Monday."]
    reference = _normalize(np.asarray(
        embedder.model.encode(texts, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32))
    batch = embedder.encode(texts)
    one_by_one = np.stack([embedder.encode([t])[0] for t in texts])
    assert batch.dtype == np.float32 and batch.shape == reference.shape
    assert np.array_equal(batch, reference)
    assert np.array_equal(one_by_one, reference)
    assert not batch[texts.index("")].any()  # an empty text has no tokens: a zero vector, as in model2vec


def _trees(*models) -> list:
    """The tree models inside ``models`` (an ``UndatedFullModel`` holds two)."""
    return [t for m in models for t in ((m.base, m.undated_full) if hasattr(m, "undated_full") else (m,))]


def test_tree_contributions_add_up_to_the_probability():
    """Saabas contributions: the root values plus every signal's credit is the model's raw score,
    for any input, so ``storyline why`` accounts for the whole decision."""
    rng = random.Random(7)
    for model in _trees(load_models().event, load_models().story):
        if not hasattr(model, "roots"):
            continue
        for _ in range(200):
            values = {f: rng.choice([0.0, 0.05, 0.3, 0.7, 1.0, 2.5, 8.0, -1.0]) for f in model.features}
            contributions = model.contributions(values)
            raw = model.base + float(model.value[model.roots].sum()) + sum(contributions.values())
            assert math.isclose(1 / (1 + math.exp(-raw)), model.probability(values), abs_tol=1e-9)
            # only signals the paths split on get credit
            used = {model.features[f] for f in model.feature[model.feature >= 0]}
            assert all(v == 0.0 for f, v in contributions.items() if f not in used)


def test_a_tree_model_that_never_splits_scores_and_explains():
    from storyline.group.model import TreeModel

    model = TreeModel(dict(kind="trees", features=["a", "b"], base=0.0, feature=[-1, -1], split=[0.0, 0.0],
                           left=[-1, -1], right=[-1, -1], value=[0.5, -0.25], roots=[0, 1], depth=3))
    assert math.isclose(model.probability({"a": 1.0, "b": 2.0}), 1 / (1 + math.exp(-0.25)))
    assert model.contributions({"a": 1.0, "b": 2.0}) == {"a": 0.0, "b": 0.0}


def _walk(model, x) -> list[int]:
    """The leaf of each tree, one node at a time: the plain definition the numpy path must equal."""
    leaves = []
    for node in model.roots.tolist():
        while model.feature[node] >= 0:
            node = model.left[node] if x[model.feature[node]] <= model.split[node] else model.right[node]
        leaves.append(node)
    return leaves


def test_trees_reach_the_leaves_a_plain_walk_reaches():
    """The shipped trees and hand-made ones with leaves above the last level, on random rows and
    on rows sitting exactly on split values (``<=`` goes left)."""
    from storyline.group.model import TreeModel

    # tree 0: root splits on a; its left child splits on b, its right child is a leaf (depth 2 of 3)
    # tree 1: a single leaf; tree 2: three levels down the left side on b, a, b
    ragged = TreeModel(dict(
        kind="trees", features=["a", "b"], base=0.1, depth=3, roots=[0, 5, 6],
        feature=[0, 1, -1, -1, -1, -1, 1, 0, 1, -1, -1, -1, -1],
        split=[0.5, 0.2, 0, 0, 0, 0, 1.0, -0.5, 0.0, 0, 0, 0, 0],
        left=[1, 2, -1, -1, -1, -1, 7, 8, 9, -1, -1, -1, -1],
        right=[4, 3, -1, -1, -1, -1, 12, 11, 10, -1, -1, -1, -1],
        value=[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]))
    deeper = TreeModel({**ragged.to_dict(), "depth": 5})  # stepped down level by level, not through the table
    rng = np.random.default_rng(3)
    for model in _trees(load_models().event, load_models().story) + [ragged, deeper]:
        X = rng.normal(size=(300, len(model.features))) * 2
        inner = model.feature >= 0
        for row, (f, s) in enumerate(zip(model.feature[inner][:100], model.split[inner][:100])):
            X[row, f] = s  # exactly on a split
        assert model._leaves(X).tolist() == [_walk(model, x) for x in X]
        # probabilities read the leaves' outputs from the pattern table: the same as the walk's
        rows = [dict(zip(model.features, x)) for x in X.tolist()]
        raw = model.base + model.value[np.array([_walk(model, x) for x in X])].sum(axis=1)
        expected = 1.0 / (1.0 + np.exp(-np.minimum(np.maximum(raw, -50.0), 50.0)))
        assert model.probabilities(rows).tolist() == expected.tolist()
