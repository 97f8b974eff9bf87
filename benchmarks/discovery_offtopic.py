"""What discovery surfaces when outlets also publish off-topic articles: does a cluster's similarity to the catalogue
tell off-topic clusters (sport, gadgets, US politics) from emerging narratives? Measured, not shipped.

    .venv/bin/python benchmarks/discovery_offtopic.py [--seeds 3] [--first-seed 300] [--work /tmp/radar-offtopic]

Worlds as in benchmarks/discovery_quality.py (16 outlets at 1-2 articles a week for 6 weeks, six of them publishing
every SemEval article carrying "URW: Discrediting the West, Diplomacy" from week 3, that narrative removed from the
catalogue), but the other slots are filled from the SemEval English articles *and* the 181 real news articles of the
Zyte extraction benchmark (shared fixtures: gaming, cars, US elections, science...), which carry none of the
catalogue's topics. Per cluster: off-topic (most of its articles are Zyte's), emerging narrative (its majority gold label is the
removed one) or other on-topic, its nearest-narrative similarity, and whether it raised an `emerging` alert;
summarised as what a similarity floor on alerts would silence.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from conftest import SHARED
from discovery_quality import ingest_removed_world
from benchmarks.worlds.discovery_world import cluster_quality, plan_emerging_world
from benchmarks.worlds.realworld import Doc, load_docs, query

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings

LABEL, NARRATIVE = "URW: Discrediting the West, Diplomacy", "urw_discrediting_the_west_diplomacy"
OFF_TOPIC = "off-topic"
FLOORS = (0.3, 0.35, 0.4, 0.45)


def zyte_docs() -> list[Doc]:
    """The Zyte benchmark's gold article bodies as documents labelled off-topic (first sentence as the title)."""
    truth = json.loads((SHARED / "pages" / "zyte-benchmark" / "ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for key, item in sorted(truth.items()):
        lines = [x.strip() for x in (item.get("articleBody") or "").splitlines() if x.strip()]
        if len(lines) >= 3:
            title = " ".join(lines[0].split()[:14])
            docs.append(Doc(f"zyte-{hashlib.sha256(key.encode()).hexdigest()[:12]}", title, "\n".join(lines), "OFF",
                            frozenset({OFF_TOPIC})))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=300)
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-offtopic"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    docs = load_docs() + zyte_docs()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    clusters = []
    with prefect_test_harness(server_startup_timeout=120):
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            workdir = args.work / f"{NARRATIVE}-{seed}"
            world = plan_emerging_world(docs, seed, LABEL)
            settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
            db = ingest_removed_world(world, workdir, NARRATIVE, settings, args.cache)
            alerted = {c.removeprefix("emerging:") for (c,) in query(db, "SELECT narrative_id FROM alerts WHERE kind = 'emerging'")}
            for c in cluster_quality(db, world, LABEL):
                kind = "off-topic" if c["majority"] == OFF_TOPIC and c["majority_purity"] > 0.5 else (
                    "emerging narrative" if c["majority"] == LABEL else "on-topic other")
                clusters.append(c | {"seed": seed, "kind": kind, "alerted": c["cluster_id"] in alerted})
                print(json.dumps(clusters[-1], default=str), flush=True)
    summary = {}
    for kind in ("off-topic", "on-topic other", "emerging narrative"):
        mine = [c for c in clusters if c["kind"] == kind]
        sims = sorted(round(c["nearest_similarity"], 3) for c in mine if c["nearest_similarity"] is not None)
        summary[kind] = {"clusters": len(mine), "alerted": sum(c["alerted"] for c in mine), "similarities": sims,
                         "alerts_silenced_by_floor": {f: sum(c["alerted"] and c["nearest_similarity"] < f for c in mine)
                                                      for f in FLOORS}}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "clusters": clusters}, indent=1, default=str))


if __name__ == "__main__":
    main()
