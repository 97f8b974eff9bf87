"""Find the processes a test started, by a mark in their environment that every descendant inherits."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

PROBE = "RADAR_TEST_PROBE"


def new_probe() -> dict[str, str]:
    """Environment entries that mark a subprocess and everything it starts."""
    return {PROBE: uuid.uuid4().hex}


def probed(value: str) -> dict[int, str]:
    """Live processes whose environment carries PROBE=value, with their command lines."""
    needle = f"{PROBE}={value}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
        except OSError:  # ended meanwhile
            continue
    return found


def wait_until_gone(value: str, seconds: float = 20.0) -> dict[int, str]:
    """The probed processes still alive after up to `seconds` (empty when all ended)."""
    deadline = time.monotonic() + seconds
    while (left := probed(value)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left
