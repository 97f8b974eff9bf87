"""Per-narrative bars for the exemplar (passage) classifier, chosen on the SemEval training part and scored once on the
held-out part. Measured, not shipped: a bar per narrative changes every passage-level count.

    .venv/bin/python benchmarks/narrative_bars.py --train /tmp/semeval-split/train/EN --test /tmp/semeval-split/test/EN \
        [--cache /tmp/semeval-vectors.duckdb] [--min-carrying 3] [--one-bar]

Per narrative with at least `--min-carrying` training articles: the bar (0.35-0.60 in steps of 0.025) that maximises
the F1 of "some passage of the article reaches the bar" against "the article carries the narrative" on the training
articles; the others keep the default 0.50. Then the classifier as `radar eval semeval` scores it (an article
carries every narrative its passages are assigned; Other when none), with the default and with the chosen bars:
F1-samples on the training part (in-sample) and on the held-out part, with 95% bootstrap intervals and the paired
difference on the held-out part. With `--one-bar`: one bar for every narrative (the classifier's default, 0.50),
swept over 0.35-0.80 on the training part, chosen by F1-samples and by the F1 of the (article, narrative) pairs with
Other left out, each choice scored once on the held-out part.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddedDocs, EmbeddingCache, embed_documents, prototype_zero_shot
from models.narratives import ClassifierParams, build_prototypes, passage_relevance
from models.semeval import bootstrap_interval, document_f1, f1_samples, pair_scores, read_annotated

BARS = [round(float(b), 3) for b in np.arange(0.35, 0.601, 0.025)]
ONE_BARS = [round(float(b), 3) for b in np.arange(0.35, 0.801, 0.025)]


def choose_bars(data: EmbeddedDocs, semeval, protos, min_carrying: int, top_k: int) -> dict[str, float]:
    best = np.stack([passage_relevance(v, protos, k=top_k).max(axis=0) for v in data.vectors])
    chosen = {}
    for j, narrative in enumerate(semeval.narratives):
        y = np.array([narrative.label in g for g in data.gold])
        if y.sum() < min_carrying:
            continue
        f1 = [2 * (y & (best[:, j] >= b)).sum() / (y.sum() + (best[:, j] >= b).sum()) for b in BARS]
        chosen[narrative.narrative_id] = BARS[int(np.argmax(f1))]
    return chosen


def paired_comparison(part: str, gold: list[set[str]], before: list[set[str]], after: list[set[str]],
                      names: tuple[str, str]) -> dict:
    """F1-samples of two labellings of the same documents, each with its 95% interval, and the paired gain."""
    first, second = document_f1(gold, before), document_f1(gold, after)
    gain = [a - b for a, b in zip(second, first, strict=True)]
    return {"part": part, "documents": len(gold),
            names[0]: round(f1_samples(gold, before), 4), f"{names[0].removesuffix('_bar')}_95ci": bootstrap_interval(first),
            names[1]: round(f1_samples(gold, after), 4), f"{names[1].removesuffix('_bars')}_95ci": bootstrap_interval(second),
            "paired_gain": round(float(np.mean(gain)), 4), "paired_gain_95ci": bootstrap_interval(gain)}


def one_bar(train: EmbeddedDocs, test: EmbeddedDocs, semeval, protos, default: ClassifierParams) -> None:
    """One bar for every narrative, swept on the training part; chosen by F1-samples and by the pairs' F1, each
    scored once on the held-out part."""
    sweep = {}
    for b in ONE_BARS:
        labels = prototype_zero_shot(train, semeval, protos, ClassifierParams(default_threshold=b))
        sweep[b] = {"f1_samples": round(f1_samples(train.gold, labels), 4), "pairs": pair_scores(train.gold, labels)}
    by_samples = max(sweep, key=lambda b: (sweep[b]["f1_samples"], -abs(b - default.default_threshold)))
    by_pairs = max(sweep, key=lambda b: (sweep[b]["pairs"]["f1"], -abs(b - default.default_threshold)))
    print(json.dumps({"train_by_bar": sweep, "chosen_by_f1_samples": by_samples, "chosen_by_pair_f1": by_pairs}), flush=True)
    before = prototype_zero_shot(test, semeval, protos, default)
    for name, bar in (("by_f1_samples", by_samples), ("by_pair_f1", by_pairs)):
        after = prototype_zero_shot(test, semeval, protos, ClassifierParams(default_threshold=bar))
        row = paired_comparison(f"held-out, bar {bar} ({name})", test.gold, before, after, ("default_bar", "chosen_bar"))
        print(json.dumps(row | {"pairs_default": pair_scores(test.gold, before), "pairs_chosen": pair_scores(test.gold, after)}),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--min-carrying", type=int, default=3)
    parser.add_argument("--one-bar", action="store_true",
                        help="instead: one bar for all narratives, chosen for F1-samples on the training part")
    args = parser.parse_args()
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    cache = EmbeddingCache(settings.embedder(), args.cache)
    train, test = embed_documents(read_annotated(args.train), cache), embed_documents(read_annotated(args.test), cache)
    protos = build_prototypes(semeval, cache.encode)
    default = ClassifierParams()
    if args.one_bar:
        one_bar(train, test, semeval, protos, default)
        return
    bars = choose_bars(train, semeval, protos, args.min_carrying, default.top_k)
    tuned = ClassifierParams(thresholds=bars)
    print(json.dumps({"bars": bars}), flush=True)
    for name, part in (("train (in-sample)", train), ("held-out", test)):
        before, after = prototype_zero_shot(part, semeval, protos, default), prototype_zero_shot(part, semeval, protos, tuned)
        print(json.dumps(paired_comparison(name, part.gold, before, after, ("default_bar", "per_narrative_bars"))), flush=True)


if __name__ == "__main__":
    main()
