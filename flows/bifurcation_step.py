"""Weekly bifurcation of the camps on trailing windows, recomputed from the changed weeks and written to its tables."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np

from models.bifurcation import (
    NO_NARRATIVE,
    BifurcationParams,
    BifurcationWeek,
    OutletAlignment,
    OutletWeek,
    weekly_bifurcation,
)
from models.weeks import iso_week, week_start, weeks_between
from warehouse.db import load_sql, run_script
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def refresh_outlet_vectors(writer: Writer, since: date) -> None:
    """Recompute the per-outlet daily sums of article mean vectors from `since` on (in numpy: a list column
    fetches as arrays, far faster than unnesting it in SQL)."""
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/classified_vectors"), {"since": since}).fetchnumpy()
    sums: dict[tuple[str, date, str], tuple[int, np.ndarray]] = {}
    if len(rows["vector"]):
        keys = list(zip(rows["source_id"].tolist(), rows["day"].tolist(), rows["model_id"].tolist(),
                        rows["article_id"].tolist(), strict=True))
        articles = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        means = np.zeros((len(articles), len(rows["vector"][0])))
        np.add.at(means, [articles[k] for k in keys], np.stack(list(rows["vector"])).astype(float))
        means /= np.bincount([articles[k] for k in keys], minlength=len(articles))[:, None]
        for (source_id, day, model_id, _), i in articles.items():
            n, total = sums.get((source_id, day, model_id), (0, 0.0))
            sums[(source_id, day, model_id)] = (n + 1, total + means[i])
    with writer.transaction() as con:
        con.execute(load_sql("queries/clear_outlet_day_vectors"), {"since": since})
        if sums:
            con.executemany(load_sql("queries/insert_outlet_day_vectors"), [
                {"source_id": s, "day": _as_date(d), "model_id": m, "articles": n, "vector_sum": v.astype(np.float32).tolist()}
                for (s, d, m), (n, v) in sums.items()])


def _as_date(value: object) -> date:
    """fetchnumpy gives DATE columns as datetime64, whose tolist() holds datetimes; back to a date."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def load_outlet_weeks(writer: Writer, start: date, end: date) -> list[OutletWeek]:
    """Every outlet's evidence per ISO week for the days from `start` to `end`."""
    span = {"start": start, "end": end}
    with writer.transaction() as con:
        counts = con.execute(load_sql("queries/bifurcation_outlet_weeks"), span).fetchall()
        features = con.execute(load_sql("queries/bifurcation_features"), span).fetchall()
        daily = con.execute(load_sql("queries/bifurcation_vectors"), span).fetchnumpy()
    feats: dict[tuple[str, str], dict[tuple[str, str], float]] = defaultdict(dict)
    for source_id, week, narrative_id, stance, weight in features:
        feats[(source_id, week)][(narrative_id, stance)] = float(weight)
    vectors: dict[tuple[str, str], np.ndarray] = {}
    if len(daily["vector_sum"]):
        keys = list(zip(daily["source_id"].tolist(), daily["week"].tolist(), strict=True))
        groups = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        sums = np.zeros((len(groups), len(daily["vector_sum"][0])))
        np.add.at(sums, [groups[k] for k in keys], np.stack(list(daily["vector_sum"])).astype(float))
        vectors = {k: sums[i] for k, i in groups.items()}
    rows = []
    for source_id, week, passages, articles, unlabelled in counts:
        key = (source_id, week)
        f = dict(feats.get(key, {}))
        if unlabelled:
            f[NO_NARRATIVE] = float(unlabelled)
        rows.append(OutletWeek(week, source_id, int(articles), int(passages), f, vectors.get(key)))
    return rows


def compute_bifurcation(writer: Writer, params: BifurcationParams | None = None, since: date | None = None) -> tuple[int, int]:
    """Recompute every week whose trailing window holds a day from `since` on (all weeks when None); deterministic,
    so re-running writes the same rows. Returns (weeks written, crossings among them)."""
    params = params or BifurcationParams()
    with writer.transaction() as con:
        first_day, last_day = con.execute(load_sql("queries/bifurcation_week_range")).fetchone() or (None, None)
        camps = dict(con.execute(load_sql("queries/source_camps")).fetchall())
    if first_day is None:
        return 0, 0
    refresh_outlet_vectors(writer, since or first_day)
    first_week = iso_week(max(since, first_day) if since else first_day)
    last_week = iso_week(last_day)
    if first_week > last_week:
        return 0, 0
    weeks = weeks_between(first_week, last_week)
    window_start = week_start(weeks[0]) - timedelta(weeks=params.window_weeks - 1)
    rows = load_outlet_weeks(writer, window_start, week_start(last_week) + timedelta(days=6))
    with writer.transaction() as con:
        previous = {s: (side, int(streak or 0)) for s, side, streak in
            con.execute(load_sql("queries/previous_sides"), {"week": first_week}).fetchall()}
    summaries, alignments = weekly_bifurcation(rows, camps, weeks, params, previous)
    with writer.transaction() as con:
        run_script(con, "queries/clear_bifurcation_weeks", {"first_week": first_week})
        if summaries:
            con.executemany(load_sql("queries/insert_bifurcation_week"), [_week_row(w) for w in summaries])
        if alignments:
            con.executemany(load_sql("queries/insert_outlet_alignment"), [_alignment_row(a) for a in alignments])
    crossings = sum(a.crossed for a in alignments)
    log.info("bifurcation: %d weeks from %s, %d outlet crossings", len(summaries), first_week, crossings)
    return len(summaries), crossings


def _week_row(w: BifurcationWeek) -> dict:
    lab, emb = w.labels, w.embedding
    return {
        "week": w.week, "window_weeks": w.window_weeks, "divergence": w.divergence,
        "ci_low": w.label_ci[0] if w.label_ci else None, "ci_high": w.label_ci[1] if w.label_ci else None,
        "null_p95": lab.null_p95 if lab else None, "p_value": lab.p_value if lab else None,
        "js_observed": lab.observed if lab else None, "embedding_index": emb.index if emb else None,
        "embedding_null_p95": emb.null_p95 if emb else None, "embedding_p_value": emb.p_value if emb else None,
        "embedding_observed": emb.observed if emb else None, "permutations": w.permutations,
        "split_quality": w.split_quality, "n_outlets": w.n_outlets, "excluded_outlets": w.excluded_outlets,
        "n_outlets_russia": w.n_outlets_a, "n_outlets_china": w.n_outlets_b,
        "resistance_to_russia": w.third_to_a, "resistance_to_china": w.third_to_b,
        "n_articles_russia": w.n_articles_a, "n_articles_china": w.n_articles_b,
    }


def _alignment_row(a: OutletAlignment) -> dict:
    return {
        "week": a.week, "source_id": a.source_id, "side": a.side, "distance_to_russia": a.distance_to_a,
        "distance_to_china": a.distance_to_b, "margin": a.margin, "articles": a.articles,
        "passages": a.passages, "stable_side": a.stable_side, "streak": a.streak, "crossed": a.crossed,
        "evidence": None if a.evidence is None else json.dumps(a.evidence),
    }
