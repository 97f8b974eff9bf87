"""Self-training for the document head: the head fitted on the labelled documents labels unlabelled English
articles (the organisers' SemEval-2025 T10 test documents, which carry no gold labels), and is fitted again on
both. Judged by repeated cross-validation on the training part only (the unlabelled pool never includes a scored
document); the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/selftraining_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--unlabelled ../shared/fixtures/narratives/semeval2025-task10/test_data/EN/subtask-2-documents]

Candidates: every pseudo-labelled article added, or only those whose best label scores at least `--confidence`.
"none" is the shipped recipe itself (fit_head: inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, load_split, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.doc_head import fit_head
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes
from models.semeval import OTHER, LabelledDocument, f1_samples, without_repeated_paragraphs

UNLABELLED = Path(__file__).resolve().parents[2] / "shared/fixtures/narratives/semeval2025-task10/test_data/EN/subtask-2-documents"


def unlabelled_features(folder: Path, cache_path: Path | None) -> np.ndarray:
    settings = Settings()
    docs = [LabelledDocument(p.name, "EN", without_repeated_paragraphs(p.read_text(encoding="utf-8", errors="replace")),
                             frozenset({OTHER})) for p in sorted(folder.glob("*.txt"))]
    cache = EmbeddingCache(settings.embedder(), cache_path)
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    return embed_documents(docs, cache).features(build_prototypes(semeval, cache.encode))


def self_trained(X: np.ndarray, gold: list[set[str]], labels: list[str], U: np.ndarray, seed: int,
                 confidence: float | None):
    head = fit_head(X, gold, labels, seed=seed)
    if confidence is None:
        return head.predict
    scores = head.scores(U)
    keep = scores.max(axis=1) >= confidence
    pseudo = [head.rule.decide(s, labels) for s in scores[keep]]
    return fit_head(np.vstack([X, U[keep]]), gold + pseudo, labels, seed=seed).predict


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--unlabelled", type=Path, default=UNLABELLED)
    parser.add_argument("--confidences", type=float, nargs="*", default=[-1.0, 0.0, 0.5],
                        help="-1: no self-training (shipped); 0: every unlabelled article")
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    U = unlabelled_features(args.unlabelled, args.cache)
    gold = train.gold
    for confidence in args.confidences:
        conf = None if confidence < 0 else confidence
        cv = cv_scores(gold, lambda tr, te, seed, conf=conf: self_trained(Xtr[tr], [gold[i] for i in tr], labels, U, seed,
                                                                          conf)(Xtr[te]),
                       cv_seeds(args))
        row = {"confidence": conf, "unlabelled": len(U)}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, self_trained(Xtr, gold, labels, U, 0, conf)(Xte)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
