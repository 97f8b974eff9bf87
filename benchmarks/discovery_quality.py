"""Purity and recall of emerging-narrative discovery on real-text worlds, over removed narratives and seeds.

    .venv/bin/python -m benchmarks.discovery_quality [--seeds 3] [--first-seed 200] [--labels 3] [--out FILE]

Each (removed label, seed) world (benchmarks/worlds/discovery_world.py): 16 made-up outlets publish SemEval-2025 English
articles at 1-2 a week for 6 weeks; from week 3 on, six outlets publish every article whose gold labels carry the
removed label. It is served on 127.0.0.1 and ingested by the real `daily_ingest` with a catalogue *without* that
narrative (classify and analyze, discovery included). Measured:

* the best cluster for the removed label: its purity (share of its articles whose gold labels carry the label) and
  recall (share of the world's articles carrying the label that have a passage in it), and its status/alert;
* the full-catalogue control: the same warehouse reclassified with the whole catalogue (`radar classify`'s flow,
  from stored vectors), then every cluster's majority gold label and its purity against chance: the label's base
  rate among the articles of the passages discovery may cluster (no catalogue narrative scoring
  `discovery_max_score` or more). A cluster is *above chance* when its majority count is improbable under that
  base rate (one-sided binomial p below 0.05 divided by the number of clusters x labels compared).

The seeds used by the tests (0-2) are not used here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.discovery_runs import ingest_removed_world, rediscover, removed_worlds, world_arguments
from benchmarks.worlds.discovery_world import (
    cluster_quality,
    judged_clusters,
    plan_emerging_world,
)
from benchmarks.worlds.realworld import query
from flows.settings import Settings


def control(db: Path, world, settings: Settings) -> dict:
    """Reclassify with the full catalogue (runs analyze, hence discovery) and judge every cluster against chance."""
    from flows.classify import classify_flow

    classify_flow(db_path=str(db), settings=settings)
    judged, _ = judged_clusters(db, world, "", settings.discovery_max_score)
    return {"clusters": len(judged), "above_chance": sum(c["above_chance"] for c in judged), "detail": judged}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser, 3, 200, Path("/tmp/radar-discovery"))
    parser.add_argument("--no-control", action="store_true")
    parser.add_argument("--rediscover", action="store_true",
                        help="reuse a world already ingested under --work: clear discovery's tables and rerun it only")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    results = []
    for docs, label, narrative_id, seed in removed_worlds(args):
        started = time.perf_counter()
        workdir = args.work / f"{narrative_id}-{seed}"
        world = plan_emerging_world(docs, seed, label)
        settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
        if args.rediscover and (workdir / "radar.duckdb").exists():
            db = rediscover(workdir / "radar.duckdb", settings)
        else:
            db = ingest_removed_world(world, workdir, narrative_id, settings, args.cache)
        clusters = cluster_quality(db, world, label)
        best = max(clusters, key=lambda c: (c["purity"] * c["recall"], c["purity"]), default=None)
        alerts = [c for (c,) in query(db, "SELECT narrative_id FROM alerts WHERE kind = 'emerging'")]
        row = {"label": label, "seed": seed, "carrying": sum(label in p.doc.labels for p in world.postings),
               "articles": len(world.postings), "clusters": len(clusters), "best": best,
               "best_alerted": bool(best and f"emerging:{best['cluster_id']}" in alerts),
               "alerts": len(alerts), "all_clusters": clusters}
        if not args.no_control:
            copy = workdir / "control.duckdb"  # the removed-narrative warehouse stays as it was
            shutil.copy(db, copy)
            full = settings.model_copy(update={"narratives": ROOT / "config" / "narratives.yaml", "db": copy})
            row["control"] = control(copy, world, full)
        row["seconds"] = round(time.perf_counter() - started, 1)
        results.append(row)
        print(json.dumps({k: v for k, v in row.items() if k not in ("control", "all_clusters")} | (
            {"control": {k: v for k, v in row["control"].items() if k != "detail"}} if "control" in row else {}),
            default=str), flush=True)
    summary = {
        "worlds": len(results),
        "purity_mean": round(sum(r["best"]["purity"] for r in results if r["best"]) / max(len(results), 1), 3),
        "recall_mean": round(sum(r["best"]["recall"] for r in results if r["best"]) / max(len(results), 1), 3),
        "majority_purity_found": sum(bool(r["best"] and r["best"]["purity"] > 0.5) for r in results),
        "control_worlds_with_above_chance_cluster": sum(bool(r.get("control", {}).get("above_chance")) for r in results),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "results": results}, indent=1, default=str))


if __name__ == "__main__":
    main()
