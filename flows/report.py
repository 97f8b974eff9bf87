"""The report flow: one self-contained HTML file for analysts, read from the warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NONE

from flows.report_html import write_report


@task(name="write-report", cache_policy=NONE)
def report_task(db_path: str, out: str, since: date | None) -> int:
    size = write_report(db_path, out, since)
    # The UI shows the report as a link artifact on the run; it opens from disk on the machine that ran it.
    create_link_artifact(key="narrative-report", link=Path(out).resolve().as_uri(), link_text=Path(out).name,
                         description=f"narrative-radar report ({size // 1024} KiB)")
    return size


@flow(name="report")
def report(db_path: str, out: str, since: date | None = None) -> int:
    """Render volume, bifurcation, alerts, stance and feed health into `out`; returns its size in bytes."""
    size = report_task(db_path, out, since)
    get_run_logger().info("report %s written (%d bytes)", out, size)
    return size
