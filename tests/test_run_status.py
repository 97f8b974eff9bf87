"""A run's row says how it ended: failed with its exception, interrupted by a signal, or found dead by the next start."""

from __future__ import annotations

import logging
import resource
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil
import pytest
from processes import new_probe, probed, wait_until_gone
from test_kill_and_rerun import demo_sources, env, ingest_cmd, serve_slow_corpus, stored_articles

from flows import run_status
from flows.lifecycle import Terminated
from warehouse import store
from warehouse.writer import Writer

FOUND = "process ended without finishing (found by run new)"


def runs(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT run_id, status, reason, finished_at IS NOT NULL FROM runs").fetchall()
    finally:
        con.close()
    return {run_id: tuple(rest) for run_id, *rest in rows}


def ended_process() -> store.RunOwner:
    """The owner record of a process that ran and has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    owner = store.RunOwner(run_status.this_process().host, proc.pid, psutil.Process(proc.pid).create_time())
    proc.kill()
    proc.wait()
    return owner


def test_the_next_start_marks_runs_whose_process_ended_and_leaves_live_ones(tmp_path):
    writer = Writer(tmp_path / "w.duckdb")
    me = run_status.this_process()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = store.RunOwner(me.host, live.pid, psutil.Process(live.pid).create_time())
        dead = ended_process()
        owners = {
            "killed": dead,
            "reused-pid": store.RunOwner(me.host, live.pid, alive.started - 3600),  # same pid, another process
            "live-elsewhere-here": alive,
            "other-host": store.RunOwner("another-machine", dead.pid, dead.started),
            "ours-unrecorded": me,  # this process ran it, but could not record its end
            "legacy": None,  # written before runs had owners
        }
        started = datetime.now(UTC)
        with writer.transaction() as con:
            for run_id, owner in owners.items():
                store.start_run(con, run_id, "daily-ingest", started, owner)
            marked = run_status.begin(con, "new", "daily-ingest", started)
        assert sorted(marked) == ["killed", "ours-unrecorded", "reused-pid"]
        assert runs(writer.path) == {
            "killed": ("interrupted", FOUND, False), "reused-pid": ("interrupted", FOUND, False),
            "ours-unrecorded": ("interrupted", FOUND, False), "live-elsewhere-here": ("running", None, False),
            "other-host": ("running", None, False), "legacy": ("running", None, False),
            "new": ("running", None, False),
        }
        with writer.transaction() as con:  # a second start leaves the first, live in this process, alone
            assert run_status.begin(con, "newer", "daily-ingest", started) == []
    finally:
        live.kill()
        live.wait()
        run_status._live.difference_update({"new", "newer"})


def test_an_exception_or_signal_is_recorded_and_raised(tmp_path):
    writer = Writer(tmp_path / "w.duckdb")
    cases = {"boom": ValueError("bad value\nsecond line"), "term": Terminated(signal.SIGTERM),
             "ctrl-c": KeyboardInterrupt()}
    for run_id, exc in cases.items():
        with writer.transaction() as con:
            run_status.begin(con, run_id, "daily-ingest", datetime.now(UTC))
        with pytest.raises(type(exc)), run_status.recorded(writer, run_id):
            raise exc
    assert runs(writer.path) == {"boom": ("failed", "ValueError: bad value", True),
                                 "term": ("interrupted", "stopped by SIGTERM", True),
                                 "ctrl-c": ("interrupted", "stopped by SIGINT", True)}
    assert not run_status._live & set(cases)


def test_prefects_termination_signal_names_its_signal():
    from prefect.exceptions import TerminationSignal

    assert run_status.ending(TerminationSignal(signal.SIGTERM)) == ("interrupted", "stopped by SIGTERM")
    assert run_status.ending(RuntimeError()) == ("failed", "RuntimeError")


def test_a_warehouse_that_cannot_record_the_end_is_logged_and_the_next_start_marks_the_run(tmp_path, caplog):
    db = tmp_path / "w.duckdb"
    writer = Writer(db)
    with writer.transaction() as con:
        run_status.begin(con, "stuck", "daily-ingest", datetime.now(UTC))
    # Another process holds the file (DuckDB lets one process write): the record of the failure cannot be written.
    hold = f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        busy = Writer.__new__(Writer)
        busy.__setstate__({"path": db, "wait_seconds": 0.0})
        with caplog.at_level(logging.ERROR), pytest.raises(ValueError), run_status.recorded(busy, "stuck"):
            raise ValueError("disk full")
    finally:
        holder.kill()
        holder.wait()
    assert "could not record it" in caplog.text and "ValueError: disk full" in caplog.text
    assert runs(db)["stuck"][0] == "running"
    with writer.transaction() as con:
        assert run_status.begin(con, "next", "daily-ingest", datetime.now(UTC)) == ["stuck"]
    run_status._live.discard("next")
    assert runs(db)["stuck"] == ("interrupted", "process ended without finishing (found by run next)", False)


SIGNALLED = """
import os, signal, sys, time
from flows.lifecycle import Terminated, signals_raise
if sys.argv[1] == "keep":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(7))
try:
    with signals_raise():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
except Terminated as exc:
    print("raised", exc, signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)
"""


def test_sigterm_raises_in_the_main_thread_unless_a_handler_is_installed():
    ours = subprocess.run([sys.executable, "-c", SIGNALLED, "default"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert ours.stdout.strip() == "raised stopped by SIGTERM True", ours.stderr
    theirs = subprocess.run([sys.executable, "-c", SIGNALLED, "keep"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert theirs.returncode == 7 and theirs.stdout == ""


def start_ingest(tmp_path: Path, httpserver, db: Path, probe: dict[str, str], **popen) -> subprocess.Popen:
    """`radar ingest` of the slow demo corpus, returned once it has stored some articles."""
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0.05))
    proc = subprocess.Popen(ingest_cmd(sources, db), env=env(tmp_path) | probe, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **popen)
    deadline = time.monotonic() + 240
    while stored_articles(db) < 20 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signalled_ingest_records_interrupted_and_exits(httpserver, tmp_path, sig):
    db = tmp_path / "radar.duckdb"
    probe = new_probe()
    proc = start_ingest(tmp_path, httpserver, db, probe)
    assert proc.poll() is None, "the run finished before the signal"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert wait_until_gone(*probe.values()) == {}
    [(status, reason, finished)] = runs(db).values()
    assert (status, reason, finished) == ("interrupted", f"stopped by {sig.name}", True), stderr[-3000:]


@pytest.mark.slow
def test_an_ingest_whose_warehouse_fills_up_records_failed_with_the_reason(httpserver, tmp_path):
    db = tmp_path / "radar.duckdb"
    Writer(db)  # the schema, written before the disk filled up
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0.0))
    probe = new_probe()
    proc = subprocess.Popen(ingest_cmd(sources, db), env=env(tmp_path) | probe, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any("uvicorn" in cmd for cmd in probed(*probe.values()).values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Then the disk fills: the run's process may write no file past 300 kB (its Prefect server, started already,
    # is spared). Python ignores SIGXFSZ, so a write past the limit fails with EFBIG, as one on a full disk fails
    # with ENOSPC. DuckDB's checkpoints then fail quietly, and its write-ahead log (about 1 MB for the whole
    # corpus) grows until a batch of articles cannot be committed; the small write of the run's end still fits.
    resource.prlimit(proc.pid, resource.RLIMIT_FSIZE, (300_000, 300_000))
    _, stderr = proc.communicate(timeout=240)
    assert proc.returncode != 0
    assert wait_until_gone(*probe.values()) == {}
    [(status, reason, finished)] = runs(db).values()
    assert status == "failed" and finished, stderr[-3000:]
    assert reason.startswith("TransactionException:") and "File too large" in reason, reason
    assert "error: the warehouse could not be written: TransactionContext Error: Failed to commit" in stderr
    # that line alone ends the output: Prefect's traceback of the failed flow and DuckDB's leak report are not shown
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert errors == [stderr.strip().splitlines()[-1]], stderr[-3000:]
    assert "Traceback" not in stderr and "nanobind" not in stderr, stderr[-3000:]
