"""Other languages' labelled articles as extra training data for the English document head. The SemEval-2025
T10 training data has BG, HI, PT and RU folders with the same taxonomy; MiniLM is trained on English, but names,
numbers and shared subwords may still carry the narrative. The extra documents join every training fold (inner
rule tuning included); only English documents are scored. Judged by repeated cross-validation on the English
training part; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/multilingual_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants none PT PT+BG+RU+HI]

"none" is the shipped recipe itself (fit_head: inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_scores, cv_seeds, head_recipe, load_split, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes
from models.semeval import OTHER, f1_samples, read_annotated

TRAIN_DATA = Path(__file__).resolve().parents[2] / "shared/fixtures/narratives/semeval2025-task10/data/train_data"


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--train-data", type=Path, default=TRAIN_DATA, help="folder with the BG/HI/PT/RU folders")
    parser.add_argument("--variants", nargs="*", default=["none", "PT", "PT+BG+RU+HI"])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    settings = Settings()
    cache = EmbeddingCache(settings.embedder(), args.cache)
    protos = build_prototypes(load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES), cache.encode)
    known = set(labels)
    other: dict[str, tuple[np.ndarray, list[set[str]]]] = {}
    for lang in sorted({x for v in args.variants if v != "none" for x in v.split("+")}):
        embedded = embed_documents(read_annotated(args.train_data / lang), cache)
        # a label outside the English head's list (none expected: same taxonomy) is dropped, Other when none is left
        gold = [({g for g in d if g in known}) or {OTHER} for d in embedded.gold]
        other[lang] = (embedded.features(protos), gold)
        print(json.dumps({"language": lang, "documents": len(gold)}), flush=True)
    recipe = head_recipe()
    for variant in args.variants:
        langs = [] if variant == "none" else variant.split("+")
        EX = np.vstack([other[x][0] for x in langs]) if langs else np.zeros((0, Xtr.shape[1]), dtype=np.float32)
        EG = [g for x in langs for g in other[x][1]]
        def fit_predict(tr: np.ndarray, te: np.ndarray, seed: int, EX: np.ndarray = EX, EG: list = EG) -> list[set[str]]:
            return recipe(np.vstack([Xtr[tr], EX]), [train.gold[i] for i in tr] + EG, labels, seed)(Xtr[te])

        cv = cv_scores(train.gold, fit_predict, cv_seeds(args))
        row = {"variant": variant, "extra_documents": len(EG), "seeds": [args.first_seed, args.first_seed + args.seeds - 1]}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, recipe(np.vstack([Xtr, EX]), train.gold + EG, labels, 0)(Xte)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
