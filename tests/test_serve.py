"""`radar serve`: the deployments it registers and their schedule, pure and through a real ephemeral server."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from prefect.exceptions import ObjectNotFound

from flows.serve import build_deployments
from flows.settings import Settings


def crons(settings: Settings) -> dict[str, list[str]]:
    return {d.name: [s.schedule.cron for s in d.schedules] for d in build_deployments(settings)}


def test_three_deployments_daily_ingest_on_the_default_cron(tmp_path):
    deployments = build_deployments(Settings(db=tmp_path / "radar.duckdb"), tmp_path / "r.html")
    assert [d.name for d in deployments] == ["daily-ingest", "analyze", "report"]
    assert crons(Settings()) == {"daily-ingest": ["0 6 * * *"], "analyze": [], "report": []}
    ingest, _, report = deployments
    assert ingest.schedules[0].schedule.timezone == "UTC"
    assert ingest.parameters["db_path"] == str(tmp_path / "radar.duckdb")
    assert Path(ingest.parameters["sources_path"]).is_absolute()
    assert report.parameters == {"db_path": str(tmp_path / "radar.duckdb"), "out": str(tmp_path / "r.html")}


def test_schedule_honours_radar_schedule_cron(monkeypatch):
    monkeypatch.setenv("RADAR_SCHEDULE_CRON", "30 4 * * 1-5")
    assert crons(Settings())["daily-ingest"] == ["30 4 * * 1-5"]


def test_invalid_cron_is_one_line_error(monkeypatch):
    from typer.testing import CliRunner

    from flows.cli import app

    monkeypatch.setenv("RADAR_SCHEDULE_CRON", "every morning")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "RADAR_SCHEDULE_CRON" in result.output and "Traceback" not in result.output


async def read_deployment(api_url: str, name: str):
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api=api_url) as client:
        return await client.read_deployment_by_name(name)


@pytest.mark.slow
def test_radar_serve_registers_the_scheduled_deployment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"), "RADAR_SCHEDULE_CRON": "15 5 * * *",
        "RADAR_DB": str(tmp_path / "radar.duckdb"), "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        deployment = None
        while deployment is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(1)
            # The ephemeral server picks a free port and names it in its first log line.
            found = re.search(r"temporary server on (http://127\.0\.0\.1:\d+)", "".join(output))
            if not found or "being served" not in "".join(output):
                continue
            try:
                deployment = asyncio.run(read_deployment(found.group(1) + "/api", "daily-ingest/daily-ingest"))
            except (ObjectNotFound, httpx.HTTPError):  # not registered yet, or the server is still starting
                deployment = None
        assert deployment is not None, "".join(output)[-3000:]
        assert [s.schedule.cron for s in deployment.schedules] == ["15 5 * * *"]
        assert deployment.schedules[0].active and not deployment.paused
        assert deployment.parameters["db_path"] == str(tmp_path / "radar.duckdb")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
