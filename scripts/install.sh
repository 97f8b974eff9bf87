#!/usr/bin/env bash
# Creates .venv/ at the repository root and installs narrative-radar with its pinned dependencies.
# Safe to run again: it skips the install when pyproject.toml and requirements.lock are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

stamp=.venv/.install-stamp
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/radar ]; then
  exit 0
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# The stock pip 23 resolves lxml without lxml_html_clean, which breaks `import trafilatura`.
.venv/bin/python -m pip install --quiet --upgrade pip
# The CPU build of torch first, pinned, so nothing can pull a multi-GB CUDA build.
.venv/bin/python -m pip install --quiet torch==2.13.0
.venv/bin/python -m pip install --quiet --constraint requirements.lock -e ".[dev]"
echo "$want" > "$stamp"
