"""`radar analyze` and `radar classify` with nothing new on the demo warehouse, timed as a user runs them.

    nice -n 10 .venv/bin/python -m benchmarks.quiet_commands [--db demo.duckdb] [--runs 3] [--forced-runs 1]

Copies the demo warehouse (`--db`; without it, builds one with `radar demo`, a few minutes), runs each command
once so that nothing is new (a warehouse analysed by an older version runs the flow once), then times the whole
command in a fresh process `--runs` times (imports included; no Prefect server is configured, as for a user) and
`--forced-runs` times with `--force`, which runs the flow and its temporary Prefect server as before. Prints one
JSON object: seconds of each run and their medians per command, and the one-line answer. Target: the nothing-new
median under 5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RADAR = str(Path(sys.executable).parent / "radar")
ENV = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # a temporary server, as a user gets


def timed(*args: str) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([RADAR, *args], check=False, capture_output=True, text=True, env=ENV, cwd=ROOT)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"radar {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a demo warehouse (copied; default: build one with radar demo)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--forced-runs", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="radar-quiet-") as folder:
        db = Path(folder) / "radar.duckdb"
        if args.db:
            shutil.copy(args.db, db)
        else:
            timed("demo", "--db", str(db))
        result: dict[str, object] = {"warehouse": str(args.db or "radar demo")}
        for command in ("analyze", "classify"):
            timed(command, "--db", str(db))  # from here on nothing is new
            quick = [timed(command, "--db", str(db)) for _ in range(args.runs)]
            answers = {out for _, out in quick}
            if not all(a.startswith("nothing new since ") for a in answers):
                sys.exit(f"radar {command} found something new on a second run: {answers}")
            forced = [timed(command, "--db", str(db), "--force")[0] for _ in range(args.forced_runs)]
            result[command] = {
                "nothing_new_s": [round(s, 2) for s, _ in quick],
                "nothing_new_median_s": round(statistics.median(s for s, _ in quick), 2),
                "forced_s": [round(s, 2) for s in forced],
                "forced_median_s": round(statistics.median(forced), 2) if forced else None,
                "answer": quick[-1][1],
            }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
