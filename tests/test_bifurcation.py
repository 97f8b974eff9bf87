"""`models.bifurcation` on planted data: camps alike for three weeks, then diverging; one outlet crossing in week 5."""

from __future__ import annotations

import numpy as np
import pytest

from models.bifurcation import BifurcationParams, Label, js_divergence, weekly_bifurcation

WEEKS = [f"2026-W0{i}" for i in range(1, 8)]
BEFORE, AFTER = WEEKS[:3], WEEKS[3:]
# How far the two camps have moved from the shared mix, per week: 0 for three weeks, then growing.
PROGRESS = dict(zip(WEEKS, [0.0, 0.0, 0.0, 0.4, 0.6, 0.8, 1.0]))

FEATURES = [(f"n{i}", stance) for i in range(1, 7) for stance in ("claim", "rebuttal", "mention")]


def mix(weights: dict[tuple[str, str], float]) -> np.ndarray:
    """A probability vector over FEATURES."""
    vec = np.array([weights.get(f, 0.0) for f in FEATURES])
    return vec / vec.sum()


SHARED = mix(
    {
        ("n1", "claim"): 1,
        ("n2", "claim"): 1,
        ("n3", "claim"): 1,
        ("n4", "claim"): 1,
        ("n5", "claim"): 1,
        ("n6", "mention"): 1,
    }
)
RUSSIA = mix({("n1", "claim"): 2, ("n2", "claim"): 2, ("n3", "rebuttal"): 1})
CHINA = mix({("n3", "claim"): 2, ("n4", "claim"): 2, ("n1", "rebuttal"): 1})
RESISTANCE = mix({("n3", "claim"): 2, ("n4", "claim"): 1, ("n1", "rebuttal"): 1, ("n5", "rebuttal"): 1})

CAMPS = {
    **{f"ru{i}": "russia_friendly" for i in range(3)},
    **{f"cn{i}": "china_friendly" for i in range(3)},
    **{f"rs{i}": "resistance" for i in range(2)},
    "steppe": "alt_independent",
    "tiny": "alt_independent",
}


def outlet_mix(source_id: str, week: str) -> np.ndarray:
    """The planted narrative mix of an outlet in a week."""
    t = PROGRESS[week]
    camp = CAMPS[source_id]
    if source_id == "steppe":  # follows the russia camp until week 5, then the china camp
        target = RUSSIA if week < "2026-W05" else CHINA
    else:
        target = {"russia_friendly": RUSSIA, "china_friendly": CHINA}.get(camp, RESISTANCE)
    return (1 - t) * SHARED + t * target


def planted(seed: int = 7, articles: int = 8, per_article: int = 3) -> list[Label]:
    """Labels drawn from the planted mixes; 'tiny' gets only five passages a week."""
    rng = np.random.default_rng(seed)
    labels = []
    for week in WEEKS:
        for source_id in CAMPS:
            n_articles, n_per = (1, 5) if source_id == "tiny" else (articles, per_article)
            for a in range(n_articles):
                for k in rng.choice(len(FEATURES), size=n_per, p=outlet_mix(source_id, week)):
                    narrative, stance = FEATURES[k]
                    score = float(rng.uniform(0.5, 0.8))
                    labels.append(Label(week, source_id, f"{source_id}-{week}-{a}", narrative, stance, score))
    return labels


@pytest.fixture(scope="module")
def result():
    """The planted corpus through `weekly_bifurcation` with default parameters."""
    return weekly_bifurcation(planted(), CAMPS)


def test_js_divergence_symmetric_zero_and_one() -> None:
    p, q = np.array([0.7, 0.2, 0.1, 0.0]), np.array([0.1, 0.1, 0.4, 0.4])
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p))
    assert 0 < js_divergence(p, q) < 1
    assert js_divergence(p, p) == pytest.approx(0.0, abs=1e-12)
    assert js_divergence(np.array([1.0, 1.0, 0.0, 0.0]), np.array([0.0, 0.0, 3.0, 1.0])) == pytest.approx(1.0)


def test_empty_input_gives_empty_output() -> None:
    assert weekly_bifurcation([], {}) == ([], [])


def test_divergence_low_before_and_rising_after(result) -> None:
    weeks = {w.week: w for w in result[0]}
    assert list(weeks) == WEEKS
    for week in BEFORE:
        # JS is never negative, so "overlapping 0" means the interval reaches down to (almost) nothing
        assert weeks[week].divergence < 0.06
        assert weeks[week].ci_low < 0.05
    before_ceiling = max(weeks[w].ci_high for w in BEFORE)
    after = [weeks[w].divergence for w in AFTER]
    assert after == sorted(after) and after[0] < after[-1]
    for week in AFTER:
        assert weeks[week].ci_low > before_ceiling
        assert weeks[week].ci_low <= weeks[week].divergence <= weeks[week].ci_high or weeks[week].divergence > 0.9
    assert all(w.n_articles_russia == 24 and w.n_articles_china == 24 for w in weeks.values())


def test_crossing_outlet_crossed_in_week_5_only(result) -> None:
    steppe = {a.week: a for a in result[1] if a.source_id == "steppe"}
    assert [w for w, a in steppe.items() if a.crossed] == ["2026-W05"]
    assert steppe["2026-W04"].side == "russia_friendly"
    assert all(steppe[w].side == "china_friendly" for w in WEEKS[4:])
    assert not [a for a in result[1] if a.crossed and a.source_id != "steppe"]


def test_sides_follow_camps_and_are_unnamed_while_camps_alike(result) -> None:
    alignments = result[1]
    assert all(a.side is None for a in alignments if a.week in BEFORE)
    for a in alignments:
        if a.week in AFTER and a.source_id != "steppe":
            expected = "russia_friendly" if CAMPS[a.source_id] == "russia_friendly" else "china_friendly"
            assert a.side == expected, a
    assert all(w.split_quality is not None and w.split_quality > 0.2 for w in result[0] if w.week in AFTER[1:])


def test_small_outlets_excluded_and_counted(result) -> None:
    weeks, alignments = result
    assert all(w.excluded_outlets == 1 and w.n_outlets == len(CAMPS) - 1 for w in weeks)
    assert not [a for a in alignments if a.source_id == "tiny"]
    assert all(a.passages >= 10 for a in alignments)
    weeks3, alignments3 = weekly_bifurcation(planted(), CAMPS, BifurcationParams(min_passages=3))
    assert all(w.excluded_outlets == 0 for w in weeks3)
    assert len([a for a in alignments3 if a.source_id == "tiny"]) == len(WEEKS)


def test_resistance_planted_closer_to_china_is_closer(result) -> None:
    for w in result[0]:
        if w.week in AFTER:
            assert w.resistance_to_china < w.resistance_to_russia


def test_outlet_distances_point_to_own_camp(result) -> None:
    for a in result[1]:
        if a.week == "2026-W07" and CAMPS[a.source_id] in ("russia_friendly", "china_friendly"):
            nearer_russia = a.distance_to_russia < a.distance_to_china
            assert nearer_russia == (CAMPS[a.source_id] == "russia_friendly")


def test_deterministic_for_a_seed() -> None:
    labels = planted()
    assert weekly_bifurcation(labels, CAMPS) == weekly_bifurcation(list(reversed(labels)), CAMPS)


def test_missing_camp_gives_no_divergence_and_no_sides() -> None:
    labels = [lab for lab in planted() if not (lab.week == "2026-W06" and CAMPS[lab.source_id] == "china_friendly")]
    weeks, alignments = weekly_bifurcation(labels, CAMPS)
    w6 = next(w for w in weeks if w.week == "2026-W06")
    assert (w6.divergence, w6.ci_low, w6.ci_high, w6.resistance_to_china) == (None, None, None, None)
    assert w6.n_articles_china == 0 and w6.resistance_to_russia is not None
    assert all(a.side is None and a.distance_to_china is None for a in alignments if a.week == "2026-W06")
    # the crossing in week 5 is still found, and week 6 without sides creates none
    assert [a.week for a in alignments if a.crossed] == ["2026-W05"]


def test_mentions_are_their_own_feature() -> None:
    labels = [Label("2026-W01", "r", f"r{i}", "n1", "claim", 0.7) for i in range(10)]
    labels += [Label("2026-W01", "c", f"c{i}", "n1", "mention", 0.7) for i in range(10)]
    weeks, _ = weekly_bifurcation(labels, {"r": "russia_friendly", "c": "china_friendly"})
    assert weeks[0].divergence == pytest.approx(1.0)


def test_unknown_stances_and_unconfigured_outlets_do_not_fail() -> None:
    labels = planted() + [Label("2026-W01", "ru0", "x", "n1", "shrug", 0.9)]
    labels += [Label("2026-W07", "stranger", f"s{i}", "n2", "claim", 0.6) for i in range(12)]
    weeks, alignments = weekly_bifurcation(labels, CAMPS, BifurcationParams(split_camps=None))
    assert len(weeks) == len(WEEKS)
    assert any(a.source_id == "stranger" and a.side == "russia_friendly" for a in alignments)
