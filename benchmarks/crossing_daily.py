"""Crossing alerts on the daily path: are they as rare in null worlds as crossings measured on whole weeks?

    .venv/bin/python benchmarks/crossing_daily.py [--seeds 10] [--first-seed 300] [--out crossing_daily.json]

A daily schedule recomputes the week under way every day, on part of its days, so an outlet can look confidently
on the other side on a Tuesday and not by Sunday; the crossing alert sent on that Tuesday stays sent. The shipped
rates (README: crossings 20/20 found, 0/20 null worlds with any) were measured on whole weeks. This benchmark
builds planted and null worlds from the SemEval-2025 T10 English articles (benchmarks/worlds/realworld.py, as
benchmarks/analytics_calibration.py does), then replays each world day by day from its stored rows: on day d the
week of d is evaluated on the rows published up to d, from the sides the earlier whole weeks left (as
`compute_bifurcation` does from `previous_sides`), and every crossing flagged counts as an alert, once per
outlet and side within 28 days (`store_crossings`). It reports, per world kind, the share of worlds with any
alert, and for planted worlds whether the only alert is the crossing outlet within 2 weeks of its crossing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.realworld import CROSSING_OUTLET, World, add_world_arguments, ingest_world_served, load_docs, plan_world, query

import flows  # noqa: F401  (environment defaults)
from flows.bifurcation_step import load_outlet_weeks
from flows.settings import Settings
from models.bifurcation import BifurcationParams, weekly_bifurcation
from models.weeks import iso_week, week_start
from warehouse.writer import Writer

COOLDOWN_DAYS = 28  # as flows.alert_step.store_crossings


@dataclass
class WholeWeeks:
    """A world's whole-week bifurcation, as the warehouse's `analyze` computes it: what a day-by-day replay starts
    from (the sides each outlet holds after each week)."""

    writer: Writer
    camps: dict
    first: date
    last: date
    weeks: list[str]
    summaries: list
    alignments: list
    state_after: dict


def whole_weeks(db: Path, params: BifurcationParams) -> WholeWeeks:
    writer = Writer(db)
    camps = dict(query(db, "SELECT source_id, camp FROM sources"))
    days = [d for (d,) in query(db, "SELECT DISTINCT day FROM passage_classifications ORDER BY day")]
    first, last = days[0], days[-1]
    weeks = sorted({iso_week(first + timedelta(days=i)) for i in range((last - first).days + 1)})
    span_start = week_start(weeks[0]) - timedelta(weeks=params.window_weeks - 1)
    summaries, alignments = weekly_bifurcation(load_outlet_weeks(writer, span_start, last), camps, weeks, params, {})
    state_after = {w: {a.source_id: (a.stable_side, a.streak) for a in alignments if a.week == w} for w in weeks}
    return WholeWeeks(writer, camps, first, last, weeks, summaries, alignments, state_after)


def judge_day(writer: Writer, camps: dict, params: BifurcationParams, weeks: list[str],
              state_after: dict[str, dict], day: date) -> tuple[list, list]:
    """The week of `day` judged on the rows published up to `day`, from the sides the earlier whole weeks left (an
    outlet keeps the state of the last week it was judged in), as `compute_bifurcation` does from `previous_sides`."""
    week = iso_week(day)
    previous: dict[str, tuple[str | None, int]] = {}
    for w in weeks[: weeks.index(week)]:
        previous.update(state_after[w])
    start = week_start(week) - timedelta(weeks=params.window_weeks - 1)
    return weekly_bifurcation(load_outlet_weeks(writer, start, day), camps, [week], params, previous)


def daily_crossings(db: Path, params: BifurcationParams) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(alerts on the daily path as (day, outlet, side), crossings of the whole-week run as (week, outlet))."""
    world = whole_weeks(db, params)
    names = dict(query(db, "SELECT source_id, name FROM sources"))
    alerts: list[tuple[str, str, str]] = []
    last_alert: dict[tuple[str, str], date] = {}
    day = world.first
    while day <= world.last:
        _, today = judge_day(world.writer, world.camps, params, world.weeks, world.state_after, day)
        for a in today:
            key = (a.source_id, a.stable_side or "")
            if a.crossed and not (key in last_alert and (day - last_alert[key]).days < COOLDOWN_DAYS):
                last_alert[key] = day
                alerts.append((day.isoformat(), names[a.source_id], a.stable_side or ""))
        day += timedelta(days=1)
    return alerts, [(a.week, names[a.source_id]) for a in world.alignments if a.crossed]


def judged(world: World, alerts: list[tuple[str, str, str]]) -> dict:
    crossing_start = world.start + timedelta(weeks=world.crossing_week)
    in_time = crossing_start + timedelta(weeks=3) - timedelta(days=1)
    right = [a for a in alerts if a[1] == CROSSING_OUTLET and a[2] == "russia_friendly"
             and crossing_start.isoformat() <= a[0] <= in_time.isoformat()]
    return {"any": bool(alerts), "only_the_crossing_in_time": bool(right) and len(alerts) == len(right)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=10, first_seed=300, workdir=Path("/tmp/radar-crossing-daily"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    docs = load_docs()
    settings = Settings(concurrency=4, fetch_allow="127.0.0.1")  # the world is served locally
    params = settings.bifurcation_params()
    worlds = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for planted in (True, False):
            world = plan_world(docs, seed, planted)
            workdir = args.workdir / f"{'planted' if planted else 'null'}-{seed}"
            db = workdir / "radar.duckdb"
            started = time.perf_counter()
            if not db.exists():  # a kept world is replayed again without rebuilding
                db = ingest_world_served(world, workdir, settings, args.cache)
            alerts, whole = daily_crossings(db, params)
            worlds.append({"seed": seed, "planted": planted, "daily_alerts": alerts, "whole_week_crossings": whole,
                           **judged(world, alerts)})
            print(f"seed {seed} {'planted' if planted else 'null'}: {len(alerts)} daily alerts, whole weeks {whole} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    planted_worlds = [w for w in worlds if w["planted"]]
    null_worlds = [w for w in worlds if not w["planted"]]
    summary = {
        "planted_worlds": len(planted_worlds), "null_worlds": len(null_worlds),
        "planted_only_the_crossing_in_time": sum(w["only_the_crossing_in_time"] for w in planted_worlds),
        "planted_with_other_alerts": sum(w["any"] and not w["only_the_crossing_in_time"] for w in planted_worlds),
        "null_worlds_with_any_daily_alert": sum(w["any"] for w in null_worlds),
        "null_worlds_with_any_whole_week_crossing": sum(bool(w["whole_week_crossings"]) for w in null_worlds),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "worlds": worlds}, indent=1, default=str))


if __name__ == "__main__":
    main()
