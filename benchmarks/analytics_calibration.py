"""Detection and false-alarm rates of the analytics on worlds of real news text, over many seeds.

    .venv/bin/python -m benchmarks.analytics_calibration [--seeds 20] [--first-seed 100] [--out calibration.json]

Each seed builds a *planted* and a *null* world from the SemEval-2025 T10 English articles (benchmarks/worlds/realworld.py:
16 outlets at 1-2 articles a week, 10 weeks; planted: the camps diverge from week 4, one outlet crosses in week
6, ten war-fear articles on the last day), serves it on 127.0.0.1 and runs the real `daily_ingest` (classify and
analyze included) into its own DuckDB file. Vectors are shared through --cache so only the first world encodes.
Then, from the stored labels and vectors, it measures for a grid of thresholds:

* spikes: share of null worlds with any alert, share of planted worlds alerting on the spike day for the
  planted narrative (all camps), per `spike_alpha`;
* bifurcation: share of planted worlds whose last 3 weeks are above the null's 95th percentile while the first
  3 are not, share of null weeks above it (label and embedding index);
* crossings: share of planted worlds reporting the crossing outlet within 2 weeks and no other outlet, share of
  null worlds with any crossing, per `min_margin`;
* the divergence hypothesis: supported by the last week (planted), ever supported (null).

The defaults in flows/settings.py were chosen from these rates on seeds 100-119; the test suite checks seeds 0-2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.realworld import (
    CROSSING_OUTLET,
    SPIKE_NARRATIVE,
    World,
    add_world_arguments,
    ingest_world_served,
    load_docs,
    plan_world,
    query,
)
from flows.alert_step import load_series
from flows.bifurcation_step import compute_bifurcation
from flows.settings import Settings
from models.spikes import detect_spikes
from warehouse.writer import Writer

ALPHAS = (0.1, 0.05, 0.01, 0.001)
MARGINS = (0.05, 0.1, 0.15, 0.2, 0.25)


def spike_candidates(writer: Writer, settings: Settings) -> tuple[list[tuple[str, str, str, float]], int]:
    """Every (camp, narrative, day, p) that passes all guards but the p-value threshold; and the number of series."""
    params = replace(settings.spike_params(), alpha=1.0 - 1e-12, cooldown_days=0)
    series = load_series(writer)
    out = []
    for (camp, narrative_id), points in series.items():
        for spike in detect_spikes(points, params, n_series=1):
            out.append((camp, narrative_id, spike.day.isoformat(), spike.p_value))
    return out, len(series)


def bifurcation_rows(db: Path) -> list[tuple]:
    return query(db, "SELECT week, divergence, null_p95, p_value, embedding_index, embedding_null_p95, "
                    "embedding_p_value FROM bifurcation_weekly ORDER BY week")


def crossings(db: Path) -> list[tuple]:
    return query(db, "SELECT o.week, s.name FROM outlet_alignment_weekly o JOIN sources s USING (source_id) "
                    "WHERE o.crossed ORDER BY o.week")


def verdicts(db: Path, hypothesis: str) -> list[tuple]:
    return query(db, "SELECT week, verdict FROM hypothesis_weekly WHERE hypothesis_id = ? ORDER BY week", [hypothesis])


def measure(world: World, db: Path, settings: Settings) -> dict:
    """Raw statistics of one ingested world, for every threshold of the grids."""
    writer = Writer(db)
    candidates, n_series = spike_candidates(writer, settings)
    by_margin = {}
    for margin in MARGINS:
        params = replace(settings.bifurcation_params(), min_margin=margin)
        with writer.transaction() as con:
            con.execute("DELETE FROM outlet_alignment_weekly")
        compute_bifurcation(writer, params)
        by_margin[str(margin)] = crossings(db)
    compute_bifurcation(writer, settings.bifurcation_params())  # leave the defaults' rows in place
    return {
        "seed": world.seed, "planted": world.planted, "spike_day": world.spike_day and world.spike_day.isoformat(),
        "event_week": world.iso_week(world.event_week), "crossing_week": world.iso_week(world.crossing_week),
        "weeks": [world.iso_week(i) for i in range(world.weeks)], "n_series": n_series,
        "spike_candidates": candidates, "bifurcation": bifurcation_rows(db), "crossings": by_margin,
        "camps_diverge": verdicts(db, "camps_diverge"),
    }


def summarise(worlds: list[dict]) -> dict:
    planted = [w for w in worlds if w["planted"]]
    null = [w for w in worlds if not w["planted"]]
    out: dict = {"planted_worlds": len(planted), "null_worlds": len(null)}
    for alpha in ALPHAS:
        def fires(w: dict, alpha: float = alpha) -> list[tuple]:
            return [c for c in w["spike_candidates"] if c[3] <= alpha / w["n_series"]]
        out[f"spike_alpha_{alpha}"] = {
            "null_worlds_with_any_alert": sum(bool(fires(w)) for w in null) / max(len(null), 1),
            "planted_spike_detected": sum(any(c[0] == "*" and c[1] == SPIKE_NARRATIVE and c[2] == w["spike_day"]
                                              for c in fires(w)) for w in planted) / max(len(planted), 1),
            "planted_worlds_with_other_alerts": sum(any(c[2] != w["spike_day"] for c in fires(w))
                                                    for w in planted) / max(len(planted), 1),
        }
    for name, (ix, p95) in {"label": (1, 2), "embedding": (4, 5)}.items():
        def above(row: tuple, ix: int = ix, p95: int = p95) -> bool:
            return row[ix] is not None and row[ix] > row[p95]

        def planted_ok(w: dict) -> bool:
            rows = {r[0]: r for r in w["bifurcation"]}
            first = [rows[k] for k in w["weeks"][:3] if k in rows]
            last = [rows[k] for k in w["weeks"][-3:] if k in rows]
            return len(last) == 3 and all(above(r) for r in last) and not any(above(r) for r in first)

        null_rows = [r for w in null for r in w["bifurcation"] if r[ix] is not None]
        out[f"{name}_index"] = {
            "planted_last3_above_first3_not": sum(planted_ok(w) for w in planted) / max(len(planted), 1),
            "null_weeks_above_p95": sum(above(r) for r in null_rows) / max(len(null_rows), 1),
        }
    for margin in MARGINS:
        def right(w: dict, margin: float = margin) -> bool:
            found = w["crossings"][str(margin)]
            weeks = w["weeks"]
            ok_weeks = weeks[weeks.index(w["crossing_week"]): weeks.index(w["crossing_week"]) + 3]
            return [n for _, n in found] == [CROSSING_OUTLET] and found[0][0] in ok_weeks
        out[f"crossing_margin_{margin}"] = {
            "planted_right_outlet_in_time_and_no_other": sum(right(w) for w in planted) / max(len(planted), 1),
            "null_worlds_with_any_crossing": sum(bool(w["crossings"][str(margin)]) for w in null) / max(len(null), 1),
        }
    out["camps_diverge_hypothesis"] = {
        "planted_supported_last_week": sum(w["camps_diverge"][-1][1] == "supported" for w in planted if w["camps_diverge"])
        / max(len(planted), 1),
        "null_ever_supported": sum(any(v == "supported" for _, v in w["camps_diverge"]) for w in null) / max(len(null), 1),
    }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_world_arguments(parser, seeds=20, first_seed=100, workdir=Path("/tmp/radar-calibration"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    docs = load_docs()
    settings = Settings(concurrency=4, fetch_allow="127.0.0.1")  # the world is served locally
    results = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for planted in (True, False):
            world = plan_world(docs, seed, planted)
            workdir = args.workdir / f"{'planted' if planted else 'null'}-{seed}"
            if (workdir / "radar.duckdb").exists():
                (workdir / "radar.duckdb").unlink()
            started = time.perf_counter()
            db = ingest_world_served(world, workdir, settings, args.cache)
            results.append(measure(world, db, settings))
            print(f"seed {seed} {'planted' if planted else 'null'}: {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
    summary = summarise(results)
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "worlds": results}, indent=1, default=str))


if __name__ == "__main__":
    main()
