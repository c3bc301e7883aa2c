"""q13: second stages fitted on out-of-fold stage-1 probabilities (folds by ECB+ topic)."""
import hashlib, sys, time
from collections import defaultdict
import numpy as np
from scipy.optimize import minimize
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import learn as L
L.RECORD_ALL = False
import train_grouping as tg
from storyline.group.model import GroupingModels, CorrectedModel

WHO = ("actor_in_group", "group_actor_in_article")

def full_pairs(examples):
    rows, ys = [], []
    for n, (x, y) in examples.items():
        for d, label in zip(x, y):
            if d["short"] == 0.0:
                rows.append(d); ys.append(label)
    return rows, np.array(ys)


def cached_fold(tag, salt, k):
    """A cached fold's models, its full reports' pairs and their out-of-fold probabilities
    (computed once, then kept next to the cache)."""
    path = L.cache_path(tag, salt, k)
    cache, models = L.load_cache(tag, salt, k)
    rows, ys = full_pairs(cache["event_examples"])
    oofp = path.with_suffix(".oof.npy")
    if oofp.exists():
        return models, rows, ys, np.load(oofp)
    t = time.time()
    rows, ys, p = oof(models, cache["event_examples"])
    np.save(oofp, p)
    print(f"oof fold {k}: {time.time() - t:.0f}s", flush=True)
    return models, rows, ys, p

def side(topic, k=2):
    return hashlib.blake2b(("q13" + topic).encode(), digest_size=2).digest()[0] % k

def oof(models, examples, k=2):
    """Stage-1 probabilities of the full pairs, each from trees trained without its topic's pairs."""
    feats = models.event.features
    rows, ys = full_pairs(examples)
    p = np.zeros(len(rows))
    where = np.array([side(d.get("_topic", "")) for d in rows])
    for f in range(k):
        parts = [([d for d in x if side(d.get("_topic", "")) != f], [l for d, l in zip(x, y) if side(d.get("_topic", "")) != f])
                 for n, (x, y) in examples.items()]
        model = tg.fit_trees([pt for pt in parts if pt[0]], feats, depth=3, trees=150, min_leaf=10)
        idx = np.flatnonzero(where == f)
        p[idx] = model.probabilities([rows[i] for i in idx])
    return rows, ys, p

def logit(p):
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))

def fit_logistic(X, y, positive=(), l2=1e-3):
    """Class-balanced logistic regression; coefficient j >= 0 for j in ``positive``."""
    w = np.where(y == 1, 0.5 / y.sum(), 0.5 / (len(y) - y.sum())) * len(y)
    Xb = np.column_stack([X, np.ones(len(X))])
    def loss(theta):
        z = Xb @ theta
        l = np.sum(w * (np.logaddexp(0, z) - y * z)) / len(y) + l2 * np.sum(theta[:-1] ** 2)
        g = Xb.T @ (w * (1 / (1 + np.exp(-z)) - y)) / len(y)
        g[:-1] += 2 * l2 * theta[:-1]
        return l, g
    bounds = [(0, None) if j in positive else (None, None) for j in range(X.shape[1])] + [(None, None)]
    r = minimize(loss, np.r_[np.ones(1), np.zeros(X.shape[1])], jac=True, method="L-BFGS-B", bounds=bounds)
    return r.x[:-1], r.x[-1]

def stage2(models, rows, ys, p, extra=WHO, veto=False, positive=True):
    X = np.column_stack([logit(p)] + [[d[f] for d in rows] for f in extra])
    coef, b = fit_logistic(X, ys, positive=range(X.shape[1]) if positive else ())
    d = {"kind": "corrected", "base": models.event.to_dict(), "extra": list(extra),
         "coef": [round(float(c), 6) for c in coef], "intercept": round(float(b), 6), "veto": veto}
    return CorrectedModel(d)

VARIANTS = {
    "oof": dict(extra=WHO),
    "oofveto": dict(extra=WHO, veto=True),
    "oof_gaa": dict(extra=("group_actor_in_article",)),
    "oof_free": dict(extra=WHO, positive=False),
    "oof_recal": dict(extra=()),
}

def run(salt, variants, tag="t"):
    ds = L.datasets()
    table = defaultdict(list)
    for k in (0, 1):
        models, rows, ys, p = cached_fold(tag, salt, k)
        for v in variants:
            if v == "base":
                m = models
            else:
                ev = stage2(models, rows, ys, p, **VARIANTS[v])
                print(f"{v} fold {k}: coef {np.round(ev.coef, 3).tolist()} b {ev.intercept:.3f}", flush=True)
                m = GroupingModels(event=ev, story=models.story)
            for n, sc in L.held_out_scores(ds, k, salt, m).items():
                table[(v, n)].append(sc["b3_f1"])
    for (v, n), vals in table.items():
        print(f"RESULT salt={salt or '0'} {v:10} {n:20} {vals[0]:.4f} {vals[1]:.4f} mean {sum(vals)/2:.4f}", flush=True)

class SplitModel:
    """Experiment: headlines alone by the base model, full reports by their own trees."""
    def __init__(self, base, full, mode="full"):
        self.base, self.full, self.mode = base, full, mode
        self.threshold = base.threshold
        self.features = base.features + tuple(f for f in full.features + ("short",) if f not in base.features)
    def probabilities_of(self, rows, columns):
        p = self.base.probabilities_of(rows, columns)
        if not len(p):
            return p
        s = columns.index("short")
        full = [i for i, r in enumerate(rows) if r[s] == 0.0]
        if full:
            p = p.copy()
            q = self.full.probabilities_of([rows[i] for i in full], columns)
            b = p[full]
            if self.mode == "min":
                q = np.minimum(b, q)
            elif self.mode == "avg":
                lq = np.log(np.clip(q, 1e-9, 1 - 1e-9) / (1 - np.clip(q, 1e-9, 1 - 1e-9)))
                lb = np.log(np.clip(b, 1e-9, 1 - 1e-9) / (1 - np.clip(b, 1e-9, 1 - 1e-9)))
                q = 1 / (1 + np.exp(-(lq + lb) / 2))
            p[full] = q
        return p
    def probabilities(self, rows):
        return self.probabilities_of([[r[f] for f in self.features] for r in rows], self.features) if rows else np.zeros(0)
    def probability(self, values):
        return float(self.probabilities([values])[0])
    def contributions(self, values):
        return self.base.contributions(values)
    def to_dict(self):
        return {"kind": "split", "base": self.base.to_dict(), "full": self.full.to_dict()}


def split_model(models, examples, extra=WHO, mode="full"):
    feats = models.event.features + tuple(extra)
    parts = [([d for d in x if d["short"] == 0.0], [l for d, l in zip(x, y) if d["short"] == 0.0]) for x, y in examples.values()]
    full = tg.fit_trees([pt for pt in parts if pt[0]], feats, depth=3, trees=150, min_leaf=10)
    return SplitModel(models.event, full, mode)


_run = run
def run(salt, variants, tag="t"):
    split = [v for v in variants if v.startswith("split")]
    rest = [v for v in variants if not v.startswith("split")]
    if rest:
        _run(salt, rest, tag)
    if not split:
        return
    ds = L.datasets()
    table = defaultdict(list)
    for k in (0, 1):
        cache, models = L.load_cache(tag, salt, k)
        for v in split:
            mode = v.split("_")[1] if "_" in v else "full"
            ev = split_model(models, cache["event_examples"], extra=() if v.startswith("split0") else WHO, mode=mode)
            m = GroupingModels(event=ev, story=models.story)
            for n, sc in L.held_out_scores(ds, k, salt, m).items():
                table[(v, n)].append(sc["b3_f1"])
                print(f"  {v} fold {k} {n} P {sc['b3_p']:.3f} R {sc['b3_r']:.3f} F {sc['b3_f1']:.4f}", flush=True)
    for (v, n), vals in table.items():
        print(f"RESULT salt={salt or '0'} {v:10} {n:20} {vals[0]:.4f} {vals[1]:.4f} mean {sum(vals)/2:.4f}", flush=True)



def penalty_model(models, rows, ys, p, extra=WHO):
    """Who penalty: logit(p) + sum w_i (x_i - 1), w_i >= 0 (no intercept, log-odds weight 1): lowers
    a full report's probability only as far as the main participants differ; the same main
    participant (x = 1) leaves it as the base model says."""
    X = np.column_stack([[d[f] for d in rows] for f in extra]) - 1.0
    base = logit(p)
    w = np.where(ys == 1, 0.5 / ys.sum(), 0.5 / (len(ys) - ys.sum())) * len(ys)
    def loss(theta):
        z = base + X @ theta
        l = np.sum(w * (np.logaddexp(0, z) - ys * z)) / len(ys)
        g = X.T @ (w * (1 / (1 + np.exp(-z)) - ys)) / len(ys)
        return l, g
    r = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B", bounds=[(0, None)] * X.shape[1])
    coef = [1.0] + [round(float(c), 6) for c in r.x]
    intercept = -sum(coef[1:])  # (x - 1) folded into the intercept
    d = {"kind": "corrected", "base": models.event.to_dict(), "extra": list(extra), "coef": coef,
         "intercept": round(intercept, 6), "veto": False}
    return CorrectedModel(d)


def run_penalty(salt, variants, tag="t"):
    ds = L.datasets()
    table = defaultdict(list)
    for k in (0, 1):
        models, rows, ys, p = cached_fold(tag, salt, k)
        for v in variants:
            pp = p if v == "pen_oof" else models.event.probabilities(rows)
            ev = penalty_model(models, rows, ys, pp)
            print(f"{v} fold {k}: coef {ev.coef.round(3).tolist()} b {ev.intercept:.3f}", flush=True)
            m = GroupingModels(event=ev, story=models.story)
            for n, sc in L.held_out_scores(ds, k, salt, m).items():
                table[(v, n)].append(sc["b3_f1"])
    for (v, n), vals in table.items():
        print(f"RESULT salt={salt or '0'} {v:10} {n:20} {vals[0]:.4f} {vals[1]:.4f} mean {sum(vals)/2:.4f}", flush=True)


if __name__ == "__main__" and sys.argv[2].startswith("pen"):
    run_penalty(sys.argv[1], sys.argv[2].split(","))
    sys.exit(0)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2].split(","), *(sys.argv[3:4]))
