"""Removed-narrative worlds ingested for the discovery benchmarks, and discovery's alert rule replayed on what they
stored: library code shared by benchmarks/discovery_*.py, not a script."""

from __future__ import annotations

import argparse
import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from pytest_httpserver import HTTPServer

from benchmarks.worlds.discovery_world import REMOVABLE, catalogue_without, gold_by_article, without_last_day
from benchmarks.worlds.realworld import ROOT, ingest_world, load_docs, query
from flows.discovery_step import alert_order
from flows.settings import Settings
from models.discovery import status_of


@contextmanager
def removed_world_server(workdir: Path, narrative_id: str) -> Iterator[HTTPServer]:
    """A fresh `workdir` holding the catalogue minus `narrative_id`, and a local HTTP server for the world."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    catalogue_without(ROOT / "config" / "narratives.yaml", narrative_id, workdir / "narratives.yaml")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()



def ingest_removed_world(world, workdir: Path, narrative_id: str, settings: Settings, cache: Path,
                         add_last_day: bool = False) -> Path:
    """A fresh `workdir` with the catalogue minus `narrative_id` (`settings.narratives` must point at its copy there),
    `world` served on 127.0.0.1 and ingested by the real daily_ingest; returns the warehouse. `add_last_day`: ingested
    without its last day, analyzed again, then with it (the world test's two steps)."""
    with removed_world_server(workdir, narrative_id) as server:
        if not add_last_day:
            return ingest_world(world, workdir, server, settings, cache)
        from flows.analyze import analyze

        db = ingest_world(without_last_day(world), workdir, server, settings, cache)
        analyze(db_path=str(db), settings=settings.model_copy(update={"db": db}))
        server.clear()
        ingest_world(world, workdir, server, settings, cache)
        return db



def removed_worlds(args: argparse.Namespace) -> Iterator[tuple[list, str, str, int]]:
    """(documents, removed label, its narrative id, seed) for every world `world_arguments` selected, inside one
    Prefect test server."""
    from prefect.testing.utilities import prefect_test_harness

    docs = load_docs()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    with prefect_test_harness(server_startup_timeout=120):
        for label, narrative_id in list(REMOVABLE.items())[: args.labels]:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                yield docs, label, narrative_id, seed



def rediscover(db: Path, settings: Settings) -> Path:
    """Discovery recomputed from scratch on an ingested warehouse with the current settings (no re-ingest)."""
    from flows.discovery_step import compute_discovery
    from warehouse.writer import Writer

    writer = Writer(db)
    with writer.transaction() as con:
        for table in ("emerging_clusters", "emerging_cluster_weekly", "emerging_cluster_passages",
                      "emerging_cluster_events", "emerging_weeks"):
            con.execute(f"DELETE FROM {table}")
        con.execute("DELETE FROM alerts WHERE kind = 'emerging'")
    compute_discovery(writer, settings.model_copy(update={"db": db}))
    return db



def world_arguments(parser: argparse.ArgumentParser, seeds: int, first_seed: int, work: Path) -> None:
    """The options every removed-narrative world benchmark takes: which worlds, where, and the shared vector cache."""
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--first-seed", type=int, default=first_seed)
    parser.add_argument("--labels", type=int, default=3, help="how many of the most frequent labels to remove in turn")
    parser.add_argument("--work", type=Path, default=work)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))



def cluster_weeks(db: Path, world, label: str) -> list[dict]:
    """Every (cluster, week) discovery stored, in week order, with what the alert rule and the judgement need."""
    gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
    members: dict[tuple[str, str], list[tuple[str, str, date]]] = {}
    for cluster_id, week, article_id, source_id, day in query(
            db, "SELECT cluster_id, week, article_id, source_id, day FROM emerging_cluster_passages"):
        members.setdefault((cluster_id, week), []).append((article_id, source_id, day))
    rows = query(db, "SELECT cluster_id, week, week_articles, previous_articles, status, novelty_p "
                     "FROM emerging_cluster_weekly ORDER BY week, cluster_id")
    out = []
    for cluster_id, week, this_week, before, status, novelty_p in rows:
        monday = date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
        parts = members.get((cluster_id, week), [])
        articles = {a for a, _, _ in parts}
        out.append({"cluster_id": cluster_id, "week": week, "week_index": (monday - world.start).days // 7,
                    "is_new": status == "new", "promoted": status == "promoted", "week_articles": this_week,
                    "previous_articles": before, "week_outlets": len({s for _, s, d in parts if d >= monday}),
                    "novelty_p": novelty_p,
                    "day": max((d for _, _, d in parts), default=monday), "articles": len(articles),
                    "purity": sum(label in gold.get(a, ()) for a in articles) / max(len(articles), 1)})
    return out



def computation(w: dict) -> str:
    """Which run of discovery computed the row: its day on the daily path, its week otherwise."""
    return str(w.get("computed_on", w["week"]))



def mark_continued(weeks: list[dict]) -> None:
    """Sets `continued` on each row: its cluster id was in an earlier computation (an earlier day's on the daily path,
    an earlier week's otherwise)."""
    seen: set[str] = set()
    for _, group in itertools.groupby(sorted(weeks, key=computation), key=computation):
        rows = list(group)
        for w in rows:
            w["continued"] = w["cluster_id"] in seen
        seen |= {w["cluster_id"] for w in rows}



def replay(weeks: list[dict], min_outlets: int, growth: float, min_week_articles: int, cooldown_days: int,
           alpha: float = 1.0, continued: bool = False, max_per_week: int = 0) -> list[dict]:
    """The alerts the rule of flows/discovery_step.py would store with these settings (one per cluster per cooldown,
    at most `max_per_week` a week in `alert_order`, 0 = no cap). `weeks` in the order they were computed (on the daily
    path: each day's computation of the current week); `continued`: only clusters found by an earlier computation too
    (see `mark_continued`)."""
    alerts: list[dict] = []
    for _, group in itertools.groupby(weeks, key=computation):
        candidates = []
        for row in group:
            if continued and not row.get("continued"):
                continue
            status = "promoted" if row["promoted"] else status_of(row["is_new"], row["week_articles"],
                                                                   row["previous_articles"], growth)
            if status not in ("new", "growing") or row["week_outlets"] < min_outlets or row["novelty_p"] > alpha:
                continue
            if row["week_articles"] >= min_week_articles:
                candidates.append(row)
        for row in sorted(candidates, key=lambda r: alert_order((r, r["day"], r["week_outlets"]))):
            day = row["day"]
            # within the cooldown, or the same day (the same alert id: stored once)
            if any(a["cluster_id"] == row["cluster_id"] and (a["day"] > day - timedelta(days=cooldown_days)
                                                             or a["day"] == day) for a in alerts):
                continue
            if max_per_week and sum(a["week"] == row["week"] for a in alerts) >= max_per_week:
                continue
            alerts.append(row)
    return alerts
