"""Subnarratives as extra targets for the document head: per-subnarrative models beside the per-narrative ones, a
narrative's score mixed with its best subnarrative's. SemEval annotates both levels; the finer label may separate
articles the coarse one lumps together. Judged by repeated cross-validation on the training part only; the
held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/subnarrative_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0]

Each candidate reimplements the shipped fit (inner 5 folds x 3 splits for the decision rule, C = 10) with the
mixed scores; weight 0 is the shipped recipe itself (a check that the reimplementation matches it).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary, tuned_rule

import flows  # noqa: F401  (environment defaults)
from models.doc_head import _fit_linear
from models.semeval import OTHER, f1_samples


def fine_labels(folder: Path) -> dict[str, set[str]]:
    """Subnarratives per document file name (third column of subtask-2-annotations.txt), 'Other' left out."""
    out: dict[str, set[str]] = {}
    for line in (folder / "subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            out[parts[0].strip()] = {x.strip() for x in parts[2].split(";") if x.strip() and x.strip() != OTHER}
    return out


def frequent(fine_gold: Sequence[set[str]], min_docs: int) -> list[str]:
    """The subnarratives of at least `min_docs` of these documents."""
    counts = Counter(f for g in fine_gold for f in g)
    return sorted(f for f, c in counts.items() if c >= min_docs)


class MixedHead:
    """Coarse and fine logistic models; coarse score = (1 - weight) x its own + weight x its best child's."""

    def __init__(self, labels: list[str], fine: list[str], weight: float, C: float = 10.0, fine_C: float = 10.0) -> None:
        self.labels, self.fine, self.weight, self.C, self.fine_C = labels, fine, weight, C, fine_C
        self.children = [[j for j, f in enumerate(fine) if f.startswith(label + ": ")] for label in labels]

    def _fit(self, X: np.ndarray, gold: Sequence[set[str]], fine_gold: Sequence[set[str]]):
        Y = np.array([[label in g for label in self.labels] for g in gold], dtype=int)
        F = np.array([[f in g for f in self.fine] for g in fine_gold], dtype=int).reshape(len(gold), len(self.fine))
        coarse = _fit_linear(X, Y, self.C)
        fine = _fit_linear(X, F, self.fine_C) if self.weight > 0 and self.fine else None
        return coarse, fine

    def _scores(self, models, X: np.ndarray) -> np.ndarray:
        (cw, cb), fine = models
        p = 1.0 / (1.0 + np.exp(-(X @ cw.T + cb)))
        if fine is None:
            return p
        q = 1.0 / (1.0 + np.exp(-(X @ fine[0].T + fine[1])))
        out = p.copy()
        for i, kids in enumerate(self.children):
            if kids:
                out[:, i] = (1 - self.weight) * p[:, i] + self.weight * q[:, kids].max(axis=1)
        return out

    def fit(self, X: np.ndarray, gold: Sequence[set[str]], fine_gold: Sequence[set[str]], seed: int):
        def fit_score(tr: np.ndarray, te: np.ndarray, r: int, k: int) -> np.ndarray:
            return self._scores(self._fit(X[tr], [gold[i] for i in tr], [fine_gold[i] for i in tr]), X[te])

        rule = tuned_rule(gold, self.labels, fit_score, seed)
        models = self._fit(X, gold, fine_gold)
        return lambda Z: [rule.decide(s, self.labels) for s in self._scores(models, Z)]


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--min-docs", type=int, default=3, help="subnarratives with fewer training documents are left out")
    parser.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.25, 0.5])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    fine_of = fine_labels(args.train)
    fine_gold = [fine_of.get(d.doc_id, set()) for d in train.docs]
    gold = train.gold
    for weight in args.weights:
        def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int, weight: float = weight) -> list[set[str]]:
            head = MixedHead(labels, frequent([fine_gold[i] for i in tr], args.min_docs), weight)
            return head.fit(Xtr[tr], [gold[i] for i in tr], [fine_gold[i] for i in tr], seed)(Xtr[te])

        cv = cv_scores(gold, fit_predict, cv_seeds(args))
        row = {"weight": weight, "min_docs": args.min_docs}
        if args.held_out:
            head = MixedHead(labels, frequent(fine_gold, args.min_docs), weight)
            row["held_out"] = round(f1_samples(test.gold, head.fit(Xtr, gold, fine_gold, 0)(Xte)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
