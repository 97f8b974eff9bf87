"""The document head as a gate for the exemplar classifier. About half of the SemEval English articles are gold
"Other"; on the held-out part the head wins F1-samples by recognising them (all-Other alone scores 0.52), while the
exemplar classifier names the narratives of the other articles better. Candidates: where the head gives an article
a narrative, the exemplar classifier's labels replace (`gate`) or join (`gate+union`) the head's; where the head says
Other, Other. Judged by repeated cross-validation on the training part (F1-samples, and F1-samples on the articles
that carry a narrative); the held-out part is scored once, with `--held-out`.

    .venv/bin/python benchmarks/gated_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] [--held-out]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_predictions, cv_seeds, head_recipe, load_split, split_arguments

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, prototype_zero_shot, scores
from models.narratives import build_prototypes
from models.semeval import OTHER


def combine(head: set[str], exemplar: set[str], variant: str) -> set[str]:
    if variant == "shipped" or head <= {OTHER}:
        return head
    named = exemplar - {OTHER}
    if not named:
        return head
    return named if variant == "gate" else head | named


def main() -> None:
    args = split_arguments(__doc__.splitlines()[0]).parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    protos = build_prototypes(semeval, EmbeddingCache(settings.embedder(), args.cache).encode)
    exemplar_train, exemplar_test = prototype_zero_shot(train, semeval, protos), prototype_zero_shot(test, semeval, protos)
    recipe = head_recipe()

    def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int) -> list[set[str]]:
        return recipe(Xtr[tr], [train.gold[i] for i in tr], labels, seed)(Xtr[te])

    folds = cv_predictions(train.gold, fit_predict, cv_seeds(args))
    held_out = recipe(Xtr, train.gold, labels, 0)(Xte) if args.held_out else None
    print(json.dumps({"exemplar_classifier_train": scores(train.gold, exemplar_train, labels)}), flush=True)
    for variant in ("shipped", "gate", "gate+union"):
        runs = [scores(train.gold, [combine(h, e, variant) for h, e in zip(p, exemplar_train, strict=True)], labels)
                for p in folds]
        row: dict[str, object] = {"variant": variant, "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
        for key in ("f1_samples", "f1_samples_narrative_articles", "macro_f1"):
            row[f"cv_{key}"] = round(float(np.mean([r[key] for r in runs])), 4)
        row["cv"] = [r["f1_samples"] for r in runs]
        if held_out is not None:
            row["held_out"] = scores(test.gold, [combine(h, e, variant) for h, e in zip(held_out, exemplar_test, strict=True)], labels)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
