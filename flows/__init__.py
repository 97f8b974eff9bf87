"""Prefect flows and the `radar` CLI; they wire the stages of extractors/, models/ and warehouse/."""

import os
from pathlib import Path

# Prefect reads these at import time, so they are set before any flow module imports prefect.
# Defaults only: a user's own environment wins.
_PROJECT_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(_PROJECT_ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# The ephemeral server logs cancelled event flushes as errors when the process exits; they are harmless.
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
