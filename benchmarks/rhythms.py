"""Spike alerts, outlet crossings and the camps_diverge forecast per publishing rhythm, on real-text worlds.

``spikes``: Spike false-alarm and detection rates per publishing rhythm, over many seeds of real-text worlds.

    .venv/bin/python -m benchmarks.rhythms spikes [--seeds 20] [--first-seed 500] [--verify 1] [--out rhythms.json]

Every SemEval-2025 T10 English document and every filler page (the Zyte benchmark's real news) is run once through
the real `daily_ingest` on 127.0.0.1 (the library world, benchmarks/worlds/spike_replay.py); then, for each rhythm of
benchmarks/worlds/realworld.py (random, synchronized, weekdays, backfill, filler) and seed, a null and a planted world (ten
war-fear articles on the last day) are replayed from those stored labels with the shipped spike test (`volume`)
and the earlier one (`rate`). `--verify K` also runs K seeds per rhythm through the real flow and checks that the
alerts it stores equal the replay's. Prints one row per rhythm and test.

``analytics``: Camp divergence, crossings and the `camps_diverge` forecast per publishing rhythm, over many seeds.

    .venv/bin/python -m benchmarks.rhythms analytics [--seeds 10] [--first-seed 500] [--out rhythm-analytics.json]

Each world of benchmarks/worlds/realworld.py (16 outlets, 10 weeks, the rhythms `random`, `synchronized`, `weekdays`, `backfill`,
`filler`; planted: the camps diverge from week 4, one outlet crosses in week 6) is assembled from the rows the real
flow stored for the library world (benchmarks/worlds/assembled_world.py; the library is the one of benchmarks/rhythms.py spikes),
then the real bifurcation and forecast steps run on it with the shipped settings. Per rhythm it prints: null worlds
with any crossing and with `camps_diverge` ever supported; planted worlds whose crossing outlet alone is reported
within 2 weeks of its crossing (its week or the 2 after), and whose `camps_diverge` is supported within 3 weeks of
the divergence's start (its week or the 3 after).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.assembled_world import article_ids, assemble
from benchmarks.worlds.realworld import (
    CROSSING_OUTLET,
    RHYTHMS,
    SPIKE_NARRATIVE,
    World,
    add_world_arguments,
    ingest_world_served,
    load_docs,
    load_filler,
    plan_world,
    query,
)
from benchmarks.worlds.spike_replay import library_labels, rates, replay_alerts
from flows.bifurcation_step import compute_bifurcation
from flows.hypotheses_step import evaluate_hypotheses
from flows.settings import Settings
from warehouse.writer import Writer

# --- spikes ----------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]




def verify(docs, filler, labels, seed: int, rhythm: str, planted: bool, workdir: Path, settings, cache) -> bool:
    """The real flow's stored spike alerts for one world equal the replay's."""
    world = plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
    target = workdir / f"verify-{rhythm}-{'planted' if planted else 'null'}-{seed}"
    if (target / "radar.duckdb").exists():
        (target / "radar.duckdb").unlink()
    db = ingest_world_served(world, target, settings, cache)
    stored = sorted(query(db, "SELECT camp, narrative_id, day FROM alerts WHERE kind = 'spike'"))
    return stored == replay_alerts(world, labels, settings.spike_params())


def spikes_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=20, first_seed=500, workdir=Path("/tmp/radar-rhythms"))
    parser.add_argument("--verify", type=int, default=0, help="seeds per rhythm also run through the real flow")
    parser.add_argument("--alphas", default="", help="comma-separated spike_alpha values (default: the setting's)")
    parser.add_argument("--tests", default="weekday,rate", help="spike tests to compare")
    args = parser.parse_args(argv)
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


# --- analytics -------------------------------------------------------------------------------------------





def judge(world: World, db: Path) -> dict:
    """What one analysed world says about its crossing and its divergence forecast."""
    crossed = query(db, "SELECT o.week, s.name FROM outlet_alignment_weekly o JOIN sources s USING (source_id) "
                        "WHERE o.crossed ORDER BY o.week")
    supported = [w for w, v in query(db, "SELECT week, verdict FROM hypothesis_weekly "
                                         "WHERE hypothesis_id = 'camps_diverge' ORDER BY week") if v == "supported"]
    weeks = [world.iso_week(i) for i in range(world.weeks)]
    crossing_ok = weeks[world.crossing_week: world.crossing_week + 3]
    diverge_ok = weeks[world.event_week: world.event_week + 4]  # its first week and the 3 after
    return {"seed": world.seed, "rhythm": world.rhythm, "planted": world.planted, "crossings": crossed,
            "supported_weeks": supported,
            "crossing_found": [n for _, n in crossed] == [CROSSING_OUTLET] and crossed[0][0] in crossing_ok,
            "diverge_in_time": bool(supported) and supported[0] in diverge_ok}


def summarise(results: list[dict]) -> list[dict]:
    rows = []
    for rhythm in RHYTHMS:
        null = [r for r in results if r["rhythm"] == rhythm and not r["planted"]]
        planted = [r for r in results if r["rhythm"] == rhythm and r["planted"]]
        rows.append({"rhythm": rhythm, "worlds": len(null),
                     "null_any_crossing": sum(bool(r["crossings"]) for r in null),
                     "null_ever_supported": sum(bool(r["supported_weeks"]) for r in null),
                     "planted_crossing_found": sum(r["crossing_found"] for r in planted),
                     "planted_diverge_in_time": sum(r["diverge_in_time"] for r in planted)})
    return rows


def analytics_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=10, first_seed=500, workdir=Path("/tmp/radar-rhythms"))
    args = parser.parse_args(argv)
    docs, filler = load_docs(), load_filler()
    settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1")
    library_labels(docs + filler, args.workdir / "library", settings, args.cache)  # built once, then reused
    library = args.workdir / "library" / "radar.duckdb"
    ids = article_ids(library)
    results = []
    for rhythm in RHYTHMS:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for planted in (False, True):
                started = time.perf_counter()
                world = plan_world(docs, seed, planted, rhythm=rhythm, filler=filler)
                writer = Writer(assemble(world, library, args.workdir / "assembled.duckdb", ids))
                compute_bifurcation(writer, settings.bifurcation_params())
                evaluate_hypotheses(writer, settings.hypotheses, settings.analysis_window_weeks)
                results.append(judge(world, writer.path))
                print(f"{rhythm} seed {seed} {'planted' if planted else 'null'}: "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    rows = summarise(results)
    print(f"{'rhythm':13} {'null: crossing':>15} {'null: supported':>16} {'planted: crossing':>18} "
          f"{'planted: supported in 3 weeks':>30}")
    for r in rows:
        n = r["worlds"]
        print(f"{r['rhythm']:13} {r['null_any_crossing']:>10} of {n:<3} {r['null_ever_supported']:>11} of {n:<3} "
              f"{r['planted_crossing_found']:>13} of {n:<3} {r['planted_diverge_in_time']:>25} of {n:<3}")
    if args.out:
        args.out.write_text(json.dumps({"rates": rows, "worlds": results}, indent=1, default=str))


COMMANDS = {"spikes": spikes_main, "analytics": analytics_main}


def main(argv: list[str] | None = None) -> None:
    """Run one subcommand: spikes, analytics."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit("usage: python -m benchmarks.rhythms {spikes,analytics} [options]")
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
