"""`models.bifurcation` on synthetic sparse outlets: two articles a week, camps alike, then diverging, one crossing.

Pure unit tests; the same properties on real text served through the flows are in tests/test_realworld.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.bifurcation import NO_NARRATIVE, BifurcationParams, OutletWeek, weekly_bifurcation
from models.weeks import is_iso_week, iso_week, weeks_between

WEEKS = weeks_between("2026-W10", "2026-W19")  # ten weeks
EVENT, CROSSING = 4, 6  # week indices
DIM = 16
CAMPS = {
    **{f"ru{i}": "russia_friendly" for i in range(5)},
    **{f"cn{i}": "china_friendly" for i in range(5)},
    "rs0": "resistance",
    "tiny": "alt_independent",
}


def topic_of(source: str, week: int, planted: bool, rng: np.random.Generator) -> int:
    """0 = war, 1 = climate; before the event (or in a null world) a coin flip."""
    if planted and week >= EVENT:
        if CAMPS[source] == "russia_friendly" or (source == "cn4" and week >= CROSSING):
            return 0
        if CAMPS[source] == "china_friendly":
            return 1
    return int(rng.random() < 0.5)


def world(seed: int, planted: bool = True, per_week: int = 2, vectors: bool = True) -> list[OutletWeek]:
    """Outlet-weeks of a synthetic world: each article is a noisy topic vector with four passages, each labelled
    with its topic's narrative half of the time."""
    rng = np.random.default_rng(seed)
    directions = np.eye(DIM)[:2]
    rows = []
    for w, week in enumerate(WEEKS):
        for source in CAMPS:
            # resistance outlets publish weekly, as in the real-text worlds; 'tiny' too
            n = 1 if source in ("tiny", "rs0") else per_week
            features: dict[tuple[str, str], float] = {}
            vector = np.zeros(DIM)
            for _ in range(n):
                topic = topic_of(source, w, planted, rng)
                v = directions[topic] + rng.normal(0, 0.6, DIM)
                vector += v / np.linalg.norm(v)
                for _ in range(4):
                    key = (("war", "claim") if topic == 0 else ("climate", "claim")) if rng.random() < 0.5 else NO_NARRATIVE
                    features[key] = features.get(key, 0.0) + 1.0
            rows.append(OutletWeek(week, source, n, 4 * n, features, vector if vectors else None))
    return rows


@pytest.fixture(scope="module")
def planted():
    return weekly_bifurcation(world(1), CAMPS, WEEKS)


def test_only_weeks_that_exist_are_iso_weeks() -> None:
    assert is_iso_week("2026-W05") and is_iso_week("2026-W53")  # 2026 ends on a Thursday: 53 weeks
    assert not any(map(is_iso_week, ["2025-W53", "2026-W00", "2026-W99", "2026-W5", "June", "2026-W05 "]))


def test_empty_input_gives_empty_output() -> None:
    assert weekly_bifurcation([], {}, WEEKS) == ([], [])


def test_sparse_outlets_are_pooled_over_the_window_and_counted_in_articles(planted) -> None:
    weeks = {w.week: w for w in planted[0]}
    # week 1 holds 2 articles per outlet (< 3): nobody included, no row; from week 2 on the window has 4+
    assert WEEKS[0] not in weeks
    # 'tiny' and 'rs0' publish once a week: excluded while their window holds 2 articles, included from 3 on
    assert weeks[WEEKS[1]].n_outlets == len(CAMPS) - 2 and weeks[WEEKS[1]].excluded_outlets == 2
    assert all(weeks[w].n_outlets == len(CAMPS) and weeks[w].excluded_outlets == 0 for w in WEEKS[2:])
    assert all(w.n_outlets_a == 5 and w.n_outlets_b == 5 for w in weeks.values())


def test_planted_divergence_above_null_after_event_and_not_before(planted) -> None:
    weeks = {w.week: w for w in planted[0]}
    for week in WEEKS[-3:]:
        for test in (weeks[week].labels, weeks[week].embedding):
            assert test.index > test.null_p95 and test.p_value <= 0.05
    for week in WEEKS[1:3]:
        assert weeks[week].embedding.index < weeks[week].embedding.null_p95


def test_identical_camps_read_about_zero_at_any_sample_size() -> None:
    """The null correction removes the small-sample bias: raw JS is well above 0, the index is centred on 0."""
    raw, index, significant = [], [], []
    for seed in range(12):
        for w in weekly_bifurcation(world(100 + seed, planted=False), CAMPS, WEEKS)[0]:
            raw.append(w.labels.observed)
            index.append(w.labels.index)
            significant.append(w.embedding.p_value <= 0.05)
    assert np.mean(raw) > 0.005
    assert abs(np.mean(index)) < 0.4 * np.mean(raw)
    assert np.mean(significant) < 0.12  # about alpha (weeks overlap, so this is noisy)


def test_crossing_outlet_reported_within_two_weeks_and_no_other(planted) -> None:
    crossed = [(a.week, a.source_id) for a in planted[1] if a.crossed]
    assert [s for _, s in crossed] == ["cn4"]
    assert WEEKS.index(crossed[0][0]) - CROSSING in (0, 1, 2)
    crossing = next(a for a in planted[1] if a.crossed)
    assert crossing.stable_side == "russia_friendly" and crossing.evidence["from"] == "china_friendly"
    assert crossing.evidence["moved"][0]["feature"] in ("war (claim)", "climate (claim)")


def test_hysteresis_one_confident_week_on_the_other_side_is_not_a_crossing() -> None:
    rows = world(1)
    _, align_1 = weekly_bifurcation(rows, CAMPS, WEEKS, BifurcationParams(crossing_weeks=1))
    _, align_9 = weekly_bifurcation(rows, CAMPS, WEEKS, BifurcationParams(crossing_weeks=9))
    assert sum(a.crossed for a in align_1) >= sum(a.crossed for a in align_9) and not any(a.crossed for a in align_9)
    streaks = [a.streak for a in align_9 if a.source_id == "cn4"]
    assert max(streaks) >= 2  # it kept sitting on the other side, but never long enough


def test_no_crossing_and_few_significant_weeks_in_null_worlds() -> None:
    weeks = significant = significant_labels = 0
    for seed in range(6):
        summaries, alignments = weekly_bifurcation(world(200 + seed, planted=False), CAMPS, WEEKS)
        assert not [a for a in alignments if a.crossed]
        weeks += len(summaries)
        significant += sum(w.embedding is not None and w.embedding.p_value <= 0.05 for w in summaries)
        significant_labels += sum(w.labels is not None and w.labels.p_value <= 0.05 for w in summaries)
    # Overlapping trailing windows share articles, so null weeks are not independent draws at 5%: measured 6 and 8
    # of 54 here; a fifth would mean the null is broken.
    assert weeks == 54 and significant <= weeks / 5 and significant_labels <= weeks / 5, (significant, significant_labels)


def test_incremental_run_with_previous_state_equals_full_run(planted) -> None:
    rows = world(1)
    full_weeks, full_align = planted
    cut = 6
    first = weekly_bifurcation(rows, CAMPS, WEEKS[:cut])[1]
    previous = {}
    for a in first:
        previous[a.source_id] = (a.stable_side, a.streak)
    later_weeks, later_align = weekly_bifurcation(rows, CAMPS, WEEKS[cut:], previous=previous)
    assert later_weeks == [w for w in full_weeks if w.week in WEEKS[cut:]]
    assert later_align == [a for a in full_align if a.week in WEEKS[cut:]]


def test_deterministic_and_order_free() -> None:
    rows = world(3)
    assert weekly_bifurcation(rows, CAMPS, WEEKS) == weekly_bifurcation(list(reversed(rows)), CAMPS, WEEKS)


def test_a_camp_that_stops_naming_narratives_still_moves_the_label_index() -> None:
    """Passages with no narrative are a feature of their own, so silence on a subject is a difference."""
    def rows(silent: bool) -> list[OutletWeek]:
        out = []
        for s, camp in CAMPS.items():
            if camp not in ("russia_friendly", "china_friendly"):
                continue
            feats = {("war", "claim"): 2.0, NO_NARRATIVE: 2.0}
            if silent and camp == "china_friendly":
                feats = {NO_NARRATIVE: 4.0}
            out.append(OutletWeek(WEEKS[0], s, 4, 4, feats))
        return out
    loud = weekly_bifurcation(rows(False), CAMPS, WEEKS[:1])[0][0]
    quiet = weekly_bifurcation(rows(True), CAMPS, WEEKS[:1])[0][0]
    assert quiet.labels.index > loud.labels.index + 0.1 and quiet.labels.p_value < 0.05


def test_without_vectors_the_label_index_names_sides() -> None:
    weeks, alignments = weekly_bifurcation(world(1, vectors=False), CAMPS, WEEKS)
    assert all(w.embedding is None for w in weeks)
    last = [a for a in alignments if a.week == WEEKS[-1] and CAMPS[a.source_id] == "russia_friendly"]
    assert last and all(a.side in ("russia_friendly", None) for a in last)
    assert any(a.side == "russia_friendly" for a in last)


def test_missing_camp_gives_no_divergence_and_no_sides() -> None:
    rows = [r for r in world(1) if not r.source_id.startswith("cn")]
    weeks, alignments = weekly_bifurcation(rows, CAMPS, WEEKS)
    assert weeks and all(w.labels is None and w.embedding is None and w.divergence is None for w in weeks)
    assert all(a.side is None for a in alignments)


def test_params_are_validated() -> None:
    with pytest.raises(ValueError):
        BifurcationParams(window_weeks=2, side_window_weeks=3)
    with pytest.raises(ValueError):
        BifurcationParams(crossing_weeks=0)


def test_iso_week_helpers() -> None:
    from datetime import date

    assert iso_week(date(2026, 1, 1)) == "2026-W01" and weeks_between("2025-W52", "2026-W02") == [
        "2025-W52", "2026-W01", "2026-W02"]
