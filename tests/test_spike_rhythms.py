"""Spike alerts on worlds of real text that carry the rhythms of real feeds: synchronized publishing weekdays,
weekday/weekend cycles, a burst of backfilled articles after an outage, off-topic filler, a first week of history.

Every document's labels come from one run of the real `daily_ingest` (benchmarks/worlds/spike_replay.py); 20 null and 20
planted worlds per rhythm are replayed from them, and whole worlds run through the real flow store exactly the
alerts the replay gives. The bounds pin what seeds 0-19 measure with the shipped test (null worlds alerting 0-3 of
20 per rhythm, planted spike found 15-17 of 20; on synchronized weekdays the earlier rate test alerts in 16 null
worlds, the shipped one in none); the rates over 100 other seeds, against the targets, are in docs/analytics.md
(benchmarks/rhythms.py spikes).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from benchmarks.worlds import realworld, spike_replay
from benchmarks.worlds.realworld import RHYTHMS, SPIKE_NARRATIVE, query

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_backend"),
    pytest.mark.skipif(not realworld.available() or not realworld.ZYTE.exists(),
                       reason=f"SemEval-2025 T10 texts or Zyte pages not found at {realworld.SEMEVAL}"),
]
SEEDS = range(20)


@pytest.fixture(scope="module")
def library(rhythm_library):
    _, docs, filler, labels, settings = rhythm_library
    return docs, filler, labels, settings


def outcomes(library, rhythm: str, test: str | None = None) -> list:
    """(planted, alerts, world) of every seed's null and planted world, with the shipped test unless `test`."""
    docs, filler, labels, settings = library
    params = replace(settings.spike_params(), test=test or settings.spike_test)
    out = []
    for seed in SEEDS:
        for planted in (False, True):
            world = realworld.plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
            out.append((planted, spike_replay.replay_alerts(world, labels, params), world))
    return out


def test_the_library_holds_every_document_classified(library) -> None:
    docs, filler, labels, _ = library
    assert len(labels) >= 0.95 * len(docs) + 0.9 * len(filler)
    assert sum(bool(lab.narratives) for d, lab in labels.items() if d.startswith("zyte_")) < 0.5 * len(filler)


@pytest.mark.parametrize("rhythm", RHYTHMS)
def test_null_worlds_of_every_rhythm_rarely_alert_and_never_in_the_first_week(library, rhythm: str) -> None:
    rates = spike_replay.rates(outcomes(library, rhythm), SPIKE_NARRATIVE)
    assert rates["null_with_alert"] <= 3, rates
    assert rates["alerts_in_first_week"] == 0, rates


@pytest.mark.parametrize("rhythm", RHYTHMS)
def test_the_planted_spike_is_found_on_its_day_in_every_rhythm(library, rhythm: str) -> None:
    rates = spike_replay.rates(outcomes(library, rhythm), SPIKE_NARRATIVE)
    assert rates["planted_found"] >= 13, rates  # measured 15-17; slack for vectors of another encoding batch


def test_the_earlier_rate_test_alerted_on_synchronized_publishing_days(library) -> None:
    """What the volume test fixes: judged against the baseline's daily rate, busy days fire in many null worlds."""
    rate = spike_replay.rates(outcomes(library, "synchronized", test="rate"), SPIKE_NARRATIVE)
    shipped = spike_replay.rates(outcomes(library, "synchronized"), SPIKE_NARRATIVE)
    assert rate["null_with_alert"] >= 5 and shipped["null_with_alert"] <= 1, (rate, shipped)


# Seed 0's planted filler world is one whose spike the replay finds (seed 3's is one of the misses the rates allow:
# in the suite its flow stored exactly the replay's alerts, without the planted one).
@pytest.mark.parametrize(("rhythm", "planted", "seed"), [("synchronized", False, 3), ("filler", True, 0)])
def test_the_real_flow_stores_the_alerts_the_replay_gives(library, semeval_vector_cache, tmp_path, rhythm: str,
                                                          planted: bool, seed: int) -> None:
    docs, filler, labels, settings = library
    world = realworld.plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
    db = realworld.ingest_world_served(world, tmp_path / "world", settings, semeval_vector_cache)
    stored = sorted(query(db, "SELECT camp, narrative_id, day FROM alerts WHERE kind = 'spike'"))
    assert stored == spike_replay.replay_alerts(world, labels, settings.spike_params())
    assert all(day >= world.start + timedelta(days=7) for _, _, day in stored)
    if planted:
        assert ("*", SPIKE_NARRATIVE, world.spike_day) in stored
