"""Forecast tracker step: every hypothesis evaluated on every ISO week, upserted into hypothesis_weekly."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb

from flows.alert_step import newest_day
from models.hypotheses import (
    ArticleRecord,
    Evaluation,
    Hypothesis,
    evaluate,
    judged_against,
    load_hypotheses,
    sql_result,
    week_start,
    window_weeks,
)
from warehouse.db import WarehouseBusy, load_sql
from warehouse.sandbox import SandboxError
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerdictChange:
    """A hypothesis whose verdict in `week` differs from its verdict the week before."""

    hypothesis_id: str
    statement: str
    week: str
    previous: str
    verdict: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    reason: str = ""


def article_records(con: duckdb.DuckDBPyConnection) -> list[ArticleRecord]:
    """Every article with its day, camp, passage count and narrative labels: what the hypotheses are judged on."""
    labels: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for article_id, narrative_id, stance, score in con.execute(load_sql("queries/hypothesis_labels")).fetchall():
        labels[article_id].append((narrative_id, stance, float(score)))
    return [
        ArticleRecord(article_id, day, camp, int(passages), tuple(sorted(labels.get(article_id, []))))
        for article_id, day, camp, passages in con.execute(load_sql("queries/hypothesis_articles")).fetchall()
    ]


def _run_sql(con: duckdb.DuckDBPyConnection, h: Hypothesis, week: str) -> Evaluation:
    """The user's read-only query on one window; a failing query is logged and judged inconclusive."""
    weeks = window_weeks(week, h.window_weeks)
    values = {"week": week, "start": week_start(weeks[0]), "end": week_start(weeks[-1]) + timedelta(days=6)}
    query = h.params["query"]
    bound = {k: v for k, v in values.items() if re.search(rf"\${k}\b", query)}
    try:
        rel = con.execute(query, bound)
        row = rel.fetchone()
        columns = [d[0] for d in rel.description or []]
    except duckdb.Error as exc:
        log.warning("hypothesis %s: sql test failed in %s: %s", h.id, week, str(exc).splitlines()[0])
        return sql_result(None, h.params)
    return sql_result(None if row is None else dict(zip(columns, row, strict=True)), h.params)


def _run_sql_tests(writer: Writer, hypotheses: list[Hypothesis], weeks: list[str]) -> dict[tuple[str, str], Evaluation]:
    """The `sql` hypotheses on every week, on a sandboxed connection of their own: their query comes from a file,
    so it reads the warehouse and nothing else, and cannot change the writer's settings."""
    if not hypotheses or not weeks:
        return {}
    try:
        with writer.sandbox() as con:
            return {(h.id, week): _run_sql(con, h, week) for h in hypotheses for week in weeks}
    except (duckdb.Error, WarehouseBusy, SandboxError) as exc:
        log.warning("hypotheses: sql tests not run, no sandboxed connection: %s", str(exc).splitlines()[0])
        return {(h.id, week): sql_result(None, h.params) for h in hypotheses for week in weeks}


def evaluate_hypotheses(writer: Writer, path: str | Path, default_window: int = 4,
                        whole_weeks_only: bool = False) -> list[VerdictChange]:
    """Evaluate every hypothesis on every week with labels and upsert the rows (deterministic, so idempotent);
    with `whole_weeks_only`, not the week under way (its Sunday after the newest classified day).

    Returns the verdict changes against the previous week that are new to the table, so re-running returns none.
    """
    hypotheses = load_hypotheses(path, default_window)
    with writer.transaction() as con:
        weeks = [w for (w,) in con.execute(load_sql("queries/hypothesis_weeks")).fetchall()]
        newest = newest_day(con)
        if whole_weeks_only:
            weeks = [w for w in weeks if newest is not None and week_start(w) + timedelta(days=6) <= newest]
        records = article_records(con)
        divergence = {w: {"labels": (d, p), "embedding": (e, ep)} for w, d, p, e, ep in con.execute(
            load_sql("queries/hypotheses_divergence")).fetchall()}
        stored = {(h, w): v for h, w, v in con.execute(
            load_sql("queries/hypotheses_stored")).fetchall()}
        results: dict[tuple[str, str], Evaluation] = {}
        for h in hypotheses:
            for week in weeks:
                if h.template != "sql":
                    results[(h.id, week)] = evaluate(h, week, records, divergence)
    results.update(_run_sql_tests(writer, [h for h in hypotheses if h.template == "sql"], weeks))
    changes: list[VerdictChange] = []
    with writer.transaction() as con:
        con.execute(load_sql("queries/drop_stale_hypothesis_weeks"), {"ids": [h.id for h in hypotheses], "weeks": weeks})
        for h in hypotheses:
            previous = None
            threshold, two_sided, unit = judged_against(h)
            for week in weeks:
                e = results[(h.id, week)]
                con.execute(load_sql("queries/hypothesis_upsert"), {
                    "hypothesis_id": h.id, "week": week, "value": e.value, "ci_low": e.ci_low,
                    "ci_high": e.ci_high, "evidence": e.evidence, "verdict": e.verdict, "reason": e.reason,
                    "statement": h.statement, "threshold": threshold, "two_sided": two_sided, "unit": unit,
                })
                if previous is not None and e.verdict != previous and stored.get((h.id, week)) != e.verdict:
                    changes.append(VerdictChange(h.id, h.statement, week, previous, e.verdict, e.value, e.ci_low,
                                                 e.ci_high, e.reason))
                previous = e.verdict
    log.info("hypotheses: %d evaluated on %d weeks, %d verdict changes", len(hypotheses), len(weeks), len(changes))
    return changes


def describe(change: VerdictChange) -> str:
    """One line for the log or an alert."""
    interval = "" if change.value is None else f" (value {change.value:.3g}, 95% [{change.ci_low:.3g}, {change.ci_high:.3g}])"
    why = f" ({change.reason})" if change.reason else ""
    return (f"hypothesis {change.hypothesis_id} {change.previous} → {change.verdict}{why} in {change.week}{interval}: "
            f"{change.statement}")

