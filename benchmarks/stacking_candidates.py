"""Label co-occurrence for the document head (stacking): a second logistic model per narrative on the first
stage's out-of-fold scores of *all* narratives, mixed with the first stage's own score. SemEval narratives come in
families ("Discrediting Ukraine" with "Praise of Russia"); the one-vs-rest head scores each alone. Judged by
repeated cross-validation on the training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/stacking_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0]

Weight 0 is the shipped recipe itself (inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary, tuned_rule

import flows  # noqa: F401  (environment defaults)
from models.doc_head import _fit_linear, _folds
from models.semeval import f1_samples


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


class StackedHead:
    """First stage: the shipped per-label models; second: per label, a model on all labels' first-stage logits."""

    def __init__(self, labels: list[str], weight: float, C: float = 10.0, stack_C: float = 1.0) -> None:
        self.labels, self.weight, self.C, self.stack_C = labels, weight, C, stack_C

    def _fit(self, X: np.ndarray, Y: np.ndarray, seed: int):
        first = _fit_linear(X, Y, self.C)
        if self.weight == 0:
            return first, None
        oof = np.zeros(Y.shape, dtype=np.float32)
        fold = _folds(len(Y), 5, seed)
        for k in range(5):
            w, b = _fit_linear(X[fold != k], Y[fold != k], self.C)
            oof[fold == k] = _sigmoid(X[fold == k] @ w.T + b)
        return first, _fit_linear(_logit(oof), Y, self.stack_C)

    def _scores(self, models, X: np.ndarray) -> np.ndarray:
        (w, b), second = models
        p = _sigmoid(X @ w.T + b)
        if second is None:
            return p
        q = _sigmoid(_logit(p) @ second[0].T + second[1])
        return (1 - self.weight) * p + self.weight * q

    def fit(self, X: np.ndarray, gold: Sequence[set[str]], seed: int):
        Y = np.array([[label in g for label in self.labels] for g in gold], dtype=int)
        rule = tuned_rule(gold, self.labels,
                          lambda tr, te, r, k: self._scores(self._fit(X[tr], Y[tr], seed + 31 * k + r), X[te]), seed)
        models = self._fit(X, Y, seed)
        return lambda Z: [rule.decide(s, self.labels) for s in self._scores(models, Z)]


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.5, 1.0])
    parser.add_argument("--stack-C", type=float, default=1.0)
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    gold = train.gold
    for weight in args.weights:
        def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int, weight: float = weight) -> list[set[str]]:
            return StackedHead(labels, weight, stack_C=args.stack_C).fit(Xtr[tr], [gold[i] for i in tr], seed)(Xtr[te])

        cv = cv_scores(gold, fit_predict, cv_seeds(args))
        row = {"weight": weight, "stack_C": args.stack_C}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, StackedHead(labels, weight, stack_C=args.stack_C).fit(Xtr, gold, 0)(Xte)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
