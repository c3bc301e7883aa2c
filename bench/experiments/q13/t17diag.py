import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))
import stage2 as S
from storyline.group.model import GroupingModels
from storyline.evaluate import run_ours, scores
salt, k = sys.argv[1], int(sys.argv[2])
ds = S.L.datasets()
cache, models = S.L.load_cache("t", salt, k)
held = S.tg.fold(ds["t17-dev"], 1 - k, salt)
ids = {a.id for a in held.articles}
for name, ev in (("base", models.event), ("split0", S.split_model(models, cache["event_examples"], extra=()))):
    pred, _ = run_ours(held, models=GroupingModels(event=ev, story=models.story))
    for level in ("event", "story"):
        gold = {i: g for i, g in held.gold(level).items() if i in ids}
        if gold:
            sc = scores(pred[level], gold)
            print(name, level, f"P {sc['b3_p']:.3f} R {sc['b3_r']:.3f} F {sc['b3_f1']:.4f}", "events", len(set(pred['event'].values())), "stories", len(set(pred['story'].values())), flush=True)
