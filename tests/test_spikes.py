"""Spike detection on synthetic daily series: noise stays quiet, planted spikes fire, edge cases hold."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from models.spikes import DayPoint, Spike, SpikeParams, detect_spikes, fill_days

D0 = date(2024, 1, 1)
SEEDS = range(50)


def day(i: int) -> date:
    return D0 + timedelta(days=i)


def noisy(rs: np.random.RandomState, shares: list[float], mean_total: int = 200) -> list[DayPoint]:
    """Poisson daily totals, binomial counts at the given share per day."""
    points = []
    for i, share in enumerate(shares):
        total = int(rs.poisson(mean_total))
        points.append(DayPoint(day(i), int(rs.binomial(total, share)), total))
    return points


def plant(points: list[DayPoint], i: int, share: float) -> None:
    """Set day i's count to exactly `share` of its total (the spike itself is not resampled)."""
    p = points[i]
    points[i] = DayPoint(p.day, round(share * p.total), p.total)


def fired_days(spikes: list[Spike]) -> list[int]:
    return [(s.day - D0).days for s in spikes]


@pytest.mark.parametrize("seed", SEEDS)
def test_flat_noise_never_fires(seed: int) -> None:
    rs = np.random.RandomState(seed)
    assert detect_spikes(noisy(rs, [0.05] * 60)) == []


@pytest.mark.parametrize("seed", SEEDS)
def test_planted_4x_spike_fires_on_that_day_only(seed: int) -> None:
    rs = np.random.RandomState(seed)
    points = noisy(rs, [0.05] * 60)
    plant(points, 30, 0.20)
    spikes = detect_spikes(points)
    assert fired_days(spikes) == [30]
    s = spikes[0]
    assert s.ratio >= 3.0 and s.score >= 4.0 and s.baseline_days == 21
    assert s.share == pytest.approx(s.count / s.total)


def test_sampled_4x_spike_fires_in_most_seeds() -> None:
    # A binomially drawn 4x day at ~200 passages sometimes lands under 3x the median: the rule trades
    # that ~5% miss for silence on noise. Pin the power so a tightened threshold shows up here.
    hits = 0
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        points = noisy(rs, [0.05] * 30 + [0.20] + [0.05] * 29)
        days = fired_days(detect_spikes(points))
        assert set(days) <= {30}
        hits += days == [30]
    assert hits >= 45


def test_slow_linear_trend_does_not_keep_firing() -> None:
    # The lagging median never reaches 3x on a 2%->8% ramp; the rare fire is low-count noise early on
    # (~5 passages a day), where about 1 series in 20 fires once over 1000 seeds. Never more than once.
    fires = []
    for seed in SEEDS:
        spikes = detect_spikes(noisy(np.random.RandomState(seed), list(np.linspace(0.02, 0.08, 60))))
        assert len(spikes) <= 1
        fires += fired_days(spikes)
    assert len(fires) <= 3


def test_insufficient_history_never_fires() -> None:
    points = [DayPoint(day(i), 1, 200) for i in range(13)] + [DayPoint(day(13), 150, 200)]
    assert detect_spikes(points) == []
    # The same jump one observed day later has the 14 days it needs.
    points = [DayPoint(day(i), 1, 200) for i in range(14)] + [DayPoint(day(14), 150, 200)]
    assert fired_days(detect_spikes(points)) == [14]


def test_history_is_counted_in_observed_days_not_calendar_days() -> None:
    # 21 calendar days of window but only 10 of them carry data: still too little history.
    points = [DayPoint(day(i), 1, 200) for i in range(0, 20, 2)] + [DayPoint(day(20), 150, 200)]
    assert detect_spikes(points) == []


def test_low_absolute_count_does_not_fire() -> None:
    points = [DayPoint(day(i), 0, 20) for i in range(30)] + [DayPoint(day(30), 5, 20)]
    assert detect_spikes(points) == []
    points[-1] = DayPoint(day(30), 7, 20)
    assert detect_spikes(points) == []


@pytest.mark.parametrize(("gap", "expected"), [(3, [30]), (7, [30]), (8, [30, 38]), (10, [30, 40])])
def test_cooldown(gap: int, expected: list[int]) -> None:
    rs = np.random.RandomState(7)
    points = noisy(rs, [0.05] * 60)
    plant(points, 30, 0.25)
    plant(points, 30 + gap, 0.25)
    assert fired_days(detect_spikes(points)) == expected


def test_zero_cooldown_lets_consecutive_days_fire() -> None:
    points = [DayPoint(day(i), 10, 200) for i in range(21)] + [DayPoint(day(21), 60, 200), DayPoint(day(22), 60, 200)]
    assert fired_days(detect_spikes(points, SpikeParams(cooldown_days=0))) == [21, 22]
    assert fired_days(detect_spikes(points)) == [21]


def test_narrative_from_nothing_fires() -> None:
    # Decision: a narrative absent for weeks that shows up min_count times is news. The zero median is
    # floored at one passage per baseline day, so 10 of 200 reads as 10x and z = 10.
    points = [DayPoint(day(i), 0, 200) for i in range(21)] + [DayPoint(day(21), 10, 200)]
    spikes = detect_spikes(points)
    assert fired_days(spikes) == [21]
    assert spikes[0].baseline_median == 0 and spikes[0].baseline_mad == 0
    assert spikes[0].ratio == pytest.approx(10.0) and spikes[0].score == pytest.approx(10.0)


def test_flat_baseline_with_zero_mad_does_not_divide_by_zero() -> None:
    # Exactly 10/200 every day: MAD is 0, so z rests on the floor of half the median (0.025).
    flat = [DayPoint(day(i), 10, 200) for i in range(21)]
    assert detect_spikes(flat + [DayPoint(day(21), 25, 200)]) == []  # 2.5x, z = 3
    spikes = detect_spikes(flat + [DayPoint(day(21), 40, 200)])
    assert fired_days(spikes) == [21]
    assert spikes[0].ratio == pytest.approx(4.0) and spikes[0].score == pytest.approx(6.0)


@pytest.mark.parametrize("seed", range(10))
def test_gaps_are_skipped_and_match_explicit_zero_days(seed: int) -> None:
    rs = np.random.RandomState(seed)
    points = noisy(rs, [0.05] * 60)
    plant(points, 45, 0.20)
    # Drop every weekend-ish pair of days: the spike still has >= 14 observed days in its 21-day window.
    sparse = [p for p in points if (p.day - D0).days % 7 not in (5, 6) or (p.day - D0).days == 45]
    expected = fired_days(detect_spikes(sparse))
    assert expected == [45]
    filled = fill_days(sparse)
    assert len(filled) == 60 and [p.day for p in filled] == [day(i) for i in range(60)]
    assert fired_days(detect_spikes(filled)) == expected
    assert fired_days(detect_spikes(list(reversed(sparse)))) == expected


def test_zero_total_day_is_never_judged_and_input_is_validated() -> None:
    points = [DayPoint(day(i), 10, 200) for i in range(21)] + [DayPoint(day(21), 0, 0)]
    assert detect_spikes(points) == []
    assert detect_spikes([]) == [] and fill_days([]) == []
    with pytest.raises(ValueError):
        DayPoint(day(0), 5, 4)
    with pytest.raises(ValueError):
        detect_spikes([DayPoint(day(0), 1, 2), DayPoint(day(0), 1, 2)])
    with pytest.raises(ValueError):
        SpikeParams(baseline_days=10, min_baseline_days=14)


def test_deterministic() -> None:
    points = noisy(np.random.RandomState(3), [0.05] * 60)
    plant(points, 25, 0.3)
    assert detect_spikes(points) == detect_spikes(list(points))
