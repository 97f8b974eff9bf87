"""Nearest training documents beside the document head: each label's share among the k most similar training
articles (cosine of the mean-pooled passage vectors, weighted by similarity), mixed into the head's probability
(late fusion). A non-parametric vote may hold up where 120 documents are too few for a linear model per rare label.
Judged by repeated cross-validation on the training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/knn_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--weights 0 0.25 0.5] [--k 10]

Weight 0 is the shipped recipe reimplemented (inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary, tuned_rule

import flows  # noqa: F401  (environment defaults)
from models.doc_head import _fit_linear
from models.semeval import f1_samples


class NeighbourMix:
    """(1 - weight) x the head's probability + weight x the similarity-weighted label share of the k nearest."""

    def __init__(self, labels: list[str], weight: float, k: int, dim: int, C: float = 10.0) -> None:
        self.labels, self.weight, self.k, self.dim, self.C = labels, weight, k, dim, C

    def _fit(self, X: np.ndarray, gold: Sequence[set[str]]):
        Y = np.array([[label in g for label in self.labels] for g in gold], dtype=np.float32)
        return _fit_linear(X, Y.astype(int), self.C), (X[:, : self.dim], Y)

    def _scores(self, models, X: np.ndarray) -> np.ndarray:
        (w, b), (means, Y) = models
        p = 1.0 / (1.0 + np.exp(-(X @ w.T + b)))
        if self.weight == 0:
            return p
        sims = X[:, : self.dim] @ means.T  # the mean pool is unit-normalised: cosine
        near = np.argsort(-sims, axis=1)[:, : self.k]
        weights = np.clip(np.take_along_axis(sims, near, axis=1), 0, None)
        q = np.einsum("nk,nkl->nl", weights, Y[near]) / (weights.sum(axis=1, keepdims=True) + 1e-9)
        return (1 - self.weight) * p + self.weight * q

    def fit(self, X: np.ndarray, gold: Sequence[set[str]], seed: int):
        def fit_score(tr: np.ndarray, te: np.ndarray, r: int, k: int) -> np.ndarray:
            return self._scores(self._fit(X[tr], [gold[i] for i in tr]), X[te])

        rule = tuned_rule(gold, self.labels, fit_score, seed)
        models = self._fit(X, gold)
        return lambda Z: [rule.decide(s, self.labels) for s in self._scores(models, Z)]


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.25, 0.5])
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    gold, dim = train.gold, train.vectors[0].shape[1]
    for weight in args.weights:
        def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int, weight: float = weight) -> list[set[str]]:
            return NeighbourMix(labels, weight, args.k, dim).fit(Xtr[tr], [gold[i] for i in tr], seed)(Xtr[te])

        cv = cv_scores(gold, fit_predict, cv_seeds(args))
        row = {"weight": weight, "k": args.k}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, NeighbourMix(labels, weight, args.k, dim).fit(Xtr, gold, 0)(Xte)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
