"""Multiple-instance features for the document head: a passage-level classifier (each passage inherits its
document's narratives) whose max and mean passage probabilities join the document features. Judged by repeated
cross-validation on the SemEval training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/mil_candidates.py --train /tmp/semeval-split/train/EN --test /tmp/semeval-split/test/EN \
        [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] [--only NAME ...]

Chosen on seeds 0-2, a candidate is confirmed on fold splits it was not chosen on (`--first-seed 3 --seeds 7
--only "shipped (no MIL)" "MIL C=0.3 scale=1.0"`).

The passage classifier's scores for the head's own training documents are out-of-fold (inner 5 folds by
document), so the head never learns from scores of passages the passage classifier was fitted on.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from models.doc_head import _fit_linear, _folds, fit_head
from models.semeval import f1_samples


def passage_model(vectors: Sequence[np.ndarray], gold: Sequence[set[str]], labels: list[str], C: float):
    X = np.vstack(vectors)
    Y = np.vstack([np.tile([[label in g for label in labels]], (len(v), 1)) for v, g in zip(vectors, gold, strict=True)]).astype(int)
    coef, intercept = _fit_linear(X, Y, C)
    return lambda v: 1.0 / (1.0 + np.exp(-(v @ coef.T + intercept)))


def mil_features(vectors: Sequence[np.ndarray], model, scale: float) -> np.ndarray:
    out = []
    for v in vectors:
        p = model(v)
        top2 = np.sort(p, axis=0)[-2:].mean(axis=0)
        out.append(np.concatenate([p.max(axis=0), top2, p.mean(axis=0)]))
    return scale * np.asarray(out, dtype=np.float32)


def oof_mil(vectors: Sequence[np.ndarray], gold: Sequence[set[str]], labels: list[str], C: float, scale: float, seed: int) -> np.ndarray:
    fold = _folds(len(gold), 5, seed)
    out = np.zeros((len(gold), 3 * len(labels)), dtype=np.float32)
    for k in range(5):
        tr, va = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        model = passage_model([vectors[i] for i in tr], [gold[i] for i in tr], labels, C)
        out[va] = mil_features([vectors[i] for i in va], model, scale)
    return out


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0], held_out_option=False)
    parser.add_argument("--only", nargs="*", default=None, help="candidate names to run")
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    gold = train.gold

    def recipe(tr: np.ndarray, C: float | None, scale: float, seed: int, X_eval: np.ndarray, V_eval) -> list[set[str]]:
        G = [gold[i] for i in tr]
        if C is None:
            return fit_head(Xtr[tr], G, labels, seed=seed).predict(X_eval)
        V = [train.vectors[i] for i in tr]
        F = np.hstack([Xtr[tr], oof_mil(V, G, labels, C, scale, seed + 31)])
        model = passage_model(V, G, labels, C)
        return fit_head(F, G, labels, seed=seed).predict(np.hstack([X_eval, mil_features(V_eval, model, scale)]))

    candidates = {"shipped (no MIL)": (None, 0.0)} | {f"MIL C={C} scale={s}": (C, s) for C in (0.3, 1.0) for s in (1.0, 3.0)}
    for name, (C, scale) in candidates.items():
        if args.only and name not in args.only:
            continue
        cv = cv_scores(gold, lambda tr, va, seed, C=C, scale=scale: recipe(tr, C, scale, seed, Xtr[va],
                                                                           [train.vectors[i] for i in va]),
                       cv_seeds(args))
        held_out = f1_samples(test.gold, recipe(np.arange(len(gold)), C, scale, 0, Xte, test.vectors))
        print(summary({"candidate": name, "held_out": round(held_out, 4)}, cv), flush=True)


if __name__ == "__main__":
    main()
