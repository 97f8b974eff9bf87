"""Sentence-level exemplar matching against the shipped passage-level matching, per SemEval narrative: does scoring a
passage by its best sentence (exemplars are single sentences; a 110-word passage dilutes the one sentence that carries
a narrative) rank the articles that carry a narrative better? A diagnostic on the training part only; chooses nothing.

    .venv/bin/python benchmarks/sentence_relevance.py --train /tmp/semeval-split/train/EN \
        [--cache /tmp/semeval-vectors.duckdb] [--min-words 5] [--bar 0.55]

Per narrative and scoring (`passage`: the shipped passage vector; `sentence`: the passage's best sentence;
`window2`: its best pair of consecutive sentences; `mix`: the mean of `passage` and `sentence`): the ROC AUC of the
article's best relevance between carrying and other articles, and the article recall at the bar that names as many
other (non-carrying) articles as the shipped scoring does at `--bar` (matched false positives, so scorings with
different similarity scales compare). The last line sums over narratives.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from exemplar_recall import training_part

import flows  # noqa: F401  (environment defaults)
from extractors.passages import split_sentences
from models.evaluation import EmbeddingCache
from models.narratives import Prototypes, passage_relevance

SCORINGS = ("passage", "sentence", "window2", "mix")


def units(passage: str, min_words: int) -> tuple[list[str], list[str]]:
    """A passage's sentences of at least `min_words` words and its pairs of consecutive sentences (the passage itself
    when it has none)."""
    sentences = [s for s in split_sentences(passage) if len(s.split()) >= min_words] or [passage]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(sentences)] or sentences
    return sentences, pairs


def best_of(texts: list[list[str]], cache: EmbeddingCache, protos: Prototypes) -> np.ndarray:
    """Passages × narratives: each passage's best unit relevance."""
    flat = [t for ts in texts for t in ts]
    relevance = passage_relevance(cache.encode(flat), protos, k=2)
    out, start = [], 0
    for ts in texts:
        out.append(relevance[start:start + len(ts)].max(axis=0))
        start += len(ts)
    return np.stack(out)


def main() -> None:
    from sklearn.metrics import roc_auc_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--min-words", type=int, default=5)
    parser.add_argument("--bar", type=float, default=0.55)
    args = parser.parse_args()
    semeval, cache, data, protos = training_part(args.train, args.cache)
    per_doc: dict[str, list[np.ndarray]] = {s: [] for s in SCORINGS}
    for passages, vectors in zip(data.passages, data.vectors, strict=True):
        split = [units(p, args.min_words) for p in passages]
        per_doc["passage"].append(passage_relevance(vectors, protos, k=2))
        per_doc["sentence"].append(best_of([s for s, _ in split], cache, protos))
        per_doc["window2"].append(best_of([w for _, w in split], cache, protos))
        per_doc["mix"].append((per_doc["passage"][-1] + per_doc["sentence"][-1]) / 2)
    best = {s: np.stack([r.max(axis=0) for r in rows]) for s, rows in per_doc.items()}
    totals = {s: {"named": 0, "auc": []} for s in SCORINGS}
    carrying_total = 0
    for j, narrative in enumerate(semeval.narratives):
        y = np.array([narrative.label in g for g in data.gold])
        if not 0 < y.sum() < len(y):
            continue
        carrying_total += int(y.sum())
        false_named = int((best["passage"][~y, j] >= args.bar).sum())
        row: dict[str, object] = {"narrative": narrative.label, "carrying": int(y.sum()), "other_named": false_named}
        for s in SCORINGS:
            others = np.sort(best[s][~y, j])[::-1]
            # the bar naming `false_named` other articles: just above the next other article's relevance
            bar = others[false_named] + 1e-6 if false_named < len(others) else -np.inf
            named = int((best[s][y, j] >= bar).sum())
            auc = float(roc_auc_score(y, best[s][:, j]))
            totals[s]["named"] += named
            totals[s]["auc"].append(auc)
            row[s] = {"auc": round(auc, 3), "recall": round(named / y.sum(), 3), "bar": round(float(bar), 3)}
        print(json.dumps(row), flush=True)
    print(json.dumps({"total_carrying_pairs": carrying_total} | {
        s: {"named": t["named"], "mean_auc": round(float(np.mean(t["auc"])), 3)} for s, t in totals.items()}), flush=True)


if __name__ == "__main__":
    main()
