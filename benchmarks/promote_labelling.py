"""How much of a promoted cluster does `radar classify` label with the new narrative? The scenario of
tests/test_discovery_world.py's promote test (seed-0 world, "URW: Discrediting the West, Diplomacy" removed, ingested
without its last day, analysed, then with it; the best cluster promoted), repeated: each run is a new draw because
ids hash the test server's port, so the promoted cluster differs a little from draw to draw.

    .venv/bin/python benchmarks/promote_labelling.py [--draws 6] [--work /tmp/radar-promote]

Printed per draw: the cluster's passages (all weeks), how many the promoted narrative labels, how many passages
outside the cluster it labels, and the enrichment (labelled share inside the cluster / labelled share outside).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from discovery_quality import ingest_removed_world
from benchmarks.worlds.discovery_world import cluster_quality, plan_emerging_world
from benchmarks.worlds.realworld import load_docs, query
from typer.testing import CliRunner

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings

LABEL, NARRATIVE = "URW: Discrediting the West, Diplomacy", "urw_discrediting_the_west_diplomacy"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=6)
    parser.add_argument("--first-draw", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-promote"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    from flows.classify import classify_flow
    from flows.cli import app

    docs = load_docs()
    world = plan_emerging_world(docs, 0, LABEL)
    with prefect_test_harness(server_startup_timeout=120):
        for draw in range(args.first_draw, args.first_draw + args.draws):
            workdir = args.work / f"draw-{draw}"
            settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
            db = ingest_removed_world(world, workdir, NARRATIVE, settings, args.cache, add_last_day=True)
            best = max(cluster_quality(db, world, LABEL), key=lambda c: (c["purity"] * c["recall"], c["purity"]))
            members = {p for (p,) in query(db, "SELECT DISTINCT passage_id FROM emerging_cluster_passages WHERE cluster_id = ?",
                                           [best["cluster_id"]])}
            result = CliRunner().invoke(app, ["narratives", "promote", best["cluster_id"], "--id", "promoted", "--label", "x",
                                              "--catalogue", str(settings.narratives), "--db", str(db)])
            assert result.exit_code == 0, result.output
            classify_flow(db_path=str(db), settings=settings.model_copy(update={"db": db}))
            labelled = {p for (p,) in query(db, "SELECT passage_id FROM passage_narratives WHERE narrative_id = 'promoted'")}
            passages = {p for (p,) in query(db, "SELECT passage_id FROM passage_classifications")}
            print(json.dumps({"draw": draw, "cluster_id": best["cluster_id"], "purity": round(best["purity"], 3),
                              "members": len(members), "members_labelled": len(labelled & members),
                              "share": round(len(labelled & members) / max(len(members), 1), 3),
                              "labelled_outside": len(labelled - members), "outside": len(passages - members),
                              "enrichment": round(len(labelled & members) / max(len(members), 1)
                                                  / max(len(labelled - members) / max(len(passages - members), 1), 1e-9), 1)}),
                  flush=True)


if __name__ == "__main__":
    main()
