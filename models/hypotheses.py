"""Forecast tracker: an analysis's predictions as hypotheses, each tested on a trailing window of weeks.

A hypothesis file (YAML) lists hypotheses with an ``id``, a ``statement``, a ``source``, an optional ``window_weeks``
(default: the analysis window of the settings, 4 weeks, the same trailing window as the bifurcation) and a ``test``: a built-in ``template`` with its parameters, or ``template: sql`` with a read-only ``query``.

Every evaluation returns a value, a 95% interval, the evidence size and a verdict against a threshold (0 unless
the test sets ``threshold``): ``supported`` when the interval lies entirely on the hypothesis side,
``contradicted`` when entirely on the other side, ``inconclusive`` otherwise, and always ``inconclusive`` when the
evidence is thin: fewer than ``min_articles`` (8; a bootstrap over fewer articles is unreliable) articles in a compared group, fewer than ``min_weeks`` weeks with
articles in the window (2 for the camp comparisons: one week is a news cycle, not a trend), or fewer than 3 weeks
for a slope.

* ``camp_pushes_more``: share of ``camp_a``'s classified passages that carry ``narrative`` with ``stance`` minus
  the same share of ``camp_b``; bootstrap over articles within each camp.
* ``camp_closer_to``: JS(``camp``, ``farther``) - JS(``camp``, ``closer``) over the (narrative, stance) profiles of
  models.bifurcation; positive = closer to ``closer``; bootstrap over articles within each camp.
* ``divergence_trend``: OLS slope per week of a null-corrected bifurcation index over the window (``index``:
  ``embedding`` (default, bifurcation_weekly.embedding_index) or ``labels`` (bifurcation_weekly.divergence));
  ``supported`` also needs the latest ``significant_weeks`` weeks' indices (1: the latest week's) each significant
  (p-value at most ``alpha``), with its t-based 95% interval. With ``sustained_weeks`` (0: off) a window whose
  slope is inconclusive is also ``supported`` when its latest ``sustained_weeks`` consecutive weeks are each
  significant and an earlier week of the window is not: a divergence that began in the window and held, which a
  long OLS slope confirms only weeks later (the interval stays the slope's; the reason says why); with
  ``sustained_confirm`` n, the other index (labels for embedding, and back) must be significant in n of those weeks.
* ``shift_after``: the share in ``camp`` from the event on (within the window) minus its share in the
  ``window_weeks`` weeks before the event; ``direction`` up (default), down, or any (two-sided: never contradicted).
* ``sql``: the user's query returns one row with ``value, ci_low, ci_high`` (optionally ``evidence``).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import yaml

from extractors import yaml_read
from models.weeks import js_rows as _js_rows
from models.weeks import normalise as _normalise
from models.weeks import percentile_interval as _interval
from models.weeks import resample_weights as _resample_weights
from models.weeks import week_start, window_weeks

VERDICTS = ("supported", "contradicted", "inconclusive")
# The reason of a verdict given by a sustained run, not by the plotted slope interval (the report marks it apart).
SUSTAINED = "sustained:"

# template -> (required parameters, optional parameters with defaults)
TEMPLATES: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "camp_pushes_more": (("camp_a", "camp_b", "narrative"), {"stance": "claim", "min_articles": 8, "min_weeks": 2}),
    "camp_closer_to": (("camp", "closer", "farther"), {"min_articles": 8, "min_weeks": 2}),
    "divergence_trend": ((), {"min_weeks": 3, "alpha": 0.05, "significant_weeks": 1, "sustained_weeks": 0,
                              "sustained_confirm": 0, "index": "embedding"}),
    "shift_after": (("camp", "narrative", "event_date"), {"stance": "claim", "direction": "up", "min_articles": 8}),
    "sql": (("query",), {}),
}
_COMMON = {"threshold": 0.0, "n_bootstrap": 200, "seed": 0}
_FIELDS = ("id", "statement", "source", "test")


class HypothesisError(ValueError):
    """A hypothesis file that cannot be used; the message names the hypothesis."""


@dataclass(frozen=True)
class Hypothesis:
    """One prediction and the test that checks it on a trailing window of ISO weeks."""

    id: str
    statement: str
    source: str
    template: str
    window_weeks: int
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleRecord:
    """One article: day, camp, classified passage count and its labels as (narrative_id, stance, score)."""

    article_id: str
    day: date
    camp: str
    passages: int
    labels: tuple[tuple[str, str, float], ...] = ()

    @property
    def week(self) -> str:
        return self.day.strftime("%G-W%V")


@dataclass(frozen=True)
class Evaluation:
    """A hypothesis on one window: value, interval, evidence size (articles or weeks), verdict, and why a verdict
    is inconclusive (empty otherwise)."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    evidence: int
    verdict: str
    reason: str = ""


# ---------------------------------------------------------------------------------------------------- loading

def validate_sql(hypothesis_id: str, query: Any) -> str:
    """The query if it is exactly one read-only SELECT (or WITH ... SELECT) statement; else HypothesisError."""
    if not isinstance(query, str) or not query.strip():
        raise HypothesisError(f"hypothesis {hypothesis_id!r}: sql test needs a non-empty 'query'")
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise HypothesisError(f"hypothesis {hypothesis_id!r}: sql query does not parse: {str(exc).splitlines()[0]}") from exc
    if len(statements) != 1:
        raise HypothesisError(f"hypothesis {hypothesis_id!r}: sql query must be a single statement, got {len(statements)}")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise HypothesisError(f"hypothesis {hypothesis_id!r}: sql query must be read-only (SELECT or WITH), "
                              f"got {statements[0].type.name}")
    return query


def parse_hypotheses(data: Any, default_window: int = 4) -> list[Hypothesis]:
    """Validated hypotheses from the parsed YAML document ({'hypotheses': [...]}); a hypothesis without
    `window_weeks` uses `default_window` (the analysis window of the settings)."""
    items = data.get("hypotheses") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise HypothesisError("hypothesis file needs a top-level 'hypotheses' list")
    out: list[Hypothesis] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = str(item.get("id")) if isinstance(item, Mapping) and item.get("id") else f"#{i + 1}"
        if not isinstance(item, Mapping):
            raise HypothesisError(f"hypothesis {name!r}: must be a mapping")
        missing = [f for f in _FIELDS if item.get(f) in (None, "")]
        if missing:
            raise HypothesisError(f"hypothesis {name!r}: missing field(s) {', '.join(missing)}")
        if name in seen:
            raise HypothesisError(f"hypothesis {name!r}: duplicate id")
        seen.add(name)
        test = item["test"]
        if not isinstance(test, Mapping) or "template" not in test:
            raise HypothesisError(f"hypothesis {name!r}: 'test' needs a 'template'")
        template = test["template"]
        if template not in TEMPLATES:
            raise HypothesisError(f"hypothesis {name!r}: unknown template {template!r} "
                                  f"(known: {', '.join(TEMPLATES)})")
        required, optional = TEMPLATES[template]
        absent = [p for p in required if test.get(p) in (None, "")]
        if absent:
            raise HypothesisError(f"hypothesis {name!r}: {template} test is missing {', '.join(absent)}")
        unknown = set(test) - {"template", *required, *optional, *_COMMON}
        if unknown:
            raise HypothesisError(f"hypothesis {name!r}: unknown test parameter(s) {', '.join(sorted(unknown))}")
        params = {**_COMMON, **optional, **{k: v for k, v in test.items() if k != "template"}}
        if template == "sql":
            validate_sql(name, params["query"])
        if template == "shift_after":
            try:
                params["event_date"] = date.fromisoformat(str(params["event_date"]))
            except ValueError as exc:
                raise HypothesisError(f"hypothesis {name!r}: event_date must be YYYY-MM-DD") from exc
            if params["direction"] not in ("up", "down", "any"):
                raise HypothesisError(f"hypothesis {name!r}: direction must be up, down or any")
        if template == "divergence_trend" and params["index"] not in ("embedding", "labels"):
            raise HypothesisError(f"hypothesis {name!r}: index must be embedding or labels")
        if template == "divergence_trend" and not _positive_int(params["significant_weeks"]):
            raise HypothesisError(f"hypothesis {name!r}: significant_weeks must be a positive integer")
        for knob in ("sustained_weeks", "sustained_confirm"):
            if template == "divergence_trend" and not (params[knob] == 0 or _positive_int(params[knob])):
                raise HypothesisError(f"hypothesis {name!r}: {knob} must be 0 (off) or a positive integer")
        window = item.get("window_weeks", default_window)
        if not _positive_int(window):
            raise HypothesisError(f"hypothesis {name!r}: window_weeks must be a positive integer")
        out.append(Hypothesis(name, str(item["statement"]), str(item["source"]), template, window, params))
    return out


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def load_hypotheses(path: str | Path, default_window: int = 4) -> list[Hypothesis]:
    """Validated hypotheses from a YAML file."""
    try:
        data = yaml_read.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HypothesisError(f"cannot read hypothesis file {path}: {exc}") from exc
    return parse_hypotheses(data, default_window)


# ---------------------------------------------------------------------------------------------------- verdicts

def verdict(ci_low: float | None, ci_high: float | None, threshold: float = 0.0, thin: bool = False,
            two_sided: bool = False) -> str:
    """supported / contradicted / inconclusive from where the interval lies against the threshold."""
    if thin or ci_low is None or ci_high is None or math.isnan(ci_low) or math.isnan(ci_high):
        return "inconclusive"
    if two_sided:
        return "supported" if ci_low > threshold or ci_high < -threshold else "inconclusive"
    if ci_low > threshold:
        return "supported"
    if ci_high < threshold:
        return "contradicted"
    return "inconclusive"






def judged_against(h: Hypothesis) -> tuple[float, bool, str]:
    """A hypothesis' threshold, whether its test is two-sided, and the unit of its weekly value."""
    p = h.params
    units = {
        "camp_pushes_more": lambda: f"share of passages, {p.get('camp_a')} minus {p.get('camp_b')}",
        "camp_closer_to": lambda: f"JS to {p.get('farther')} minus JS to {p.get('closer')}",
        "divergence_trend": lambda: f"{p.get('index', 'embedding')} index slope per week",
        "shift_after": lambda: f"share of passages, after minus before ({p.get('camp')})"
                               + (" (sign flipped: a fall is positive)" if p.get("direction") == "down" else ""),
    }
    unit = units[h.template]() if h.template in units else "value (sql)"
    two_sided = h.template == "shift_after" and p.get("direction") == "any"
    return float(p.get("threshold", 0.0)), two_sided, unit


def judged(value: float | None, low: float | None, high: float | None, evidence: int, params: Mapping[str, Any],
           two_sided: bool = False) -> Evaluation:
    """The evaluation of an interval against the test's threshold, saying why when it is inconclusive."""
    threshold = params.get("threshold", 0.0)
    result = verdict(low, high, threshold, two_sided=two_sided)
    reason = ""
    if result == "inconclusive":
        reason = ("no interval" if low is None or high is None or math.isnan(low) or math.isnan(high)
                  else f"the 95% interval [{low:.3g}, {high:.3g}] reaches the threshold {threshold:g}")
    return Evaluation(value, low, high, evidence, result, reason)


def thin(evidence: int, reason: str) -> Evaluation:
    """Too little evidence for an interval: inconclusive, saying what is missing."""
    return Evaluation(None, None, None, evidence, "inconclusive", f"thin evidence: {reason}")


def _too_few(groups: Mapping[str, Sequence[ArticleRecord]], params: Mapping[str, Any]) -> str:
    """What the camp comparisons lack (articles per camp, weeks with articles), or "" when there is enough."""
    min_articles, min_weeks = params.get("min_articles", 8), params.get("min_weeks", 2)
    short = [f"{len(g)} {camp} articles" for camp, g in groups.items() if len(g) < min_articles]
    if short:
        return f"{', '.join(short)} (at least {min_articles} a camp)"
    weeks = _weeks_with_data([r for g in groups.values() for r in g])
    return f"articles in {weeks} week(s) (at least {min_weeks})" if weeks < min_weeks else ""


def _rng(params: Mapping[str, Any], key: str) -> np.random.Generator:
    return np.random.default_rng([int(params.get("seed", 0)), zlib.crc32(key.encode())])




def _counts(records: Sequence[ArticleRecord], narrative: str, stance: str) -> tuple[np.ndarray, np.ndarray]:
    """Per article: passages carrying the narrative with the stance, and classified passages."""
    hits = np.array([sum(1 for n, s, _ in r.labels if n == narrative and s == stance) for r in records], dtype=float)
    totals = np.array([r.passages for r in records], dtype=float)
    return hits, totals


def _share_boot(hits: np.ndarray, totals: np.ndarray, n: int, rng: np.random.Generator) -> tuple[float, np.ndarray]:
    """Pooled share and its bootstrap replicates over articles."""
    share = float(hits.sum() / totals.sum()) if totals.sum() > 0 else 0.0
    w = _resample_weights(len(hits), n, rng)
    t = w @ totals
    return share, np.divide(w @ hits, t, out=np.zeros(n), where=t > 0)




def _weeks_with_data(records: Sequence[ArticleRecord]) -> int:
    return len({r.week for r in records})


def _by_camp(records: Sequence[ArticleRecord], camps: Sequence[str]) -> dict[str, list[ArticleRecord]]:
    groups: dict[str, list[ArticleRecord]] = {c: [] for c in camps}
    for r in sorted(records, key=lambda r: r.article_id):  # a fixed order: resampling does not depend on input order
        if r.camp in groups:
            groups[r.camp].append(r)
    return groups


# ---------------------------------------------------------------------------------------------------- templates

def camp_pushes_more(records: Sequence[ArticleRecord], params: Mapping[str, Any], key: str = "") -> Evaluation:
    """Share of camp_a's passages carrying (narrative, stance) minus camp_b's; bootstrap over articles."""
    a, b = params["camp_a"], params["camp_b"]
    groups = _by_camp(records, [a, b])
    evidence = len(groups[a]) + len(groups[b])
    if lacking := _too_few(groups, params):
        return thin(evidence, lacking)
    rng = _rng(params, key)
    n = int(params.get("n_bootstrap", 200))
    stance = params.get("stance", "claim")
    share_a, boot_a = _share_boot(*_counts(groups[a], params["narrative"], stance), n, rng)
    share_b, boot_b = _share_boot(*_counts(groups[b], params["narrative"], stance), n, rng)
    low, high = _interval(boot_a - boot_b)
    return judged(share_a - share_b, low, high, evidence, params)


def camp_closer_to(records: Sequence[ArticleRecord], params: Mapping[str, Any], key: str = "") -> Evaluation:
    """JS(camp, farther) - JS(camp, closer) of score-weighted (narrative, stance) profiles; bootstrap over articles."""
    x, near, far = params["camp"], params["closer"], params["farther"]
    groups = _by_camp(records, [x, near, far])
    evidence = sum(len(g) for g in groups.values())
    if lacking := _too_few(groups, params):
        return thin(evidence, lacking)
    features = sorted({(nar, st) for g in groups.values() for r in g for nar, st, _ in r.labels})
    index = {f: i for i, f in enumerate(features)}

    def matrix(group: list[ArticleRecord]) -> np.ndarray:
        m = np.zeros((len(group), max(len(index), 1)))
        for row, r in enumerate(group):
            for nar, st, score in r.labels:
                m[row, index[(nar, st)]] += score
        return m

    mats = {c: matrix(g) for c, g in groups.items()}
    if unlabelled := [c for c, m in mats.items() if m.sum() == 0]:
        return thin(evidence, f"no labelled passages in {', '.join(unlabelled)}")
    prof = {c: _normalise(m.sum(axis=0, keepdims=True)) for c, m in mats.items()}
    value = float(_js_rows(prof[x], prof[far])[0] - _js_rows(prof[x], prof[near])[0])
    rng = _rng(params, key)
    n = int(params.get("n_bootstrap", 200))
    boot = {c: _normalise(_resample_weights(len(m), n, rng) @ m) for c, m in mats.items()}
    diff = _js_rows(boot[x], boot[far]) - _js_rows(boot[x], boot[near])
    low, high = _interval(diff)
    return judged(value, low, high, evidence, params)


def divergence_trend(series: Sequence[tuple], params: Mapping[str, Any]) -> Evaluation:
    """OLS slope per week of the divergence over (week, divergence[, p_value[, the other index's p-value]]) points,
    with its t-based 95% interval.

    Weekly indices of overlapping trailing windows are autocorrelated, which makes the t interval too narrow; so
    `supported` also needs the latest `significant_weeks` indices (weeks with an index) each significant against
    its permutation null (p-value at most `alpha`) when p-values are given.
    """
    points = sorted((week_start(w), d, rest[0] if rest else None, rest[1] if len(rest) > 1 else None)
                    for w, d, *rest in series if d is not None and not math.isnan(d))
    needed = max(3, int(params.get("min_weeks", 3)))
    if len(points) < needed:
        return thin(len(points), f"{len(points)} week(s) with an index (at least {needed})")
    x = np.array([(point[0] - points[0][0]).days / 7 for point in points])
    y = np.array([point[1] for point in points])
    sxx = float(((x - x.mean()) ** 2).sum())
    slope = float(((x - x.mean()) * (y - y.mean())).sum() / sxx)
    residuals = y - (y.mean() + slope * (x - x.mean()))
    dof = len(points) - 2
    se = math.sqrt(float((residuals ** 2).sum()) / dof / sxx)
    from scipy import stats  # imported here: scipy.stats costs ~1 s at import

    half = float(stats.t.ppf(0.975, dof)) * se
    low, high = slope - half, slope + half
    result = judged(slope, low, high, len(points), params)
    latest = points[-max(1, int(params.get("significant_weeks", 1))):]
    alpha = float(params.get("alpha", 0.05))
    if result.verdict == "supported" and any(p is not None and p > alpha for _, _, p, _ in latest):
        p_values = ", ".join("-" if p is None else f"{p:.3g}" for _, _, p, _ in latest)
        result = replace(result, verdict="inconclusive", reason=f"the slope's interval clears the threshold but "
                         f"the latest {len(latest)} week(s)' indices are not all significant (p {p_values}; alpha {alpha:g})")
    run = sustained_run(points, int(params.get("sustained_weeks", 0)), alpha, int(params.get("sustained_confirm", 0)))
    if result.verdict == "inconclusive" and run:
        return replace(result, verdict="supported", reason=run)
    return result


def sustained_run(points: Sequence[tuple[date, float, float | None, float | None]], weeks: int, alpha: float,
                  confirm: int = 0) -> str:
    """Why the latest `weeks` consecutive weeks of (week start, index, p-value, other index's p-value) points hold a
    divergence that began in the window (each significant, an earlier week not, the other index significant in
    `confirm` of them), or "" when they do not (or `weeks` is 0)."""
    if weeks < 1 or len(points) <= weeks:
        return ""
    run, before = points[-weeks:], points[:-weeks]
    consecutive = all((b[0] - a[0]).days == 7 for a, b in pairwise(run))
    if not consecutive or any(p is None or p > alpha for _, _, p, _ in run):
        return ""
    quiet = [d for d, _, p, _ in before if p is not None and p > alpha]
    confirmed = sum(other is not None and other <= alpha for *_, other in run)
    if not quiet or confirmed < confirm:
        return ""
    p_values = ", ".join(f"{p:.3g}" for _, _, p, _ in run)
    also = f", the other index in {confirmed}" if confirm else ""
    return (f"{SUSTAINED} the latest {weeks} weeks' indices each significant (p {p_values}; alpha {alpha:g}{also}) "
            f"after the week of {quiet[-1]:%G-W%V}, which was not")


def shift_after(
    before: Sequence[ArticleRecord], after: Sequence[ArticleRecord], params: Mapping[str, Any], key: str = ""
) -> Evaluation:
    """The camp's share of (narrative, stance) after the event minus before; bootstrap over articles."""
    camp = params["camp"]
    pre = _by_camp(before, [camp])[camp]
    post = _by_camp(after, [camp])[camp]
    evidence = len(pre) + len(post)
    if min(len(pre), len(post)) < params.get("min_articles", 8):
        return thin(evidence, f"{len(pre)} {camp} articles before the event, {len(post)} from it on "
                    f"(at least {params.get('min_articles', 8)} each)")
    rng = _rng(params, key)
    n = int(params.get("n_bootstrap", 200))
    stance = params.get("stance", "claim")
    share_pre, boot_pre = _share_boot(*_counts(pre, params["narrative"], stance), n, rng)
    share_post, boot_post = _share_boot(*_counts(post, params["narrative"], stance), n, rng)
    sign = -1.0 if params.get("direction", "up") == "down" else 1.0  # "down": a fall counts as the hypothesis side
    value = sign * (share_post - share_pre)
    low, high = _interval(sign * (boot_post - boot_pre))
    return judged(value, low, high, evidence, params, two_sided=params.get("direction") == "any")


def sql_result(row: Mapping[str, Any] | None, params: Mapping[str, Any]) -> Evaluation:
    """A user query's row (value, ci_low, ci_high[, evidence]) judged against the threshold."""
    if row is None:
        return Evaluation(None, None, None, 0, "inconclusive", "the query failed or returned no row")

    def num(v: Any) -> float | None:
        return None if v is None else float(v)

    value, low, high = num(row.get("value")), num(row.get("ci_low")), num(row.get("ci_high"))
    evidence = int(row.get("evidence") or 0) if "evidence" in row else 1
    if "evidence" in row and evidence == 0:
        return Evaluation(value, low, high, evidence, "inconclusive", "thin evidence: the query's evidence is 0")
    return judged(value, low, high, evidence, params)


def _pair(value: Any, index: str) -> tuple[float | None, float | None, float | None]:
    """(index, p-value, the other index's p-value) of a week: `value` is the divergence alone, (divergence, p) or
    {index name: (divergence, p)}."""
    other_p = None
    if isinstance(value, Mapping):
        other = value.get("labels" if index == "embedding" else "embedding")
        other_p = other[1] if isinstance(other, tuple) else None
        value = value.get(index) or value.get("labels") or (None, None)
    return (value[0], value[1], other_p) if isinstance(value, tuple) else (value, None, other_p)


def evaluate(
    h: Hypothesis,
    week: str,
    records: Sequence[ArticleRecord],
    divergence: Mapping[str, Any],
) -> Evaluation:
    """One hypothesis on the trailing window ending `week` (not the `sql` template: the step runs that query)."""
    weeks = window_weeks(week, h.window_weeks)
    first, last = week_start(weeks[0]), week_start(weeks[-1]) + timedelta(days=6)
    key = f"{h.id}|{week}"
    if h.template == "divergence_trend":
        index = str(h.params.get("index", "embedding"))
        return divergence_trend([(w, *_pair(divergence[w], index)) for w in weeks if w in divergence], h.params)
    if h.template == "shift_after":
        event: date = h.params["event_date"]
        before_start = event - timedelta(weeks=h.window_weeks)
        before = [r for r in records if before_start <= r.day < event]
        after = [r for r in records if max(first, event) <= r.day <= last]
        return shift_after(before, after, h.params, key)
    in_window = [r for r in records if first <= r.day <= last]
    if h.template == "camp_pushes_more":
        return camp_pushes_more(in_window, h.params, key)
    if h.template == "camp_closer_to":
        return camp_closer_to(in_window, h.params, key)
    raise HypothesisError(f"hypothesis {h.id!r}: template {h.template!r} is not evaluated here")
