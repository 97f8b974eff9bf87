"""Which of the full-catalogue control's clusters would alert: the control clause counts every cluster discovery
lists; an analyst is notified only by emerging alerts. Reruns discovery (current settings, every week computed once,
as `--rediscover` does) on a copy of each control warehouse `discovery_quality.py` left, then judges every cluster
against chance as that benchmark does and reports the alerts among them; and, on a copy of the same world's
removed-narrative warehouse, the alerts whose cluster's articles mostly carry the removed narrative (hits).

    .venv/bin/python benchmarks/discovery_control_alerts.py --work /tmp/s10/quality2 --seeds 6 --first-seed 203 \
        [--labels 3] [--out FILE]

Per world: clusters, clusters above chance, emerging alerts, and the alerts whose cluster is above chance (each with
its majority label, majority purity, articles and novelty p); removed world: alerts and hits. A world ingested for `discovery_quality.py` is required
(its `control.duckdb`); the copy leaves it as it was.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from discovery_quality import ROOT, rediscover, world_arguments
from benchmarks.worlds.discovery_world import REMOVABLE, cluster_quality, judged_clusters, plan_emerging_world
from benchmarks.worlds.realworld import load_docs, query

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings


def removed_world_alerts(workdir: Path, world, label: str) -> tuple[int, int]:
    """(alerts, hits) of discovery rerun on a copy of the removed-narrative warehouse."""
    db = workdir / "removed-alerts.duckdb"
    shutil.copy(workdir / "radar.duckdb", db)
    rediscover(db, Settings(narratives=workdir / "narratives.yaml", db=db))
    purity = {c["cluster_id"]: c["purity"] for c in cluster_quality(db, world, label)}
    alerted = [n.removeprefix("emerging:") for (n,) in query(db, "SELECT narrative_id FROM alerts WHERE kind = 'emerging'")]
    db.unlink()
    return len(alerted), sum(purity.get(c, 0.0) > 0.5 for c in alerted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser, 6, 203, Path("/tmp/radar-discovery"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    docs = load_docs()
    results = []
    for label, narrative_id in list(REMOVABLE.items())[: args.labels]:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            workdir = args.work / f"{narrative_id}-{seed}"
            if not (workdir / "control.duckdb").exists():
                print(json.dumps({"label": label, "seed": seed, "skipped": "no control.duckdb"}), flush=True)
                continue
            db = workdir / "control-alerts.duckdb"
            shutil.copy(workdir / "control.duckdb", db)
            settings = Settings(narratives=ROOT / "config" / "narratives.yaml", db=db)
            rediscover(db, settings)
            world = plan_emerging_world(docs, seed, label)
            removed_alerts, hits = removed_world_alerts(workdir, world, label)
            judged, _ = judged_clusters(db, world, "", settings.discovery_max_score)
            alerted = {n.removeprefix("emerging:"): p for n, p in
                       query(db, "SELECT narrative_id, min(p_value) FROM alerts WHERE kind = 'emerging' GROUP BY 1")}
            row = {"label": label, "seed": seed, "removed_alerts": removed_alerts, "removed_hits": hits,
                   "clusters": len(judged),
                   "above_chance": sum(c["above_chance"] for c in judged), "alerts": len(alerted),
                   "alerts_above_chance": [
                       {"majority": c["majority"], "majority_purity": round(c["majority_purity"], 2),
                        "articles": c["articles"], "novelty_p": alerted[c["cluster_id"]]}
                       for c in judged if c["above_chance"] and c["cluster_id"] in alerted],
                   "above_chance_clusters": [
                       {"majority": c["majority"], "majority_purity": round(c["majority_purity"], 2),
                        "articles": c["articles"], "alerted": c["cluster_id"] in alerted}
                       for c in judged if c["above_chance"]]}
            results.append(row)
            print(json.dumps(row), flush=True)
            db.unlink()
    summary = {"worlds": len(results),
               "removed_alerts": sum(r["removed_alerts"] for r in results),
               "removed_worlds_with_hit": sum(r["removed_hits"] > 0 for r in results),
               "worlds_failing_control": sum(bool(r["above_chance"]) for r in results),
               "clusters_above_chance": sum(r["above_chance"] for r in results),
               "alerts": sum(r["alerts"] for r in results),
               "alerts_above_chance": sum(len(r["alerts_above_chance"]) for r in results),
               "worlds_with_alert_above_chance": sum(bool(r["alerts_above_chance"]) for r in results)}
    print(json.dumps(summary), flush=True)
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "results": results}, indent=1))


if __name__ == "__main__":
    main()
