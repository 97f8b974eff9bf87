"""The surfacing and control assertions of tests/test_discovery_world.py over many draws of its scenario (seed-0
world, "URW: Discrediting the West, Diplomacy" removed, ingested without its last day, analysed, then with it; each
run is a new draw because ids hash the test server's port), to see how near each bar a draw comes.

    .venv/bin/python benchmarks/discovery_world_draws.py [--draws 8] [--work /tmp/radar-world-draws]

Printed per draw: the best cluster's purity, recall and first status (the test asks purity >= 2 x chance and
status new), the recall of the clusters in which most articles carry the label (the test asks 0.2), and whether the full-catalogue control holds as the test asks (no catalogued narrative
above chance, except the emerging one when the classifier leaves most of its passages unlabelled).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from discovery_quality import ingest_removed_world
from benchmarks.worlds.discovery_world import (
    base_rates,
    cluster_quality,
    clusters_above_chance,
    majority_clusters,
    plan_emerging_world,
)
from benchmarks.worlds.realworld import load_docs, query

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings

LABEL, NARRATIVE = "URW: Discrediting the West, Diplomacy", "urw_discrediting_the_west_diplomacy"
LABELLED = ("SELECT count(DISTINCT m.passage_id), count(DISTINCT pn.passage_id) FROM emerging_cluster_passages m "
            "LEFT JOIN passage_narratives pn ON pn.passage_id = m.passage_id AND pn.narrative_id = ? WHERE m.cluster_id = ?")


def majority_recall(db: Path, world) -> float:
    """Share of the label's articles in clusters where most articles carry the label (the test's recall check)."""
    majority, with_label = majority_clusters(db, world, LABEL)
    return len(set().union(*majority) & with_label) / max(len(with_label), 1)


def control_failures(db: Path, world, settings: Settings) -> list:
    """What breaks the test's control clause after reclassifying `db` with the whole catalogue."""
    from flows.classify import classify_flow

    classify_flow(db_path=str(db), settings=settings)
    failures = []
    for c in clusters_above_chance(db, world, LABEL, settings.discovery_max_score)[1]:
        if c["majority"] != LABEL:
            failures.append(["catalogued label above chance", c["majority"]])
        else:
            passages, labelled = query(db, LABELLED, [NARRATIVE, c["cluster_id"]])[0]
            if labelled >= 0.5 * passages:
                failures.append(["emerging narrative mostly labelled", labelled, passages])
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=8)
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-world-draws"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness


    world = plan_emerging_world(load_docs(), 0, LABEL)
    with prefect_test_harness(server_startup_timeout=120):
        for draw in range(args.draws):
            workdir = args.work / f"draw-{draw}"
            settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
            db = ingest_removed_world(world, workdir, NARRATIVE, settings, args.cache, add_last_day=True)
            chance = base_rates(db, world, settings.discovery_max_score).get(LABEL, 0.0)
            best = max(cluster_quality(db, world, LABEL), key=lambda c: (c["purity"] * c["recall"], c["purity"]))
            status = query(db, "SELECT status FROM emerging_cluster_weekly WHERE cluster_id = ? ORDER BY week LIMIT 1",
                           [best["cluster_id"]])[0][0]
            control = workdir / "control.duckdb"
            shutil.copy(db, control)
            full = settings.model_copy(update={"db": control, "narratives": ROOT / "config" / "narratives.yaml"})
            print(json.dumps({"draw": draw, "purity": round(best["purity"], 3), "two_x_chance": round(2 * chance, 3),
                              "recall": round(best["recall"], 3), "status": status,
                              "majority_clusters_recall": round(majority_recall(db, world), 3),
                              "control_failures": control_failures(control, world, full)}), flush=True)


if __name__ == "__main__":
    main()
