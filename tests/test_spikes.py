"""Spike detection on synthetic sparse series (a few articles a day, some days empty): noise stays quiet,
planted article waves fire, passage pile-ups in one article do not, edge cases hold."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from models.spikes import DayPoint, Spike, SpikeParams, detect_spikes, fill_days, share_p

D0 = date(2024, 1, 1)
SEEDS = range(50)
PASSAGES_PER_ARTICLE = 8


def day(i: int) -> date:
    return D0 + timedelta(days=i)


def sparse_day(rs: np.random.RandomState, i: int, rate: float, mean_articles: float = 3.0,
               extra_carriers: int = 0) -> DayPoint:
    """Poisson articles; each carries the narrative with probability `rate`, in 1 + Poisson(1.5) passages."""
    articles = int(rs.poisson(mean_articles)) + extra_carriers
    carriers = int(rs.binomial(articles - extra_carriers, rate)) + extra_carriers
    per = [min(1 + int(rs.poisson(1.5)), PASSAGES_PER_ARTICLE) for _ in range(carriers)]
    return DayPoint(day(i), sum(per), articles * PASSAGES_PER_ARTICLE, articles, carriers, sum(c * c for c in per))


def series(seed: int, days: int = 70, rate: float = 0.15, spike_day: int | None = None,
           extra: int = 10) -> list[DayPoint]:
    rs = np.random.RandomState(seed)
    return [sparse_day(rs, i, rate, extra_carriers=extra if i == spike_day else 0) for i in range(days)]


def fired_days(spikes: list[Spike]) -> list[int]:
    return [(s.day - D0).days for s in spikes]


def test_sparse_noise_stays_quiet_at_the_bonferroni_threshold() -> None:
    # 200 series of 42 judged days at a per-series threshold of 0.01 / 100: at most ~0.84 fires expected.
    fires = sum(len(detect_spikes(series(seed), n_series=100)) for seed in range(200))
    assert fires <= 2


def test_false_alarm_rate_per_series_day_is_within_alpha() -> None:
    """With one series and alpha 0.05, the share of judged days that fire stays under alpha (the test is
    conservative: the binomial is discrete and the guards cut more)."""
    params = SpikeParams(alpha=0.05, cooldown_days=0)
    judged = fires = 0
    for seed in range(200):
        points = series(1000 + seed)
        fires += len(detect_spikes(points, params))
        judged += len(points) - 28
    assert fires / judged < 0.05


def test_ten_extra_carrying_articles_fire_on_their_day_in_most_seeds_and_nothing_else_fires() -> None:
    # Power, pinned: ten extra carrying articles on a day of ~3 (narrative in 15% of articles, 100 series
    # judged together) fire in about 47 seeds of 50; a tightened threshold shows up here.
    hits = 0
    for seed in SEEDS:
        spikes = detect_spikes(series(seed, spike_day=60), n_series=100)
        assert set(fired_days(spikes)) <= {60}
        hits += bool(spikes)
        for s in spikes:
            assert s.hit_articles >= 10 and s.p_value <= 0.01 / 100 and s.ratio >= SpikeParams().min_ratio
            assert s.share == pytest.approx(s.count / s.total) and s.score == pytest.approx(-np.log10(s.p_value))
    assert hits >= 45


def test_many_passages_in_one_article_do_not_fire() -> None:
    base = series(3)
    pile = DayPoint(day(70), 8, 24, 3, 1, 64)  # one article carries it in all 8 passages
    assert detect_spikes(base + [pile], SpikeParams(min_articles=1)) == []
    two = DayPoint(day(70), 16, 24, 3, 2, 128)
    assert detect_spikes(base + [two], SpikeParams(min_articles=1), n_series=100) == []


def test_baseline_is_pooled_over_sparse_days_not_counted_in_days() -> None:
    """Outlets publishing twice a week: data on 2 days in 7. Baseline minimums are passages and articles."""
    rs = np.random.RandomState(5)
    points = [sparse_day(rs, i, 0.15, mean_articles=6) for i in range(70) if i % 7 in (1, 4)]
    points.append(sparse_day(rs, 71, 0.15, mean_articles=4, extra_carriers=10))
    assert fired_days(detect_spikes(points, n_series=50)) == [71]
    # the same day with too little baseline (only the first 2 weeks of history) is not judged
    early = [p for p in points if (p.day - D0).days < 14] + [DayPoint(day(15), 40, 112, 14, 12, 160)]
    assert detect_spikes(early, SpikeParams(min_baseline_articles=40)) == []


def test_low_absolute_count_and_few_articles_do_not_fire() -> None:
    base = [DayPoint(day(i), 0, 80, 10, 0, 0) for i in range(30)]
    assert detect_spikes(base + [DayPoint(day(30), 7, 40, 5, 5, 7)]) == []  # 7 < min_count passages
    assert detect_spikes(base + [DayPoint(day(30), 9, 40, 5, 2, 41)]) == []  # 2 < min_articles
    assert fired_days(detect_spikes(base + [DayPoint(day(30), 9, 40, 5, 4, 21)])) == [30]


def test_narrative_from_nothing_fires_when_carried_by_enough_articles() -> None:
    # Absent for four weeks, then 5 of 6 articles carry it: news. The baseline share is floored at half an article.
    base = [DayPoint(day(i), 0, 80, 10, 0, 0) for i in range(28)]
    spikes = detect_spikes(base + [DayPoint(day(28), 12, 48, 6, 5, 30)], n_series=100)
    assert fired_days(spikes) == [28]
    assert spikes[0].baseline_article_rate == pytest.approx(0.5 / 280)


def test_ratio_guard_on_a_common_narrative() -> None:
    # A narrative in 60% of articles cannot triple its share: a full day of it is not a spike.
    base = [DayPoint(day(i), 30, 80, 10, 6, 150) for i in range(28)]
    assert detect_spikes(base + [DayPoint(day(28), 80, 80, 10, 10, 640)], n_series=1) == []


@pytest.mark.parametrize(("gap", "expected"), [(3, [40]), (7, [40]), (8, [40, 48]), (10, [40, 50])])
def test_cooldown(gap: int, expected: list[int]) -> None:
    points = series(7)
    for i in (40, 40 + gap):
        points[i] = DayPoint(day(i), 60, 120, 15, 15, 240)
    assert fired_days(detect_spikes(points)) == expected


def test_zero_cooldown_lets_consecutive_days_fire() -> None:
    points = series(7)
    for i in (40, 41):
        points[i] = DayPoint(day(i), 60, 120, 15, 15, 240)
    assert fired_days(detect_spikes(points, SpikeParams(cooldown_days=0))) == [40, 41]
    assert fired_days(detect_spikes(points)) == [40]


@pytest.mark.parametrize("seed", range(10))
def test_gaps_are_skipped_and_match_explicit_zero_days(seed: int) -> None:
    points = series(seed, spike_day=55)
    sparse = [p for p in points if p.total > 0 and ((p.day - D0).days % 7 not in (5, 6) or (p.day - D0).days == 55)]
    expected = fired_days(detect_spikes(sparse))
    assert expected == [55]
    filled = fill_days(sparse)
    first, last = (sparse[0].day - D0).days, (sparse[-1].day - D0).days
    assert [p.day for p in filled] == [day(i) for i in range(first, last + 1)]
    assert fired_days(detect_spikes(filled)) == expected
    assert fired_days(detect_spikes(list(reversed(sparse)))) == expected


def test_bonferroni_raises_the_bar_with_the_number_of_series() -> None:
    base = [DayPoint(day(i), 4, 64, 8, 1, 16) for i in range(28)]  # one carrying article of 8 a day
    day_point = DayPoint(day(28), 12, 64, 8, 5, 30)  # 5 of 8 articles carry it
    p = share_p(5, 8, 28, 224)
    assert 0.001 < p < 0.01
    assert fired_days(detect_spikes(base + [day_point], n_series=1)) == [28]
    assert detect_spikes(base + [day_point], n_series=10) == []


def synchronized_week_days(seed: int, weeks: int = 10, spike: bool = False) -> list[DayPoint]:
    """Every outlet publishes on Tuesdays and Thursdays only: about 12 articles on those days, none on others;
    the narrative in 15% of articles. With `spike`, ten more articles carrying it on the last Thursday."""
    rs = np.random.RandomState(seed)
    points = []
    for i in range(weeks * 7):
        if i % 7 not in (1, 3):
            continue
        extra = 10 if spike and i // 7 == weeks - 1 and i % 7 == 3 else 0
        articles = int(rs.poisson(12))
        carriers = int(rs.binomial(articles, 0.15)) + extra
        articles += extra
        per = [min(1 + int(rs.poisson(1.5)), PASSAGES_PER_ARTICLE) for _ in range(carriers)]
        points.append(DayPoint(day(i), sum(per), articles * PASSAGES_PER_ARTICLE, articles, carriers,
                               sum(c * c for c in per)))
    return points


def test_a_busy_publishing_day_is_not_a_spike_under_the_volume_test_but_was_under_the_rate_test() -> None:
    """The rhythm of weekly columns: all outlets on the same two weekdays. The day's carrying articles are about
    3.5 times the baseline's daily rate on every publishing day, at an unchanged share (measured: the volume test
    fires in 1 of 100 seeds, the rate test in 38)."""
    volume = sum(bool(detect_spikes(synchronized_week_days(seed), n_series=50)) for seed in range(100))
    rate = sum(bool(detect_spikes(synchronized_week_days(seed), SpikeParams(test="rate"), n_series=50))
               for seed in range(100))
    assert volume <= 2 and rate >= 25, (volume, rate)


def test_a_share_spike_on_a_busy_day_still_fires() -> None:
    """Ten more carrying articles on a day of 12 take its share from 15% to about 55%: pinned at 26 of 50 seeds
    with 50 series judged together, 49 of 50 for one series (less evidence than the same ten on a day of 3)."""
    def found(n_series: int) -> int:
        return sum(bool(detect_spikes(synchronized_week_days(seed, spike=True), n_series=n_series))
                   for seed in range(50))
    assert found(50) >= 20 and found(1) >= 45


def test_a_quiet_outlet_turning_wholly_to_one_narrative_fires() -> None:
    # 4 articles a day, the narrative in 1 of 10 of them; then a day of 5 articles that all carry it.
    base = [DayPoint(day(i), 4 if i % 10 == 0 else 0, 32, 4, 1 if i % 10 == 0 else 0, 16) for i in range(40)]
    assert fired_days(detect_spikes(base + [DayPoint(day(40), 20, 40, 5, 5, 80)], n_series=50)) == [40]


def test_no_day_is_judged_before_its_cold_start_ends() -> None:
    points = series(7)
    points[40] = DayPoint(day(40), 60, 120, 15, 15, 240)
    assert fired_days(detect_spikes(points)) == [40]
    assert detect_spikes(points, judged_from=day(41)) == []
    assert fired_days(detect_spikes(points, judged_from=day(40))) == [40]


def test_zero_total_day_is_never_judged_and_input_is_validated() -> None:
    points = series(1)[:40] + [DayPoint(day(40), 0, 0, 0, 0, 0)]
    assert detect_spikes(points) == []
    assert detect_spikes([]) == [] and fill_days([]) == []
    with pytest.raises(ValueError):
        DayPoint(day(0), 5, 4)
    with pytest.raises(ValueError):
        detect_spikes([DayPoint(day(0), 1, 2), DayPoint(day(0), 1, 2)])
    with pytest.raises(ValueError):
        SpikeParams(alpha=0)
    with pytest.raises(ValueError):
        SpikeParams(min_ratio=1.0)
    with pytest.raises(ValueError, match="spike test"):
        SpikeParams(test="poisson")


def test_points_without_article_counts_treat_each_passage_as_an_article() -> None:
    legacy = DayPoint(day(0), 3, 10)
    assert (legacy.n_articles, legacy.n_hit_articles, legacy.sum_sq) == (10, 3, 3)


def test_deterministic() -> None:
    points = series(3, spike_day=50)
    assert detect_spikes(points) == detect_spikes(list(points))
