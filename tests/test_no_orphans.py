"""A run killed with SIGKILL leaves no process behind: its Prefect server and Dask workers end with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from processes import PROBE, probed, wait_until_gone
from test_kill_and_rerun import demo_sources, env, ingest_cmd, serve_slow_corpus, stored_articles

from flows import lifecycle

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")


def kill_mid_run(tmp_path: Path, httpserver, extra_env: dict[str, str], started: str) -> tuple[str, dict[int, str]]:
    """Start `radar ingest`, wait for a process whose command line holds `started`, SIGKILL the run."""
    base = serve_slow_corpus(httpserver, delay=0.05)
    sources = demo_sources(tmp_path, base)
    db = tmp_path / "killed.duckdb"
    probe = uuid.uuid4().hex
    proc = subprocess.Popen(ingest_cmd(sources, db), env=env(tmp_path) | extra_env | {PROBE: probe},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if any(started in cmd for cmd in probed(probe).values()) and stored_articles(db) > 0:
            break
        time.sleep(0.3)
    assert proc.poll() is None, "the run finished before it could be killed"
    running = probed(probe)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return probe, running


@pytest.mark.slow
def test_sigkilled_ingest_leaves_no_prefect_server(httpserver, tmp_path):
    probe, running = kill_mid_run(tmp_path, httpserver, {}, "uvicorn")
    assert any("uvicorn" in cmd for cmd in running.values()), running
    assert wait_until_gone(probe) == {}


@pytest.mark.slow
def test_sigkilled_dask_ingest_leaves_no_worker(httpserver, tmp_path):
    probe, running = kill_mid_run(tmp_path, httpserver, {"RADAR_TASK_RUNNER": "dask", "RADAR_DASK_WORKERS": "2"},
                                  "spawn_main")
    assert sum("spawn_main" in cmd for cmd in running.values()) >= 2, running
    assert wait_until_gone(probe) == {}


def test_next_start_ends_processes_of_a_run_whose_owner_and_watchdog_died(tmp_path, monkeypatch):
    monkeypatch.setattr(lifecycle, "lock_dir", lambda: tmp_path / "runs")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    token, probe = f"{dead.pid}-stale", uuid.uuid4().hex
    leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                env=os.environ | {lifecycle.MARK: token, PROBE: probe})
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / f"{token}.json").write_text(json.dumps({"pid": dead.pid, "start": 1, "token": token}))
    alive_token = "alive-run"
    (tmp_path / "runs" / "alive.json").write_text(
        json.dumps({"pid": os.getpid(), "start": lifecycle.start_time(os.getpid()), "token": alive_token}))
    try:
        assert lifecycle.reap_stale() == [leftover.pid]
        assert leftover.wait(timeout=10) == -signal.SIGTERM
        assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["alive.json"]
    finally:
        leftover.kill()
        leftover.wait()


def test_a_flow_run_process_started_by_a_worker_guards_what_it_starts(tmp_path):
    """A Prefect worker runs each flow run in a process of its own (PREFECT__FLOW_RUN_ID set, no `radar` command
    around it): the runner it builds guards the run, so a process the run starts ends when the run's process dies."""
    probe = uuid.uuid4().hex
    script = (
        "import os, subprocess\n"
        "import flows\n"
        "from flows.ingest import SettingsTaskRunner\n"
        "SettingsTaskRunner().duplicate()\n"
        "subprocess.Popen(['sleep', '120'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(os.environ['RADAR_RUN_MARK'], flush=True)\n"
        "os._exit(0)\n"  # dies without ending its child, as a killed flow run would
    )
    environment = {k: v for k, v in os.environ.items() if k != lifecycle.MARK}
    environment |= {"PREFECT__FLOW_RUN_ID": str(uuid.uuid4()), PROBE: probe, "PREFECT_HOME": str(tmp_path / "ph")}
    try:
        done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                              timeout=120, check=True)
        assert done.stdout.strip(), done.stderr  # the run was marked
        assert wait_until_gone(probe, seconds=30) == {}  # the sleep and the watchdog ended with the run
    finally:
        for pid in probed(probe):
            os.kill(pid, signal.SIGKILL)
