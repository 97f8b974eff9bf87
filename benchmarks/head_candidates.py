"""Candidate document-head recipes on SemEval-2025 T10 English, chosen by repeated cross-validation on the training
part only, then scored once on the held-out part (which chooses nothing).

    .venv/bin/radar eval split ../shared/fixtures/narratives/semeval2025-task10/data/train_data/EN --out /tmp/semeval-split
    .venv/bin/python benchmarks/head_candidates.py --train /tmp/semeval-split/train/EN --test /tmp/semeval-split/test/EN \
        [--cache /tmp/semeval-vectors.duckdb] [--seeds 3]

Prints one JSON line per candidate: mean CV F1-samples over seeds (5 folds each, fitted with the candidate's own
inner CV) and held-out F1-samples.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.doc_head import DecisionRule, _folds, fit_head, tune_rule
from models.evaluation import SEMEVAL_FAMILIES, EmbeddedDocs, EmbeddingCache, embed_documents
from models.narratives import Prototypes, build_prototypes
from models.semeval import OTHER, f1_samples, read_annotated

Recipe = Callable[[np.ndarray, Sequence[set[str]], list[str], int], Callable[[np.ndarray], list[set[str]]]]


def head_recipe(C: float = 10.0, domain_first: bool = False, Cs: Sequence[float] = (), repeats: int = 3) -> Recipe:
    def fit(X: np.ndarray, gold: Sequence[set[str]], labels: list[str], seed: int) -> Callable[[np.ndarray], list[set[str]]]:
        head = fit_head(X, gold, labels, C=C, seed=seed, domain_first=domain_first, Cs=Cs, repeats=repeats)
        return head.predict
    return fit


# (training indices, scored indices, the candidate's own seed) -> predictions for the scored documents
FitPredict = Callable[[np.ndarray, np.ndarray, int], list[set[str]]]


def cv_scores(gold: Sequence[set[str]], fit_predict: FitPredict, seeds: Iterable[int]) -> list[float]:
    """5-fold CV F1-samples, one per seed (see `cv_predictions`)."""
    return [f1_samples(gold, predicted) for predicted in cv_predictions(gold, fit_predict, seeds)]


def cv_predictions(gold: Sequence[set[str]], fit_predict: FitPredict, seeds: Iterable[int]) -> list[list[set[str]]]:
    """Out-of-fold predictions of 5-fold CV, one list per seed: fold split 1000 + seed, the candidate's inner seed
    seed + 1 + fold (as every candidate benchmark has used, so their figures compare)."""
    out = []
    for seed in seeds:
        fold = _folds(len(gold), 5, 1000 + seed)
        predicted: list[set[str]] = [set() for _ in gold]
        for k in range(5):
            tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
            for i, p in zip(te, fit_predict(tr, te, seed + 1 + k), strict=True):
                predicted[i] = p
        out.append(predicted)
    return out


def tuned_rule(gold: Sequence[set[str]], labels: list[str], fit_score: Callable[[np.ndarray, np.ndarray, int, int], np.ndarray],
               seed: int, repeats: int = 3, inner: int = 5, tune: Callable = tune_rule) -> DecisionRule:
    """The shipped rule tuning on a candidate's own scores: out-of-fold scores of `inner` folds pooled over `repeats`
    splits (fit_score(training indices, scored indices, repeat, fold) -> scores of the scored documents); `tune`
    chooses the rule from those scores (the shipped grid by default)."""
    n = len(gold)
    oof = np.zeros((repeats * n, len(labels)), dtype=np.float32)
    for r in range(repeats):
        fold = _folds(n, inner, seed + 7919 * r)
        for k in range(inner):
            tr, te = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
            oof[r * n + te] = fit_score(tr, te, r, k)
    return tune(oof, list(gold) * repeats, labels)


def summary(row: dict, cv: list[float]) -> str:
    return json.dumps(row | {"cv_mean": round(float(np.mean(cv)), 4), "cv": [round(c, 4) for c in cv]})


def scorer_row(variant: str, scorer: Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]],
               train_gold: list[set[str]], test_gold: list[set[str]], labels: list[str], args: argparse.Namespace,
               tune: Callable = tune_rule) -> str:
    """The summary line of a candidate given as a scorer over the training then held-out documents (scorer(training
    indices)(scored indices) -> scores): CV on the training part with the rule tuned by `tune` on the scorer's inner
    out-of-fold scores, and the held-out part when `args.held_out`."""
    gold = train_gold + test_gold

    def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int) -> list[set[str]]:
        rule = tuned_rule([gold[i] for i in tr], labels, lambda a, b, r, k: scorer(tr[a])(tr[b]), seed, tune=tune)
        return [rule.decide(s, labels) for s in scorer(tr)(te)]

    row: dict[str, object] = {"variant": variant, "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
    if args.held_out:
        n = len(train_gold)
        row["held_out"] = round(f1_samples(test_gold, fit_predict(np.arange(n), np.arange(n, len(gold)), 0)), 4)
    return summary(row, cv_scores(train_gold, fit_predict, cv_seeds(args)))


def cv_score(recipe: Recipe, X: np.ndarray, gold: list[set[str]], labels: list[str], seeds: Iterable[int]) -> list[float]:
    def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int) -> list[set[str]]:
        return recipe(X[tr], [gold[i] for i in tr], labels, seed)(X[te])
    return cv_scores(gold, fit_predict, seeds)


def cv_seeds(args: argparse.Namespace) -> range:
    """The CV seeds `split_arguments` asks for: first-seed .. first-seed + seeds - 1."""
    return range(args.first_seed, args.first_seed + args.seeds)


def split_arguments(description: str, held_out_option: bool = True) -> argparse.ArgumentParser:
    """The options every candidate benchmark shares: the split's two folders, a vector cache, CV seeds (fold splits
    first-seed .. first-seed + seeds - 1), and `--held-out` where the held-out part is not always scored."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    if held_out_option:
        parser.add_argument("--held-out", action="store_true", help="also score the held-out part (once, after the choice)")
    return parser


def semeval_prototypes(cache_path: Path | None) -> tuple[EmbeddingCache, Prototypes]:
    """The configured encoder behind a vector cache, and the SemEval families' exemplar prototypes."""
    settings = Settings()
    cache = EmbeddingCache(settings.embedder(), cache_path)
    return cache, build_prototypes(load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES), cache.encode)


def load_split(train_dir: Path, test_dir: Path, cache_path: Path | None) -> tuple[EmbeddedDocs, EmbeddedDocs, list[str], np.ndarray, np.ndarray]:
    """Both parts embedded with the configured encoder: (train, test, labels, train features, test features)."""
    labels = [n.label for n in load_catalogue(Settings().narratives).only(SEMEVAL_FAMILIES).narratives] + [OTHER]
    cache, protos = semeval_prototypes(cache_path)
    train, test = embed_documents(read_annotated(train_dir), cache), embed_documents(read_annotated(test_dir), cache)
    return train, test, labels, train.features(protos), test.features(protos)


def main() -> None:
    args = split_arguments(__doc__.splitlines()[0], held_out_option=False).parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    candidates = {
        "one inner split (before)": head_recipe(repeats=1),
        "C=3": head_recipe(C=3.0, repeats=1),
        "C=30": head_recipe(C=30.0, repeats=1),
        "domain first (C=10)": head_recipe(domain_first=True, repeats=1),
        "shipped: rule on 3 inner splits": head_recipe(),
        "C from 1/3/10/30 by inner CV": head_recipe(Cs=(1.0, 3.0, 10.0, 30.0), repeats=1),
        "C by inner CV, 3 splits, domain first": head_recipe(Cs=(1.0, 3.0, 10.0, 30.0), repeats=3, domain_first=True),
    }
    for name, recipe in candidates.items():
        cv = cv_score(recipe, Xtr, train.gold, labels, cv_seeds(args))
        held_out = f1_samples(test.gold, recipe(Xtr, train.gold, labels, 0)(Xte))
        print(json.dumps({"candidate": name, "cv_mean": round(float(np.mean(cv)), 4),
                          "cv": [round(c, 4) for c in cv], "held_out": round(held_out, 4)}), flush=True)


if __name__ == "__main__":
    main()
