"""Forecast verdicts on the daily path: is `camps_diverge` ever supported in null worlds when every day judges the
week under way on its days so far?

    .venv/bin/python benchmarks/verdicts_daily.py [--seeds 20] [--first-seed 300] [--out verdicts_daily.json] \
        [--set significant_weeks=1]

The README's rates for the divergence hypothesis (supported by the last week in 20/20 planted worlds, never in 20/20
null worlds) were measured on whole weeks. On a schedule, each day re-evaluates the current week from its days so
far (its trailing-window index included), and a verdict change raises an alert at once. The same worlds as
benchmarks/crossing_daily.py (built if missing, reused from --workdir if kept) are replayed day by day: earlier weeks
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
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crossing_daily import WholeWeeks, judge_day, whole_weeks
from benchmarks.worlds.realworld import add_world_arguments, ingest_world_served, load_docs, plan_world

import flows  # noqa: F401  (environment defaults)
from flows.hypotheses_step import _records
from flows.settings import Settings
from models.bifurcation import BifurcationParams, BifurcationWeek
from models.hypotheses import Hypothesis, evaluate, load_hypotheses
from models.weeks import iso_week, week_start

TARGET = "camps_diverge"


def indices(w: BifurcationWeek) -> dict:
    """The shape `evaluate` reads: per week, (index, p) of both indices."""
    lab, emb = w.labels, w.embedding
    return {"labels": (lab.index if lab else None, lab.p_value if lab else None),
            "embedding": (emb.index if emb else None, emb.p_value if emb else None)}


def verdict_inputs(world: WholeWeeks) -> tuple[list, dict]:
    """The articles' label records and the whole weeks' (index, p) pairs that `evaluate` reads."""
    with world.writer.transaction() as con:
        records = _records(con)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=20, first_seed=300, workdir=Path("/tmp/radar-crossing-daily"))
    parser.add_argument("--set", action="append", default=[], metavar="KEY=NUMBER",
                        help=f"override a test parameter of {TARGET} (a candidate rule), e.g. significant_weeks=1")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
