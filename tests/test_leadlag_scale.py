"""Lead-lag numbers that agree with themselves: each pair's point inside its own interval, and lag 0 never a lead."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from models.leadlag import LeadLag, LeadLagParams, daily_series, leadlag_pairs

START = date(2026, 3, 2)


def _family() -> dict[str, dict[tuple[str, str], np.ndarray]]:
    """Several narratives tested together (a family null well above each pair's own): one planted lead of 2 days,
    one pair publishing on the same days, the rest noise."""
    rng = np.random.default_rng(7)
    rows: list[tuple[str, str, date, int]] = []
    lead_days = sorted(int(d) for d in rng.choice(38, 12, replace=False))
    rows += [("lead", "state", START + timedelta(days=d), 1) for d in lead_days]
    rows += [("lead", "alt", START + timedelta(days=d + 2), 1) for d in lead_days]
    same_days = sorted(int(d) for d in rng.choice(42, 12, replace=False))
    rows += [("together", g, START + timedelta(days=d), 1) for d in same_days for g in ("state", "alt")]
    for n in range(6):
        for g in ("state", "alt", "mainstream"):
            rows += [(f"noise{n}", g, START + timedelta(days=int(d)), 1) for d in rng.choice(42, 9, replace=False)]
    return {"tier": daily_series(rows, START, 42)}


def test_every_pairs_point_lies_inside_its_own_interval() -> None:
    out = leadlag_pairs(_family(), LeadLagParams(permutations=400))
    assert len(out) >= 10
    # the family null sits above each pair's own null: a point measured against the own null fell above the interval
    outside = [(r.narrative_id, r.result.ci_low, r.result.strength, r.result.ci_high) for r in out
               if not r.result.ci_low <= r.result.strength <= r.result.ci_high]
    assert outside == []


def test_a_same_day_pair_is_not_a_lead() -> None:
    out = {r.narrative_id: r for r in leadlag_pairs(_family(), LeadLagParams(permutations=400))}
    together = out["together"]
    assert together.lag_days == 0 and together.result.ci_low > 0  # strongly correlated on the same days ...
    assert not together.result.significant  # ... but nobody leads
    assert out["lead"].lag_days == 2 and out["lead"].result.significant


def test_significant_needs_a_lag() -> None:
    assert not LeadLag(0, 0.9, 0.5, 0.3, 0.7, 0.001).significant
    assert LeadLag(-3, 0.9, 0.5, 0.3, 0.7, 0.001).significant
