"""A run's row in `runs` says how it ended, and a run killed before it could say so is marked by the next start.

    completed    the flow reached its end
    failed       an exception ended it (or every feed failed); `reason` holds its type and first line
    interrupted  a signal stopped it (`reason` names it), or its process ended without a word (SIGKILL, power
                 loss), found by a later run's start on the same host
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import psutil

from flows.lifecycle import signals_raise
from warehouse import store
from warehouse.writer import Writer

log = logging.getLogger(__name__)

_live: set[str] = set()  # runs of this process between `begin` and their end


def this_process() -> store.RunOwner:
    """This process as the owner of the runs it starts."""
    return store.RunOwner(socket.gethostname(), os.getpid(), psutil.Process().create_time())


def owner_gone(run_id: str, owner: store.RunOwner) -> bool:
    """True when the process that ran `run_id` has ended; only asked of rows of this host."""
    me = this_process()
    if owner.pid == me.pid and abs(owner.started - me.started) < 1:
        return run_id not in _live  # this process ended it, but could not record how (the warehouse failed)
    try:
        process = psutil.Process(owner.pid)
        # A pid is reused by later processes: the start time tells them apart.
        return abs(process.create_time() - owner.started) >= 1 or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False  # not ours to inspect: assume alive


def begin(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime) -> list[str]:
    """Record `run_id` as running, owned by this process; first mark this host's runs whose process is gone as
    interrupted. Returns the ids marked."""
    me = this_process()
    found = [old for old, owner in store.running_runs(con, me.host) if owner_gone(old, owner)]
    for old in found:
        # Its end time is unknown: the process died unseen, so finished_at stays empty.
        store.end_run(con, old, None, "interrupted", f"process ended without finishing (found by run {run_id})")
    store.start_run(con, run_id, flow, started_at, me)
    _live.add(run_id)
    return found


def ending(exc: BaseException) -> tuple[str, str]:
    """(status, reason) of a run ended by `exc`: a signal interrupts it, anything else fails it."""
    signum = getattr(exc, "signal", None)  # ours (lifecycle.Terminated) and Prefect's TerminationSignal
    if isinstance(signum, int):
        return "interrupted", f"stopped by {_signal_name(signum)}"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", "stopped by SIGINT"
    if not isinstance(exc, Exception):
        return "interrupted", f"stopped by {type(exc).__name__}"
    lines = str(exc).strip().splitlines()
    return "failed", (f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__)[:500]


@contextmanager
def recorded(writer: Writer, run_id: str) -> Iterator[None]:
    """Around the body of a run that `begin` started: an exception or signal ending it is written to its row."""
    try:
        with signals_raise():
            yield
    except BaseException as exc:
        status, reason = ending(exc)
        record_end(writer, run_id, status, reason)
        raise
    finally:
        _live.discard(run_id)


def record_end(writer: Writer, run_id: str, status: str, reason: str) -> None:
    """Write how the run ended; when the warehouse cannot take even that (a full disk), log it and go on."""
    try:
        with writer.transaction() as con:
            store.end_run(con, run_id, datetime.now(UTC), status, reason)
    except Exception as exc:  # noqa: BLE001 (the run's own error is the one to raise)
        log.error("run %s %s (%s), but the warehouse could not record it: %s; the next run's start marks it "
                  "interrupted", run_id, status, reason, exc)
        return
    log.warning("run %s %s: %s", run_id, status, reason)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
