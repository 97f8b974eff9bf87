"""Fewer features for the document head: drop blocks of the shipped features (mean pool, max pool, exemplar
similarities) and refit. Every added feature block has lowered cross-validated F1 on 120-document folds; this asks
whether one of the shipped blocks is also too many. Judged by repeated cross-validation on the training part only.
`ensemble`: the scores of three heads (all blocks, mean+protos, max+protos) averaged, the shipped rule tuned on the
averaged inner out-of-fold scores: variance reduction rather than fewer features.

    .venv/bin/python benchmarks/feature_ablation.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants shipped mean+protos max+protos protos mean+max ensemble]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_score, cv_seeds, head_recipe, load_split, scorer_row, split_arguments, summary
from regularisation_candidates import linear_scorer

import flows  # noqa: F401  (environment defaults)
from models.semeval import f1_samples

ENSEMBLE = ("mean+max+protos", "mean+protos", "max+protos")


def ensemble_row(args, train, test, labels, Xtr, Xte, blocks) -> str:
    """CV (and held-out) F1-samples of the averaged scores of the heads on the ENSEMBLE feature subsets."""
    X = np.vstack([Xtr, Xte])
    Y = np.array([[label in g for label in labels] for g in train.gold + test.gold], dtype=int)
    scorers = [linear_scorer(X[:, np.concatenate([blocks[b] for b in subset.split("+")])], Y) for subset in ENSEMBLE]

    def averaged(tr: np.ndarray):
        fitted = [scorer(tr) for scorer in scorers]
        return lambda te: np.mean([f(te) for f in fitted], axis=0)

    return scorer_row("ensemble", averaged, train.gold, test.gold, labels, args)


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=["shipped", "mean+protos", "max+protos", "protos", "mean+max"])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    d = train.vectors[0].shape[1]  # features: mean pool, max pool, then the exemplar similarities
    blocks = {"mean": np.r_[0:d], "max": np.r_[d:2 * d], "protos": np.r_[2 * d:Xtr.shape[1]]}
    recipe = head_recipe()
    for variant in args.variants:
        if variant == "ensemble":
            print(ensemble_row(args, train, test, labels, Xtr, Xte, blocks), flush=True)
            continue
        cols = np.r_[0:Xtr.shape[1]] if variant == "shipped" else np.concatenate([blocks[b] for b in variant.split("+")])
        A = Xtr[:, cols]
        cv = cv_score(recipe, A, train.gold, labels, cv_seeds(args))
        row = {"variant": variant, "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, recipe(A, train.gold, labels, 0)(Xte[:, cols])), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
