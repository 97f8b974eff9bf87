"""Emerging alerts on real-text worlds: how often they find a planted narrative, how often they fire on null worlds.

    .venv/bin/python -m benchmarks.discovery_alert_rates [--seeds 4] [--first-seed 400] [--labels 3] [--out FILE]

For each (removed label, seed), two worlds of SemEval-2025 English articles (benchmarks/worlds/discovery_world.py), both
ingested by the real `daily_ingest` with a catalogue *without* that narrative:

* *planted*: from week 3 of 6, six outlets publish every article whose gold labels carry the label;
* *null*: the same articles and outlets, the label's articles spread over all six weeks and all 16 outlets: the
  narrative is as uncatalogued, but nothing rises.

Discovery runs with the defaults, on the whole world at once, or with `--daily` as the daily path runs it (the first
two weeks at once, then one `daily_ingest` per day, each day's computation of the current week kept); the alert rule
is then replayed from the stored clusters (`emerging_cluster_weekly` with each cluster's window/reference test
`novelty_p`, `emerging_cluster_passages`) for every variant of its settings (outlets this week, `novelty_p` bar, and
with `--growth` / `--min-week-articles` the growth ratio and articles this week), with the cooldown applied as
`flows/discovery_step.py` applies it. The replay of the
default variant must reproduce the alerts the run stored (checked, `replay_matches`). An alert is a *hit* when most
of its cluster's articles in that window carry the removed label. Reported per variant: planted worlds with a hit
(and the week of the first, 3 = the first planted week), alerts that are not hits per planted world, and alerts per
null world (every one a false alarm: nothing was planted there).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.discovery_runs import (
    cluster_weeks,
    ingest_removed_world,
    mark_continued,
    removed_world_server,
    removed_worlds,
    replay,
    world_arguments,
)
from benchmarks.worlds.discovery_world import plan_emerging_world
from benchmarks.worlds.realworld import query
from flows.settings import Settings

EMERGE_WEEK = 3
MIN_OUTLETS = (2, 3, 4, 5)
ALPHAS = (1.0, 0.2, 0.1, 0.05, 0.02, 0.01)


def plan(docs, seed: int, label: str, kind: str):
    if kind == "planted":
        return plan_emerging_world(docs, seed, label, emerge_week=EMERGE_WEEK)
    return plan_emerging_world(docs, seed, label, emerge_week=0, emerging_outlets=16)


def ingest_daily(world, workdir: Path, narrative_id: str, label: str, settings: Settings, cache: Path,
                 first_daily_week: int = 2) -> tuple[Path, list[dict]]:
    """The daily path: the world up to `first_daily_week` ingested at once, then one `daily_ingest` per day; returns
    the warehouse and the current week's clusters as each day's run left them (in day order)."""
    from benchmarks.worlds.realworld import World, ingest_world

    first = world.start + timedelta(weeks=first_daily_week)
    snapshots: list[dict] = []
    with removed_world_server(workdir, narrative_id) as server:
        for offset in range(-1, (world.last_day - first).days + 1):
            day = first + timedelta(days=offset)
            upto = World(world.seed, world.planted, world.start, world.weeks, world.outlets,
                         [p for p in world.postings if p.published.date() <= day])
            server.clear()
            db = ingest_world(upto, workdir, server, settings, cache)
            if offset >= 0:
                week = day.strftime("%G-W%V")
                snapshots.extend(w | {"computed_on": day} for w in cluster_weeks(db, world, label) if w["week"] == week)
    return db, snapshots


def summarise(results: list[dict], cooldown_days: int, growths: list[float], min_week_articles: list[int],
              max_per_week: int = 0) -> list[dict]:
    table = []
    for r in results:
        mark_continued(r["weeks"])
    for min_outlets, alpha, growth, min_articles, continued in itertools.product(
            MIN_OUTLETS, ALPHAS, growths, min_week_articles, (False, True)):
        planted = [r for r in results if r["kind"] == "planted"]
        null = [r for r in results if r["kind"] == "null"]
        found, first_weeks, other, hit_alerts = 0, [], 0, 0
        for r in planted:
            alerts = replay(r["weeks"], min_outlets, growth, min_articles, cooldown_days, alpha, continued, max_per_week)
            hits = [a for a in alerts if a["purity"] > 0.5]
            found += bool(hits)
            if hits:
                first_weeks.append(min(a["week_index"] for a in hits))
            other += len(alerts) - len(hits)
            hit_alerts += len(hits)
        null_alerts = [len(replay(r["weeks"], min_outlets, growth, min_articles, cooldown_days, alpha, continued,
                                  max_per_week)) for r in null]
        table.append({"min_outlets": min_outlets, "alpha": alpha, "continued": continued, "growth": growth,
                      "min_week_articles": min_articles,
                      "planted_found": f"{found}/{len(planted)}",
                      "planted_alert_precision": round(hit_alerts / max(hit_alerts + other, 1), 2),
                      "first_hit_weeks": sorted(first_weeks),
                      "planted_other_alerts_per_world": round(other / max(len(planted), 1), 2),
                      "null_alerts_per_world": round(sum(null_alerts) / max(len(null), 1), 2),
                      "null_worlds_with_alert": f"{sum(n > 0 for n in null_alerts)}/{len(null)}"})
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    world_arguments(parser, 4, 400, Path("/tmp/radar-alert-rates"))
    parser.add_argument("--kinds", nargs="+", default=["planted", "null"], choices=["planted", "null"])
    parser.add_argument("--replay", nargs="*", type=Path,
                        help="only replay the rule on the results files given (from --out), no ingest")
    parser.add_argument("--daily", action="store_true",
                        help="ingest day by day from week 2 (the daily path) instead of all at once")
    parser.add_argument("--growth", nargs="+", type=float, default=[1.5], help="growth ratios replayed")
    parser.add_argument("--min-week-articles", nargs="+", type=int, default=[1], help="articles this week replayed")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    settings = Settings()
    if args.replay:
        results = [r for f in args.replay for r in json.loads(f.read_text())["results"]]
        for r in results:
            for w in r["weeks"]:
                w["day"] = date.fromisoformat(w["day"])
                if "computed_on" in w:
                    w["computed_on"] = date.fromisoformat(w["computed_on"])
        print(json.dumps(summarise(results, settings.discovery_alert_cooldown_days, args.growth,
                                   args.min_week_articles, settings.discovery_alert_max_per_week), indent=1))
        return
    results = []
    for docs, label, narrative_id, seed in removed_worlds(args):
        for kind in args.kinds:
            started = time.perf_counter()
            workdir = args.work / f"{kind}-{narrative_id}-{seed}"
            world = plan(docs, seed, label, kind)
            run = Settings(concurrency=4, fetch_retries=0, fetch_allow="127.0.0.1", narratives=workdir / "narratives.yaml")
            if args.daily:
                db, weeks = ingest_daily(world, workdir, narrative_id, label, run, args.cache)
            else:
                db = ingest_removed_world(world, workdir, narrative_id, run, args.cache)
                weeks = cluster_weeks(db, world, label)
            stored = sorted(c for (c,) in query(db, "SELECT narrative_id FROM alerts WHERE kind = 'emerging'"))
            mark_continued(weeks)
            replayed = sorted(f"emerging:{a['cluster_id']}" for a in replay(
                weeks, run.discovery_alert_min_outlets, run.discovery_growth_ratio, 1,
                run.discovery_alert_cooldown_days, run.discovery_alert_alpha, run.discovery_alert_continued,
                run.discovery_alert_max_per_week))
            row = {"label": label, "seed": seed, "kind": kind, "daily": args.daily, "articles": len(world.postings),
                   "clusters": len({w["cluster_id"] for w in weeks}), "alerts": len(stored),
                   "replay_matches": stored == replayed, "seconds": round(time.perf_counter() - started, 1)}
            print(json.dumps(row), flush=True)
            results.append(row | {"weeks": weeks})
    table = summarise(results, settings.discovery_alert_cooldown_days, args.growth, args.min_week_articles,
                      settings.discovery_alert_max_per_week)
    print(json.dumps(table, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"results": results, "table": table}, indent=1, default=str))


if __name__ == "__main__":
    main()
