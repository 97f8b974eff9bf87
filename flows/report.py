"""The report flow: one self-contained HTML file for analysts, read from the warehouse."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task

from flows.report_html import write_report


@task(name="write-report")
def report_task(db_path: str, out: str, since: date | None) -> int:
    return write_report(db_path, out, since)


@flow(name="report")
def report(db_path: str, out: str, since: date | None = None) -> int:
    """Render volume, bifurcation, alerts, stance and feed health into `out`; returns its size in bytes."""
    size = report_task(db_path, out, since)
    get_run_logger().info("report %s written (%d bytes)", out, size)
    return size
