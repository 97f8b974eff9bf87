"""Small-data variants of the document head: the head learns from 120-150 articles with about 800 features, so
these try to lower its variance rather than add evidence. Passage-subset augmentation (each training article also
enters as copies pooled from random subsets of its passages; copies stay in their article's fold), PCA of the pooled
vectors (fitted on the fold's training articles), shrinkage linear discriminant analysis per label, an elastic-net
penalty, bagging (mean of heads fitted on bootstrap samples), a mean over C values, and the annotators' explanations of
the training articles (the organisers' subtask-3 file) as extra one-passage training documents. Each keeps the shipped
decision rule tuned on its own inner out-of-fold scores. Judged by repeated cross-validation on the training part.

    .venv/bin/python benchmarks/regularisation_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants shipped augment4 pca32 pca64 lda enet0.5 bag10 baglogit10 cmix explained explained-gold] [--held-out]
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from explanation_exemplars import ANNOTATIONS
from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary, tuned_rule

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models import doc_head
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache
from models.narratives import build_prototypes
from models.semeval import f1_samples

# training indices -> (scored indices -> per-label probabilities)
Scorer = Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def linear_scorer(X: np.ndarray, Y: np.ndarray, C: float = 10.0) -> Scorer:
    """The shipped per-label logistic regression (reproduces the shipped CV figure)."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        coef, intercept = doc_head._fit_linear(X[tr], Y[tr], C)
        return lambda te: sigmoid(X[te] @ coef.T + intercept)
    return fit


def subset_copies(vectors: np.ndarray, copies: int, share: float, key: str, protos) -> np.ndarray:
    """Features of `copies` random passage subsets (each `share` of the passages, at least one), seeded by the
    article, so every fold sees the same copies."""
    rng = np.random.default_rng(int(hashlib.sha256(key.encode()).hexdigest()[:8], 16))
    n = len(vectors)
    size = max(1, round(share * n))
    return np.stack([doc_head.document_features(vectors[np.sort(rng.choice(n, size, replace=False))], protos)
                     for _ in range(copies)])


def extra_rows_scorer(X: np.ndarray, Y: np.ndarray, extra_X: np.ndarray, extra_Y: np.ndarray, owner: np.ndarray,
                      C: float = 10.0) -> Scorer:
    """Logistic regression on the training articles plus extra rows derived from them (subset copies, the annotators'
    explanations); `owner`: the article each row comes from, so a row stays in its article's fold."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        mine = np.isin(owner, tr)
        coef, intercept = doc_head._fit_linear(np.vstack([X[tr], extra_X[mine]]), np.vstack([Y[tr], extra_Y[mine]]), C)
        return lambda te: sigmoid(X[te] @ coef.T + intercept)
    return fit


def explanation_rows(names: list[str], gold: list[set[str]], labels: list[str], encode, protos,
                     own_label: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, label rows and owning article of every explanation in the organisers' subtask-3 file (read from the
    shared fixtures): labelled with the narrative it explains (`own_label`) or with its article's gold labels."""
    index = {Path(n).name: i for i, n in enumerate(names)}
    rows = []
    with ANNOTATIONS.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 4 and row[0] in index and row[3].strip() and row[1].strip() in labels:
                rows.append((index[row[0]], row[1].strip(), row[3].strip()))
    vectors = encode([text for _, _, text in rows])
    feats = np.stack([doc_head.document_features(v[None, :], protos) for v in vectors])
    Y = np.array([[label in ({narrative} if own_label else gold[i]) for label in labels] for i, narrative, _ in rows],
                 dtype=int)
    return feats, Y, np.array([i for i, _, _ in rows])


def pca_scorer(X: np.ndarray, Y: np.ndarray, pooled: int, k: int, C: float = 10.0) -> Scorer:
    """The pooled-vector block reduced to k principal directions of the training articles; exemplar block kept."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        P = X[tr, :pooled]
        mu = P.mean(axis=0)
        _, _, vt = np.linalg.svd(P - mu, full_matrices=False)
        w = vt[:k].T

        def reduce(idx: np.ndarray) -> np.ndarray:
            return np.hstack([(X[idx, :pooled] - mu) @ w, X[idx, pooled:]])
        coef, intercept = doc_head._fit_linear(reduce(tr), Y[tr], C)
        return lambda te: sigmoid(reduce(te) @ coef.T + intercept)
    return fit


def per_label_scorer(X: np.ndarray, Y: np.ndarray, make_model: Callable[[], object]) -> Scorer:
    """One scikit-learn classifier per label (a label constant in the training articles scores that constant)."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        models = [float(Y[tr, j].max()) if Y[tr, j].min() == Y[tr, j].max() else make_model().fit(X[tr], Y[tr, j])
                  for j in range(Y.shape[1])]

        def score(te: np.ndarray) -> np.ndarray:
            return np.stack([np.full(len(te), m) if isinstance(m, float) else m.predict_proba(X[te])[:, 1]
                             for m in models], axis=1)
        return score
    return fit


def lda_model():
    """Linear discriminant analysis with Ledoit-Wolf shrinkage (made for few samples in many dimensions)."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    return LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")


def enet_model(l1_ratio: float, C: float = 10.0):
    """Logistic regression with an elastic-net penalty (sparser weights on the ~800 features)."""
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(C=C, penalty="elasticnet", l1_ratio=l1_ratio, solver="saga", max_iter=3000)


def bagged_scorer(X: np.ndarray, Y: np.ndarray, bags: int, logits: bool = False, C: float = 10.0) -> Scorer:
    """The mean probability of `bags` logistic heads, each fitted on a bootstrap sample of the training articles
    (`logits`: the sigmoid of their mean logit, which is one linear model with the mean weights)."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        rng = np.random.default_rng(len(tr) * 7919 + int(tr.sum()))
        fits = [doc_head._fit_linear(X[s], Y[s], C) for s in (rng.choice(tr, len(tr)) for _ in range(bags))]
        if logits:
            coef, b = np.mean([f[0] for f in fits], axis=0), np.mean([f[1] for f in fits], axis=0)
            return lambda te: sigmoid(X[te] @ coef.T + b)
        return lambda te: np.mean([sigmoid(X[te] @ coef.T + b) for coef, b in fits], axis=0)
    return fit


def c_mix_scorer(X: np.ndarray, Y: np.ndarray, Cs: Sequence[float]) -> Scorer:
    """The mean probability of logistic heads fitted with each of `Cs` (instead of choosing one C)."""
    def fit(tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        fits = [doc_head._fit_linear(X[tr], Y[tr], c) for c in Cs]
        return lambda te: np.mean([sigmoid(X[te] @ coef.T + b) for coef, b in fits], axis=0)
    return fit


def fit_predict_with(scorer: Scorer, gold: Sequence[set[str]], labels: list[str]):
    """A candidate as the shipped head is built: the rule tuned on inner out-of-fold scores, the model fitted on all."""
    def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int) -> list[set[str]]:
        rule = tuned_rule([gold[i] for i in tr], labels, lambda a, b, r, k: scorer(tr[a])(tr[b]), seed)
        return [rule.decide(s, labels) for s in scorer(tr)(te)]
    return fit_predict


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=["shipped", "augment4", "pca32", "pca64", "lda", "enet0.5"])
    parser.add_argument("--share", type=float, default=0.6, help="share of passages in an augmented copy")
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    settings = Settings()
    cache = EmbeddingCache(settings.embedder(), args.cache)
    protos = build_prototypes(load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES), cache.encode)
    gold = train.gold + test.gold
    X = np.vstack([Xtr, Xte])
    Y = np.array([[label in g for label in labels] for g in gold], dtype=int)
    vectors = train.vectors + test.vectors
    names = [d.doc_id for d in train.docs + test.docs]
    n_train = len(train.gold)
    pooled = 2 * vectors[0].shape[1]
    for variant in args.variants:
        if variant == "shipped":
            scorer = linear_scorer(X, Y)
        elif variant.startswith("augment"):
            copies = np.stack([subset_copies(v, int(variant[7:]), args.share, name, protos)
                               for v, name in zip(vectors, names, strict=True)])
            m = copies.shape[1]
            scorer = extra_rows_scorer(X, Y, copies.reshape(len(X) * m, -1), np.repeat(Y, m, axis=0),
                                       np.repeat(np.arange(len(X)), m))
        elif variant in ("explained", "explained-gold"):
            scorer = extra_rows_scorer(X, Y, *explanation_rows(names, gold, labels, cache.encode, protos,
                                                              own_label=variant == "explained"))
        elif variant.startswith("pca"):
            scorer = pca_scorer(X, Y, pooled, int(variant[3:]))
        elif variant == "lda":
            scorer = per_label_scorer(X, Y, lda_model)
        elif variant.startswith("enet"):
            scorer = per_label_scorer(X, Y, partial(enet_model, float(variant[4:])))
        elif variant.startswith("baglogit"):
            scorer = bagged_scorer(X, Y, int(variant[8:]), logits=True)
        elif variant.startswith("bag"):
            scorer = bagged_scorer(X, Y, int(variant[3:]))
        elif variant == "cmix":
            scorer = c_mix_scorer(X, Y, (1.0, 3.0, 10.0, 30.0))
        else:
            raise SystemExit(f"unknown variant {variant}")
        fit_predict = fit_predict_with(scorer, gold, labels)
        cv = cv_scores(train.gold, fit_predict, cv_seeds(args))
        row = {"variant": variant, "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
        if variant.startswith("augment"):
            row["share"] = args.share
        if args.held_out:
            predicted = fit_predict(np.arange(n_train), np.arange(n_train, len(gold)), 0)
            row["held_out"] = round(f1_samples(test.gold, predicted), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
