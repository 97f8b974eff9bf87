"""Processes a run starts die with it, even when the run is killed with SIGKILL.

A run (one `radar` command) marks its environment with a token before it starts anything; every process it
starts inherits the mark (Prefect's temporary server, Dask's workers, served flow runs, their children). A
small watchdog, a child of the run that carries no mark, waits for the run's process to die, however it
dies, then ends every process still carrying the token. A lock file per run covers the case where the
watchdog dies too (a whole process group killed, the OOM killer): the next run's start ends the marked
processes of any run whose owner is gone. Linux only (it reads /proc); elsewhere `guard` does nothing.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

MARK = "RADAR_RUN_MARK"
_PROC = Path("/proc")
_guarded: str | None = None
_watchdog: subprocess.Popen | None = None  # kept referenced: a collected Popen of a live child warns
# Their default action ends Python at once, skipping `finally` blocks and the run's record of how it ended.
_TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(BaseException):
    """A terminating signal turned into an exception (a BaseException, like KeyboardInterrupt: not an error)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signal = signum


@contextmanager
def signals_raise() -> Iterator[None]:
    """Inside, SIGTERM and SIGHUP raise `Terminated` in the main thread, where they would otherwise end Python.

    Only where the signal still has its default action: a handler installed by someone else (Prefect's flow
    engine turns SIGTERM into its TerminationSignal) stays in charge. Each signal raises once; a second one
    gets the default action again, so a caller who insists is not kept waiting by the clean-up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_once(signum: int, frame: object) -> None:
        signal.signal(signum, signal.SIG_DFL)
        raise Terminated(signum)

    ours = [sig for sig in _TERMINATING if signal.getsignal(sig) == signal.SIG_DFL]
    for sig in ours:
        signal.signal(sig, raise_once)
    try:
        yield
    finally:
        for sig in ours:
            if signal.getsignal(sig) is raise_once:
                signal.signal(sig, signal.SIG_DFL)


def lock_dir() -> Path:
    """Where each live run leaves its lock file (per user, shared by every checkout on the machine)."""
    return Path(tempfile.gettempdir()) / f"narrative-radar-{os.getuid()}" / "runs"


def guard() -> str | None:
    """Mark this process's future children and start the watchdog that ends them when it dies; idempotent."""
    global _guarded, _watchdog
    if _guarded is not None or not _PROC.is_dir():
        return _guarded
    reap_stale()
    token = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    lock = lock_dir() / f"{token}.json"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps({"pid": os.getpid(), "start": start_time(os.getpid()), "token": token}))
    env = {k: v for k, v in os.environ.items() if k != MARK}
    # The watchdog ignores the terminal's Ctrl-C and hang-up (they reach the whole foreground group): it must
    # outlive the run to clean up after it. Its stdio is detached so it never holds a caller's pipe open.
    _watchdog = subprocess.Popen(
        [sys.executable, "-m", "flows.lifecycle", str(os.getpid()), token, str(lock)],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.environ[MARK] = token  # set after the watchdog started, so it alone goes unmarked
    _guarded = token
    return token


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (tells a live pid from a reused one), or None."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
    return int(stat.rsplit(")", 1)[1].split()[19])


def marked(token: str) -> list[int]:
    """Pids of the live processes whose environment carries this run's mark."""
    needle = f"{MARK}={token}".encode()
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or another user's
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def end_marked(token: str, grace: float = 3.0) -> list[int]:
    """SIGTERM every process carrying the mark, SIGKILL those still there after `grace` seconds."""
    pids = marked(token)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while (left := marked(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        _signal(pid, signal.SIGKILL)
    return pids


def reap_stale() -> list[int]:
    """End the processes left by runs whose owner process is gone; returns their pids."""
    ended: list[int] = []
    if not lock_dir().is_dir():
        return ended
    for lock in lock_dir().glob("*.json"):
        try:
            info = json.loads(lock.read_text())
        except (OSError, ValueError):
            continue
        if info.get("start") is not None and start_time(info["pid"]) == info["start"]:
            continue  # its run is alive
        pids = end_marked(info["token"])
        if pids:
            log.warning("ended %d process(es) left by a killed run (pid %s): %s", len(pids), info["pid"], pids)
        ended += pids
        lock.unlink(missing_ok=True)
    return ended


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def watch(owner: int, token: str, lock: Path, poll: float = 0.25) -> None:
    """The watchdog's loop: wait for `owner` to die, then end what it left behind."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    # The parent changes when the owner dies, whatever killed it; pid reuse cannot fool this check.
    while os.getppid() == owner:
        time.sleep(poll)
    end_marked(token)
    lock.unlink(missing_ok=True)


if __name__ == "__main__":
    watch(int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
