"""Exemplar-level similarity features for the document head: per catalogue exemplar (claims, description,
rebuttals of the SemEval families), the article's highest passage cosine to it, beside the shipped features (which
keep only, per narrative, the max and mean over passages of the top-2 exemplar mean). Lets the head weigh which
exemplars of a narrative actually signal it. Judged by repeated cross-validation on the training part only; the
held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/exemplar_features.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0]

Scale 0 is the shipped recipe itself (fit_head: inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_score, cv_seeds, head_recipe, load_split, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache
from models.narratives import build_prototypes
from models.semeval import f1_samples


def exemplar_maxima(vectors: list[np.ndarray], exemplars: np.ndarray, mean_too: bool) -> np.ndarray:
    """Per document, the max (and mean) over its passages of the cosine to every exemplar."""
    rows = []
    for v in vectors:
        sims = v @ exemplars.T
        rows.append(np.concatenate([sims.max(axis=0), sims.mean(axis=0)]) if mean_too else sims.max(axis=0))
    return np.stack(rows).astype(np.float32)


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="*", default=[0.0, 1.0, 3.0])
    parser.add_argument("--mean", action="store_true", help="also the mean over passages per exemplar")
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    protos = build_prototypes(semeval, EmbeddingCache(settings.embedder(), args.cache).encode)
    exemplars = np.vstack([protos.claim_vectors, protos.rebuttal_vectors])
    Etr, Ete = exemplar_maxima(train.vectors, exemplars, args.mean), exemplar_maxima(test.vectors, exemplars, args.mean)
    recipe = head_recipe()
    for scale in args.scales:
        A = np.hstack([Xtr, scale * Etr]) if scale else Xtr
        cv = cv_score(recipe, A, train.gold, labels, cv_seeds(args))
        row = {"scale": scale, "mean": args.mean, "exemplars": int(exemplars.shape[0])}
        if args.held_out:
            B = np.hstack([Xte, scale * Ete]) if scale else Xte
            row["held_out"] = round(f1_samples(test.gold, recipe(A, train.gold, labels, 0)(B)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
