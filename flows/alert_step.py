"""Spike alerts over the warehouse: detect, store with evidence, deliver to a webhook."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import httpx

from flows.alert_kinds import AlertRow, CrossingEvidence, HypothesisEvidence, SpikeEvidence, alert_text
from models.spikes import DayPoint, Spike, SpikeParams, detect_spikes
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewAlert:
    alert_id: str
    narrative_id: str
    camp: str
    day: date
    count: int
    share: float
    baseline: float
    score: float


def alert_id_for(narrative_id: str, camp: str, day: date) -> str:
    return hashlib.sha256(f"{narrative_id}\x00{camp}\x00{day.isoformat()}".encode()).hexdigest()[:24]


def load_series(writer: Writer, since: date | None = None) -> dict[tuple[str, str], list[DayPoint]]:
    """Daily points per (camp or '*', narrative) from `since` on, with zero-count days filled in."""
    start = since or date(1970, 1, 1)
    with writer.transaction() as con:
        totals = con.execute(load_sql("queries/spike_totals"), {"since": start}).fetchall()
        counts = con.execute(load_sql("queries/spike_counts"), {"since": start}).fetchall()
    total_by: dict[str, dict[date, tuple[int, int]]] = defaultdict(dict)
    for camp, day, total, articles in totals:
        total_by[camp][day] = (int(total), int(articles))
    count_by: dict[tuple[str, str], dict[date, tuple[int, int, int]]] = defaultdict(dict)
    for camp, narrative_id, day, n, articles, sum_sq in counts:
        count_by[(camp, narrative_id)][day] = (int(n), int(articles), int(sum_sq))
    series = {}
    for (camp, narrative_id), days in count_by.items():
        series[(camp, narrative_id)] = [
            _point(d, days.get(d), t, a) for d, (t, a) in sorted(total_by[camp].items())
        ]
    return series


def _point(day: date, hits: tuple[int, int, int] | None, total: int, articles: int) -> DayPoint:
    n, hit_articles, sum_sq = hits or (0, 0, 0)
    return DayPoint(day, n, total, articles=articles, hit_articles=hit_articles, count_sq=sum_sq)


def evidence_for(writer: Writer, narrative_id: str, camp: str, day: date, spike: Spike, top: int = 5) -> dict:
    params = {"narrative_id": narrative_id, "camp": camp, "day": day}
    with writer.transaction() as con:
        passages = con.execute(load_sql("queries/alert_top_passages"), params | {"limit": top})
        columns = [d[0] for d in passages.description]
        top_rows = [dict(zip(columns, r, strict=True)) for r in passages.fetchall()]
        drivers = con.execute(load_sql("queries/alert_drivers"), params)
        driver_cols = [d[0] for d in drivers.description]
        driver_rows = [dict(zip(driver_cols, r, strict=True)) for r in drivers.fetchall()]
        found = con.execute(load_sql("queries/alert_stances"), params).fetchall()
    stances = {"claim": 0, "rebuttal": 0, "mention": 0} | dict(found)
    camps: dict[str, int] = defaultdict(int)
    for row in driver_rows:
        camps[row["camp"]] += row["passages"]
    return {
        "kind": "spike", "narrative_id": narrative_id, "camp": camp, "day": day.isoformat(),
        "count": spike.count, "total": spike.total, "articles": spike.hit_articles, "share": round(spike.share, 4),
        "baseline_rate": round(spike.baseline_rate, 4), "baseline_passages": spike.baseline_passages,
        "baseline_articles": spike.baseline_articles, "articles_that_day": spike.articles,
        "baseline_article_rate": round(spike.baseline_article_rate, 4),
        "expected_articles": round(spike.expected_articles, 3),
        "p_value": spike.p_value, "score": round(spike.score, 2), "ratio": round(spike.ratio, 2),
        "top_passages": top_rows, "outlets": driver_rows, "camps": dict(camps), "stances": stances,
    }


def judged_from(writer: Writer, params: SpikeParams) -> dict[str, date]:
    """Per camp (and '*'): the first day a spike may be judged, once every outlet of the scope has been watched
    for a whole baseline window (cold start: the first weeks of history, a new outlet's back-filled feed)."""
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/spike_scope_start")).fetchall()
    return cold_start_ends({camp: began for camp, began in rows if began is not None}, params)


def cold_start_ends(began: dict[str, date], params: SpikeParams) -> dict[str, date]:
    """Per scope, the day its last outlet began plus a whole baseline window."""
    return {camp: day + timedelta(days=params.baseline_days) for camp, day in began.items()}


def spikes_of(series: dict[tuple[str, str], list[DayPoint]], starts: dict[str, date],
              params: SpikeParams) -> Iterator[tuple[str, str, Spike]]:
    """(camp, narrative, spike) of every series, all judged together (Bonferroni over their number), none before
    its scope's cold start ends."""
    for (camp, narrative_id), points in sorted(series.items()):
        for spike in detect_spikes(points, params, n_series=len(series), judged_from=starts.get(camp)):
            yield camp, narrative_id, spike


def log_cold_starts(starts: dict[str, date], series: dict[tuple[str, str], list[DayPoint]]) -> None:
    """One line per scope whose newest day is still in its cold start: an analyst seeing no alert knows why."""
    newest: dict[str, date] = {}
    for (camp, _), points in series.items():
        if points:
            newest[camp] = max(newest.get(camp, points[-1].day), points[-1].day)
    for camp, day in sorted(newest.items()):
        if camp in starts and day < starts[camp]:
            log.info("spikes in %s: cold start, judged from %s (every outlet's baseline window covered)",
                     "all camps" if camp == "*" else camp, starts[camp])


def detect_and_store(writer: Writer, params: SpikeParams, since: date | None = None) -> list[NewAlert]:
    """Evaluate every day from `since` on (all days when None); store alerts not stored before (idempotent).

    The series is read from far enough back that each evaluated day sees its full baseline and cooldown. All
    series are judged together (Bonferroni over their number), so adding narratives raises the bar per series.
    No day of a scope is judged before its cold start ends (`judged_from`).
    """
    created = []
    history = since - timedelta(days=params.baseline_days + params.cooldown_days + 1) if since else None
    series = load_series(writer, history)
    starts = judged_from(writer, params)
    log_cold_starts(starts, series)
    for camp, narrative_id, spike in spikes_of(series, starts, params):
        if since is not None and spike.day < since:
            continue
        alert_id = alert_id_for(narrative_id, camp, spike.day)
        row = SpikeEvidence(**evidence_for(writer, narrative_id, camp, spike.day, spike)).row()
        with writer.transaction() as con:
            inserted = store_alert(con, alert_id, row)
        if inserted:
            created.append(NewAlert(alert_id, narrative_id, camp, spike.day, row.count, row.share, row.baseline,
                                    row.score))
            log.warning(
                "ALERT %s in %s on %s: %d passages in %d articles, share %.1f%% vs baseline %.1f%% (p %.2g)",
                narrative_id, "all camps" if camp == "*" else camp, spike.day, spike.count, spike.hit_articles,
                100 * spike.share, 100 * spike.baseline_rate, spike.p_value,
            )
    return created


def week_sunday(week: str) -> date:
    return datetime.strptime(week + "-7", "%G-W%V-%u").date()


def newest_day(con) -> date | None:
    """The newest publication day classified: what 'recent' is measured from."""
    row = con.execute(load_sql("queries/newest_classified_day")).fetchone()
    return row[0] if row else None


def week_alert_day(week: str, newest: date | None) -> date:
    """The day an alert about an ISO week carries: the newest classified day while the week is under way and for the
    week before it (a change found days after that week ended: its weekend's articles fetched late, or a week judged
    only once whole), older weeks' Sunday. Delivery sends only alerts of the last `alert_recent_days` (measured from
    the newest day), so any earlier day would hold back a change found today; older weeks keep their Sunday so a first
    run over months of history does not deliver them all. An alert keeps the day it was stored with."""
    sunday = week_sunday(week)
    if newest is None:
        return sunday
    newest_sunday = newest + timedelta(days=7 - newest.isoweekday())
    return newest if sunday >= newest_sunday - timedelta(days=7) else sunday


def store_verdict_changes(writer: Writer, changes: list) -> int:
    """A hypothesis verdict change is an alert of its own kind: stored once, logged, delivered by the same path.

    Stored with kind 'hypothesis', narrative_id 'hypothesis:<id>', camp '*', day = `week_alert_day`; the evidence
    JSON carries the whole change. `radar alerts` and the report's spike section leave them out.
    """
    if not changes:
        return 0
    with writer.transaction() as con:
        newest = newest_day(con)
    added = 0
    for c in changes:
        row = HypothesisEvidence(c.hypothesis_id, c.statement, c.week, c.previous, c.verdict, c.value, c.ci_low,
                                 c.ci_high, c.reason).row(week_alert_day(c.week, newest))
        with writer.transaction() as con:
            # one alert per hypothesis, verdict and week, whichever day of the week found it
            added += store_alert(con, alert_id_for(row.subject, c.verdict, week_sunday(c.week)), row)
    return added


def store_crossings(writer: Writer, cooldown_days: int = 28) -> int:
    """An outlet crossing the camp split (bifurcation's `crossed`) is an alert of kind 'crossing': narrative_id
    'crossing:<source_id>', camp = the side it crossed to, day = `week_alert_day`. Once per outlet and side within
    `cooldown_days`, so a crossing that a recomputed week moves by a week is not sent twice. Returns how many were new."""
    added = 0
    with writer.transaction() as con:
        crossings = con.execute(load_sql("queries/crossings_list")).fetchall()
        newest = newest_day(con)
        for week, source_id, outlet, configured, side, margin, articles, moved in crossings:
            key = f"crossing:{source_id}"
            day = week_alert_day(week, newest)
            recent = con.execute(load_sql("queries/crossing_alerted_recently"),
                                 {"key": key, "camp": side, "after": day - timedelta(days=cooldown_days)}).fetchone()
            if recent and recent[0]:
                continue
            detail = json.loads(moved) if moved else {}
            row = CrossingEvidence(
                outlet, source_id, configured, week, day.isoformat(), side, float(margin or 0.0), int(articles or 0),
                detail.get("weeks_on_new_side"), detail.get("recent_articles"), detail.get("moved", []),
                came_from=detail.get("from")).row()
            if store_alert(con, alert_id_for(key, side, week_sunday(week)), row):
                added += 1
                log.warning("CROSSING in %s: %s (%s) now sides with %s (margin %.2f, %d articles in the window)",
                            week, outlet, configured, side, margin or 0.0, articles or 0)
    return added


def alert_summary(evidence_json: str | None) -> str:
    """The webhook's text for a stored alert, without Slack's markup, for listing; an alert stored by an older
    release whose evidence lacks a field shows its raw evidence instead."""
    try:
        return alert_text(json.loads(evidence_json or "{}")).replace("*", "").replace("`", "")
    except (KeyError, TypeError, ValueError, IndexError):
        return (evidence_json or "")[:200]


def alert_headline(evidence_json: str | None) -> str:
    """The first line of `alert_summary`: one alert in a list (the digest, the report, the run's artifact)."""
    return (alert_summary(evidence_json).splitlines() or [""])[0]


def store_alert(con, alert_id: str, row: AlertRow) -> bool:
    """The one insert of an alert of any kind (idempotent on its id); True when it was new."""
    return bool(con.execute(load_sql("queries/insert_alert"), {
        "alert_id": alert_id, "narrative_id": row.subject, "camp": row.camp, "day": row.day, "count": row.count,
        "total": row.total, "share": row.share, "baseline": row.baseline, "score": row.score, "kind": row.kind,
        "p_value": row.p_value, "evidence": json.dumps(row.evidence, default=str)}).fetchall())


def alerts_due(con, recent_days: int, retry_days: int) -> list[tuple]:
    """The (alert_id, ...) rows `deliver_pending` would POST now (`queries/alerts_due`), read without writing."""
    newest = newest_day(con)
    if newest is None:
        return []
    row = con.execute(load_sql("queries/alerts_delivery_pass")).fetchone()
    return con.execute(load_sql("queries/alerts_due"), {
        "recent_from": newest - timedelta(days=recent_days), "retry_from": newest - timedelta(days=retry_days),
        "last_pass": row[0] if row else None}).fetchall()


def deliver_pending(writer: Writer, webhook: str | None, recent_days: int, retries: int = 2, timeout: float = 10.0,
                    retry_days: int = 14) -> tuple[int, int]:
    """POST the alerts that are due to the webhook; returns (delivered, failed).

    Due (`queries/alerts_due`): not delivered and within `recent_days` of the newest classified day, or within
    `retry_days` of it and either stored since the previous pass (runs were missed, or a feed's late articles made a
    spike of an earlier day) or due before and not delivered (the webhook was down). A first pass over history sends
    only what is recent, so a backfill does not flood the webhook. Due alerts are marked (`delivery_error`) before any
    POST, so a run killed half-way leaves them due.
    After a failure of the webhook itself (connection, timeout, 5xx, 429) the rest wait for the next run instead of
    each waiting out its own timeouts.
    """
    with writer.transaction() as con:
        if newest_day(con) is None:
            return 0, 0
        pending = alerts_due(con, recent_days, retry_days)  # against the previous pass, before this one is marked
        con.execute(load_sql("queries/mark_alerts_delivery_pass"))
        if not webhook:
            return 0, 0
        con.execute(load_sql("queries/mark_alerts_due"), {"ids": [a for a, _ in pending]})
    delivered = failed = 0
    webhook_down = None
    waiting: list[str] = []
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        for alert_id, evidence in pending:
            if webhook_down:
                waiting.append(alert_id)
                continue
            error, down = _post(client, webhook, {"text": alert_text(json.loads(evidence)), "alert_id": alert_id},
                                retries)
            with writer.transaction() as con:
                if error is None:
                    con.execute(load_sql("queries/alert_delivered"), {"alert_id": alert_id})
                else:
                    con.execute(load_sql("queries/alert_delivery_failed"), {"error": error, "alert_id": alert_id})
            if error is None:
                delivered += 1
            else:
                failed += 1
                webhook_down = error if down else None
                log.warning("alert %s not delivered (will retry next run): %s", alert_id, error)
    if waiting:
        with writer.transaction() as con:
            con.execute(load_sql("queries/alerts_held_back"),
                        {"why": f"held back: the webhook failed on another alert ({webhook_down})", "ids": waiting})
        log.warning("webhook failing (%s): %d more alerts wait for the next run", webhook_down, len(waiting))
    return delivered, failed + len(waiting)


def _post(client: httpx.Client, url: str, payload: dict, retries: int) -> tuple[str | None, bool]:
    """(error or None, whether the webhook itself failed rather than refused this payload)."""
    error = None
    for attempt in range(retries + 1):
        try:
            response = client.post(url, json=payload)
            if response.status_code < 300:
                return None, False
            error = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                return error, False
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2 * 2**attempt)
    return error, True
