"""q13 harness: train the shipped configuration per CV split and fold (cached), with every
candidate signal recorded in the own-grouping replays too (the stage-1 model ignores the extra
columns), so second stages can be fitted and scored from the cache."""
import argparse, pickle, sys, time
from pathlib import Path
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "bench"))
import train_grouping as tg
from storyline.group import events as ev
from storyline.group.signals import CANDIDATE_FEATURES, signal_names
from storyline.evaluate import load_dataset
from storyline.group.model import models_from_json

_init = ev.OnlineGrouper.__init__
def init(self, *a, **k):
    _init(self, *a, **k)
    if RECORD_ALL:
        self.candidate_signals["event"] = frozenset(CANDIDATE_FEATURES)
        self.signal_names["event"] = signal_names(self.candidate_signals["event"])
        self.undated_only["event"] = frozenset()
ev.OnlineGrouper.__init__ = init
RECORD_ALL = True

_marked = tg._marked
def marked(feats, gold, candidate):
    """The pair tagged with its article's gold topic (``_topic``: not a signal), for folds by topic."""
    out = _marked(feats, gold, candidate)
    return dict(out, _topic=tg.topic(gold)) if gold is not None else out
tg._marked = marked

def default_args(**over):
    a = dict(eval_dir="/work/shared/eval", embedder="static", kind="trees", story_kind="trees", depth=3,
             trees=150, min_leaf=10, learning_rate=0.1, subsample=1.0, bags=1, learner="gb",
             story_learner=tg.SHIPPED_STORY_LEARNER, rounds=1, undated=0.25, young=0, headline_rule=False,
             without=(), with_=tg.SHIPPED_CANDIDATES, cost=tg.NO_COST, repair=None, repair_in_replay=False,
             plain_story=False, train_candidates=tg.TRAINING_CANDIDATES)
    a.update(over)
    return argparse.Namespace(**a)

def options(args):
    return {"depth": args.depth, "trees": args.trees, "min_leaf": args.min_leaf, "learning_rate": args.learning_rate,
            "subsample": args.subsample, "bags": args.bags, "learner": args.learner, "story_learner": args.story_learner}

def cache_path(tag, salt, k):
    """Where split ``salt``'s fold ``k`` is cached (its trained weights and event pairs)."""
    return Path(f"/tmp/q13/cache/{tag}_{salt or '0'}_{k}.pkl")

def load_cache(tag, salt, k):
    """A cached fold: the dict ``learn.py`` wrote and its models, read back."""
    cache = pickle.loads(cache_path(tag, salt, k).read_bytes())
    return cache, models_from_json(cache["weights"])

def datasets():
    return {n: load_dataset(Path("/work/shared/eval") / n) for n in tg.SETS}

if __name__ == "__main__":
    salt = sys.argv[1] if len(sys.argv) > 1 else ""
    tag = sys.argv[2] if len(sys.argv) > 2 else "ship"
    ds = datasets()
    args = default_args()
    for k in (0, 1):
        out = cache_path(tag, salt, k)
        if out.exists():
            continue
        t = time.time()
        models, examples = tg.learn({n: tg.fold(d, k, salt) for n, d in ds.items()}, args, options(args))
        ex = {n: e[0] for n, e in examples.items()}  # event pairs only
        out.write_bytes(pickle.dumps({"weights": models.weights_json, "event_examples": ex}))
        print(f"salt {salt!r} fold {k}: {time.time() - t:.0f}s", flush=True)


def held_out_scores(ds, k, salt, models) -> dict:
    """The scores (``evaluate.scores``) of each set's held-out half (split ``salt``, fold ``k``
    trained) grouped by ``models``: T17 at the story level, the others at the event level."""
    from storyline.evaluate import run_ours, scores

    out = {}
    for n, d in ds.items():
        held = tg.fold(d, 1 - k, salt)
        predicted, _ = run_ours(held, models=models)
        level = "story" if n.startswith("t17") else "event"
        ids = {a.id for a in held.articles}
        gold = {i: g for i, g in held.gold(level).items() if i in ids}
        out[n] = scores(predicted[level], gold)
    return out

