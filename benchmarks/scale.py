"""Timings on synthetic warehouses of 10 million classified passages (1,000 outlets, two years): the analytics, discovery and reuse detection for one new day or week.

``analytics``: Trend views and `analyze` on a synthetic warehouse of 10 million classified passages (1,000 outlets, 2 years).

Passages belong to articles of 4 passages; outlets carry daily vector sums (384 dimensions) for the last 60 days,
and the new day's passages carry real-width vectors, so the incremental bifurcation runs its embedding index and
both permutation nulls as a daily run would.

    .venv/bin/python -m benchmarks.scale analytics [--passages 10000000] [--db /tmp/scale.duckdb]

Prints, from one run: the time of `SELECT * FROM narrative_daily` next to a bare
`GROUP BY day, narrative_id` over the same label table (target: within 1.5x, under 1 s), and of the
incremental `analyze` (rollups, spikes, bifurcation) after one new day (target: under 10 s).

``discovery``: Incremental discovery of one new week on the 10-million-passage scale warehouse (the analytics subcommand).

    .venv/bin/python -m benchmarks.scale discovery [--passages 10000000] [--db /tmp/radar-discovery-scale.duckdb]

The warehouse is the analytics subcommand's `build` (1,000 outlets, two years, 60% of passages labelled). Discovery needs
real-width vectors only for the weeks it reads: the reference period and the window before the new week get
384-dimension vectors (50 topics plus per-passage noise, generated in SQL), then one new week of passages is
added (the same pace, about 96,000 passages, 2% of them on a new topic) and `compute_discovery` runs for the
weeks that changed, as `analyze` would. Target: under 60 s. Prints the timings and what was found.

``reuse``: Reuse detection for one new day on a synthetic warehouse of 10 million passages (1,000 outlets, two years).

2.5 M articles of 4 passages, evenly spread over 730 days; the passages of the last `--window-days` days carry
text (60 words from a 5,000-word vocabulary) and real-width vectors (384 dimensions, 200 topic directions plus
noise, so same-topic passages sit near cosine 0.7 as news passages do); older passages are stored without
vectors (only the window is ever loaded). Every old article is already in `reuse_checked`. The new day adds
10 M / 730 passages, 1% of them verbatim copies of window passages from other outlets and 1% light edits (one
word of the 60 changed, the vector nudged).

    .venv/bin/python -m benchmarks.scale reuse [--passages 10000000] [--db /tmp/radar-reuse-scale.duckdb]

Prints, from one run: the time of `detect_reuse` for the new day (target: 30 s), how many new passages and
window passages it compared, and how many of the planted copies and edits it found (the inverted-file index
trades a little recall for speed beyond 50 M pairs; verbatim copies are matched by text as well).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from flows.alert_step import detect_and_store
from flows.bifurcation_step import compute_bifurcation
from flows.discovery_step import compute_discovery
from flows.reuse_step import detect_reuse
from flows.rollup_step import first_changed_day, mark_analyzed, refresh_rollups
from flows.settings import Settings
from warehouse.writer import Writer

# --- analytics -------------------------------------------------------------------------------------------

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


def analytics_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-scale.duckdb"))
    args = parser.parse_args(argv)
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


# --- discovery -------------------------------------------------------------------------------------------

TOPICS = 50
# A passage's vector: its topic's direction (cosines of 384 frequencies) plus uniform noise from hashes.
TOPIC_VECTOR = """list_transform(range(384), lambda k: CAST(
    cos(({topic}) * 0.7 + k * (0.05 + ({topic}) * 0.013)) + 1.6 * ((hash(passage_id || '/' || k) % 1000) / 1000.0 - 0.5)
    AS FLOAT))"""


def add_vectors(writer: Writer, since: date) -> int:
    """Vectors for every passage published from `since` on (the days discovery reads)."""
    with writer.transaction() as con:
        con.execute(f"""INSERT OR IGNORE INTO embeddings
                        SELECT p.text_hash, 'm', 384, {TOPIC_VECTOR.format(topic=f'hash(p.passage_id) % {TOPICS}')}, now()
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
        con.execute(f"""INSERT INTO embeddings SELECT p.text_hash, 'm', 384, {TOPIC_VECTOR.format(topic=emerging)}, now()
                        FROM passages p WHERE p.passage_id LIKE 'w%'""")


def discovery_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-discovery-scale.duckdb"))
    args = parser.parse_args(argv)
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


# --- reuse -----------------------------------------------------------------------------------------------

REUSE_CAMPS = ["russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream"]
TIERS = ["state", "alt", "mainstream"]
DAYS = 730
WORDS = "array_to_string(list_transform(range(60), lambda k: 'w' || (hash({seed}::BIGINT * 61 + k) % 5000)), ' ')"
REUSE_VECTOR = ("list_transform(range(384), lambda k: CAST(sin((hash({seed}) % 200) * 7 + k * 13) "
          "+ 0.8 * ((hash({seed} * 384 + k) % 2001) / 1000.0 - 1.0) AS FLOAT))")


def build_reuse(db: Path, passages: int, window_days: int) -> tuple[Writer, int]:
    """The warehouse before the new day; returns the writer and the first article index of the window."""
    writer = Writer(db)
    articles = passages // 4
    first_window = articles - articles * window_days // DAYS
    with writer.transaction() as con:
        con.execute("""INSERT INTO sources (source_id, name, feed_url, camp, language, homepage, tier)
                       SELECT 's' || i, 'Outlet ' || i, 'http://127.0.0.1/' || i, ?[CAST(1 + i % 5 AS BIGINT)], 'en',
                              'http://127.0.0.1/', ?[CAST(1 + i % 3 AS BIGINT)] FROM range(1000) t(i)""", [REUSE_CAMPS, TIERS])
        con.execute("""INSERT INTO articles (article_id, source_id, url, published_at, date_source, fetched_at, status, text)
                       SELECT 'a' || i, 's' || (hash(i) % 1000), 'http://127.0.0.1/a/' || i,
                              TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_microseconds(CAST(i * (? * 86400e6 / ?) AS BIGINT)),
                              'page', TIMESTAMPTZ '2024-01-01 01:00:00+00'
                                      + to_microseconds(CAST(i * (? * 86400e6 / ?) AS BIGINT)), 'ok', ''
                       FROM range(?) t(i)""", [DAYS, articles, DAYS, articles, articles])
        con.execute(f"""INSERT INTO passages
                        SELECT 'p' || j, 'a' || (j // 4), j % 4,
                               CASE WHEN j // 4 >= ? THEN {WORDS.format(seed='j')} ELSE 'x' END, 'h' || j, 0, 1
                        FROM range(?) t(j)""", [first_window, articles * 4])
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT p.passage_id, 'm', 'c', TIMESTAMPTZ '2025-12-31 00:00:00+00', 'x', a.source_id,
                              CAST(timezone('UTC', a.published_at) AS DATE), a.article_id
                       FROM passages p JOIN articles a USING (article_id)""")
        con.execute(f"""INSERT INTO embeddings (text_hash, model_id, dim, vector)
                        SELECT 'h' || j, 'm', 384, {REUSE_VECTOR.format(seed='j')}
                        FROM range(?, ?) t(j)""", [first_window * 4, articles * 4])
        con.execute("INSERT INTO reuse_checked SELECT article_id, now() FROM articles")
    return writer, first_window


def add_reuse_day(writer: Writer, passages: int, first_window: int, total: int) -> tuple[int, int]:
    """The new day's articles: 1% verbatim copies of window passages, 1% light edits; returns (copies, edits)."""
    new_articles = max(passages // 4, 1)
    n = new_articles * 4
    copies = edits = n // 100
    window = total * 4 - first_window * 4
    with writer.transaction() as con:
        con.execute("""INSERT INTO articles (article_id, source_id, url, published_at, date_source, fetched_at, status, text)
                       SELECT 'new' || i, 's' || (hash('new' || i) % 1000), 'http://127.0.0.1/new/' || i,
                              TIMESTAMPTZ '2025-12-31 00:00:00+00' + to_microseconds(CAST(i * (86400e6 / ?) AS BIGINT)),
                              'page', now(), 'ok', ''
                       FROM range(?) t(i)""", [new_articles, new_articles])
        # k < copies: copy of window passage src; copies <= k < copies + edits: an edit of one; the rest: fresh
        con.execute("""CREATE TEMP TABLE plan AS
                        SELECT k, 'newp' || k AS passage_id, 'new' || (k // 4) AS article_id,
                               CASE WHEN k < ? + ? THEN ? + hash(k * 7919) % ? END AS src
                        FROM range(?) t(k)""", [copies, edits, first_window * 4, window, n])
        con.execute(f"""INSERT INTO passages
                        SELECT pl.passage_id, pl.article_id, pl.k % 4,
                               CASE WHEN pl.k < ? THEN o.text
                                    WHEN pl.k < ? + ? THEN array_to_string(list_transform(string_split(o.text, ' '),
                                         lambda w, i: CASE WHEN i = 30 THEN 'edit' || i ELSE w END), ' ')
                                    ELSE {WORDS.format(seed='(pl.k + 100000000)::BIGINT')} END,
                               CASE WHEN pl.k < ? THEN o.text_hash ELSE 'hn' || pl.k END, 0, 1
                        FROM plan pl LEFT JOIN passages o ON o.passage_id = 'p' || pl.src""",
                    [copies, copies, edits, copies])
        con.execute(f"""INSERT INTO embeddings (text_hash, model_id, dim, vector)
                        SELECT 'hn' || pl.k, 'm', 384,
                               CASE WHEN pl.k < ? + ? THEN list_transform(e.vector, lambda x, i: CAST(x + 0.02 *
                                    ((hash(pl.k * 384 + i) % 2001) / 1000.0 - 1.0) AS FLOAT))
                                    ELSE {REUSE_VECTOR.format(seed='(pl.k + 100000000)::BIGINT')} END
                        FROM plan pl LEFT JOIN embeddings e ON e.text_hash = 'h' || pl.src
                        WHERE pl.k >= ?""", [copies, edits, copies])
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT p.passage_id, 'm', 'c', now(), 'x', a.source_id, CAST(timezone('UTC', a.published_at) AS DATE),
                              a.article_id
                       FROM passages p JOIN articles a USING (article_id) WHERE a.article_id LIKE 'new%'""")
    return copies, edits


def reuse_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-reuse-scale.duckdb"))
    args = parser.parse_args(argv)
    params = Settings().reuse_params()
    if args.db.exists():
        args.db.unlink()
    start = time.perf_counter()
    writer, first_window = build_reuse(args.db, args.passages, params.window_days)
    copies, edits = add_reuse_day(writer, args.passages // DAYS, first_window, args.passages // 4)
    built = time.perf_counter() - start
    start = time.perf_counter()
    counts = detect_reuse(writer, params)
    seconds = time.perf_counter() - start
    with writer.transaction() as con:
        found = dict(con.execute("""SELECT CASE WHEN p.text_hash LIKE 'hn%' THEN 'edits' ELSE 'copies' END, count(*)
                                    FROM reuse_members m JOIN passages p USING (passage_id)
                                    WHERE m.passage_id LIKE 'newp%' AND NOT m.is_first GROUP BY 1""").fetchall())
    again = time.perf_counter()
    rerun = detect_reuse(writer, params)
    rerun_seconds = time.perf_counter() - again
    print(json.dumps({
        "passages": args.passages, "build_seconds": round(built, 1),
        "new_passages": counts.passages, "window_passages": counts.window_passages,
        "reuse_one_day_seconds": round(seconds, 1), "target_seconds": 30,
        "planted_copies": copies, "copies_found": found.get("copies", 0),
        "planted_edits": edits, "edits_found": found.get("edits", 0),
        "copy_pairs": counts.edges, "clusters": counts.clusters,
        "rerun_new_passages": rerun.passages, "rerun_seconds": round(rerun_seconds, 2),
    }, indent=1))


COMMANDS = {"analytics": analytics_main, "discovery": discovery_main, "reuse": reuse_main}


def main(argv: list[str] | None = None) -> None:
    """Run one subcommand: analytics, discovery, reuse."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit("usage: python -m benchmarks.scale {analytics,discovery,reuse} [options]")
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main()
