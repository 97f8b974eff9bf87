"""Per SemEval narrative, how often the exemplar (passage) classifier names it in articles that carry it, and how often
in articles that do not. A diagnostic for rewriting the catalogue's SemEval-family exemplars; chooses nothing.

    .venv/bin/python benchmarks/exemplar_recall.py --train /tmp/semeval-split/train/EN \
        [--cache /tmp/semeval-vectors.duckdb] [--bars 0.5 0.55]

On the training part only (the held-out part stays for judging a rewrite). Per narrative and bar: `carrying` articles
whose gold labels carry it, `article_recall` (share of them with at least one passage given the narrative at the
bar), `passage_share` (share of their passages given it), `article_precision` (share of the articles with such a
passage that carry it); and whether the exemplars rank the articles at all: the ROC AUC of the article's best passage
relevance (the score the bar is applied to) between carrying and other articles, with the medians of both. The
classifier is the shipped one with the SemEval families of the catalogue, as
`radar eval semeval` scores it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import Catalogue, load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddedDocs, EmbeddingCache, embed_documents
from models.narratives import ClassifierParams, Prototypes, build_prototypes, classify, passage_relevance
from models.semeval import read_annotated


def training_part(train: Path, cache_path: Path | None) -> tuple[Catalogue, EmbeddingCache, EmbeddedDocs, Prototypes]:
    """The SemEval families of the catalogue, the vector cache, the training part embedded, and the prototypes."""
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    cache = EmbeddingCache(settings.embedder(), cache_path)
    return semeval, cache, embed_documents(read_annotated(train), cache), build_prototypes(semeval, cache.encode)


def main() -> None:
    from sklearn.metrics import roc_auc_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--bars", type=float, nargs="*", default=[0.5, 0.55])
    args = parser.parse_args()
    semeval, _, data, protos = training_part(args.train, args.cache)
    params = ClassifierParams()
    # per document, per passage: {narrative label: best score}
    found = []
    for texts, vectors in zip(data.passages, data.vectors, strict=True):
        per_passage = classify(vectors, texts, semeval, protos, params)
        found.append([{semeval.narratives[semeval.ids.index(a.narrative_id)].label: a.score for a in f} for f in per_passage])
    best = np.stack([passage_relevance(v, protos, k=params.top_k).max(axis=0) for v in data.vectors])
    for j, narrative in enumerate(semeval.narratives):
        carrying = [i for i, g in enumerate(data.gold) if narrative.label in g]
        y = np.isin(np.arange(len(data.gold)), carrying)
        for bar in args.bars:
            named = [i for i, doc in enumerate(found) if any(p.get(narrative.label, 0.0) >= bar for p in doc)]
            passages = [p for i in carrying for p in found[i]]
            print(json.dumps({
                "narrative": narrative.label, "bar": bar, "carrying": len(carrying),
                "article_recall": round(len(set(named) & set(carrying)) / len(carrying), 3) if carrying else None,
                "passage_share": round(sum(p.get(narrative.label, 0.0) >= bar for p in passages) / len(passages), 3)
                if passages else None,
                "article_precision": round(len(set(named) & set(carrying)) / len(named), 3) if named else None,
                "ranking_auc": round(float(roc_auc_score(y, best[:, j])), 3) if 0 < y.sum() < len(y) else None,
                "best_relevance_median": [round(float(np.median(best[y, j])), 3) if y.any() else None,
                                          round(float(np.median(best[~y, j])), 3)],
            }), flush=True)


if __name__ == "__main__":
    main()
