"""Pooling and fitting variants of the document head that add no features: the article's lead (first passage,
which holds the title) weighted up in the mean pool, a mean pool weighted towards the passages that resemble
narrative exemplars, the max pool replaced by a top-2 mean, pools of whitened passage vectors (the transform fitted on the organisers'
101 unlabelled English test articles only), and label-balanced logistic fits (rare narratives have 3-10
positive documents of 120). Judged by repeated cross-validation on the training part only.

    .venv/bin/python benchmarks/pooling_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants shipped lead1 lead2 balanced relevance0.05 relevance0.1 top2 whiten128 whiten256]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_score, cv_seeds, head_recipe, load_split, semeval_prototypes, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from models import doc_head
from models.evaluation import embed_documents
from models.narratives import side_scores
from models.semeval import OTHER, LabelledDocument, f1_samples, without_repeated_paragraphs

UNLABELLED = Path(__file__).resolve().parents[2] / "shared/fixtures/narratives/semeval2025-task10/test_data/EN/subtask-2-documents"


def unlabelled_documents(folder: Path) -> list[LabelledDocument]:
    return [LabelledDocument(p.name, "EN", without_repeated_paragraphs(p.read_text(encoding="utf-8", errors="replace")),
                             frozenset({OTHER})) for p in sorted(folder.glob("*.txt"))]


def lead_weighted(vectors: np.ndarray, weight: float) -> np.ndarray:
    """The passage vectors with the first one repeated so that it counts 1 + weight times in the mean pool."""
    if weight <= 0 or len(vectors) < 2:
        return vectors
    repeats = np.ones(len(vectors), dtype=int)
    repeats[0] += int(weight)
    return np.repeat(vectors, repeats, axis=0)


def relevance_features(vectors: np.ndarray, protos, tau: float) -> np.ndarray:
    """The shipped features with the mean pool weighted towards passages that resemble some narrative's exemplars
    (softmax of their best exemplar similarity over `tau`): an article's narrative passages count more than its
    background."""
    claim, rebut = side_scores(vectors, protos, k=2)
    best = np.maximum(claim, rebut).max(axis=1)
    w = np.exp((best - best.max()) / tau)
    mean = (w[:, None] * vectors).sum(axis=0)
    features = doc_head.document_features(vectors, protos)
    features[: vectors.shape[1]] = mean / (np.linalg.norm(mean) + 1e-9)
    return features


def top2_features(vectors: np.ndarray, protos) -> np.ndarray:
    """The shipped features with the element-wise max pool replaced by the mean of the two highest values."""
    features = doc_head.document_features(vectors, protos)
    d = vectors.shape[1]
    if len(vectors) > 1:
        features[d:2 * d] = np.sort(vectors, axis=0)[-2:].mean(axis=0)
    return features


def whitening(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, projection) onto the top-k principal directions scaled to unit variance (BERT-whitening), from
    passage vectors of unlabelled articles only."""
    mu = vectors.mean(axis=0)
    u, s, _ = np.linalg.svd(np.cov((vectors - mu).T))
    return mu, (u[:, :k] / np.sqrt(s[:k] + 1e-6)).astype(np.float32)


def whitened_features(vectors: np.ndarray, protos, transform: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Mean and max pools of the whitened, re-normalised passage vectors; exemplar similarities from the raw ones."""
    mu, w = transform
    z = (vectors - mu) @ w
    z /= np.linalg.norm(z, axis=1, keepdims=True) + 1e-9
    raw = doc_head.document_features(vectors, protos)
    return np.concatenate([doc_head.pool(z), raw[2 * vectors.shape[1]:]]).astype(np.float32)


@contextmanager
def balanced_fits() -> Iterator[None]:
    shipped = doc_head._fit_linear
    doc_head._fit_linear = partial(shipped, class_weight="balanced")
    try:
        yield
    finally:
        doc_head._fit_linear = shipped


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=["shipped", "lead1", "lead2", "balanced"])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    cache, protos = semeval_prototypes(args.cache)
    transform_source = None
    recipe = head_recipe()
    for variant in args.variants:
        A, B = Xtr, Xte
        if variant.startswith("lead"):
            w = float(variant[4:])
            A = np.stack([doc_head.document_features(lead_weighted(v, w), protos) for v in train.vectors])
            B = np.stack([doc_head.document_features(lead_weighted(v, w), protos) for v in test.vectors])
        elif variant.startswith("relevance"):
            tau = float(variant[9:])
            A = np.stack([relevance_features(v, protos, tau) for v in train.vectors])
            B = np.stack([relevance_features(v, protos, tau) for v in test.vectors])
        elif variant.startswith("whiten"):
            if transform_source is None:
                transform_source = np.vstack(embed_documents(unlabelled_documents(UNLABELLED), cache).vectors)
            t = whitening(transform_source, int(variant[6:]))
            A = np.stack([whitened_features(v, protos, t) for v in train.vectors])
            B = np.stack([whitened_features(v, protos, t) for v in test.vectors])
        elif variant == "top2":
            A = np.stack([top2_features(v, protos) for v in train.vectors])
            B = np.stack([top2_features(v, protos) for v in test.vectors])
        with balanced_fits() if variant == "balanced" else nullcontext():
            cv = cv_score(recipe, A, train.gold, labels, cv_seeds(args))
            row = {"variant": variant, "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
            if args.held_out:
                row["held_out"] = round(f1_samples(test.gold, recipe(A, train.gold, labels, 0)(B)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
