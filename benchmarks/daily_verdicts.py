"""Outlet crossings and hypothesis verdicts on the daily path against whole weeks, on real-text worlds.

``crossings``: Crossing alerts on the daily path: are they as rare in null worlds as crossings measured on whole weeks?

    .venv/bin/python -m benchmarks.daily_verdicts crossings [--seeds 10] [--first-seed 300] [--out crossing_daily.json]

A daily schedule recomputes the week under way every day, on part of its days, so an outlet can look confidently
on the other side on a Tuesday and not by Sunday; the crossing alert sent on that Tuesday stays sent. The shipped
rates (README: crossings 20/20 found, 0/20 null worlds with any) were measured on whole weeks. This benchmark
builds planted and null worlds from the SemEval-2025 T10 English articles (benchmarks/worlds/realworld.py, as
benchmarks/analytics_calibration.py does), then replays each world day by day from its stored rows: on day d the
week of d is evaluated on the rows published up to d, from the sides the earlier whole weeks left (as
`compute_bifurcation` does from `previous_sides`), and every crossing flagged counts as an alert, once per
outlet and side within 28 days (`store_crossings`). It reports, per world kind, the share of worlds with any
alert, and for planted worlds whether the only alert is the crossing outlet within 2 weeks of its crossing.

``verdicts``: Forecast verdicts on the daily path: is `camps_diverge` ever supported in null worlds when every day judges the
week under way on its days so far?

    .venv/bin/python -m benchmarks.daily_verdicts verdicts [--seeds 20] [--first-seed 300] [--out verdicts_daily.json] [--set significant_weeks=1]

The README's rates for the divergence hypothesis (supported by the last week in 20/20 planted worlds, never in 20/20
null worlds) were measured on whole weeks. On a schedule, each day re-evaluates the current week from its days so
far (its trailing-window index included), and a verdict change raises an alert at once. The same worlds as
benchmarks/daily_verdicts.py crossings (built if missing, reused from --workdir if kept) are replayed day by day: earlier weeks
keep their whole-week indices, the current week gets the index of its days so far (`weekly_bifurcation` on the rows
published up to that day), and every hypothesis of config/hypotheses.yaml but the `sql` ones is evaluated on the
articles published up to that day. Reported: null worlds in which `camps_diverge` is ever `supported` (whole weeks
against daily), planted worlds supported on the last day, and the verdict-change alerts per world (one per
hypothesis, verdict and week, as `store_verdict_changes` keeps them) on both paths, and for planted worlds how many
days before the end of the first supporting whole week the daily path first supports `camps_diverge` (what judging
hypotheses only on whole weeks would cost).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.realworld import (
    CROSSING_OUTLET,
    World,
    add_world_arguments,
    ingest_world_served,
    load_docs,
    plan_world,
    query,
)
from flows.bifurcation_step import load_outlet_weeks
from flows.hypotheses_step import article_records
from flows.settings import Settings
from models.bifurcation import BifurcationParams, BifurcationWeek, weekly_bifurcation
from models.hypotheses import Hypothesis, evaluate, load_hypotheses
from models.weeks import iso_week, week_start
from warehouse.writer import Writer

# --- crossings -------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]



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


def crossings_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=10, first_seed=300, workdir=Path("/tmp/radar-crossing-daily"))
    args = parser.parse_args(argv)
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


# --- verdicts --------------------------------------------------------------------------------------------



TARGET = "camps_diverge"


def indices(w: BifurcationWeek) -> dict:
    """The shape `evaluate` reads: per week, (index, p) of both indices."""
    lab, emb = w.labels, w.embedding
    return {"labels": (lab.index if lab else None, lab.p_value if lab else None),
            "embedding": (emb.index if emb else None, emb.p_value if emb else None)}


def verdict_inputs(world: WholeWeeks) -> tuple[list, dict]:
    """The articles' label records and the whole weeks' (index, p) pairs that `evaluate` reads."""
    with world.writer.transaction() as con:
        records = article_records(con)
    return records, {s.week: indices(s) for s in world.summaries}


def with_test_params(hypotheses: list[Hypothesis], overrides: dict) -> list[Hypothesis]:
    """The hypotheses with TARGET's test parameters overridden (a candidate rule)."""
    return [replace(h, params={**h.params, **overrides}) if h.id == TARGET else h for h in hypotheses]


def replay(db: Path, params: BifurcationParams, hypotheses: list) -> dict:
    """Verdicts per (hypothesis, week) on whole weeks, and the daily path's verdicts and alerts."""
    world = whole_weeks(db, params)
    records, whole_div = verdict_inputs(world)
    writer, camps, weeks, first, last, state_after = (world.writer, world.camps, world.weeks, world.first, world.last,
                                                      world.state_after)
    whole = {(h.id, w): evaluate(h, w, records, whole_div).verdict for h in hypotheses for w in weeks}

    def changes(verdicts: dict) -> set[tuple[str, str, str]]:
        out = set()
        for h in hypotheses:
            for i, w in enumerate(weeks[1:], start=1):
                if verdicts.get((h.id, w)) and verdicts[(h.id, w)] != whole[(h.id, weeks[i - 1])]:
                    out.add((h.id, w, verdicts[(h.id, w)]))
        return out

    daily_alerts: set[tuple[str, str, str]] = set()
    supported_days: list[str] = []
    last_verdict = None
    day = first
    while day <= last:
        week = iso_week(day)
        today, _ = judge_day(writer, camps, params, weeks, state_after, day)
        div = {w: v for w, v in whole_div.items() if w < week}
        if today:
            div[week] = indices(today[0])
        seen = [r for r in records if r.day <= day]
        verdicts = {(h.id, week): evaluate(h, week, seen, div).verdict for h in hypotheses}
        daily_alerts |= changes(verdicts)
        if verdicts.get((TARGET, week)) == "supported":
            supported_days.append(day.isoformat())
        last_verdict = verdicts.get((TARGET, week))
        day += timedelta(days=1)
    return {"whole_supported_weeks": [w for w in weeks if whole.get((TARGET, w)) == "supported"],
            "whole_last_week": whole.get((TARGET, weeks[-1])), "daily_supported_days": supported_days,
            "daily_last_day": last_verdict, "whole_alerts": len(changes(whole)), "daily_alerts": len(daily_alerts)}


def days_ahead(world: dict) -> int | None:
    """Days from the first day the daily path supports TARGET to the end (Sunday) of the first whole week that
    supports it, when whole weeks are judged only once they are over; None when either never does."""
    if not world["whole_supported_weeks"] or not world["daily_supported_days"]:
        return None
    whole_known = week_start(world["whole_supported_weeks"][0]) + timedelta(days=6)
    return (whole_known - date.fromisoformat(world["daily_supported_days"][0])).days


def verdicts_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=20, first_seed=300, workdir=Path("/tmp/radar-crossing-daily"))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=NUMBER",
                        help=f"override a test parameter of {TARGET} (a candidate rule), e.g. significant_weeks=1")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    docs = load_docs()
    settings = Settings(concurrency=4, fetch_allow="127.0.0.1")  # the world is served locally
    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    hypotheses = with_test_params([h for h in load_hypotheses(settings.hypotheses, settings.analysis_window_weeks)
                                   if h.template != "sql"], overrides)
    worlds = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for planted in (True, False):
            workdir = args.workdir / f"{'planted' if planted else 'null'}-{seed}"
            db = workdir / "radar.duckdb"
            started = time.perf_counter()
            if not db.exists():
                db = ingest_world_served(plan_world(docs, seed, planted), workdir, settings, args.cache)
            result = {"seed": seed, "planted": planted, **replay(db, settings.bifurcation_params(), hypotheses)}
            worlds.append(result)
            print(f"seed {seed} {'planted' if planted else 'null'}: whole {result['whole_supported_weeks']} daily "
                  f"{len(result['daily_supported_days'])} supported days, alerts {result['whole_alerts']} whole / "
                  f"{result['daily_alerts']} daily ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    planted_worlds = [w for w in worlds if w["planted"]]
    null_worlds = [w for w in worlds if not w["planted"]]
    summary = {
        "planted_worlds": len(planted_worlds), "null_worlds": len(null_worlds),
        "planted_supported_last_week_whole": sum(w["whole_last_week"] == "supported" for w in planted_worlds),
        "planted_supported_last_day_daily": sum(w["daily_last_day"] == "supported" for w in planted_worlds),
        "planted_daily_days_ahead_of_whole": sorted(Counter(days_ahead(w) for w in planted_worlds).items(),
                                                    key=lambda kv: (kv[0] is None, kv[0] or 0)),
        "null_ever_supported_whole": sum(bool(w["whole_supported_weeks"]) for w in null_worlds),
        "null_ever_supported_daily": sum(bool(w["daily_supported_days"]) for w in null_worlds),
        "verdict_alerts_per_world_whole": sum(w["whole_alerts"] for w in worlds) / max(len(worlds), 1),
        "verdict_alerts_per_world_daily": sum(w["daily_alerts"] for w in worlds) / max(len(worlds), 1),
    }
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "worlds": worlds}, indent=1, default=str))


COMMANDS = {"crossings": crossings_main, "verdicts": verdicts_main}


def main(argv: list[str] | None = None) -> None:
    """Run one subcommand: crossings, verdicts."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit("usage: python -m benchmarks.daily_verdicts {crossings,verdicts} [options]")
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
