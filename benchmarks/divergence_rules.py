"""Candidate rules for the `camps_diverge` forecast, judged on whole weeks of kept real-text worlds.

    .venv/bin/python benchmarks/divergence_rules.py --first-seed 100 --seeds 20 [--first-seed-2 300 --seeds-2 20] \
        [--workdir /tmp/radar-crossing-daily] [--out divergence_rules.json]

The worlds are those of benchmarks/verdicts_daily.py and benchmarks/crossing_daily.py (`planted-SEED`,
`null-SEED` under --workdir; build them with either command first). Each candidate overrides the test parameters
of `camps_diverge` in config/hypotheses.yaml (slope threshold 0.01, alpha 0.05 unless overridden). Reported per
candidate: planted worlds supported in their last week, null worlds ever supported (any week), and which null seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crossing_daily import whole_weeks
from verdicts_daily import TARGET, verdict_inputs, with_test_params

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.hypotheses import evaluate, load_hypotheses

CANDIDATES = {  # variations of the rule shipped until 2026-11-30 (one_week); two_weeks is shipped since
    "one_week": {"significant_weeks": 1},
    "alpha0.01": {"significant_weeks": 1, "alpha": 0.01},
    "two_weeks": {"significant_weeks": 2},
    "threshold0.015": {"significant_weeks": 1, "threshold": 0.015},
    "threshold0.02": {"significant_weeks": 1, "threshold": 0.02},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed-2", type=int, default=None, help="a second seed range, pooled with the first")
    parser.add_argument("--seeds-2", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/radar-crossing-daily"))
    parser.add_argument("--candidates", nargs="*", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    base = [h for h in load_hypotheses(settings.hypotheses, settings.analysis_window_weeks) if h.id == TARGET]
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    if args.first_seed_2 is not None:
        seeds += range(args.first_seed_2, args.first_seed_2 + args.seeds_2)
    tallies = {name: {"planted_supported_last_week": 0, "null_ever_supported": 0, "null_seeds": [],
                      "planted_missed_seeds": []} for name in args.candidates}
    worlds = 0
    for seed in seeds:
        for planted in (True, False):
            db = args.workdir / f"{'planted' if planted else 'null'}-{seed}" / "radar.duckdb"
            if not db.exists():
                print(f"seed {seed}: {db} missing (build it with benchmarks/verdicts_daily.py)", file=sys.stderr)
                continue
            worlds += 1
            world = whole_weeks(db, settings.bifurcation_params())
            records, divergence = verdict_inputs(world)
            for name in args.candidates:
                (h,) = with_test_params(base, CANDIDATES[name])
                verdicts = [evaluate(h, w, records, divergence).verdict for w in world.weeks]
                tally = tallies[name]
                if planted and verdicts[-1] == "supported":
                    tally["planted_supported_last_week"] += 1
                elif planted:
                    tally["planted_missed_seeds"].append(seed)
                elif "supported" in verdicts:
                    tally["null_ever_supported"] += 1
                    tally["null_seeds"].append(seed)
    print(json.dumps({"worlds": worlds, "candidates": tallies}, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"seeds": seeds, "worlds": worlds, "candidates": tallies}, indent=1))


if __name__ == "__main__":
    main()
