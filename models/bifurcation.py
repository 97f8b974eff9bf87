"""Weekly bifurcation of two camps: how far their narrative mixes diverge, and which outlets sit on which side.

Method, per ISO week:

* A *profile* is a probability vector over (narrative, stance) features; each labelled passage adds its score to
  its feature. Mentions keep their own feature (narrative, "mention"): a mention neither pushes nor rebuts a
  narrative, so folding it into claims would make outlets that merely report a narrative look like they push it.
* Camp profiles pool every labelled passage of the camp's outlets that week (no minimum per outlet).
* ``divergence`` is the Jensen-Shannon divergence, base 2 (0 = same mix, 1 = disjoint), between the two camps
  (``params.camp_a`` and ``params.camp_b``, by default russia_friendly and china_friendly). ``ci_low``/``ci_high``
  are the 2.5/97.5 percentiles of the same statistic over bootstrap resamples of *articles* within each camp. JS
  is never negative and is biased upward on small samples, so the interval of two identical camps sits just
  above 0, not around it; compare intervals across weeks to tell noise from change.
* Resistance-to-camp values use the same JS divergence, so they are on the scale of ``divergence``.
* Outlets with at least ``min_passages`` labelled passages that week are *included* (the rest are counted in
  ``excluded_outlets``). Included outlets of ``split_camps`` are split two ways by KMeans on their square-root
  profiles (Euclidean distance there is proportional to the Hellinger distance), ignoring their configured camps;
  ``split_quality`` is the silhouette of that split.
* Sides are named after the camps: the pairing of clusters to camps with the smaller total JS divergence between
  cluster mean profile and camp profile wins. Naming is only meaningful when the camps really differ, so sides
  are named only in weeks where a permutation test (articles shuffled between the two camps) finds the observed
  divergence above its ``1 - alpha`` null quantile; other weeks leave ``side`` None and cannot produce crossings.
* ``crossed`` is True when an outlet's named side differs from its named side in the latest earlier week in which
  it had one.

Weeks where either camp has no labelled passage get ``divergence`` None (with its interval); they still report
outlets and their distance to the camp that has data, but no sides.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

log = logging.getLogger(__name__)

STANCES = ("claim", "rebuttal", "mention")


@dataclass(frozen=True)
class Label:
    """One classified passage: its narrative, stance and score, with the article, outlet and ISO week it came from."""

    week: str
    source_id: str
    article_id: str
    narrative_id: str
    stance: str
    score: float


@dataclass(frozen=True)
class BifurcationParams:
    """Knobs of `weekly_bifurcation`; the defaults find the planted facts of the demo corpus."""

    min_passages: int = 10
    n_bootstrap: int = 200
    alpha: float = 0.05
    seed: int = 0
    camp_a: str = "russia_friendly"
    camp_b: str = "china_friendly"
    third_camp: str = "resistance"
    # Camps whose outlets enter the two-way split; None = every included outlet. Western mainstream is left out by
    # default: its mostly-neutral mix is the largest difference in the corpus and would become the split itself.
    split_camps: frozenset[str] | None = frozenset(
        {"russia_friendly", "china_friendly", "resistance", "alt_independent"}
    )


@dataclass(frozen=True)
class BifurcationWeek:
    """One week's divergence between the two camps, its bootstrap interval, and the quality of the outlet split."""

    week: str
    divergence: float | None
    ci_low: float | None
    ci_high: float | None
    split_quality: float | None
    n_outlets: int
    excluded_outlets: int
    resistance_to_russia: float | None
    resistance_to_china: float | None
    n_articles_russia: int
    n_articles_china: int


@dataclass(frozen=True)
class OutletAlignment:
    """One included outlet in one week: its side (None when unnamed), its divergence to each camp, and if it crossed."""

    week: str
    source_id: str
    side: str | None
    distance_to_russia: float | None
    distance_to_china: float | None
    passages: int
    crossed: bool


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence in bits (0 for identical, 1 for disjoint distributions); inputs are normalised."""
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    p = p / p.sum()
    q = q / q.sum()
    return float(_js_rows(p[None, :], q[None, :])[0])


def _js_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise JS divergence in bits of already-normalised rows."""
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    return np.clip(0.5 * (kl_p + kl_q), 0.0, 1.0)


def _normalise(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1 (all-zero rows stay zero)."""
    totals = rows.sum(axis=1, keepdims=True)
    return np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)


def _feature_index(labels: Sequence[Label]) -> dict[tuple[str, str], int]:
    """Column of each (narrative, stance) feature seen in the labels, in sorted order."""
    keys = sorted({(lab.narrative_id, lab.stance) for lab in labels})
    return {k: i for i, k in enumerate(keys)}


def _article_matrix(labels: Sequence[Label], features: Mapping[tuple[str, str], int]) -> np.ndarray:
    """Score-weighted feature counts, one row per article (in first-seen order)."""
    rows: dict[str, np.ndarray] = {}
    for lab in labels:
        row = rows.setdefault(lab.article_id, np.zeros(len(features)))
        row[features[(lab.narrative_id, lab.stance)]] += lab.score
    return np.array(list(rows.values())) if rows else np.zeros((0, len(features)))


def _resampled_js(a: np.ndarray, b: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """JS divergence between the pooled profiles of `n` bootstrap resamples of the articles of `a` and of `b`."""
    wa = np.stack([np.bincount(rng.integers(0, len(a), len(a)), minlength=len(a)) for _ in range(n)])
    wb = np.stack([np.bincount(rng.integers(0, len(b), len(b)), minlength=len(b)) for _ in range(n)])
    return _js_rows(_normalise(wa @ a), _normalise(wb @ b))


def _permuted_js(a: np.ndarray, b: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """JS divergence between the two camps after shuffling their articles between them, `n` times."""
    pooled = np.vstack([a, b])
    masks = np.zeros((n, len(pooled)))
    for i in range(n):
        masks[i, rng.permutation(len(pooled))[: len(a)]] = 1.0
    return _js_rows(_normalise(masks @ pooled), _normalise((1.0 - masks) @ pooled))


def _split(profiles: np.ndarray, seed: int) -> tuple[np.ndarray, float] | None:
    """Two-way KMeans split of profiles in Hellinger geometry, with its silhouette; None if no split exists."""
    if len(profiles) < 3:
        return None
    points = np.sqrt(profiles)
    if len(np.unique(points.round(12), axis=0)) < 2:
        return None
    clusters = KMeans(n_clusters=2, n_init=10, random_state=seed).fit_predict(points)
    if len(set(clusters.tolist())) < 2:
        return None
    return clusters, float(silhouette_score(points, clusters))


def _week(
    week: str,
    labels: Sequence[Label],
    camps: Mapping[str, str],
    features: Mapping[tuple[str, str], int],
    params: BifurcationParams,
    rng: np.random.Generator,
) -> tuple[BifurcationWeek, list[tuple[str, str | None, float | None, float | None, int]]]:
    """One week's summary and its included outlets as (source_id, side, to_a, to_b, passages)."""
    by_camp: dict[str, list[Label]] = {}
    by_outlet: dict[str, list[Label]] = {}
    for lab in labels:
        by_outlet.setdefault(lab.source_id, []).append(lab)
        camp = camps.get(lab.source_id)
        if camp is not None:
            by_camp.setdefault(camp, []).append(lab)

    mats = {camp: _article_matrix(by_camp.get(camp, []), features) for camp in (params.camp_a, params.camp_b)}
    mat_a, mat_b = mats[params.camp_a], mats[params.camp_b]
    prof_a = _normalise(mat_a.sum(axis=0, keepdims=True)) if len(mat_a) else None
    prof_b = _normalise(mat_b.sum(axis=0, keepdims=True)) if len(mat_b) else None

    divergence = ci_low = ci_high = None
    distinct = False
    if prof_a is not None and prof_b is not None:
        divergence = float(_js_rows(prof_a, prof_b)[0])
        boot = _resampled_js(mat_a, mat_b, params.n_bootstrap, rng)
        ci_low, ci_high = (float(x) for x in np.percentile(boot, [2.5, 97.5]))
        null = _permuted_js(mat_a, mat_b, params.n_bootstrap, rng)
        distinct = divergence > float(np.quantile(null, 1.0 - params.alpha))
    else:
        log.info("week %s: camp %s or %s has no labelled passages; no divergence", week, params.camp_a, params.camp_b)

    third = by_camp.get(params.third_camp, [])
    prof_t = _normalise(_article_matrix(third, features).sum(axis=0, keepdims=True)) if third else None

    def to(profile: np.ndarray | None, other: np.ndarray | None) -> float | None:
        return None if profile is None or other is None else float(_js_rows(profile, other)[0])

    included = sorted(s for s, labs in by_outlet.items() if len(labs) >= params.min_passages)
    excluded = len(by_outlet) - len(included)
    outlet_prof = {
        s: _normalise(_article_matrix(by_outlet[s], features).sum(axis=0, keepdims=True))[0] for s in included
    }

    sides: dict[str, str] = {}
    split_quality = None
    in_split = [s for s in included if params.split_camps is None or camps.get(s) in params.split_camps]
    split = _split(np.array([outlet_prof[s] for s in in_split]), params.seed) if in_split else None
    if split is not None:
        clusters, split_quality = split
        if distinct and prof_a is not None and prof_b is not None:
            means = [
                _normalise(
                    np.array([outlet_prof[s] for s, c in zip(in_split, clusters) if c == k]).mean(axis=0, keepdims=True)
                )
                for k in (0, 1)
            ]
            keep = to(means[0], prof_a) + to(means[1], prof_b)  # type: ignore[operator]
            swap = to(means[0], prof_b) + to(means[1], prof_a)  # type: ignore[operator]
            names = (params.camp_a, params.camp_b) if keep <= swap else (params.camp_b, params.camp_a)
            sides = {s: names[c] for s, c in zip(in_split, clusters)}

    outlets = [
        (s, sides.get(s), to(outlet_prof[s][None, :], prof_a), to(outlet_prof[s][None, :], prof_b), len(by_outlet[s]))
        for s in included
    ]
    summary = BifurcationWeek(
        week=week,
        divergence=divergence,
        ci_low=ci_low,
        ci_high=ci_high,
        split_quality=split_quality,
        n_outlets=len(included),
        excluded_outlets=excluded,
        resistance_to_russia=to(prof_t, prof_a),
        resistance_to_china=to(prof_t, prof_b),
        n_articles_russia=len(mat_a),
        n_articles_china=len(mat_b),
    )
    log.info(
        "week %s: divergence %s, %d outlets included, %d excluded, sides %s",
        week,
        None if divergence is None else round(divergence, 4),
        len(included),
        excluded,
        "named" if sides else "unnamed",
    )
    return summary, outlets


def weekly_bifurcation(
    labels: Sequence[Label],
    camps: Mapping[str, str],
    params: BifurcationParams = BifurcationParams(),
    previous_sides: Mapping[str, str] | None = None,
) -> tuple[list[BifurcationWeek], list[OutletAlignment]]:
    """Per ISO week, the divergence between two camps and each included outlet's side; deterministic for a seed.

    `previous_sides` holds each outlet's latest named side before the first week given, so that an
    incremental run over recent weeks reports crossings as a full run would.
    """
    kept = [lab for lab in labels if lab.stance in STANCES and lab.score > 0]
    if len(kept) < len(labels):
        log.warning("skipped %d labels with an unknown stance or a non-positive score", len(labels) - len(kept))
    features = _feature_index(kept)
    weeks: list[BifurcationWeek] = []
    alignments: list[OutletAlignment] = []
    last_side: dict[str, str] = dict(previous_sides or {})
    # a total order, so float sums and resampling do not depend on the input order
    ordered = sorted(
        kept, key=lambda lab: (lab.week, lab.source_id, lab.article_id, lab.narrative_id, lab.stance, lab.score)
    )
    for week, group in groupby(ordered, key=lambda lab: lab.week):
        # One random stream per week: a week's interval does not depend on which other weeks were computed.
        rng = np.random.default_rng([params.seed, zlib.crc32(week.encode())])
        summary, outlets = _week(week, list(group), camps, features, params, rng)
        weeks.append(summary)
        for source_id, side, to_a, to_b, passages in outlets:
            crossed = side is not None and source_id in last_side and last_side[source_id] != side
            if side is not None:
                last_side[source_id] = side
            alignments.append(OutletAlignment(week, source_id, side, to_a, to_b, passages, crossed))
    return weeks, alignments
