"""Stance on real claim / rebuttal pairs we did not write: EUvsDisinfo cases (a disinformation claim's summary and the
EUvsDisinfo team's disproof of it), read from the shared fixtures (never copied).

    .venv/bin/python benchmarks/stance_euvsdisinfo.py [--cases ../shared/fixtures/narratives/euvsdisinfo/kalkun-full_dataset_formatted.csv]
        [--cache /tmp/radar-euvsdisinfo-vectors.duckdb] [--counter-weights 1 2] [--fit-head] [--choose-weight 1 3 10 30]

A case is in the catalogue's scope when its summary is assigned some narrative (relevance above that narrative's
threshold); both texts are then judged towards the summary's strongest narrative, as the pipeline judges a passage:
the summary should come out `claim`, the disproof `rebuttal` (models/stance_pairs.py). Cases are split in two halves
by a hash of their title: `tune` for choosing anything, `test` to report. Printed per rule variant and half: the
stance distribution of summaries and of disproofs. With `--fit-head`, also a stance head fitted on the tune half
(beside the catalogue's exemplars), and what it does to the demo's stance accuracy and to our own stance set
(tests/fixtures/stance/stance_set.yaml).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from flows.classify_step import NarrativeModel
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.evaluation import EmbeddingCache
from models.narratives import fit_stance_head
from models.stance_pairs import StancePair, pair_stances, read_pairs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.stance_measure import STANCE_SET, demo_stance_accuracy, stance_scores

CASES = ROOT.parent / "shared" / "fixtures" / "narratives" / "euvsdisinfo" / "kalkun-full_dataset_formatted.csv"


def stance_set_accuracy(model: NarrativeModel, cache: EmbeddingCache, part: str) -> float:
    """Accuracy on one part of our own labelled stance set (tests/fixtures/stance/stance_set.yaml)."""
    return round(stance_scores(model, cache, [i for i in STANCE_SET if i["part"] == part])[0], 3)


def demo_accuracy(model: NarrativeModel, cache: EmbeddingCache) -> float:
    """The demo's stance accuracy per narrative paragraph (benchmarks/worlds/stance_measure.py), vectors from the cache."""
    return round(demo_stance_accuracy(cache, [model])[0][0], 3)


def choose_catalogue_weight(shipped: NarrativeModel, tune: list[StancePair], cache: EmbeddingCache,
                            catalogue_weights: list[int]) -> None:
    """How much the catalogue's own exemplars must weigh beside real pairs for the demo's stance to hold: a stance
    head fitted on one part of the tune half (by a second hash), the catalogue exemplars repeated `weight` times,
    judged on the other part and on the demo. Uses the tune half only."""
    fit_part = [p for p in tune if hashlib.sha256(p.title.encode()).digest()[1] % 2 == 0]
    judge_part = [p for p in tune if hashlib.sha256(p.title.encode()).digest()[1] % 2 == 1]
    judge_vectors = cache.encode([p.claim for p in judge_part] + [p.rebuttal for p in judge_part])
    ex_claims = [t for nar in shipped.catalogue.narratives for t in (*nar.claims, nar.description)]
    ex_rebuttals = [t for nar in shipped.catalogue.narratives for t in nar.rebuttals]
    print(json.dumps({"shipped": {"demo": demo_accuracy(shipped, cache)}}), flush=True)
    for weight in catalogue_weights:
        texts = [p.claim for p in fit_part] + ex_claims * weight + [p.rebuttal for p in fit_part] + ex_rebuttals * weight
        weights = fit_stance_head(cache.encode(texts), texts, len(fit_part) + len(ex_claims) * weight)
        model = dataclasses.replace(shipped, prototypes=dataclasses.replace(shipped.prototypes, stance_weights=weights))
        claims, rebuttals = pair_stances(judge_vectors, judge_part, model.catalogue, model.prototypes, model.params)
        print(json.dumps({"catalogue_weight": weight, "fit_pairs": len(fit_part), "judged_in_scope": sum(claims.values()),
                          "summary": _shares(claims, ("claim", "mention", "rebuttal")),
                          "disproof": _shares(rebuttals, ("rebuttal", "mention", "claim")),
                          "demo": demo_accuracy(model, cache),
                          "stance_set_dev": stance_set_accuracy(model, cache, "dev")}), flush=True)


def _shares(counts: Counter, keys: tuple[str, ...]) -> dict[str, float | None]:
    total = sum(counts.values())
    return {k: round(counts[k] / total, 3) if total else None for k in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-euvsdisinfo-vectors.duckdb"))
    parser.add_argument("--counter-weights", type=float, nargs="*", default=[1.0, 2.0])
    parser.add_argument("--fit-head", action="store_true", help="also a stance head fitted on the tune half")
    parser.add_argument("--choose-weight", type=int, nargs="*", default=None, metavar="WEIGHT",
                        help="weigh the catalogue's exemplars WEIGHT times beside the pairs (tune half only, e.g. 1 3 10 30)")
    args = parser.parse_args()
    pairs = read_pairs(args.cases)
    cache = EmbeddingCache(Embedder(), args.cache)
    shipped = NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), cache.embedder)
    halves = {half: [p for p in pairs if p.half == half] for half in ("tune", "test")}
    vectors = {half: cache.encode([p.claim for p in part] + [p.rebuttal for p in part]) for half, part in halves.items()}
    variants = {"shipped": shipped,
                "stance head alone": dataclasses.replace(shipped, params=dataclasses.replace(
                    shipped.params, reported_is_mention=False, claim_lead_only=False))}
    variants |= {f"counter_weight {w}": dataclasses.replace(shipped, params=dataclasses.replace(shipped.params, counter_weight=w))
                 for w in args.counter_weights}
    if args.fit_head:
        # Tune-half summaries (claim) and disproofs (rebuttal) beside the catalogue's exemplars; the shipped rules around it.
        ex_claims = [t for nar in shipped.catalogue.narratives for t in (*nar.claims, nar.description)]
        ex_rebuttals = [t for nar in shipped.catalogue.narratives for t in nar.rebuttals]
        tune = halves["tune"]
        texts = [p.claim for p in tune] + ex_claims + [p.rebuttal for p in tune] + ex_rebuttals
        weights = fit_stance_head(cache.encode(texts), texts, len(tune) + len(ex_claims))
        fitted = dataclasses.replace(shipped, prototypes=dataclasses.replace(shipped.prototypes, stance_weights=weights))
        variants["stance head fitted on the tune half"] = fitted
        print(json.dumps({"demo_stance_accuracy": {"shipped": demo_accuracy(shipped, cache),
                                                   "fitted head": demo_accuracy(fitted, cache)},
                          "stance_set": {part: {"shipped": stance_set_accuracy(shipped, cache, part),
                                                "fitted head": stance_set_accuracy(fitted, cache, part)}
                                         for part in ("dev", "test")}}), flush=True)
    if args.choose_weight:
        choose_catalogue_weight(shipped, halves["tune"], cache, args.choose_weight)
    for name, model in variants.items():
        for half, part in halves.items():
            claims, rebuttals = pair_stances(vectors[half], part, model.catalogue, model.prototypes, model.params)
            scoped = sum(claims.values())
            print(json.dumps({
                "variant": name, "half": half, "cases": len(part), "in_scope": scoped,
                "summary": _shares(claims, ("claim", "mention", "rebuttal")),
                "disproof": _shares(rebuttals, ("rebuttal", "mention", "claim")),
                "accuracy": round((claims["claim"] + rebuttals["rebuttal"]) / (2 * scoped), 3) if scoped else None,
            }), flush=True)


if __name__ == "__main__":
    main()
