"""Attribution-aware stance: the founding analysis, a held-out labelled stance set, and the demo corpus."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import ROOT, SHARED

from benchmarks.worlds.stance_measure import CLASSES, STANCE_SET, demo_stance_accuracy, stance_scores
from extractors.passages import split_passages
from flows.classify_step import NarrativeModel
from models.catalogue import load_catalogue
from models.narratives import attribution_cues, classify
from models.stance_pairs import pair_stances, read_pairs

ANALYSIS = SHARED / "narratives" / "new-detente-analysis.txt"
EUVSDISINFO = SHARED / "narratives" / "euvsdisinfo" / "kalkun-full_dataset_formatted.csv"


@pytest.fixture(scope="module")
def model(embedder) -> NarrativeModel:
    return NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), embedder)


@pytest.fixture(scope="module")
def before(model) -> NarrativeModel:
    """The stance rule as it was: the stance head alone, the same for every narrative of a passage."""
    return dataclasses.replace(model, params=dataclasses.replace(model.params, reported_is_mention=False,
                                                                 claim_lead_only=False, counter_weight=0.0))


@pytest.mark.skipif(not ANALYSIS.exists(), reason=f"shared fixture {ANALYSIS} is not present")
def test_founding_analysis_never_claims_sold_out_and_claims_the_new_detente(model, embedder):
    texts = [p.text for p in split_passages(ANALYSIS.read_text(encoding="utf-8"))]
    found = classify(embedder.encode(texts), texts, model.catalogue, model.prototypes, model.params)
    sold_out = {i: a.stance for i, f in enumerate(found) for a in f if a.narrative_id == "russia_sold_out_china"}
    detente = {i: a.stance for i, f in enumerate(found) for a in f if a.narrative_id == "us_russia_new_detente"}
    assert sold_out and "claim" not in sold_out.values(), sold_out
    assert detente and set(detente.values()) == {"claim"}, detente
    # The opening rejection is a rebuttal; the passage predicting that others would claim a sell-out is not a claim.
    opening = next(i for i, t in enumerate(texts) if "absurd" in t)
    predicted = next(i for i, t in enumerate(texts) if "sensationally" in t)
    assert sold_out[opening] == "rebuttal"
    assert sold_out.get(predicted, "mention") == "mention" and attribution_cues(texts[predicted]) > 0


def test_held_out_stance_set_accuracy_and_recall(model, before, embedder):
    held_out = [i for i in STANCE_SET if i["part"] == "test"]
    assert {c: sum(i["stance"] == c for i in held_out) for c in CLASSES} == {"claim": 10, "rebuttal": 10, "mention": 10}
    accuracy, recall = stance_scores(model, embedder, held_out)
    old_accuracy, old_recall = stance_scores(before, embedder, held_out)
    # Measured: 0.60 (claim 0.8, rebuttal 0.4, mention 0.6) against 0.50 for the stance head alone (mention 0.3).
    assert accuracy >= 0.55 and accuracy > old_accuracy
    assert recall["mention"] > old_recall["mention"]
    assert recall["claim"] >= old_recall["claim"] and recall["rebuttal"] >= old_recall["rebuttal"]


def test_demo_stance_is_not_worse(model, before, embedder):
    # Every fourth narrative paragraph of the demo keeps the test short (full demo: 0.727 -> 0.796).
    (accuracy, n), (old_accuracy, old_n) = demo_stance_accuracy(embedder, [model, before], every=4)
    assert n == old_n and n > 300
    assert accuracy >= old_accuracy


@pytest.mark.skipif(not EUVSDISINFO.exists(), reason=f"shared fixture {EUVSDISINFO} is not present")
def test_real_claim_and_disproof_pairs_are_rarely_judged_on_the_wrong_side(model, before, embedder):
    """EUvsDisinfo cases, text we did not write: a claim's summary should read `claim` and its disproof never `claim`.
    Every second pair of the `test` half (benchmarks/stance_euvsdisinfo.py at commit 3b6a6b3 reports the whole half: summaries claim
    0.849, disproofs claim 0.151 against 0.521 for the stance head alone)."""
    pairs = [p for p in read_pairs(EUVSDISINFO) if p.half == "test"][::2]
    vectors = embedder.encode([p.claim for p in pairs] + [p.rebuttal for p in pairs])
    claims, rebuttals = pair_stances(vectors, pairs, model.catalogue, model.prototypes, model.params)
    _, old_rebuttals = pair_stances(vectors, pairs, before.catalogue, before.prototypes, before.params)
    scoped = sum(claims.values())
    assert scoped >= 150, claims
    assert claims["claim"] / scoped >= 0.75 and claims["rebuttal"] / scoped <= 0.15, claims
    assert rebuttals["claim"] / scoped <= 0.25, rebuttals
    # the attribution and lead-narrative rules: most of the head's wrong-side calls on disproofs become mentions
    assert rebuttals["claim"] * 2 <= old_rebuttals["claim"], (rebuttals, old_rebuttals)
