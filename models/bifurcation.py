"""Weekly bifurcation of two camps on trailing windows, corrected against a permutation null.

Built for outlets that publish 1-3 articles a week. Per ISO week W (the last week of a window of
``window_weeks`` weeks):

* Each outlet's evidence in the window is pooled: its articles, its passages' (narrative, stance) mix — every
  classified passage counts once, split evenly among its labels, and a passage with no narrative counts for
  the feature "no narrative", so a camp that stops talking about a subject moves the mix — and the sum of its
  articles' mean passage vectors. Outlets with fewer than ``min_outlet_articles`` articles in the window are
  left out (counted in ``excluded_outlets``); a camp needs ``min_camp_outlets`` included outlets.
* Two divergences between ``camp_a`` and ``camp_b``: the Jensen-Shannon divergence (bits) of their pooled
  mixes (*label index*) and the cosine distance between their article centroids in embedding space
  (*embedding index*, which sees topics that no narrative names).
* Both are biased upward at small samples, so each is compared with its *permutation null*: the same statistic
  after shuffling the camp labels across the included outlets of the two camps (every shuffling when there
  are at most ``max_permutations``, else that many random ones). Stored: observed minus the null's mean (the
  index; about 0 for identical camps at any sample size), the null's 95th percentile on the same scale and the
  p-value (share of shufflings at least as divergent). The label index also gets a 95% interval from
  resampling outlets within each camp.
* Sides: when the camps differ (the smaller of the two p-values at most ``alpha``), each included outlet's
  recent articles (the last ``side_window_weeks`` weeks) are compared with each camp in that index's space
  (article centroids by cosine distance, or label mixes by Hellinger distance), its own articles left out of
  its camp; the nearer camp is its side when the relative margin
  ``(far - near) / (far + near)`` reaches ``min_margin`` and those weeks hold ``min_side_articles`` articles.
* Crossings with hysteresis: an outlet's ``stable_side`` is at first its configured camp (an outlet of another
  camp takes its first confident side) and changes only after ``crossing_weeks`` consecutive confident weeks on
  the other side; that week is marked ``crossed`` with the evidence (articles, narratives whose share moved
  most). Known limit: an outlet outside the two camps that mixes both camps' topics at 2 articles a week can sit
  confidently on either side by chance; ``min_side_articles`` and ``min_margin`` bound how often.
"""

from __future__ import annotations

import logging
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from models.weeks import js_rows, normalise, percentile_interval, resample_weights, window_weeks

log = logging.getLogger(__name__)

NO_NARRATIVE = ("", "none")  # the feature of passages that carry no narrative


@dataclass(frozen=True)
class OutletWeek:
    """One outlet's evidence in one ISO week."""

    week: str
    source_id: str
    articles: int
    passages: int
    features: Mapping[tuple[str, str], float]  # passage weight per (narrative, stance), NO_NARRATIVE included
    vector_sum: np.ndarray | None = None  # sum of its articles' mean passage vectors


@dataclass(frozen=True)
class BifurcationParams:
    """Knobs of `weekly_bifurcation`; defaults measured on real-text worlds (docs/analytics.md, benchmarks/analytics_calibration.py)."""

    window_weeks: int = 4
    side_window_weeks: int = 2
    min_outlet_articles: int = 3
    min_side_articles: int = 3  # an outlet's articles in the side window needed for a side
    min_camp_outlets: int = 2
    max_permutations: int = 500
    n_bootstrap: int = 200
    alpha: float = 0.05
    min_margin: float = 0.2
    crossing_weeks: int = 2
    side_index: str = "auto"  # space outlets are placed in: auto (the more significant index), embedding, labels
    seed: int = 0
    camp_a: str = "russia_friendly"
    camp_b: str = "china_friendly"
    third_camp: str = "resistance"
    # Camps whose outlets get a side. Western mainstream is left out: it is a reference, not a member of the split.
    side_camps: frozenset[str] = frozenset({"russia_friendly", "china_friendly", "resistance", "alt_independent"})

    def __post_init__(self) -> None:
        if self.window_weeks < 1 or not 1 <= self.side_window_weeks <= self.window_weeks:
            raise ValueError("need window_weeks >= 1 and 1 <= side_window_weeks <= window_weeks")
        if self.side_index not in ("auto", "embedding", "labels"):
            raise ValueError("side_index must be auto, embedding or labels")
        if self.min_outlet_articles < 1 or self.min_camp_outlets < 1 or self.crossing_weeks < 1:
            raise ValueError("need min_outlet_articles, min_camp_outlets and crossing_weeks >= 1")


@dataclass(frozen=True)
class NullTest:
    """An observed divergence against its permutation null."""

    observed: float
    index: float  # observed minus the null mean
    null_p95: float  # the null's 95th percentile minus its mean
    p_value: float


@dataclass(frozen=True)
class BifurcationWeek:
    """One week's (one window's) divergence between the two camps."""

    week: str
    window_weeks: int
    labels: NullTest | None
    label_ci: tuple[float, float] | None
    embedding: NullTest | None
    permutations: int
    split_quality: float | None
    n_outlets: int
    excluded_outlets: int
    n_outlets_a: int
    n_outlets_b: int
    third_to_a: float | None
    third_to_b: float | None
    n_articles_a: int
    n_articles_b: int

    @property
    def divergence(self) -> float | None:
        return None if self.labels is None else self.labels.index


@dataclass(frozen=True)
class OutletAlignment:
    """One included outlet in one week: its side this week, its stable side after hysteresis, and if it crossed."""

    week: str
    source_id: str
    side: str | None
    distance_to_a: float | None
    distance_to_b: float | None
    margin: float | None
    articles: int
    passages: int
    stable_side: str | None
    streak: int
    crossed: bool
    evidence: dict | None = None


@dataclass
class _Pooled:
    """An outlet's evidence summed over some weeks."""

    articles: int = 0
    passages: int = 0
    features: dict[tuple[str, str], float] = field(default_factory=dict)
    vector: np.ndarray | None = None

    def add(self, ow: OutletWeek) -> None:
        self.articles += ow.articles
        self.passages += ow.passages
        for key, weight in ow.features.items():
            self.features[key] = self.features.get(key, 0.0) + weight
        if ow.vector_sum is not None:
            self.vector = ow.vector_sum.astype(float) if self.vector is None else self.vector + ow.vector_sum


def _pool(rows: Sequence[OutletWeek], weeks: Sequence[str]) -> dict[str, _Pooled]:
    wanted = set(weeks)
    pooled: dict[str, _Pooled] = {}
    for ow in rows:
        if ow.week in wanted:
            pooled.setdefault(ow.source_id, _Pooled()).add(ow)
    return pooled


def _cosine_distance(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Row-wise 1 - cosine similarity (rows of zeros give distance 1)."""
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    dot = (u * v).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where((nu > 0) & (nv > 0), dot / (nu * nv), 0.0)
    return 1.0 - sim


def _masks(n_a: int, n_b: int, limit: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Camp-A membership masks over the n_a + n_b outlets (the observed split is the first n_a): every
    shuffling when there are at most `limit`, else `limit` random ones. Returns (masks, exhaustive)."""
    n = n_a + n_b
    if math.comb(n, n_a) <= limit:
        masks = np.zeros((math.comb(n, n_a), n))
        for row, members in enumerate(combinations(range(n), n_a)):
            masks[row, list(members)] = 1.0
        return masks, True
    masks = np.zeros((limit, n))
    for row in range(limit):
        masks[row, rng.permutation(n)[:n_a]] = 1.0
    return masks, False


def _null_test(observed: float, null: np.ndarray, exhaustive: bool) -> NullTest:
    mean = float(null.mean())
    at_least = int((null >= observed - 1e-12).sum())
    # An exhaustive null contains the observed split itself; a sampled one does not, hence the +1s.
    p = at_least / len(null) if exhaustive else (at_least + 1) / (len(null) + 1)
    return NullTest(observed, observed - mean, float(np.quantile(null, 0.95)) - mean, p)


def _feature_matrix(pooled: Mapping[str, _Pooled], outlets: Sequence[str], index: Mapping[tuple[str, str], int]) -> np.ndarray:
    mat = np.zeros((len(outlets), max(len(index), 1)))
    for row, s in enumerate(outlets):
        for key, weight in pooled[s].features.items():
            mat[row, index[key]] += weight
    return mat


def _label(key: tuple[str, str]) -> str:
    return "no narrative" if key == NO_NARRATIVE else f"{key[0]} ({key[1]})"


def _moved(recent: _Pooled | None, earlier: _Pooled | None, top: int = 3) -> list[dict]:
    """The features whose share of the outlet's passages changed most between the earlier and recent weeks."""
    keys = sorted(set(recent.features if recent else {}) | set(earlier.features if earlier else {}))

    def shares(p: _Pooled | None) -> dict[tuple[str, str], float]:
        total = sum(p.features.values()) if p else 0.0
        return {k: (p.features.get(k, 0.0) / total if p and total else 0.0) for k in keys}

    before, after = shares(earlier), shares(recent)
    ranked = sorted(keys, key=lambda k: -abs(after[k] - before[k]))[:top]
    return [{"feature": _label(k), "share_before": round(before[k], 3), "share_now": round(after[k], 3)} for k in ranked]


@dataclass
class _CampTests:
    """The week's tests of the two camps and what placing outlets needs from them (all None below the camps'
    minimum of outlets)."""

    labels: NullTest | None = None
    label_ci: tuple[float, float] | None = None
    embedding: NullTest | None = None
    permutations: int = 0
    third_a: float | None = None
    third_b: float | None = None
    feats: np.ndarray | None = None
    centroid_a: np.ndarray | None = None
    centroid_b: np.ndarray | None = None
    prof_a: np.ndarray | None = None
    prof_b: np.ndarray | None = None


def _evaluate_week(
    week: str, rows: Sequence[OutletWeek], camps: Mapping[str, str], index: Mapping[tuple[str, str], int],
    params: BifurcationParams,
) -> tuple[BifurcationWeek, dict[str, tuple[str | None, float | None, float | None, float | None]], dict[str, _Pooled], dict[str, _Pooled], dict[str, _Pooled]]:
    """The week's summary and, per included outlet, (side, distance to a, distance to b, margin)."""
    weeks = window_weeks(week, params.window_weeks)
    pooled = _pool(rows, weeks)
    recent = _pool(rows, weeks[-params.side_window_weeks:])
    earlier = _pool(rows, weeks[: -params.side_window_weeks])
    included = sorted(s for s, p in pooled.items() if p.articles >= params.min_outlet_articles)
    excluded = sum(1 for p in pooled.values() if 0 < p.articles < params.min_outlet_articles)
    out_a = [s for s in included if camps.get(s) == params.camp_a]
    out_b = [s for s in included if camps.get(s) == params.camp_b]
    tests = _CampTests()
    if len(out_a) >= params.min_camp_outlets and len(out_b) >= params.min_camp_outlets:
        tests = _test_camps(week, pooled, out_a, out_b, camps, index, params)
    labels, embedding = tests.labels, tests.embedding
    # Outlets are placed in the space where the camps differ most clearly this week: embeddings see topics,
    # labels see stances on the same topics (e.g. a claim and its rebuttal read alike to the encoder).
    use_labels = embedding is None or params.side_index == "labels" or (
        params.side_index == "auto" and labels is not None and labels.p_value < embedding.p_value)
    test = labels if use_labels else embedding
    distinct = test is not None and test.p_value <= params.alpha
    placed: dict[str, tuple[str | None, float | None, float | None, float | None]] = {}
    for s in included:
        if camps.get(s) in params.side_camps and s in recent:
            placed[s] = _place(s, recent, pooled, out_a, out_b, index, tests, use_labels, distinct, params)
    summary = BifurcationWeek(
        week=week, window_weeks=params.window_weeks, labels=labels, label_ci=tests.label_ci, embedding=embedding,
        permutations=tests.permutations, split_quality=_split_quality(placed, recent), n_outlets=len(included),
        excluded_outlets=excluded, n_outlets_a=len(out_a), n_outlets_b=len(out_b), third_to_a=tests.third_a,
        third_to_b=tests.third_b, n_articles_a=sum(pooled[s].articles for s in out_a),
        n_articles_b=sum(pooled[s].articles for s in out_b),
    )
    log.info("week %s: label index %s (p %s), embedding index %s (p %s), %d outlets, %d excluded, sides %s",
             week, None if labels is None else round(labels.index, 4), None if labels is None else round(labels.p_value, 3),
             None if embedding is None else round(embedding.index, 4),
             None if embedding is None else round(embedding.p_value, 3), len(included), excluded,
             "named" if distinct else "unnamed")
    return summary, placed, pooled, recent, earlier


def _test_camps(week: str, pooled: dict[str, _Pooled], out_a: list[str], out_b: list[str], camps: Mapping[str, str],
                index: Mapping[tuple[str, str], int], params: BifurcationParams) -> _CampTests:
    """Both indices' permutation tests, the label index's bootstrap interval and the third camp's distances."""
    rng = np.random.default_rng([params.seed, zlib.crc32(week.encode())])
    members = out_a + out_b
    feats = _feature_matrix(pooled, members, index)
    masks, exhaustive = _masks(len(out_a), len(out_b), params.max_permutations, rng)
    observed_mask = np.r_[np.ones(len(out_a)), np.zeros(len(out_b))]

    def js_of(m: np.ndarray) -> np.ndarray:
        return js_rows(normalise(m @ feats), normalise((1.0 - m) @ feats))

    observed = float(js_of(observed_mask[None, :])[0])
    tests = _CampTests(labels=_null_test(observed, js_of(masks), exhaustive), permutations=len(masks), feats=feats)
    assert tests.labels is not None
    boot_a = resample_weights(len(out_a), params.n_bootstrap, rng)
    boot_b = resample_weights(len(out_b), params.n_bootstrap, rng)
    boot = js_rows(normalise(boot_a @ feats[: len(out_a)]), normalise(boot_b @ feats[len(out_a):]))
    low, high = percentile_interval(boot)
    tests.label_ci = (low - (observed - tests.labels.index), high - (observed - tests.labels.index))
    tests.prof_a = normalise(feats[: len(out_a)].sum(axis=0, keepdims=True))
    tests.prof_b = normalise(feats[len(out_a):].sum(axis=0, keepdims=True))
    third = [s for s in pooled if camps.get(s) == params.third_camp]
    if third:
        prof_t = normalise(_feature_matrix(pooled, third, index).sum(axis=0, keepdims=True))
        tests.third_a, tests.third_b = float(js_rows(prof_t, tests.prof_a)[0]), float(js_rows(prof_t, tests.prof_b)[0])
    if all(pooled[s].vector is not None for s in members):
        vecs = np.stack([pooled[s].vector for s in members])  # type: ignore[misc]
        emb_observed = float(_cosine_distance(vecs[: len(out_a)].sum(0), vecs[len(out_a):].sum(0)))
        emb_null = _cosine_distance(masks @ vecs, (1.0 - masks) @ vecs)
        tests.embedding = _null_test(emb_observed, emb_null, exhaustive)
        tests.centroid_a, tests.centroid_b = vecs[: len(out_a)].sum(0), vecs[len(out_a):].sum(0)
    return tests


def _place(s: str, recent: dict[str, _Pooled], pooled: dict[str, _Pooled], out_a: list[str], out_b: list[str],
           index: Mapping[tuple[str, str], int], tests: _CampTests, use_labels: bool, distinct: bool,
           params: BifurcationParams) -> tuple[str | None, float | None, float | None, float | None]:
    """One outlet's (side, distance to a, distance to b, margin) from its recent weeks, its own articles left out
    of its own camp."""
    if recent[s].articles < params.min_side_articles:
        return (None, None, None, None)
    d_a = d_b = None
    mine_vector, own_vector = recent[s].vector, pooled[s].vector
    if not use_labels and tests.centroid_a is not None and tests.centroid_b is not None and mine_vector is not None \
            and own_vector is not None:
        a = tests.centroid_a - own_vector if s in out_a else tests.centroid_a
        b = tests.centroid_b - own_vector if s in out_b else tests.centroid_b
        d_a, d_b = float(_cosine_distance(mine_vector, a)), float(_cosine_distance(mine_vector, b))
    elif use_labels and tests.prof_a is not None and tests.prof_b is not None and tests.feats is not None:
        # Hellinger distance of label mixes, own passages left out of the own camp
        mine = _feature_matrix(recent, [s], index)
        own = _feature_matrix(pooled, [s], index)
        feats = tests.feats
        a = feats[: len(out_a)].sum(0, keepdims=True) - (own if s in out_a else 0)
        b = feats[len(out_a):].sum(0, keepdims=True) - (own if s in out_b else 0)
        d_a, d_b = [float(np.linalg.norm(np.sqrt(normalise(mine)) - np.sqrt(normalise(x))) / math.sqrt(2))
                    for x in (a, b)]
    if d_a is None or d_b is None:
        return (None, None, None, None)
    near, far = min(d_a, d_b), max(d_a, d_b)
    margin = (far - near) / (far + near) if far + near > 0 else 0.0
    side = None
    if distinct and margin >= params.min_margin:
        side = params.camp_a if d_a < d_b else params.camp_b
    return (side, d_a, d_b, margin)


def _split_quality(placed: dict[str, tuple[str | None, float | None, float | None, float | None]],
                   recent: dict[str, _Pooled]) -> float | None:
    """Silhouette of the named outlets' recent vectors by side, when at least two sides hold two outlets each."""
    named = {s: v for s in placed if placed[s][0] is not None and (v := recent[s].vector) is not None}
    sides = [placed[s][0] for s in named]
    if len(named) >= 3 and 2 <= len(set(sides)) and min(sides.count(x) for x in set(sides)) >= 2:
        from sklearn.metrics import silhouette_score  # imported here: costly, and only weeks with sides need it

        points = np.stack([v / np.linalg.norm(v) for v in named.values()])
        return float(silhouette_score(points, sides, metric="cosine"))
    return None


def weekly_bifurcation(
    rows: Sequence[OutletWeek],
    camps: Mapping[str, str],
    weeks: Sequence[str],
    params: BifurcationParams = BifurcationParams(),
    previous: Mapping[str, tuple[str | None, int]] | None = None,
) -> tuple[list[BifurcationWeek], list[OutletAlignment]]:
    """Evaluate each of `weeks` (oldest first) on its trailing window; deterministic for a seed.

    `rows` must cover the windows of every evaluated week. `previous` holds each outlet's (stable_side, streak)
    before the first evaluated week, so an incremental run reports crossings as a full run would.
    """
    rows = sorted(rows, key=lambda ow: (ow.week, ow.source_id))  # float sums must not depend on the input order
    index = {k: i for i, k in enumerate(sorted({k for ow in rows for k in ow.features}))}
    state: dict[str, tuple[str | None, int]] = dict(previous or {})
    summaries: list[BifurcationWeek] = []
    alignments: list[OutletAlignment] = []
    for week in weeks:
        summary, placed, pooled, recent, earlier = _evaluate_week(week, rows, camps, index, params)
        if summary.n_outlets == 0:
            continue
        summaries.append(summary)
        for s in sorted(placed):
            side, d_a, d_b, margin = placed[s]
            configured = camps.get(s)
            home = configured if configured in (params.camp_a, params.camp_b) else None
            stable, streak = state.get(s, (home, 0))
            crossed = False
            evidence = None
            if side is None or side == stable:
                streak = 0
            elif stable is None:
                # An outlet of another camp has no home side: its first confident side becomes it, no crossing.
                stable, streak = side, 0
            else:
                streak += 1
                if streak >= params.crossing_weeks:
                    evidence = {"from": stable, "to": side, "weeks_on_new_side": streak,
                                "recent_articles": recent[s].articles, "window_articles": pooled[s].articles,
                                "distance_to_a": d_a, "distance_to_b": d_b, "margin": margin,
                                "moved": _moved(recent.get(s), earlier.get(s))}
                    stable, streak, crossed = side, 0, True
            state[s] = (stable, streak)
            alignments.append(OutletAlignment(week, s, side, d_a, d_b, margin, pooled[s].articles, pooled[s].passages,
                                              stable, streak, crossed, evidence))
    crossings = [a for a in alignments if a.crossed]
    for a in crossings:
        log.info("week %s: outlet %s crossed to %s", a.week, a.source_id, a.stable_side)
    return summaries, alignments
