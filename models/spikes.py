"""Spike alerts: a day whose narrative share is far above its own trailing baseline."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

# Scales the MAD to a standard deviation for normally distributed data.
_MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class SpikeParams:
    """Thresholds for `detect_spikes`; every condition must hold for a day to fire."""

    baseline_days: int = 21  # calendar days before the day itself
    min_baseline_days: int = 14  # observed (total > 0) days needed in that window
    min_count: int = 8  # absolute passages carrying the narrative on the day
    min_ratio: float = 3.0  # share / floored baseline median
    min_z: float = 4.0  # robust z against the floored baseline scale
    cooldown_days: int = 7  # days after a spike during which the series stays quiet

    def __post_init__(self) -> None:
        if self.baseline_days < 1 or not 1 <= self.min_baseline_days <= self.baseline_days:
            raise ValueError("need 1 <= min_baseline_days <= baseline_days")
        if self.min_count < 1 or self.min_ratio <= 1 or self.min_z <= 0 or self.cooldown_days < 0:
            raise ValueError("need min_count >= 1, min_ratio > 1, min_z > 0, cooldown_days >= 0")


@dataclass(frozen=True)
class DayPoint:
    """One day of one series: passages carrying the narrative out of all classified passages in scope."""

    day: date
    count: int
    total: int

    def __post_init__(self) -> None:
        if not 0 <= self.count <= self.total:
            raise ValueError(f"{self.day}: need 0 <= count <= total, got {self.count}/{self.total}")


@dataclass(frozen=True)
class Spike:
    """A day that fired, with the baseline it was judged against."""

    day: date
    count: int
    total: int
    share: float
    baseline_median: float
    baseline_mad: float
    baseline_days: int  # observed days in the trailing window
    score: float  # robust z
    ratio: float  # share / floored baseline median


def fill_days(points: Sequence[DayPoint]) -> list[DayPoint]:
    """The series sorted by day, with every missing day between first and last inserted as 0/0."""
    by_day = _index(points)
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    return [by_day.get(first + timedelta(days=i), DayPoint(first + timedelta(days=i), 0, 0))
            for i in range((last - first).days + 1)]


def detect_spikes(points: Sequence[DayPoint], params: SpikeParams = SpikeParams()) -> list[Spike]:
    """Every day that fires, in day order, after the cooldown has been applied."""
    # Days with no classified passages carry no share: they are neither judged nor part of any baseline.
    observed = [p for _, p in sorted(_index(points).items()) if p.total > 0]
    days = [p.day for p in observed]
    shares = np.array([p.count / p.total for p in observed], dtype=float)
    counts = np.array([p.count for p in observed], dtype=float)
    totals = np.array([p.total for p in observed], dtype=float)

    spikes: list[Spike] = []
    quiet_until: date | None = None
    for i, point in enumerate(observed):
        if quiet_until is not None and point.day <= quiet_until:
            continue
        # The window is in calendar days, so gaps shrink the history instead of reaching further back.
        start = bisect.bisect_left(days, point.day - timedelta(days=params.baseline_days), 0, i)
        if i - start < params.min_baseline_days or point.count < params.min_count:
            continue
        spike = _judge(point, shares[i], shares[start:i], counts[start:i], totals[start:i], params)
        if spike is not None:
            spikes.append(spike)
            quiet_until = point.day + timedelta(days=params.cooldown_days)
    return spikes


def _judge(point: DayPoint, share: float, base_shares: np.ndarray, base_counts: np.ndarray,
           base_totals: np.ndarray, params: SpikeParams) -> Spike | None:
    """The spike for this day if both the ratio and the robust z clear their thresholds, else None."""
    median = float(np.median(base_shares))
    mad = float(np.median(np.abs(base_shares - median)))
    # One passage on a typical baseline day is the finest share the data can resolve; flooring the
    # median and the scale at it means a narrative appearing from nothing is judged against "about one
    # passage a day" rather than dividing by zero, and a flat baseline (MAD 0) cannot inflate z.
    one_passage = 1.0 / float(np.mean(base_totals))
    ratio = share / max(median, one_passage)
    # Half the median keeps z from exploding on a suspiciously steady baseline of a common narrative.
    # At a few passages a day the MAD of discrete shares understates the noise, so the scale is also
    # floored at the Poisson spread the day's share would have at the pooled baseline rate.
    pooled = float(base_counts.sum() / base_totals.sum())
    poisson = float(np.sqrt(max(median, pooled, one_passage) / point.total))
    scale = max(_MAD_TO_SD * mad, 0.5 * median, one_passage, poisson)
    score = (share - median) / scale
    if ratio < params.min_ratio or score < params.min_z:
        return None
    return Spike(day=point.day, count=point.count, total=point.total, share=float(share),
                 baseline_median=median, baseline_mad=mad, baseline_days=len(base_shares),
                 score=float(score), ratio=float(ratio))


def _index(points: Sequence[DayPoint]) -> dict[date, DayPoint]:
    """Points keyed by day; a day given twice is a caller bug, not something to guess about."""
    by_day: dict[date, DayPoint] = {}
    for p in points:
        if p.day in by_day:
            raise ValueError(f"day {p.day} appears twice in one series")
        by_day[p.day] = p
    return by_day
