"""Stance quality gate on real sentences: EUvsDisinfo claim summaries and disproofs, read from the shared fixtures.

The stance head with the tune half's pairs beside the catalogue's exemplars (RADAR_STANCE_PAIRS) must keep rebuttal
recall at least 0.7 and claim precision at least 0.8 at the lower end of their 95% intervals; both heads keep their
pinned floors (tests/stance_floor.json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

from flows.classify_step import NarrativeModel
from models.catalogue import load_catalogue
from models.stance_pairs import held_out, judged_pairs, read_pairs, scoped_pairs, stance_rates, with_pair_head

CASES = SHARED / "narratives" / "euvsdisinfo" / "kalkun-full_dataset_formatted.csv"
FLOOR = json.loads((Path(__file__).parent / "stance_floor.json").read_text())

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CASES.exists(), reason=f"shared fixture {CASES} is not present")]


@pytest.fixture(scope="module")
def rates(embedder) -> dict[str, dict[str, list[float]]]:
    shipped = NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), embedder)
    pairs = read_pairs(CASES)
    protos = {"exemplars": shipped.prototypes, "exemplars_and_pairs": with_pair_head(
        shipped.catalogue, shipped.prototypes, [p for p in pairs if p.half == "tune"], embedder.encode, shipped.params)}
    scoped, vectors = scoped_pairs(held_out(pairs), shipped.catalogue, shipped.prototypes, shipped.params, embedder.encode)
    assert len(scoped) >= 400
    return {name: stance_rates(judged_pairs(vectors, scoped, shipped.catalogue, p, shipped.params))
            for name, p in protos.items()}


@pytest.mark.parametrize("head", ["exemplars", "exemplars_and_pairs"])
def test_held_out_claim_precision_and_rebuttal_recall_stay_above_floor(rates, head):
    floor = FLOOR[head]["floor"]
    assert rates[head]["claim_precision"][0] >= floor["claim_precision"], rates[head]
    assert rates[head]["rebuttal_recall"][0] >= floor["rebuttal_recall"], rates[head]


def test_real_pairs_make_rebuttals_read_as_rebuttals(rates):
    ours = rates["exemplars_and_pairs"]
    assert ours["rebuttal_recall"][1] >= 0.7 and ours["claim_precision"][1] >= 0.8, ours  # interval lower ends
    assert ours["rebuttal_recall"][0] > rates["exemplars"]["rebuttal_recall"][2]  # beyond the other's interval
