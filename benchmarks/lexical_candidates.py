"""Lexical evidence beside the embeddings for the document head: a TF-IDF logistic model per narrative whose
probability is mixed into the embedding head's (late fusion). MiniLM truncates and averages; words such as
"Zelensky", "sanctions" or "net zero" are direct evidence the pooled vectors may blur. Judged by repeated
cross-validation on the training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/lexical_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0]

Each candidate reimplements the shipped fit (inner 5 folds x 3 splits for the decision rule, C = 10) on the
mixed scores; weight 0 is the shipped recipe itself (a check that the reimplementation matches it).
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


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class LexicalMix:
    """Embedding head score mixed with a TF-IDF head's: (1 - weight) x embedding + weight x lexical."""

    def __init__(self, labels: list[str], weight: float, C: float = 10.0, lexical_C: float = 10.0) -> None:
        self.labels, self.weight, self.C, self.lexical_C = labels, weight, C, lexical_C

    def _fit(self, X: np.ndarray, texts: Sequence[str], gold: Sequence[set[str]]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        Y = np.array([[label in g for label in self.labels] for g in gold], dtype=int)
        dense = _fit_linear(X, Y, self.C)
        if self.weight == 0:
            return dense, None
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), stop_words="english")
        T = vectorizer.fit_transform(texts)
        lexical = []
        for k in range(Y.shape[1]):
            y = Y[:, k]
            lexical.append(float(y.max()) if y.min() == y.max() else
                           LogisticRegression(C=self.lexical_C, max_iter=2000).fit(T, y))
        return dense, (vectorizer, lexical)

    def _scores(self, models, X: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        (w, b), lexical = models
        p = _sigmoid(X @ w.T + b)
        if lexical is None:
            return p
        vectorizer, per_label = lexical
        T = vectorizer.transform(texts)
        q = np.column_stack([np.full(len(texts), m) if isinstance(m, float) else m.predict_proba(T)[:, 1]
                             for m in per_label])
        return (1 - self.weight) * p + self.weight * q

    def fit(self, X: np.ndarray, texts: Sequence[str], gold: Sequence[set[str]], seed: int):
        def fit_score(tr: np.ndarray, te: np.ndarray, r: int, k: int) -> np.ndarray:
            models = self._fit(X[tr], [texts[i] for i in tr], [gold[i] for i in tr])
            return self._scores(models, X[te], [texts[i] for i in te])

        rule = tuned_rule(gold, self.labels, fit_score, seed)
        models = self._fit(X, texts, gold)
        return lambda Z, Zt: [rule.decide(s, self.labels) for s in self._scores(models, Z, Zt)]


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--weights", type=float, nargs="*", default=[0.0, 0.25, 0.5])
    parser.add_argument("--lexical-C", type=float, default=10.0)
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    texts, gold = [d.text for d in train.docs], train.gold
    for weight in args.weights:
        def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int, weight: float = weight) -> list[set[str]]:
            head = LexicalMix(labels, weight, lexical_C=args.lexical_C)
            return head.fit(Xtr[tr], [texts[i] for i in tr], [gold[i] for i in tr], seed)(Xtr[te], [texts[i] for i in te])

        cv = cv_scores(gold, fit_predict, cv_seeds(args))
        row = {"weight": weight, "lexical_C": args.lexical_C}
        if args.held_out:
            head = LexicalMix(labels, weight, lexical_C=args.lexical_C)
            row["held_out"] = round(f1_samples(test.gold, head.fit(Xtr, texts, gold, 0)(Xte, [d.text for d in test.docs])), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
