"""Camp divergence, crossings and the `camps_diverge` forecast per publishing rhythm, over many seeds.

    .venv/bin/python benchmarks/rhythm_analytics.py [--seeds 10] [--first-seed 500] [--out rhythm-analytics.json]

Each world of benchmarks/worlds/realworld.py (16 outlets, 10 weeks, the rhythms `random`, `synchronized`, `weekdays`, `backfill`,
`filler`; planted: the camps diverge from week 4, one outlet crosses in week 6) is assembled from the rows the real
flow stored for the library world (benchmarks/worlds/assembled_world.py; the library is the one of benchmarks/spike_rhythms.py),
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.assembled_world import article_ids, assemble
from benchmarks.worlds.realworld import CROSSING_OUTLET, RHYTHMS, World, add_world_arguments, load_docs, load_filler, plan_world, query
from benchmarks.worlds.spike_replay import library_labels

import flows  # noqa: F401  (environment defaults)
from flows.bifurcation_step import compute_bifurcation
from flows.hypotheses_step import evaluate_hypotheses
from flows.settings import Settings
from warehouse.writer import Writer


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=10, first_seed=500, workdir=Path("/tmp/radar-rhythms"))
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
