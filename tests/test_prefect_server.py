"""prefect.yaml against a real Prefect server: deploy, a process worker, a triggered daily-ingest run."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
import yaml
from conftest import ROOT
from test_kill_and_rerun import OUTLETS, demo_sources, serve_slow_corpus

PREFECT = str(Path(sys.executable).parent / "prefect")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(api: str, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"prefect server exited with {server.returncode}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"prefect server not healthy after {seconds:.0f}s")


def prefect(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([PREFECT, *args], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


async def flow_run_state(api: str, flow_run_id: str):
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api=api) as client:
        return (await client.read_flow_run(flow_run_id)).state


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.mark.prefect_server
def test_deploy_all_and_a_worker_run_daily_ingest(httpserver, tmp_path):
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0))
    db = tmp_path / "radar.duckdb"
    project = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert [d["name"] for d in project["deployments"]] == ["daily-ingest", "analyze", "report"]
    ingest = project["deployments"][0]
    ingest["parameters"] = {"sources_path": str(sources), "db_path": str(db), "classify": False}
    prefect_file = tmp_path / "prefect.yaml"
    prefect_file.write_text(yaml.safe_dump(project, sort_keys=False))

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PWD": str(ROOT),
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING", "RADAR_CONCURRENCY": "4",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    server = worker = None
    try:
        server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], cwd=tmp_path,
                                  env=env, stdout=(logs / "server.log").open("w"), stderr=subprocess.STDOUT)
        wait_healthy(api, server, 90)
        prefect(["work-pool", "create", "radar-pool", "--type", "process"], env)
        deployed = prefect(["--no-prompt", "deploy", "--all", "--prefect-file", str(prefect_file)], env)
        assert {"daily-ingest/daily-ingest", "analyze/analyze", "report/report"} <= set(re.findall(r"'(\S+/\S+)'", deployed))
        listed = prefect(["deployment", "inspect", "daily-ingest/daily-ingest"], env)
        assert "'cron': '0 6 * * *'" in listed and "'timezone': 'UTC'" in listed

        triggered = prefect(["deployment", "run", "daily-ingest/daily-ingest"], env)
        flow_run_id = UUID.search(triggered.split("Flow run", 1)[-1]).group(0)
        worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "radar-pool", "--limit", "1"], cwd=tmp_path,
                                  env=env, stdout=(logs / "worker.log").open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        state = asyncio.run(flow_run_state(api, flow_run_id))
        while not state.is_final() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(1)
            state = asyncio.run(flow_run_state(api, flow_run_id))
        assert state.is_completed(), f"{state!r}\n" + (logs / "worker.log").read_text()[-4000:]
    finally:
        stop(worker)
        stop(server)

    con = duckdb.connect(str(db), read_only=True)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        sources_stored = con.execute("SELECT count(*) FROM sources").fetchone()[0]
        runs = con.execute("SELECT status FROM runs").fetchall()
    finally:
        con.close()
    assert sources_stored == len(OUTLETS)
    assert articles > 150
    assert runs == [("completed",)]
