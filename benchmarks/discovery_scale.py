"""Incremental discovery of one new week on the 10-million-passage scale warehouse (benchmarks/analytics_scale.py).

    .venv/bin/python benchmarks/discovery_scale.py [--passages 10000000] [--db /tmp/radar-discovery-scale.duckdb]

The warehouse is analytics_scale's `build` (1,000 outlets, two years, 60% of passages labelled). Discovery needs
real-width vectors only for the weeks it reads: the reference period and the window before the new week get
384-dimension vectors (50 topics plus per-passage noise, generated in SQL), then one new week of passages is
added (the same pace, about 96,000 passages, 2% of them on a new topic) and `compute_discovery` runs for the
weeks that changed, as `analyze` would. Target: under 60 s. Prints the timings and what was found.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from analytics_scale import build

import flows  # noqa: F401  (environment defaults)
from flows.discovery_step import compute_discovery
from flows.settings import Settings
from warehouse.writer import Writer

TOPICS = 50
# A passage's vector: its topic's direction (cosines of 384 frequencies) plus uniform noise from hashes.
VECTOR = """list_transform(range(384), lambda k: CAST(
    cos(({topic}) * 0.7 + k * (0.05 + ({topic}) * 0.013)) + 1.6 * ((hash(passage_id || '/' || k) % 1000) / 1000.0 - 0.5)
    AS FLOAT))"""


def add_vectors(writer: Writer, since: date) -> int:
    """Vectors for every passage published from `since` on (the days discovery reads)."""
    with writer.transaction() as con:
        con.execute(f"""INSERT OR IGNORE INTO embeddings
                        SELECT p.text_hash, 'm', 384, {VECTOR.format(topic=f'hash(p.passage_id) % {TOPICS}')}, now()
                        FROM passage_classifications pc JOIN passages p USING (passage_id) WHERE pc.day >= ?""", [since])
        return int((con.execute("SELECT count(*) FROM embeddings").fetchone() or (0,))[0])


def add_week(writer: Writer, passages: int, monday: date) -> None:
    """One more week of classified passages with vectors; 2% on a topic no earlier passage had."""
    with writer.transaction() as con:
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT 'w' || i, 'm', 'c', now(), 'x', 's' || (hash(i) % 1000), ? + CAST(hash(i * 3) % 7 AS INTEGER),
                              'wa' || (hash('w' || i) % ?)
                       FROM range(?) t(i)""", [monday, passages // 4, passages])
        con.execute("""INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash, params_hash, article_id, source_id, day)
                       SELECT passage_id, 'n' || (hash(passage_id) % 30), 0.7, 'claim', 'm', 'c', 'x', article_id,
                              source_id, day
                       FROM passage_classifications WHERE passage_id LIKE 'w%' AND hash(passage_id || 'n') % 10 < 6""")
        con.execute("""INSERT INTO passages SELECT passage_id, article_id, 0,
                              'topic ' || (hash(passage_id) % 50) || ' words about ' || CASE WHEN hash(passage_id || 'e') % 50 = 0
                              THEN 'the new pipeline deal' ELSE 'the usual subjects' END, passage_id, 0, 1
                       FROM passage_classifications WHERE passage_id LIKE 'w%'""")
        emerging = f"CASE WHEN hash(p.passage_id || 'e') % 50 = 0 THEN {TOPICS} + 7 ELSE hash(p.passage_id) % {TOPICS} END"
        con.execute(f"""INSERT INTO embeddings SELECT p.text_hash, 'm', 384, {VECTOR.format(topic=emerging)}, now()
                        FROM passages p WHERE p.passage_id LIKE 'w%'""")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-discovery-scale.duckdb"))
    args = parser.parse_args()
    if args.db.exists():
        args.db.unlink()
    settings = Settings(db=args.db)
    start = time.perf_counter()
    writer = build(args.db, args.passages)
    built = time.perf_counter() - start
    last = date(2025, 12, 30)  # build() spreads passages over 2024-01-01 .. 2025-12-30
    new_monday = last + timedelta(days=7 - last.weekday())
    span = settings.discovery_window_weeks + settings.discovery_reference_weeks
    start = time.perf_counter()
    vectors = add_vectors(writer, new_monday - timedelta(weeks=span))
    vectored = time.perf_counter() - start
    start = time.perf_counter()
    before = compute_discovery(writer, settings, since=new_monday - timedelta(weeks=1))
    previous_weeks = time.perf_counter() - start
    per_week = args.passages * 7 // 730
    add_week(writer, per_week, new_monday)
    start = time.perf_counter()
    results = compute_discovery(writer, settings, since=new_monday)
    seconds = time.perf_counter() - start
    with writer.transaction() as con:
        weeks = con.execute("SELECT week, candidates, boilerplate, clustered, clusters FROM emerging_weeks ORDER BY week").fetchall()
        top = con.execute("SELECT cluster_id, status, size, len(outlets), label FROM emerging_clusters "
                          "ORDER BY status = 'new' DESC, size DESC LIMIT 3").fetchall()
        alerts = con.execute("SELECT min(day), count(*), count(*) FILTER (WHERE evidence->>'cluster_id' = "
                             "(SELECT cluster_id FROM emerging_clusters ORDER BY status = 'new' DESC, size DESC LIMIT 1)) "
                             "FROM alerts WHERE kind = 'emerging' GROUP BY day >= ? ORDER BY 1", [new_monday]).fetchall()
    print(json.dumps({
        "classified_passages": args.passages, "new_week_passages": per_week, "vectors": vectors,
        "build_seconds": round(built, 1), "vectors_seconds": round(vectored, 1),
        "setup_discovery_seconds": round(previous_weeks, 1), "setup_weeks": [r.week for r in before],
        "new_week": str(new_monday), "weeks_recomputed": [r.week for r in results if not r.skipped],
        "discovery_one_week_seconds": round(seconds, 1), "target_seconds": 60,
        "weeks": [list(w) for w in weeks], "largest_clusters": [list(t) for t in top],
        # (first day, emerging alerts, of them the largest new cluster's) for the setup week and the new week
        "emerging_alerts": [list(a) for a in alerts],
    }, indent=1, default=str))


if __name__ == "__main__":
    main()
