"""Claim exemplars written as descriptions of an article's argument ("The article argues that ..."), added to the
SemEval-family narratives of the catalogue: does the exemplar (passage) classifier name more of the real articles'
passages, and does the document head (whose features include exemplar similarities) gain? Chosen on the training
part; the held-out part is scored once, with `--held-out`.

    .venv/bin/python benchmarks/descriptive_exemplars.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--extra benchmarks/descriptive_exemplars.yaml] [--held-out]

Printed per part: the exemplar classifier as `radar eval semeval` scores it (F1-samples, 95% intervals, paired gain),
per narrative the share of carrying articles in which some passage gets the narrative at the discovery candidate bar
0.55 (and the pairs so named); on the training part the shipped head recipe's repeated 5-fold CV F1-samples with
features from each catalogue; with `--held-out`, the head fitted on the training part and scored on the held-out part.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from explanation_exemplars import naming_recall, with_claims
from head_candidates import cv_score, cv_seeds, head_recipe, split_arguments
from narrative_bars import paired_comparison

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents, prototype_zero_shot
from models.narratives import ClassifierParams, build_prototypes
from models.semeval import OTHER, f1_samples, read_annotated

DEFAULT_EXTRA = Path(__file__).resolve().parent / "descriptive_exemplars.yaml"


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--extra", type=Path, default=DEFAULT_EXTRA)
    args = parser.parse_args()
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    extra = yaml.safe_load(args.extra.read_text(encoding="utf-8"))
    catalogues = {"shipped": semeval, "descriptive": with_claims(semeval, extra)}
    print(json.dumps({"extra_claims": sum(map(len, extra.values())), "narratives": len(extra)}), flush=True)
    labels = [n.label for n in semeval.narratives] + [OTHER]
    cache = EmbeddingCache(settings.embedder(), args.cache)
    train = embed_documents(read_annotated(args.train), cache)
    test = embed_documents(read_annotated(args.test), cache) if args.held_out else None
    protos = {k: build_prototypes(c, cache.encode) for k, c in catalogues.items()}
    params = ClassifierParams()
    parts = [("train", train)] + ([("held-out", test)] if test is not None else [])
    for name, part in parts:
        before, after = (prototype_zero_shot(part, catalogues[k], protos[k], params) for k in catalogues)
        print(json.dumps(paired_comparison(f"{name}: exemplar classifier", part.gold, before, after,
                                           ("shipped", "descriptive"))), flush=True)
        recall, pairs = naming_recall(part, semeval, catalogues, protos, params)
        print(json.dumps({"part": name, "article_recall_at_0.55": recall, "pairs_named": pairs}), flush=True)
    recipe = head_recipe()
    for key in catalogues:
        X = train.features(protos[key])
        cv = cv_score(recipe, X, train.gold, labels, cv_seeds(args))
        row = {"head_features": key, "cv_mean": round(float(np.mean(cv)), 4), "cv": [round(c, 4) for c in cv]}
        if test is not None:
            row["held_out"] = round(f1_samples(test.gold, recipe(X, train.gold, labels, 0)(test.features(protos[key]))), 4)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
