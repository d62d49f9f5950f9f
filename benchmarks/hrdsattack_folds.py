"""HRDsAttack train+dev (400 articles) in 5 folds: per-fold figures, mean and spread.

Each fold's figures are on its held-out fifth. The spread says how much a 80-article split
(like the paper's 100-article test) moves the figures.

    .venv/bin/python benchmarks/hrdsattack_folds.py [--split train.json --split dev.json]
"""

from __future__ import annotations

import argparse
import random
import statistics
from pathlib import Path

from corroborate import hrdsattack

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "hrdsattack"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", type=Path, action="append",
                        help="a split to add (default: train.json and dev.json)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    splits = args.split or [DEFAULT / "train.json", DEFAULT / "dev.json"]
    articles = [a for split in splits for a in hrdsattack.read_split(split)]
    predictions, _ = hrdsattack.predict(articles)
    order = list(range(len(articles)))
    random.Random(args.seed).shuffle(order)
    keys = list(hrdsattack.GATED)
    rows = []
    for fold in range(args.folds):
        held = order[fold::args.folds]
        scores = hrdsattack.score([predictions[i] for i in held], [articles[i] for i in held])
        rows.append([scores[k] for k in keys])
    print(f"{'fold':<6}" + "".join(f"{k[:22]:>24}" for k in keys))
    for fold, row in enumerate(rows, start=1):
        print(f"{fold:<6}" + "".join(f"{v:>24.2f}" for v in row))
    means = [statistics.fmean(col) for col in zip(*rows, strict=True)]
    spreads = [statistics.stdev(col) for col in zip(*rows, strict=True)]
    print(f"{'mean':<6}" + "".join(f"{m:>17.2f} ± {s:>4.1f}" for m, s in zip(means, spreads,
                                                                           strict=True)))
    print("paper  " + "".join(f"{hrdsattack.PAPER[k]:>24.2f}" for k in keys))


if __name__ == "__main__":
    main()
