#!/usr/bin/env bash
# The whole test suite, on a fresh clone too: installs what is missing, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# The browser test drives Debian's Chromium; install it when we can (root with apt), else that test skips.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: chromium/chromedriver missing and not root: the browser test will be skipped" >&2
  fi
fi
# Under a subreaper that fails the run when a test leaves a process behind (a server, a worker, a browser).
exec .venv/bin/python scripts/no_orphans.py .venv/bin/python -m pytest "$@"
