"""Narrative lead-lag: which camp or tier takes up a narrative first, by how many days, and whether that beats chance.

For a narrative and two groups of outlets (two camps, or two tiers), each group's daily series counts its
articles carrying the narrative over a trailing window. The lag (0..`max_lag` days, in either direction)
that maximises the Pearson correlation of one series with the other shifted is the lead; its correlation is
compared with a **permutation null**: the leader's days are shuffled (`permutations` times) and the same best-lag
correlation taken, so the null includes the search over lags. `strength`, `ci_low` and `ci_high` are observed minus
the median and the upper and lower `alpha` quantiles of one null, the *family* null (per shuffle, the largest
best-lag correlation of every pair tested that week, camps and tiers together): one scale, so the point lies
inside its interval, and `ci_low > 0` reads "beyond chance" with the chance of any false lead that week held at
`alpha`. Lag 0 is no lead: a same-day pair is never `significant`, however strong.

Per outlet: a narrative **wave** starts with an article on a narrative no outlet carried in the previous
`wave_gap_days`; the outlet(s) publishing its first article are *first*, every other outlet carrying the
narrative within `max_lag` days of the start *follows*.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LeadLagParams:
    max_lag: int = 7
    window_days: int = 42
    min_window_days: int = 28  # a week whose window holds fewer days of data is not judged
    permutations: int = 2000
    alpha: float = 0.05
    min_articles: int = 6  # each series needs this many articles in the window ...
    min_active_days: int = 4  # ... on at least this many days
    wave_gap_days: int = 3
    seed: int = 0


@dataclass(frozen=True)
class LeadLag:
    """The best lag between two series; lag > 0 means the first leads the second."""

    lag: int
    correlation: float
    strength: float
    ci_low: float
    ci_high: float
    p_value: float

    @property
    def significant(self) -> bool:
        """A lead beyond chance: a lag of at least a day and an interval above 0."""
        return self.lag != 0 and self.ci_low > 0


def lagged_correlations(a: np.ndarray, b: np.ndarray, max_lag: int) -> np.ndarray:
    """Correlations at lags -max_lag..max_lag (index max_lag + L) of rows of `a` with `b`; at L >= 0, a[t] vs b[t+L].

    `a` may be a matrix of rows (permutations); each lag correlates only the overlapping days. Sums over each
    lag's overlap are matrix products with shifted copies of `b` and 0/1 masks, so thousands of shuffles cost a
    few products. A constant segment has correlation 0 (never NaN).
    """
    a2 = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b1 = np.asarray(b, dtype=np.float64)
    n = a2.shape[1]
    lags = list(range(-max_lag, max_lag + 1))
    shifted = np.zeros((n, len(lags)))  # shifted[t, k] = b[t + lag_k] where both days exist
    mask = np.zeros((n, len(lags)))
    for k, lag in enumerate(lags):
        lo, hi = max(0, -lag), min(n, n - lag)
        if hi - lo >= 3:
            shifted[lo:hi, k] = b1[lo + lag:hi + lag]
            mask[lo:hi, k] = 1.0
    count = mask.sum(axis=0)
    safe = np.where(count > 0, count, 1)
    sx, sxx, sxy = a2 @ mask, (a2 * a2) @ mask, a2 @ shifted
    sy, syy = shifted.sum(axis=0), (shifted * shifted).sum(axis=0)
    cov = sxy - sx * sy / safe
    var_x = np.maximum(sxx - sx * sx / safe, 0)
    var_y = np.maximum(syy - sy * sy / safe, 0)
    denom = np.sqrt(var_x * var_y)
    ok = (denom > 1e-12) & (count > 0)
    return np.divide(cov, denom, out=np.zeros_like(cov), where=ok)


def best_lag(a: np.ndarray, b: np.ndarray, max_lag: int) -> tuple[int, float]:
    """The lag with the highest correlation (ties: the smallest |lag|, then a leading) and that correlation."""
    corr = lagged_correlations(a, b, max_lag)[0]
    order = sorted(range(len(corr)), key=lambda k: (-round(corr[k], 12), abs(k - max_lag), -(k - max_lag)))
    k = order[0]
    return k - max_lag, float(corr[k])


def null_best(a: np.ndarray, b: np.ndarray, perms: np.ndarray, max_lag: int) -> np.ndarray:
    """Best-lag correlation of `b` with `a`'s days shuffled by each row of `perms`."""
    return lagged_correlations(np.asarray(a, dtype=np.float64)[perms], b, max_lag).max(axis=1)


def lead_lag(a: np.ndarray, b: np.ndarray, params: LeadLagParams, rng: np.random.Generator | None = None,
             family_null: np.ndarray | None = None, own_null: np.ndarray | None = None) -> LeadLag:
    """Best lag of `a` against `b`, with its shuffled-days null.

    `family_null` (the largest best-lag correlation over every pair tested together, per permutation) makes the
    interval and p-value family-wise; without it the pair's own null is used.
    """
    rng = rng or np.random.default_rng(params.seed)
    lag, corr = best_lag(a, b, params.max_lag)
    own = own_null if own_null is not None else null_best(a, b, _perms(rng, params.permutations, len(a)), params.max_lag)
    ref = own if family_null is None else family_null
    # the point and its interval from the same null: the pair's own null mean sat far below the family quantiles,
    # so a point 0.5 carried an interval 0.1-0.27; the median always lies between the two quantiles
    upper, centre, lower = np.quantile(ref, [1 - params.alpha, 0.5, params.alpha])
    p = (1 + int(np.sum(ref >= corr - 1e-12))) / (1 + len(ref))
    return LeadLag(lag, corr, corr - float(centre), corr - float(upper), corr - float(lower), p)


def _perms(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    return np.argsort(rng.random((n, days)), axis=1)


@dataclass(frozen=True)
class PairResult:
    narrative_id: str
    grouping: str
    leader: str
    follower: str
    lag_days: int
    result: LeadLag
    leader_articles: int
    follower_articles: int


def daily_series(rows: list[tuple[str, str, date, int]], start: date, days: int) -> dict[tuple[str, str], np.ndarray]:
    """(narrative, group, day, articles) rows -> a series per (narrative, group) over `days` days from `start`."""
    series: dict[tuple[str, str], np.ndarray] = {}
    for narrative, group, day, n in rows:
        i = (day - start).days
        if 0 <= i < days:
            series.setdefault((narrative, group), np.zeros(days))[i] += n
    return series


def eligible_series(series: dict[tuple[str, str], np.ndarray], params: LeadLagParams) -> dict[tuple[str, str], np.ndarray]:
    """The series with enough articles on enough days to be tested."""
    return {k: v for k, v in series.items()
            if v.sum() >= params.min_articles and np.count_nonzero(v) >= params.min_active_days}


def leadlag_pairs(groupings: dict[str, dict[tuple[str, str], np.ndarray]], params: LeadLagParams) -> list[PairResult]:
    """Every narrative's pairs of groups (camps, tiers) with enough articles, tested as one family.

    The same day shuffles are applied to every pair; per shuffle the largest best-lag correlation of all pairs is
    the family's null (Westfall-Young max-T), so `significant` holds the chance of any false lead that week at
    `alpha` however many narratives and pairs were tested.
    """
    pairs = []
    for grouping, series in sorted(groupings.items()):
        eligible = eligible_series(series, params)
        by_narrative: dict[str, list[str]] = defaultdict(list)
        for narrative, group in sorted(eligible):
            by_narrative[narrative].append(group)
        pairs += [(grouping, n, eligible[(n, g1)], eligible[(n, g2)], g1, g2)
                  for n, groups in by_narrative.items() for i, g1 in enumerate(groups) for g2 in groups[i + 1:]]
    if not pairs:
        return []
    rng = np.random.default_rng(params.seed)
    days = len(pairs[0][2])
    perms = _perms(rng, params.permutations, days)
    # both directions are searched by the lag range, so shuffling one side of each pair is enough
    nulls = [null_best(a, b, perms, params.max_lag) for _, _, a, b, _, _ in pairs]
    family = np.max(nulls, axis=0)
    out = []
    for (grouping, narrative, a, b, g1, g2), own in zip(pairs, nulls, strict=True):
        res = lead_lag(a, b, params, family_null=family, own_null=own)
        if res.lag >= 0:
            leader, follower, na, nb = g1, g2, a, b
        else:
            leader, follower, na, nb = g2, g1, b, a
        out.append(PairResult(narrative, grouping, leader, follower, abs(res.lag), res, int(na.sum()), int(nb.sum())))
    return out


@dataclass(frozen=True)
class Posting:
    """An article carrying a narrative."""

    narrative_id: str
    source_id: str
    published_at: datetime


@dataclass(frozen=True)
class Wave:
    narrative_id: str
    start: datetime
    openers: frozenset[str]
    followers: frozenset[str]


def find_waves(postings: list[Posting], params: LeadLagParams) -> list[Wave]:
    """Narrative waves: a posting after `wave_gap_days` without the narrative opens one; outlets at the opening
    instant open it together, other outlets carrying it within `max_lag` days of the opening follow it."""
    by_narrative: dict[str, list[Posting]] = defaultdict(list)
    for p in postings:
        by_narrative[p.narrative_id].append(p)
    gap = timedelta(days=params.wave_gap_days)
    reach = timedelta(days=params.max_lag)
    out: list[Wave] = []
    for narrative, items in sorted(by_narrative.items()):
        items.sort(key=lambda p: (p.published_at, p.source_id))
        groups: list[list[Posting]] = []
        for p in items:
            if not groups or p.published_at - groups[-1][-1].published_at > gap:
                groups.append([p])
            else:
                groups[-1].append(p)
        for group in groups:
            start = group[0].published_at
            openers = frozenset(p.source_id for p in group if p.published_at == start)
            followers = frozenset(p.source_id for p in group if start < p.published_at <= start + reach) - openers
            out.append(Wave(narrative, start, openers, followers))
    return out


def wave_roles(waves: list[Wave]) -> dict[str, tuple[int, int]]:
    """Per outlet: (waves it opened, waves it followed)."""
    firsts: dict[str, int] = defaultdict(int)
    follows: dict[str, int] = defaultdict(int)
    for w in waves:
        for s in w.openers:
            firsts[s] += 1
        for s in w.followers:
            follows[s] += 1
    return {s: (firsts.get(s, 0), follows.get(s, 0)) for s in sorted(set(firsts) | set(follows))}
