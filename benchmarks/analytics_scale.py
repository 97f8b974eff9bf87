"""Trend views and `analyze` on a synthetic warehouse of 10 million classified passages (1,000 outlets, 2 years).

Passages belong to articles of 4 passages; outlets carry daily vector sums (384 dimensions) for the last 60 days,
and the new day's passages carry real-width vectors, so the incremental bifurcation runs its embedding index and
both permutation nulls as a daily run would.

    .venv/bin/python benchmarks/analytics_scale.py [--passages 10000000] [--db /tmp/scale.duckdb]

Prints, from one run: the time of `SELECT * FROM narrative_daily` next to a bare
`GROUP BY day, narrative_id` over the same label table (target: within 1.5x, under 1 s), and of the
incremental `analyze` (rollups, spikes, bifurcation) after one new day (target: under 10 s).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from flows.alert_step import detect_and_store
from flows.bifurcation_step import compute_bifurcation
from flows.rollup_step import first_changed_day, mark_analyzed, refresh_rollups
from flows.settings import Settings
from warehouse.writer import Writer

CAMPS = ["russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream"]


def build(db: Path, passages: int) -> Writer:
    """Synthetic labels: 60% of passages carry one of 30 narratives; days and outlets uniform."""
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("""INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) SELECT 's' || i, 'Outlet ' || i, 'http://127.0.0.1/' || i,
                       ?[CAST(1 + i % 5 AS BIGINT)], 'en', 'http://127.0.0.1/' FROM range(1000) t(i)""", [CAMPS])
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT 'p' || i, 'm', 'c', now(), 'x', 's' || (hash(i) % 1000),
                              DATE '2024-01-01' + CAST(hash(i * 7) % 730 AS INTEGER), 'a' || (hash('p' || i) % (? / 4))
                       FROM range(?) t(i)""", [passages, passages])
        con.execute("""INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day)
                       SELECT passage_id, 'n' || (hash(passage_id) % 30), 0.5 + (hash(passage_id) % 50) / 100.0,
                              ['claim', 'rebuttal', 'mention'][CAST(1 + hash(passage_id || 's') % 3 AS BIGINT)], 'm', 'c', 'x',
                              'a' || (hash(passage_id) % (? / 4)), source_id, day
                       FROM passage_classifications WHERE hash(passage_id || 'n') % 10 < 6""", [passages])
        con.execute("""INSERT INTO passages SELECT passage_id, 'a' || (hash(passage_id) % (? / 4)), 0, 'x', passage_id, 0, 1
                       FROM passage_classifications""", [passages])
        con.execute("""INSERT INTO outlet_day_vectors
                       SELECT 's' || o, DATE '2025-12-30' - CAST(d AS INTEGER), 'm', 4,
                              list_transform(range(384), lambda k: CAST(sin(o * 7 + k * 13 + d) AS FLOAT))
                       FROM range(1000) a(o), range(60) b(d)""")
    return writer


def timed(con, sql: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        best = min(best, time.perf_counter() - start)
    return best


def add_day(writer: Writer, passages: int, day: str) -> None:
    """One more day of classified passages, as a daily run would add."""
    with writer.transaction() as con:
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT 'new' || i, 'm', 'c', now(), 'x', 's' || (hash(i) % 1000), ?::DATE,
                              'new' || (hash('new' || i) % 3000)
                       FROM range(?) t(i)""", [day, passages])
        con.execute("""INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day)
                       SELECT passage_id, 'n' || (hash(passage_id) % 30), 0.7, 'claim', 'm', 'c', 'x',
                              'new' || (hash(passage_id) % 3000), source_id, day
                       FROM passage_classifications WHERE passage_id LIKE 'new%' AND hash(passage_id || 'n') % 10 < 6""")
        con.execute("""INSERT INTO passages SELECT passage_id, 'new' || (hash(passage_id) % 3000), 0, 'x', passage_id, 0, 1
                       FROM passage_classifications WHERE passage_id LIKE 'new%'""")
        con.execute("""INSERT INTO embeddings SELECT passage_id, 'm', 384,
                              list_transform(range(384), lambda k: CAST(cos(hash(passage_id) % 97 + k) AS FLOAT)), now()
                       FROM passage_classifications WHERE passage_id LIKE 'new%'""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-scale.duckdb"))
    args = parser.parse_args()
    if args.db.exists():
        args.db.unlink()
    start = time.perf_counter()
    writer = build(args.db, args.passages)
    built = time.perf_counter() - start
    start = time.perf_counter()
    refresh_rollups(writer, date(2024, 1, 1))
    rollups_full = time.perf_counter() - start
    with writer.transaction() as con:
        labels = con.execute("SELECT count(*) FROM passage_narratives").fetchone()[0]
        view = timed(con, "SELECT * FROM narrative_daily")
        bare = timed(con, "SELECT day, narrative_id, count(*) FROM passage_narratives GROUP BY day, narrative_id")
    mark_analyzed(writer, datetime.now(UTC))

    add_day(writer, args.passages // 730, "2025-12-31")
    settings = Settings()
    start = time.perf_counter()
    since = first_changed_day(writer)
    refresh_rollups(writer, since)
    rollups = time.perf_counter() - start
    start = time.perf_counter()
    detect_and_store(writer, settings.spike_params(), since=since)
    spikes = time.perf_counter() - start
    start = time.perf_counter()
    compute_bifurcation(writer, settings.bifurcation_params(), since=since)
    bifurcation = time.perf_counter() - start
    print(json.dumps({
        "classified_passages": args.passages, "labels": labels, "build_seconds": round(built, 1),
        "rollups_full_build_seconds": round(rollups_full, 1),
        "narrative_daily_seconds": round(view, 3), "bare_group_by_seconds": round(bare, 3),
        "view_to_bare_ratio": round(view / bare, 2),
        "new_day": str(since),
        "analyze_one_day_seconds": round(rollups + spikes + bifurcation, 1),
        "of_which_rollups": round(rollups, 1), "spikes": round(spikes, 1), "bifurcation": round(bifurcation, 1),
    }, indent=1))


if __name__ == "__main__":
    main()
