"""The analyze flow: bifurcation and spike alerts over the warehouse; idempotent."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from flows.alert_step import NewAlert, deliver_pending, detect_and_store
from flows.bifurcation_step import compute_bifurcation
from flows.settings import Settings
from warehouse.writer import Writer


@task(name="bifurcation", cache_policy=NONE)
def bifurcation_task(writer: Writer) -> tuple[int, int]:
    return compute_bifurcation(writer)


@task(name="detect-spikes", cache_policy=NONE)
def spikes_task(writer: Writer, settings: Settings) -> list[NewAlert]:
    return detect_and_store(writer, settings.spike_params())


@task(name="deliver-alerts", cache_policy=NONE, retries=1, retry_delay_seconds=5)
def deliver_task(writer: Writer, settings: Settings) -> tuple[int, int]:
    webhook = settings.alert_webhook.get_secret_value() if settings.alert_webhook else None
    return deliver_pending(writer, webhook, settings.alert_recent_days)


def alerts_markdown(alerts: list[NewAlert]) -> str:
    if not alerts:
        return "# narrative-radar alerts\n\nNo new spike this run."
    rows = "\n".join(
        f"| {a.day} | `{a.narrative_id}` | {'all' if a.camp == '*' else a.camp} | {a.count} | {100 * a.share:.1f}% | "
        f"{100 * a.baseline:.1f}% | {a.score:.1f} |"
        for a in alerts
    )
    return ("# narrative-radar alerts\n\n| day | narrative | camp | passages | share | baseline | z |\n"
            "|---|---|---|---|---|---|---|\n" + rows)


def run_analysis(writer: Writer, settings: Settings) -> dict[str, int]:
    logger = get_run_logger()
    weeks, crossings = bifurcation_task(writer)
    alerts = spikes_task(writer, settings)
    delivered, failed = deliver_task(writer, settings)
    create_markdown_artifact(markdown=alerts_markdown(alerts), key="narrative-alerts", description="New spike alerts")
    logger.info("analysis: %d weeks, %d crossings, %d new alerts, %d delivered, %d delivery failures",
                weeks, crossings, len(alerts), delivered, failed)
    return {"weeks": weeks, "crossings": crossings, "new_alerts": len(alerts), "delivered": delivered,
            "delivery_failures": failed}


@flow(name="analyze")
def analyze(db_path: str | None = None, settings: Settings | None = None) -> dict[str, int]:
    """Bifurcation tables and spike alerts from the classified passages; re-running adds nothing new."""
    settings = settings or Settings()
    return run_analysis(Writer(Path(db_path) if db_path else settings.db), settings)
