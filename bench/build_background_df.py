"""Build the background document frequencies the grouping's IDF starts from (group/background_df.json).

    PYTHONPATH=src python bench/build_background_df.py [--pages /work/shared/eval/boilerplate-dev/gold.jsonl]

The corpus is the main text of the boilerplate-dev pages: general web articles on every subject,
unrelated to the grouping dev sets (so no event or story leaks into the weights). Words and names
are read exactly as grouping reads an article (``words_terms_names``); tokens seen in fewer than two
documents are left out (they would weigh like unseen ones anyway).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from storyline.group.signals import BACKGROUND_PATH, words_terms_names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", default="/work/shared/eval/boilerplate-dev/gold.jsonl")
    parser.add_argument("--out", default=str(BACKGROUND_PATH))
    args = parser.parse_args()
    df: Counter = Counter()
    documents = 0
    with open(args.pages, encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line).get("main_text") or ""
            if not text.strip():
                continue
            documents += 1
            _, terms, names = words_terms_names(text)
            df.update(set(terms) | {"@" + n for n in names})
    kept = {t: c for t, c in sorted(df.items()) if c >= 2}
    Path(args.out).write_text(json.dumps({"documents": documents, "source": Path(args.pages).parent.name,
                                          "df": kept}, sort_keys=True) + "\n")
    print(f"wrote {args.out}: {documents} documents, {len(kept)} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
