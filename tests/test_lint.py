"""Quality gates of the code itself: `ruff check` over the repository and `mypy` over the packages are clean."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing():
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_checks_the_packages_clean():
    # Configured in pyproject.toml ([tool.mypy]: flows, extractors, models, warehouse).
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-4000:]
