"""Label-attention pooling for the document head: each narrative's logistic model also sees the article's passages
pooled with weights towards the passages that resemble *that* narrative's exemplars (softmax of the passage
relevance over a temperature; `top1`: the single most relevant passage), beside the shipped features. The shipped
mean pool dilutes the one or two passages that carry a narrative among ten; a pool per label keeps them. Other keeps
the shipped features. The shipped decision rule is tuned on each variant's own inner out-of-fold scores. Judged by
repeated cross-validation on the training part.

    .venv/bin/python benchmarks/label_attention_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants shipped t0.05 t0.02 top1] [--held-out]
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import load_split, scorer_row, semeval_prototypes, split_arguments
from regularisation_candidates import Scorer, linear_scorer, sigmoid

import flows  # noqa: F401  (environment defaults)
from models import doc_head
from models.narratives import passage_relevance


def attention_pools(vectors: list[np.ndarray], protos, temperature: float) -> np.ndarray:
    """Documents × narratives × dims: per narrative, the unit-normalised passage mean weighted by softmax(relevance /
    temperature); temperature 0: the most relevant passage."""
    out = []
    for v in vectors:
        relevance = passage_relevance(v, protos, k=2)  # passages × narratives
        if temperature == 0:
            weights = (relevance == relevance.max(axis=0)).astype(np.float32)
        else:
            weights = np.exp((relevance - relevance.max(axis=0)) / temperature)
        weights = weights / weights.sum(axis=0)
        pooled = weights.T @ v
        out.append(pooled / (np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9))
    return np.stack(out).astype(np.float32)


def attention_scorer(X: np.ndarray, pools: np.ndarray, Y: np.ndarray, C: float = 10.0) -> Scorer:
    """Per narrative label k: logistic regression on [shipped features, that label's pool]; the labels after the
    narratives (Other) on the shipped features alone."""
    n_narratives = pools.shape[1]

    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        models = []
        for k in range(Y.shape[1]):
            A = np.hstack([X, pools[:, k]]) if k < n_narratives else X
            coef, intercept = doc_head._fit_linear(A[tr], Y[tr][:, [k]], C)
            models.append((A, coef[0], intercept[0]))
        return lambda te: np.stack([sigmoid(A[te] @ c + b) for A, c, b in models], axis=1)
    return fit


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=["shipped", "t0.05", "t0.02", "top1"])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    _, protos = semeval_prototypes(args.cache)
    X = np.vstack([Xtr, Xte])
    Y = np.array([[label in g for label in labels] for g in train.gold + test.gold], dtype=int)
    for variant in args.variants:
        if variant == "shipped":
            scorer = linear_scorer(X, Y)
        else:
            temperature = 0.0 if variant == "top1" else float(variant.removeprefix("t"))
            scorer = attention_scorer(X, attention_pools(train.vectors + test.vectors, protos, temperature), Y)
        print(scorer_row(variant, scorer, train.gold, test.gold, labels, args), flush=True)


if __name__ == "__main__":
    main()
