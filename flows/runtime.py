"""Where a run's time goes: process start to flow start, then each phase; and an early start of Prefect's server."""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

PROCESS_START = psutil.Process().create_time()  # wall-clock seconds since the epoch


@dataclass
class TimeSplit:
    """Seconds per phase of one run, in the order they happened; logged as one line at the end of the run."""

    phases: dict[str, float] = field(default_factory=dict)
    _mark: float = field(default_factory=time.time)

    def startup(self, imported_at: float) -> None:
        """Record `imports` (process start to the flow modules imported) and `server` (from there to this run).

        Only meaningful for the first run of a process started for it (`radar ingest`, a worker's subprocess);
        a long-lived process (`radar serve`, tests) skips it.
        """
        now = time.time()
        if now - PROCESS_START < 300 and imported_at >= PROCESS_START:
            self.phases["imports"] = imported_at - PROCESS_START
            self.phases["server"] = max(0.0, now - imported_at)
        self._mark = now

    def lap(self, phase: str) -> None:
        """Charge the time since the previous mark to `phase`."""
        now = time.time()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self._mark
        self._mark = now

    def line(self) -> str:
        total = sum(self.phases.values())
        return " ".join(f"{k} {v:.2f}s" for k, v in self.phases.items()) + f" (total {total:.2f}s)"


class PrefectServerError(RuntimeError):
    """The temporary Prefect server did not start (a full disk, a port or database it cannot use)."""


class TemporaryPrefectServer:
    """Prefect's temporary API server, started before the flow modules import so its boot overlaps theirs.

    Without it Prefect starts the same server (same command) on the first API call, after every import, and
    imports the whole server package into the client process to do so. Used by the CLI commands that run a
    flow; does nothing when PREFECT_API_URL names a server or Prefect is already imported (it has read its
    settings). Stopped at exit, after Prefect's log and event workers have drained (they drain at thread
    shutdown, before `atexit` hooks run).
    """

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.api_url: str | None = None

    @classmethod
    def start(cls) -> TemporaryPrefectServer:
        server = cls()
        if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
            return server
        spec = importlib.util.find_spec("prefect")
        if spec is None or not spec.submodule_search_locations:
            return server
        # We bind the port and hand the socket over, so no other process can take it in between.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            env = os.environ | {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
            app_dir = str(Path(spec.submodule_search_locations[0]).parent)
            server.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
                 "prefect.server.api.server:create_app", "--fd", str(sock.fileno()), "--log-level", "error",
                 "--lifespan", "on"],
                env=env, pass_fds=[sock.fileno()],
            )
        server.api_url = f"http://127.0.0.1:{port}/api"
        os.environ["PREFECT_API_URL"] = server.api_url
        atexit.register(server.stop)
        return server

    def wait_ready(self, timeout: float = 90.0) -> float:
        """Block until the server answers its health check; returns the seconds waited."""
        if self.process is None or self.api_url is None:
            return 0.0
        import httpx

        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise PrefectServerError(f"the temporary Prefect server exited with code {self.process.returncode} "
                                         "before it answered: its database (PREFECT_HOME) may be unwritable or the "
                                         "disk full")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise PrefectServerError(f"the temporary Prefect server did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
