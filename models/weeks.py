"""ISO-week arithmetic and the resampling helpers shared by the weekly analytics (bifurcation, hypotheses)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np


def iso_week(day: date) -> str:
    """ISO week string of a day, e.g. 2026-W05."""
    return day.strftime("%G-W%V")


def week_start(week: str) -> date:
    """Monday of an ISO week string such as 2026-W05."""
    return date.fromisocalendar(int(week[:4]), int(week.split("-W")[1]), 1)


def is_iso_week(text: str) -> bool:
    """Whether `text` names a week that exists, such as 2026-W05 (2025 has no W53)."""
    if not re.fullmatch(r"\d{4}-W\d{2}", text):
        return False
    try:
        return iso_week(week_start(text)) == text
    except ValueError:
        return False


def window_weeks(end_week: str, n: int) -> list[str]:
    """The `n` ISO weeks ending with `end_week`, oldest first."""
    end = week_start(end_week)
    return [iso_week(end - timedelta(weeks=k)) for k in range(n - 1, -1, -1)]


def weeks_between(first: str, last: str) -> list[str]:
    """Every ISO week from `first` to `last`, both included."""
    start, end = week_start(first), week_start(last)
    return [iso_week(start + timedelta(weeks=k)) for k in range((end - start).days // 7 + 1)]


def normalise(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1 (all-zero rows stay zero)."""
    totals = rows.sum(axis=1, keepdims=True)
    return np.divide(rows, totals, out=np.zeros_like(rows, dtype=float), where=totals > 0)


def js_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise Jensen-Shannon divergence in bits (0 same, 1 disjoint) of already-normalised rows."""
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    return np.clip(0.5 * (kl_p + kl_q), 0.0, 1.0)


def resample_weights(n_items: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap multiplicities: one row per resample, one column per item."""
    return np.stack([np.bincount(rng.integers(0, n_items, n_items), minlength=n_items) for _ in range(n)])


def percentile_interval(replicates: np.ndarray) -> tuple[float, float]:
    """The 2.5 and 97.5 percentiles."""
    low, high = np.percentile(replicates, [2.5, 97.5])
    return float(low), float(high)
