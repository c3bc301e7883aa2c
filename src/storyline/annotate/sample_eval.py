"""Entity and date accuracy on the hand-annotated eval sample (tests/gold/eval_sample.json).

Entities: a gold name is found when a mention with exactly that text (possessive dropped) has the gold
kind ("any" accepts any kind); a predicted person/org/place name that is neither gold nor optional is an
error. Dates: a gold expression is right when a date or interval containing its text resolves to the
gold value; predicted dates with no gold counterpart are errors. Demonyms and role phrases are left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from storyline.annotate import annotate_many
from storyline.model import Article


def _surface(text: str) -> str:
    return re.sub(r"(?:'s|’s)$", "", text)


def score_sample(path: str | Path, debug: bool = False) -> dict[str, tuple[int, int]]:
    """{"entity recall": (found, gold), "entity precision": (right, predicted), "date accuracy": ..., ...}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data["articles"]
    articles = [Article(id=a["id"], title=a["title"], text=a["text"], published=a["published"]) for a in items]
    found = gold_n = right = predicted_n = 0
    date_right = date_gold = date_predicted = 0
    for item, ann in zip(items, annotate_many(articles)):
        mentions = {}
        for m in ann.mentions:
            if m.kind in {"person", "org", "place"} and m.source != "role":
                mentions.setdefault(_surface(m.text), set()).add(m.kind)
        gold = {name: kind for name, kind in item["entities"]}
        optional = set(item["optional"])
        for name, kind in gold.items():
            gold_n += 1
            found += name in mentions and (kind == "any" or kind in mentions[name])
        for name, kinds in mentions.items():
            if name in optional:
                continue
            predicted_n += 1
            right += name in gold and (gold[name] == "any" or gold[name] in kinds)
        dates = [t for t in ann.times if t.kind in {"date", "interval"}]
        left = list(dates)
        for expression, value in item["dates"]:
            date_gold += 1
            hit = next((t for t in left if expression in t.text and t.value == value), None)
            if hit is not None:
                date_right += 1
                left.remove(hit)
        date_predicted += len(dates)
        if debug:
            print(item["id"], "missed", [n for n in gold if not (n in mentions and (gold[n] == "any" or gold[n] in mentions[n]))],
                  "extra", [n for n in mentions if n not in gold and n not in optional],
                  "dates missed/extra", [(t.text, t.value) for t in left], item["dates"])
    return {
        "entity recall": (found, gold_n),
        "entity precision": (right, predicted_n),
        "date accuracy (recall)": (date_right, date_gold),
        "date precision": (date_right, date_predicted),
    }
