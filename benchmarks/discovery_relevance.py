"""Relevance before alerting: how many off-topic clusters the rule mutes, how many planted-narrative clusters keep
their emerging alerts.

    .venv/bin/python -m benchmarks.discovery_relevance [--seeds 4] [--first-seed 500] [--out FILE]
    .venv/bin/python -m benchmarks.discovery_relevance --replay FILE [--muted config/muted_topics.yaml]

Two kinds of real-text worlds (6 weeks, 16 outlets at 1-2 articles a week, ingested by the real `daily_ingest`):

* *filler*: benchmarks/worlds/realworld.py's `filler` rhythm, nothing planted, the full catalogue: every outlet also posts one
  real off-topic news article a week (the Zyte extraction benchmark's pages: sport, cars, gadgets, US politics...);
* *planted*: benchmarks/worlds/discovery_world.py's world (six outlets publish every article carrying a removed narrative from
  week 3, the catalogue without it) with the same off-topic articles added, one per outlet a week;
* *plain* (`--kinds`): that world without the off-topic articles, as benchmarks/discovery_quality.py builds it.

Every cluster-week discovery stored is then judged from its stored centroid (models/relevance.py) for a grid of
relevance floors, with and without the muted topics, and the alert rule replayed from the stored rows
(benchmarks/discovery_alert_rates.py's `replay`, off-topic rows left out before the cap as flows/discovery_step.py
does). A cluster-week is *filler* when most of its articles are off-topic ones, *planted* when most carry the removed
label, else *other* (SemEval articles the catalogue names weakly). Reported per rule: of each kind, the cluster-weeks
judged off-topic and the clusters alerted, and the worlds where a filler cluster alerted (with the rule off, 0.0 floor
and no topics, the replay is today's alerts). `--replay` re-judges a run's `--out` without ingesting.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.discovery_runs import cluster_weeks, ingest_removed_world, replay
from benchmarks.worlds.discovery_world import REMOVABLE, doc_of_url, plan_emerging_world
from benchmarks.worlds.realworld import (
    Doc,
    Posting,
    World,
    ingest_world_served,
    load_docs,
    load_filler,
    plan_world,
    query,
)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.relevance import family_similarities, judge_relevance, load_muted_topics, similarities

FLOORS = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5)


def with_filler(world: World, filler: list[Doc], seed: int) -> World:
    """`world` plus one off-topic article per outlet a week, on a random day."""
    rng = random.Random(seed + 104729)
    pool = list(filler)
    rng.shuffle(pool)
    for week in range(world.weeks):
        for name, _ in world.outlets:
            day = world.start + timedelta(weeks=week, days=rng.randrange(7))
            when = datetime(day.year, day.month, day.day, rng.randrange(6, 22), rng.randrange(60), tzinfo=UTC)
            world.postings.append(Posting(name, pool.pop(), when))
    world.postings.sort(key=lambda p: p.published)
    return world


def build(kind: str, seed: int, label: str, docs: list[Doc], filler: list[Doc], work: Path, cache: Path,
          reuse: bool = False) -> tuple[World, Path]:
    """Plan and ingest one world (`reuse`: a warehouse already ingested under `work` is read as it is); returns the
    world and its warehouse."""
    workdir = work / f"{kind}-{seed}"
    if kind == "filler":
        world = plan_world(docs, seed, planted=False, weeks=6, rhythm="filler", filler=filler)
    else:
        world = plan_emerging_world(docs, seed, label)
        world = with_filler(world, filler, seed) if kind == "planted" else world
    if reuse and (workdir / "radar.duckdb").exists():
        return world, workdir / "radar.duckdb"
    if kind == "filler":
        settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1")
        return world, ingest_world_served(world, workdir, settings, cache)
    settings = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
    return world, ingest_removed_world(world, workdir, REMOVABLE[label], settings, cache)


def encode_topics(path: Path) -> dict[str, np.ndarray]:
    """Each muted topic's phrase vectors, encoded with the configured model."""
    topics = load_muted_topics(path)
    if not topics:
        return {}
    embedder = Settings().embedder()
    return {t.topic_id: embedder.encode(list(t.phrases)) for t in topics}


def narrative_sets(db: Path, catalogue_path: Path) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """(each narrative's cached claim-side vectors, its family) for the world's catalogue."""
    from flows.discovery_step import narrative_vectors
    from warehouse.writer import Writer

    catalogue = load_catalogue(catalogue_path)
    model_id = query(db, "SELECT any_value(model_id) FROM passage_classifications")[0][0]
    return narrative_vectors(Writer(db), catalogue, model_id), {n.narrative_id: n.family for n in catalogue.narratives}


def world_rows(world: World, db: Path, label: str, catalogue_path: Path) -> list[dict]:
    """Every stored cluster-week with what the alert replay needs, its filler share and its similarities."""
    filler_ids = {p.doc.doc_id.lower() for p in world.postings if p.doc.topic == "FILLER"}
    is_filler = {a: doc_of_url(u) in filler_ids for a, u in query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles")}
    arts: dict[tuple[str, str], set[str]] = {}
    for cluster_id, week, article_id in query(db, "SELECT cluster_id, week, article_id FROM emerging_cluster_passages"):
        arts.setdefault((cluster_id, week), set()).add(article_id)
    centroids = {(c, w): np.asarray(v, dtype=np.float32) for c, w, v in query(
        db, "SELECT cluster_id, week, centroid FROM emerging_cluster_weekly")}
    vectors, family_of = narrative_sets(db, catalogue_path)
    rows = []
    for row in cluster_weeks(db, world, label if world.planted else ""):
        key = (row["cluster_id"], row["week"])
        members = arts.get(key, set())
        rows.append(row | {"filler_share": sum(is_filler.get(a, False) for a in members) / max(len(members), 1),
                           "families": family_similarities(similarities(centroids[key], vectors), family_of),
                           "centroid": centroids[key].tolist()})
    return rows


def judged(rows: list[dict], topics: dict[str, np.ndarray], floor: float) -> list[dict]:
    """The rows with `off_topic` and the nearest family / topic under one rule."""
    out = []
    for row in rows:
        sims = similarities(np.asarray(row["centroid"], dtype=np.float32), topics) if topics else {}
        verdict = judge_relevance(row["families"], sims, floor)
        out.append(row | {"off_topic": verdict.off_topic, "reason": verdict.reason, "family": verdict.family,
                          "family_similarity": verdict.family_similarity, "topic": verdict.topic,
                          "topic_similarity": verdict.topic_similarity})
    return out


def alerts(rows: list[dict], settings: Settings) -> list[dict]:
    """The alerts the shipped rule stores, off-topic rows never candidates."""
    return replay([r for r in rows if not r.get("off_topic")], settings.discovery_alert_min_outlets,
                  settings.discovery_growth_ratio, 1, settings.discovery_alert_cooldown_days,
                  settings.discovery_alert_alpha, False, settings.discovery_alert_max_per_week)


def kind_of(row: dict) -> str:
    return "filler" if row["filler_share"] > 0.5 else "planted" if row["purity"] > 0.5 else "other"


def summarise(results: list[dict], topics: dict[str, np.ndarray], settings: Settings) -> list[dict]:
    """Per rule (floor, with or without muted topics): cluster-weeks muted and clusters alerted by kind, over every
    world."""
    table = []
    for floor in FLOORS:
        for muted in (False, True):
            weeks = dict.fromkeys(("filler", "planted", "other"), 0)
            off = dict.fromkeys(("filler", "planted", "other"), 0)
            fired_by_kind: dict[str, set] = {k: set() for k in weeks}
            filler_worlds = 0
            for r in results:
                rows = judged(r["rows"], topics if muted else {}, floor)
                fired = {a["cluster_id"] for a in alerts(rows, settings)}
                for row in rows:
                    weeks[kind_of(row)] += 1
                    off[kind_of(row)] += row["off_topic"]
                    if row["cluster_id"] in fired and not row["off_topic"]:
                        fired_by_kind[kind_of(row)].add((r["kind"], r["seed"], row["cluster_id"]))
                filler_worlds += any(k[:2] == (r["kind"], r["seed"]) for k in fired_by_kind["filler"])
            table.append({"floor": floor, "muted_topics": muted, "worlds_with_filler_alert": f"{filler_worlds}/{len(results)}"}
                         | {f"{k}_off_topic": f"{off[k]}/{weeks[k]}" for k in weeks}
                         | {f"{k}_alerted": len(fired_by_kind[k]) for k in weeks})
    return table


def similarity_profile(results: list[dict], topics: dict[str, np.ndarray]) -> dict[str, dict]:
    """Per cluster kind: the distribution of its best family similarity and of (topic - family)."""
    out: dict[str, dict] = {}
    for kind in ("filler", "planted", "other"):
        fam, gap = [], []
        for r in results:
            for row in judged(r["rows"], topics, 0.0):
                if kind_of(row) == kind and row["family_similarity"] is not None:
                    fam.append(row["family_similarity"])
                    if row["topic_similarity"] is not None:
                        gap.append(row["topic_similarity"] - row["family_similarity"])
        qs = (0, 10, 25, 50, 75, 90, 100)
        out[kind] = {"cluster_weeks": len(fam),
                     "family_similarity": dict(zip(qs, np.round(np.percentile(fam, qs), 3).tolist(), strict=True)) if fam else {},
                     "topic_minus_family": dict(zip(qs, np.round(np.percentile(gap, qs), 3).tolist(), strict=True)) if gap else {}}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--first-seed", type=int, default=500)
    parser.add_argument("--kinds", nargs="+", default=["filler", "planted"], choices=["filler", "planted", "plain"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-relevance"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    parser.add_argument("--muted", type=Path, default=ROOT / "config" / "muted_topics.yaml")
    parser.add_argument("--replay", nargs="+", type=Path, help="judge the rows of earlier --out files instead of ingesting")
    parser.add_argument("--reuse", action="store_true", help="read worlds already ingested under --work as they are")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    settings = Settings()
    if args.replay:
        results = [r for path in args.replay for r in json.loads(path.read_text())["results"]]
        for r in results:
            for row in r["rows"]:
                row["day"] = date.fromisoformat(row["day"])
    else:
        results = ingest_all(args)
    topics = encode_topics(args.muted)
    report = {"profile": similarity_profile(results, topics), "table": summarise(results, topics, settings)}
    print(json.dumps(report["profile"], indent=1))
    for row in report["table"]:
        print(json.dumps(row))
    if args.out and not args.replay:
        args.out.write_text(json.dumps({"results": results} | report, indent=1, default=str))


def ingest_all(args: argparse.Namespace) -> list[dict]:
    """Every world ingested (seeds x kinds; planted worlds take the removable labels in turn)."""
    from prefect.testing.utilities import prefect_test_harness

    docs, filler = load_docs(), load_filler()
    labels = list(REMOVABLE)
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    results = []
    with prefect_test_harness(server_startup_timeout=120):
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for kind in args.kinds:
                started = time.perf_counter()
                label = labels[(seed - args.first_seed) % 3]
                world, db = build(kind, seed, label, docs, filler, args.work, args.cache, args.reuse)
                catalogue = ROOT / "config" / "narratives.yaml" if kind == "filler" else db.parent / "narratives.yaml"
                rows = world_rows(world, db, label, catalogue)
                results.append({"kind": kind, "seed": seed, "label": None if kind == "filler" else label, "rows": rows})
                print(json.dumps({"kind": kind, "seed": seed, "cluster_weeks": len(rows),
                                  "filler_rows": sum(r["filler_share"] > 0.5 for r in rows),
                                  "planted_rows": sum(r["purity"] > 0.5 for r in rows),
                                  "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    return results


if __name__ == "__main__":
    main()
