"""Run a command (the test suite) and fail when it leaves a process behind.

This process becomes a child subreaper (Linux prctl), so every process the command starts and abandons is
re-parented here instead of to init. When the command ends, whatever is still a child of ours after a short
grace period was left behind: it is listed, killed, and the exit code is 1 (the command's own code wins
when it failed). Usage: python scripts/no_orphans.py COMMAND [ARGS...]
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 15.0  # servers stopped at exit and watchdogs of killed runs take a moment to finish


def children() -> dict[int, str]:
    """Our live (non-zombie) children with their command lines."""
    me = os.getpid()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) == me and state != "Z":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:300]
        except (OSError, ValueError, IndexError):
            continue
    return found


def reap() -> None:
    """Collect the exit status of every child that has ended (re-parented orphans included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("no_orphans: not a subreaper (prctl failed): running without the process check", file=sys.stderr)
        return subprocess.call(argv)
    command = subprocess.Popen(argv)
    # Ctrl-C and termination go to the command; we stay to check what it leaves.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: command.send_signal(signum))
    while True:
        try:
            pid, status = os.wait()
        except InterruptedError:
            continue
        if pid == command.pid:
            code = os.waitstatus_to_exitcode(status)
            break
    deadline = time.monotonic() + GRACE_SECONDS
    while (left := children()) and time.monotonic() < deadline:
        reap()
        time.sleep(0.2)
    if not left:
        return code
    print(f"\nno_orphans: the test run left {len(left)} process(es) behind:", file=sys.stderr)
    for pid, cmd in sorted(left.items()):
        print(f"  {pid}: {cmd}", file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.5)
    reap()
    return code or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
