"""Do discovery's cluster ids survive one more day? The world test's scenario (tests/test_discovery_world.py) over
many seeds.

    .venv/bin/python -m benchmarks.discovery_id_stability [--seeds 8] [--first-seed 0] [--out FILE] [--port 18100] [--why]

Per seed: the removed-narrative world of benchmarks/worlds/discovery_world.py ingested by the real `daily_ingest` without its
last day, then with it. Of the last week's clusters before the added day, counted: kept (same id after),
dissolved (half or more of their passages unclustered after) and lost otherwise (merged into or split by another
cluster, recorded as events). Article and passage ids hash the server's URL, whose port changes every run, so the
same seed is a new draw of pool and sample order each time, unless `--port` fixes the port.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from pytest_httpserver import HTTPServer

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.discovery_world import catalogue_without, lost_ids, plan_emerging_world, without_last_day
from benchmarks.worlds.realworld import World, ingest_world, load_docs, query
from flows.settings import Settings

LABEL, NARRATIVE = "URW: Discrediting the West, Diplomacy", "urw_discrediting_the_west_diplomacy"
MEMBERS = "SELECT week, passage_id, cluster_id FROM emerging_cluster_passages"
FINGERPRINT = "SELECT fingerprint FROM emerging_weeks WHERE week = ?"


def fates(world: World, before: list, after: list) -> dict:
    old_ids, new_ids, fate, dissolved = lost_ids(world.iso_week(world.weeks - 1), before, after)
    lost = old_ids - new_ids
    return {"clusters": len(old_ids), "kept": len(old_ids & new_ids), "dissolved": len(dissolved),
            "merged_or_split": len(lost - dissolved), "fate": {c: {str(k): v for k, v in w.items()} for c, w in fate.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-discovery-ids"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--port", type=int, default=0,
                        help="serve seed s on port PORT + s (0: any free port, a new draw every run); a fixed port "
                             "makes a run repeatable, so two settings can be compared on the same draws")
    parser.add_argument("--why", action="store_true",
                        help="print discovery's INFO lines (which earlier clusters were kept, split back or not "
                             "continued, and why) on stderr")
    args = parser.parse_args(argv)
    if args.why:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("discovery | %(message)s"))
        logging.getLogger("flows.discovery_step").setLevel(logging.INFO)
        logging.getLogger("flows.discovery_step").addHandler(handler)
    from prefect.testing.utilities import prefect_test_harness

    docs = load_docs()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    with prefect_test_harness(server_startup_timeout=120):
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            world = plan_emerging_world(docs, seed, LABEL)
            workdir = args.work / f"seed-{seed}"
            shutil.rmtree(workdir, ignore_errors=True)
            workdir.mkdir(parents=True)
            catalogue = catalogue_without(ROOT / "config" / "narratives.yaml", NARRATIVE, workdir / "narratives.yaml")
            settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=catalogue)
            server = HTTPServer(host="127.0.0.1", port=args.port + seed if args.port else 0)
            server.start()
            try:
                last_week = [world.iso_week(world.weeks - 1)]
                db = ingest_world(without_last_day(world), workdir, server, settings, args.cache)
                before, print_before = query(db, MEMBERS), query(db, FINGERPRINT, last_week)
                server.clear()
                ingest_world(world, workdir, server, settings, args.cache)
                after, print_after = query(db, MEMBERS), query(db, FINGERPRINT, last_week)
            finally:
                server.stop()
            # a week whose discovery failed keeps its old rows: it would count as every id kept
            row = {"seed": seed, "recomputed": print_after != print_before} | fates(world, before, after)
            rows.append(row)
            print(json.dumps(row), flush=True)
    summary = {"worlds": len(rows), "not_recomputed": sum(not r["recomputed"] for r in rows), "clusters": sum(r["clusters"] for r in rows), "kept": sum(r["kept"] for r in rows),
               "dissolved": sum(r["dissolved"] for r in rows), "merged_or_split": sum(r["merged_or_split"] for r in rows),
               "worlds_with_a_dissolved_cluster": sum(r["dissolved"] > 0 for r in rows)}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "results": rows}, indent=1))


if __name__ == "__main__":
    main()
