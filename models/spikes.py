"""Spike alerts: a day on which far more articles carry a narrative than its pooled baseline predicts.

Built for sparse outlets, where most days have a handful of articles and a median of daily shares is
meaningless. For each day of a series (one narrative, in one camp or in all camps):

* the *baseline* pools the ``baseline_days`` calendar days before it (fewer when the series is younger):
  articles carrying the narrative ``H_b`` out of classified articles ``A_b`` and passages the same way; a day
  is judged only when the baseline holds ``min_baseline_passages`` passages and ``min_baseline_articles``
  articles, however many days they came on;
* the *test* counts articles, not passages: one article that carries a narrative often carries it in several
  passages, so passages are not independent evidence while articles nearly are. With ``test="weekday"`` (the
  default) a day fires only when both hold:
  - *more carrying articles than the day's rhythm predicts*: ``P(Poisson(mu) >= h) <= alpha / n_series`` with
    ``mu`` = the baseline's share of carrying articles ``H_b / A_b`` times the usual volume of the day's weekday
    in the baseline (its mean articles on that weekday, one burst day left out, at least the window's daily
    mean), so a Tuesday on which every outlet publishes is judged against earlier Tuesdays;
  - *a larger share of the day's own articles*: ``P(BetaBinomial(A, H_b + 1/2, A_b - H_b + 1/2) >= h) <=
    share_alpha``, each of the day's ``A`` articles carrying it at the baseline's share, known only as well as
    ``H_b`` of ``A_b`` tell it (Jeffreys' prior): a burst of back-filled articles is not a spike of one narrative.
  ``test="volume"`` is the share test alone (at ``alpha / n_series``), which misses most events: an event's own
  articles swell the day's volume. ``test="rate"`` is the earlier test, ``P(Poisson(H_b / days) >= h)``, which
  calls every busy publishing day a spike. Rates of all three per publishing rhythm: benchmarks/spike_rhythms.py;
* *cold start*: no day is judged before ``judged_from`` (the caller passes the first day whose baseline window
  the scope's outlets all cover), so the first weeks of history and a feed's back-filled first fetch alert nothing;
* a day fires when its test passes (Bonferroni across the series judged in one analysis), the narrative has
  ``min_count`` passages in ``min_articles`` articles that day, and its share of the day's articles is at least
  ``min_ratio`` times its baseline share;
* after a spike the series stays quiet for ``cooldown_days``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

SPIKE_TESTS = ("weekday", "volume", "rate")


@dataclass(frozen=True)
class SpikeParams:
    """Thresholds for `detect_spikes`; defaults measured on real-text worlds (docs/analytics.md, benchmarks/analytics_calibration.py)."""

    baseline_days: int = 28  # calendar days before the day itself
    min_baseline_passages: int = 100
    min_baseline_articles: int = 20
    min_count: int = 8  # passages carrying the narrative on the day
    min_articles: int = 3  # articles carrying it on the day
    min_ratio: float = 2.0  # the day's share of articles carrying it / the baseline's
    alpha: float = 0.01  # chance of any false alarm per day across the series judged together
    cooldown_days: int = 7  # days after a spike during which the series stays quiet
    test: str = "weekday"  # "weekday", "volume" or "rate": see the module docstring
    share_alpha: float = 0.01  # the day's share must also exceed the baseline's at this level (not "rate")

    def __post_init__(self) -> None:
        if self.test not in SPIKE_TESTS:
            raise ValueError(f"spike test must be one of {', '.join(SPIKE_TESTS)}, got {self.test!r}")
        if self.baseline_days < 1 or self.min_baseline_passages < 1 or self.min_baseline_articles < 0:
            raise ValueError("need baseline_days >= 1, min_baseline_passages >= 1, min_baseline_articles >= 0")
        if self.min_count < 1 or self.min_articles < 1 or self.min_ratio <= 1 or self.cooldown_days < 0:
            raise ValueError("need min_count >= 1, min_articles >= 1, min_ratio > 1, cooldown_days >= 0")
        if not 0 < self.alpha < 1 or not 0 < self.share_alpha <= 1:
            raise ValueError("need 0 < alpha < 1 and 0 < share_alpha <= 1")


@dataclass(frozen=True)
class DayPoint:
    """One day of one series: passages carrying the narrative out of all classified passages in scope, and the
    same for articles (`count_sq`: sum over carrying articles of their carrying passages squared, for evidence)."""

    day: date
    count: int
    total: int
    articles: int = -1  # classified articles in scope; -1 = unknown (each passage taken as its own article)
    hit_articles: int = -1  # articles carrying the narrative
    count_sq: int = -1

    def __post_init__(self) -> None:
        if not 0 <= self.count <= self.total:
            raise ValueError(f"{self.day}: need 0 <= count <= total, got {self.count}/{self.total}")

    @property
    def n_articles(self) -> int:
        return self.total if self.articles < 0 else self.articles

    @property
    def n_hit_articles(self) -> int:
        return self.count if self.hit_articles < 0 else self.hit_articles

    @property
    def sum_sq(self) -> int:
        return self.count if self.count_sq < 0 else self.count_sq


@dataclass(frozen=True)
class Spike:
    """A day that fired, with the baseline it was judged against."""

    day: date
    count: int
    total: int
    share: float
    baseline_rate: float  # pooled passage share of the baseline window
    baseline_passages: int
    baseline_articles: int
    hit_articles: int
    articles: int
    baseline_article_rate: float  # share of the baseline's articles carrying it
    expected_articles: float  # carrying articles the day's volume predicts at the baseline's share
    p_value: float
    score: float  # -log10(p)
    ratio: float  # the day's share of carrying articles / baseline_article_rate
    share_p_value: float = 1.0  # the share test's p (test "weekday" and "volume")


def fill_days(points: Sequence[DayPoint]) -> list[DayPoint]:
    """The series sorted by day, with every missing day between first and last inserted as 0/0."""
    by_day = _index(points)
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    return [by_day.get(first + timedelta(days=i), DayPoint(first + timedelta(days=i), 0, 0, 0, 0, 0))
            for i in range((last - first).days + 1)]


def tail_p(hits: int, mean: float) -> float:
    """P(Poisson(mean) >= hits)."""
    from scipy.stats import poisson  # imported here: scipy.stats costs ~1 s, and a no-op run never calls this

    if hits <= 0:
        return 1.0
    return float(poisson.sf(hits - 1, max(mean, 1e-12)))


def share_p(hits: int, articles: int, baseline_hits: int, baseline_articles: int) -> float:
    """P(at least `hits` of the day's `articles` carry it) when each carries it with the baseline's share, that
    share known as well as `baseline_hits` of `baseline_articles` tell it (beta-binomial, Jeffreys' prior)."""
    from scipy.stats import betabinom  # imported here: scipy.stats costs ~1 s, and a no-op run never calls this

    if hits <= 0:
        return 1.0
    return float(betabinom.sf(hits - 1, articles, baseline_hits + 0.5, baseline_articles - baseline_hits + 0.5))


def detect_spikes(points: Sequence[DayPoint], params: SpikeParams = SpikeParams(), n_series: int = 1,
                  judged_from: date | None = None) -> list[Spike]:
    """Every day that fires, in day order, after the cooldown; `n_series` series are judged together; no day
    before `judged_from` (cold start) is judged."""
    observed = [p for _, p in sorted(_index(points).items()) if p.total > 0]
    days = [p.day for p in observed]
    counts = np.cumsum([0] + [p.count for p in observed])
    totals = np.cumsum([0] + [p.total for p in observed])
    articles = np.cumsum([0] + [p.n_articles for p in observed])
    hit_articles = np.cumsum([0] + [p.n_hit_articles for p in observed])
    threshold = params.alpha / max(n_series, 1)
    spikes: list[Spike] = []
    quiet_until: date | None = None
    for i, point in enumerate(observed):
        if quiet_until is not None and point.day <= quiet_until:
            continue
        if judged_from is not None and point.day < judged_from:
            continue
        if point.count < params.min_count or point.n_hit_articles < params.min_articles:
            continue
        start = bisect.bisect_left(days, point.day - timedelta(days=params.baseline_days), 0, i)
        span = min(params.baseline_days, (point.day - days[0]).days)  # calendar days the baseline covers
        k_b, n_b = int(counts[i] - counts[start]), int(totals[i] - totals[start])
        a_b, h_b = int(articles[i] - articles[start]), int(hit_articles[i] - hit_articles[start])
        if span < 1 or n_b < params.min_baseline_passages or a_b < params.min_baseline_articles:
            continue
        article_rate = max(h_b, 0.5) / a_b
        ratio = (point.n_hit_articles / point.n_articles) / article_rate
        if ratio < params.min_ratio:
            continue
        expected, p, p_share = _day_test(params, point, observed[start:i], span, h_b, a_b)
        if p > threshold or p_share > params.share_alpha:
            continue
        spikes.append(Spike(day=point.day, count=point.count, total=point.total, share=point.count / point.total,
                            baseline_rate=max(k_b, 0.5) / n_b, baseline_passages=n_b, baseline_articles=a_b,
                            hit_articles=point.n_hit_articles, articles=point.n_articles,
                            baseline_article_rate=article_rate, expected_articles=expected, p_value=p,
                            score=-math.log10(max(p, 1e-300)), ratio=ratio, share_p_value=p_share))
        quiet_until = point.day + timedelta(days=params.cooldown_days)
    return spikes


def _day_test(params: SpikeParams, point: DayPoint, baseline: Sequence[DayPoint], span: int, h_b: int,
              a_b: int) -> tuple[float, float, float]:
    """(expected carrying articles, p of the count, p of the share) of one day by `params.test`."""
    p_share = share_p(point.n_hit_articles, point.n_articles, h_b, a_b) if params.test != "rate" else 0.0
    if params.test == "volume":
        return point.n_articles * h_b / a_b, p_share, p_share
    share = max(h_b, 0.5) / a_b
    if params.test == "weekday" and span >= 7:
        same = span // 7  # the calendar days of the window on the day's weekday
        volumes = [b.n_articles for b in baseline if b.day.weekday() == point.day.weekday()]
        # never below the window's daily mean: four days of one weekday are a noisy estimate of a quiet rhythm
        expected = share * max(_usual_volume(volumes, same), a_b / span)
    else:
        expected = max(h_b, 0.5) / span
    return expected, tail_p(point.n_hit_articles, expected), p_share


def _usual_volume(volumes: list[int], days: int) -> float:
    """Mean articles on `days` same-weekday days (`volumes` holds the days that had any), leaving out a burst: one
    day over twice the others' mean plus one (a backfill) must not hide the next spike on that weekday."""
    total = sum(volumes)
    if days > 1 and volumes:
        rest = (total - max(volumes)) / (days - 1)
        if max(volumes) > 2 * rest + 1:
            return rest
    return total / days


def _index(points: Sequence[DayPoint]) -> dict[date, DayPoint]:
    """Points keyed by day; a day given twice is a caller bug, not something to guess about."""
    by_day: dict[date, DayPoint] = {}
    for p in points:
        if p.day in by_day:
            raise ValueError(f"day {p.day} appears twice in one series")
        by_day[p.day] = p
    return by_day
