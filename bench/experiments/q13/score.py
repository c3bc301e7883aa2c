"""q13: fit second stages on a cached split's training pairs and score the held-out halves.
usage: score.py SALT VARIANT[,VARIANT...]   (VARIANT names in VARIANTS; 'base' = stage 1 alone)"""
import sys
from collections import defaultdict
import numpy as np
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import learn as L  # patches nothing for scoring once RECORD_ALL is off
L.RECORD_ALL = False
from sklearn.linear_model import LogisticRegression
from storyline.group.model import GroupingModels, CorrectedModel

WHO = ("actor_in_group", "group_actor_in_article")
VARIANTS = {
    "base": None,
    "who": dict(extra=WHO, veto=False),
    "whoveto": dict(extra=WHO, veto=True),
    "who3": dict(extra=WHO + ("names_body_cos",), veto=False),
    "whoC01": dict(extra=WHO, veto=False, C=0.1),
    "whonobal": dict(extra=WHO, veto=False, balanced=False),
    "insrecal": dict(extra=(), veto=False),
}

def logit(p):
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))

def fit_stage2(event_model, examples, extra, veto=False, C=1.0, balanced=True, parts="all"):
    rows, ys, ws = [], [], []
    for n, (x, y) in examples.items():
        full = [(d, label) for d, label in zip(x, y) if d["short"] == 0.0]
        if not full:
            continue
        rows += [d for d, _ in full]
        ys += [label for _, label in full]
    p = event_model.probabilities(rows)
    X = np.column_stack([logit(p)] + [[d[f] for d in rows] for f in extra]) if extra else logit(p)[:, None]
    y = np.array(ys)
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced" if balanced else None)
    clf.fit(X, y)
    d = {"kind": "corrected", "base": event_model.to_dict(), "extra": list(extra),
         "coef": [round(float(c), 6) for c in clf.coef_[0]], "intercept": round(float(clf.intercept_[0]), 6), "veto": veto}
    return CorrectedModel(d), len(rows), int(y.sum())

def run(salt, variants, tag="ship"):
    ds = L.datasets()
    table = defaultdict(list)
    for k in (0, 1):
        cache, models = L.load_cache(tag, salt, k)
        for v in variants:
            spec = VARIANTS[v]
            if spec is None:
                m = models
            else:
                ev, npairs, npos = fit_stage2(models.event, cache["event_examples"], **spec)
                print(f"{v} fold {k}: stage 2 on {npairs} pairs ({npos} +): coef {ev.coef.round(3).tolist()} b {ev.intercept:.3f}", flush=True)
                m = GroupingModels(event=ev, story=models.story)
            for n, sc in L.held_out_scores(ds, k, salt, m).items():
                table[(v, n)].append(sc["b3_f1"])
    out = {}
    for (v, n), vals in table.items():
        out.setdefault(v, {})[n] = sum(vals) / 2
        print(f"RESULT salt={salt or '0'} {v:10} {n:20} {vals[0]:.4f} {vals[1]:.4f} mean {sum(vals)/2:.4f}", flush=True)
    return out

if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2].split(","), *(sys.argv[3:4]))
