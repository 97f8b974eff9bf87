"""The analyze flow: bifurcation and spike alerts over the warehouse; idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from flows.alert_step import NewAlert, deliver_pending, detect_and_store, store_crossings, store_verdict_changes
from flows.backlog import record_analysis
from flows.bifurcation_step import compute_bifurcation
from flows.hypotheses_step import VerdictChange, describe, evaluate_hypotheses
from flows.rollup_step import first_changed_day, mark_analyzed, refresh_rollups
from flows.settings import Settings
from models.hypotheses import HypothesisError
from warehouse.db import load_sql
from warehouse.writer import Writer


@task(name="trend-rollups", cache_policy=NONE)
def rollups_task(writer: Writer, since: date) -> None:
    refresh_rollups(writer, since)


@task(name="bifurcation", cache_policy=NONE)
def bifurcation_task(writer: Writer, settings: Settings, since: date) -> tuple[int, int]:
    return compute_bifurcation(writer, settings.bifurcation_params(), since=since)


@task(name="hypotheses", cache_policy=NONE)
def hypotheses_task(writer: Writer, settings: Settings) -> list[VerdictChange]:
    try:
        return evaluate_hypotheses(writer, settings.hypotheses, settings.analysis_window_weeks,
                                   whole_weeks_only=settings.hypotheses_whole_weeks)
    except HypothesisError as exc:  # a bad hypothesis file must not fail the analysis
        get_run_logger().error("hypotheses not evaluated: %s", exc)
        return []


@task(name="reuse-and-leadlag", cache_policy=NONE)
def reuse_task(writer: Writer, settings: Settings, since: date | None) -> tuple[int, int]:
    from flows.reuse_step import compute_leadlag, detect_reuse

    found = detect_reuse(writer, settings.reuse_params())
    starts = [d for d in (since, found.first_day) if d is not None]
    with writer.session():  # one connection for the per-week transactions of a back-fill
        weeks = compute_leadlag(writer, settings.leadlag_params(), min(starts)) if starts else 0
    return found.article_copies, weeks


@task(name="discovery", cache_policy=NONE)
def discovery_task(writer: Writer, settings: Settings, since: date) -> list[str]:
    """Discovery of the weeks `since` touched; returns the weeks whose discovery failed (kept from earlier runs)."""
    from flows.discovery_step import compute_discovery

    with writer.session():  # one connection for the per-week transactions of a back-fill
        return [r.week for r in compute_discovery(writer, settings, since) if r.error is not None]


@task(name="detect-spikes", cache_policy=NONE)
def spikes_task(writer: Writer, settings: Settings, since: date) -> list[NewAlert]:
    return detect_and_store(writer, settings.spike_params(), since=since)


# No Prefect retries: `_post` retries each POST, and a failed alert is retried on the next run.
@task(name="deliver-alerts", cache_policy=NONE)
def deliver_task(writer: Writer, settings: Settings) -> tuple[int, int]:
    webhook = settings.alert_webhook.get_secret_value() if settings.alert_webhook else None
    return deliver_pending(writer, webhook, settings.alert_recent_days, retry_days=settings.alert_retry_days)


def alerts_markdown(alerts: list[NewAlert], others: list[tuple[date, str, str]] | None = None) -> str:
    """The run's new spike alerts as a table, then its other new alerts (crossings, emerging clusters, verdict
    changes) by their webhook headline."""
    from flows.alert_step import alert_headline

    parts = ["# narrative-radar alerts", ""]
    if alerts:
        parts.append("| day | narrative | camp | articles | share of articles | baseline | -log10 p |\n|---|---|---|---|---|---|---|")
        parts += [f"| {a.day} | `{a.narrative_id}` | {'all' if a.camp == '*' else a.camp} | {a.count} | "
                  f"{100 * a.share:.1f}% | {100 * a.baseline:.1f}% | {a.score:.1f} |" for a in alerts]
    else:
        parts.append("No new spike this run.")
    if others:
        parts += ["", "Other new alerts:", ""]
        parts += [f"- {day} **{kind}**: {alert_headline(evidence)}" for day, kind, evidence in others]
    return "\n".join(parts)


def run_analysis(writer: Writer, settings: Settings) -> dict[str, object]:
    """Recompute what the passages classified since the last analysis touched; deliver pending alerts."""
    logger = get_run_logger()
    started = datetime.now(UTC)
    since = first_changed_day(writer)
    weeks = crossings = 0
    alerts: list[NewAlert] = []
    discovery_failed: list[str] = []
    if since is not None:
        rollups_task(writer, since)
        weeks, crossings = bifurcation_task(writer, settings, since)
        store_crossings(writer, settings.crossing_cooldown_days)
        alerts = spikes_task(writer, settings, since)
        discovery_failed = discovery_task(writer, settings, since)  # emerging clusters, incremental by week
    copies, _ = reuse_task(writer, settings, since)  # its own memory (reuse_checked): runs every time
    if since is not None:
        mark_analyzed(writer, started)
    # Always: cheap, idempotent, and picks up an edited hypothesis file (e.g. a new event date).
    changes = hypotheses_task(writer, settings)
    for change in changes:
        logger.warning("%s", describe(change))
    store_verdict_changes(writer, changes)
    delivered, failed = deliver_task(writer, settings)
    with writer.transaction() as con:
        record_analysis(con, settings, started)  # what the next `radar analyze` compares against (flows/backlog.py)
        others = con.execute(load_sql("queries/alerts_new_since"), {"started": started}).fetchall()
    create_markdown_artifact(markdown=alerts_markdown(alerts, others), key="narrative-alerts",
                             description="New alerts of this run")
    logger.info("analysis: %d weeks, %d crossings, %d new alerts, %d delivered, %d delivery failures",
                weeks, crossings, len(alerts), delivered, failed)
    return {"analyzed_from": str(since) if since else "nothing new", "weeks": weeks, "crossings": crossings,
            "new_alerts": len(alerts), "verdict_changes": len(changes), "delivered": delivered,
            "delivery_failures": failed, "copying_articles": copies, "discovery_failed_weeks": discovery_failed}


@flow(name="analyze")
def analyze(db_path: str | None = None, settings: Settings | None = None) -> dict[str, object]:
    """Bifurcation tables and spike alerts from the classified passages; re-running adds nothing new."""
    settings = settings or Settings()
    return run_analysis(Writer(Path(db_path) if db_path else settings.db), settings)
