"""The three flows as served deployments: `radar serve` runs them on their schedules without a worker."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.analyze import analyze
from flows.ingest import daily_ingest
from flows.report import report
from flows.settings import Settings


def build_deployments(settings: Settings, report_out: Path = Path("report.html")) -> list[RunnerDeployment]:
    """daily-ingest on `settings.schedule_cron` (UTC), analyze and report on demand; paths made absolute."""
    # Absolute paths: a served run executes in a subprocess whose working directory is not guaranteed.
    db = str(settings.db.resolve())
    deployments = [
        daily_ingest.to_deployment(
            name="daily-ingest",
            description="Fetch every configured feed, store new articles and passages, classify, analyze, report.",
            schedule=Cron(settings.schedule_cron, timezone="UTC"),
            parameters={"sources_path": str(settings.sources.resolve()), "db_path": db,
                        "report_path": str(report_out.resolve())},
        ),
        analyze.to_deployment(
            name="analyze",
            description="Trend rollups, camp bifurcation and spike alerts; daily-ingest already ends with it.",
            parameters={"db_path": db},
        ),
        report.to_deployment(
            name="report",
            description="Write the self-contained HTML report from the warehouse.",
            parameters={"db_path": db, "out": str(report_out.resolve())},
        ),
    ]
    # to_deployment returns a coroutine only when called from async code; this is sync.
    return [cast(RunnerDeployment, d) for d in deployments]
