"""Spike false-alarm and detection rates per publishing rhythm, over many seeds of real-text worlds.

    .venv/bin/python benchmarks/spike_rhythms.py [--seeds 20] [--first-seed 500] [--verify 1] [--out rhythms.json]

Every SemEval-2025 T10 English document and every filler page (the Zyte benchmark's real news) is run once through
the real `daily_ingest` on 127.0.0.1 (the library world, benchmarks/worlds/spike_replay.py); then, for each rhythm of
benchmarks/worlds/realworld.py (random, synchronized, weekdays, backfill, filler) and seed, a null and a planted world (ten
war-fear articles on the last day) are replayed from those stored labels with the shipped spike test (`volume`)
and the earlier one (`rate`). `--verify K` also runs K seeds per rhythm through the real flow and checks that the
alerts it stores equal the replay's. Prints one row per rhythm and test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.realworld import (
    RHYTHMS,
    SPIKE_NARRATIVE,
    add_world_arguments,
    ingest_world_served,
    load_docs,
    load_filler,
    plan_world,
    query,
)
from benchmarks.worlds.spike_replay import library_labels, rates, replay_alerts

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings


def verify(docs, filler, labels, seed: int, rhythm: str, planted: bool, workdir: Path, settings, cache) -> bool:
    """The real flow's stored spike alerts for one world equal the replay's."""
    world = plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
    target = workdir / f"verify-{rhythm}-{'planted' if planted else 'null'}-{seed}"
    if (target / "radar.duckdb").exists():
        (target / "radar.duckdb").unlink()
    db = ingest_world_served(world, target, settings, cache)
    stored = sorted(query(db, "SELECT camp, narrative_id, day FROM alerts WHERE kind = 'spike'"))
    return stored == replay_alerts(world, labels, settings.spike_params())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=20, first_seed=500, workdir=Path("/tmp/radar-rhythms"))
    parser.add_argument("--verify", type=int, default=0, help="seeds per rhythm also run through the real flow")
    parser.add_argument("--alphas", default="", help="comma-separated spike_alpha values (default: the setting's)")
    parser.add_argument("--tests", default="weekday,rate", help="spike tests to compare")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    docs, filler = load_docs(), load_filler()
    settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1")
    started = time.perf_counter()
    labels = library_labels(docs + filler, args.workdir / "library", settings, args.cache)
    print(f"library: {len(labels)} documents classified in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rows = []
    alphas = [float(a) for a in args.alphas.split(",") if a] or [settings.spike_alpha]
    for test, alpha in [(t, a) for t in args.tests.split(",") for a in alphas]:
        params = replace(settings.spike_params(), test=test, alpha=alpha)
        for rhythm in RHYTHMS:
            outcomes = []
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                for planted in (False, True):
                    world = plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
                    outcomes.append((planted, replay_alerts(world, labels, params), world))
            rows.append({"test": test, "alpha": alpha, "rhythm": rhythm} | rates(outcomes, SPIKE_NARRATIVE))
    checks = []
    for rhythm in RHYTHMS:
        for seed in range(args.first_seed, args.first_seed + args.verify):
            for planted in (False, True):
                ok = verify(docs, filler, labels, seed, rhythm, planted, args.workdir, settings, args.cache)
                checks.append({"rhythm": rhythm, "seed": seed, "planted": planted, "replay_equals_flow": ok})
    print(f"{'test':7} {'alpha':>6} {'rhythm':13} {'null worlds alerting':>21} {'planted found':>14} "
          f"{'first-week alerts':>18}")
    for r in rows:
        print(f"{r['test']:7} {r['alpha']:>6} {r['rhythm']:13} {r['null_with_alert']:>14} of {r['null_worlds']:<4} "
              f"{r['planted_found']:>7} of {r['planted_worlds']:<4} {r['alerts_in_first_week']:>18}")
    for c in checks:
        print(f"verify {c['rhythm']} seed {c['seed']} {'planted' if c['planted'] else 'null'}: "
              f"{'replay = flow' if c['replay_equals_flow'] else 'MISMATCH'}")
    if args.out:
        args.out.write_text(json.dumps({"rates": rows, "verify": checks}, indent=1, default=str))
    if not all(c["replay_equals_flow"] for c in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
