"""Reuse detection for one new day on a synthetic warehouse of 10 million passages (1,000 outlets, two years).

2.5 M articles of 4 passages, evenly spread over 730 days; the passages of the last `--window-days` days carry
text (60 words from a 5,000-word vocabulary) and real-width vectors (384 dimensions, 200 topic directions plus
noise, so same-topic passages sit near cosine 0.7 as news passages do); older passages are stored without
vectors (only the window is ever loaded). Every old article is already in `reuse_checked`. The new day adds
10 M / 730 passages, 1% of them verbatim copies of window passages from other outlets and 1% light edits (one
word of the 60 changed, the vector nudged).

    .venv/bin/python benchmarks/reuse_scale.py [--passages 10000000] [--db /tmp/radar-reuse-scale.duckdb]

Prints, from one run: the time of `detect_reuse` for the new day (target: 30 s), how many new passages and
window passages it compared, and how many of the planted copies and edits it found (the inverted-file index
trades a little recall for speed beyond 50 M pairs; verbatim copies are matched by text as well).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from flows.reuse_step import detect_reuse
from flows.settings import Settings
from warehouse.writer import Writer

CAMPS = ["russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream"]
TIERS = ["state", "alt", "mainstream"]
DAYS = 730
WORDS = "array_to_string(list_transform(range(60), lambda k: 'w' || (hash({seed}::BIGINT * 61 + k) % 5000)), ' ')"
VECTOR = ("list_transform(range(384), lambda k: CAST(sin((hash({seed}) % 200) * 7 + k * 13) "
          "+ 0.8 * ((hash({seed} * 384 + k) % 2001) / 1000.0 - 1.0) AS FLOAT))")


def build(db: Path, passages: int, window_days: int) -> tuple[Writer, int]:
    """The warehouse before the new day; returns the writer and the first article index of the window."""
    writer = Writer(db)
    articles = passages // 4
    first_window = articles - articles * window_days // DAYS
    with writer.transaction() as con:
        con.execute("""INSERT INTO sources (source_id, name, feed_url, camp, language, homepage, tier)
                       SELECT 's' || i, 'Outlet ' || i, 'http://127.0.0.1/' || i, ?[CAST(1 + i % 5 AS BIGINT)], 'en',
                              'http://127.0.0.1/', ?[CAST(1 + i % 3 AS BIGINT)] FROM range(1000) t(i)""", [CAMPS, TIERS])
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
                        SELECT 'h' || j, 'm', 384, {VECTOR.format(seed='j')}
                        FROM range(?, ?) t(j)""", [first_window * 4, articles * 4])
        con.execute("INSERT INTO reuse_checked SELECT article_id, now() FROM articles")
    return writer, first_window


def add_day(writer: Writer, passages: int, first_window: int, total: int) -> tuple[int, int]:
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
                                    ELSE {VECTOR.format(seed='(pl.k + 100000000)::BIGINT')} END
                        FROM plan pl LEFT JOIN embeddings e ON e.text_hash = 'h' || pl.src
                        WHERE pl.k >= ?""", [copies, edits, copies])
        con.execute("""INSERT INTO passage_classifications
                           (passage_id, model_id, catalog_hash, classified_at, params_hash, source_id, day, article_id)
                       SELECT p.passage_id, 'm', 'c', now(), 'x', a.source_id, CAST(timezone('UTC', a.published_at) AS DATE),
                              a.article_id
                       FROM passages p JOIN articles a USING (article_id) WHERE a.article_id LIKE 'new%'""")
    return copies, edits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/radar-reuse-scale.duckdb"))
    args = parser.parse_args()
    params = Settings().reuse_params()
    if args.db.exists():
        args.db.unlink()
    start = time.perf_counter()
    writer, first_window = build(args.db, args.passages, params.window_days)
    copies, edits = add_day(writer, args.passages // DAYS, first_window, args.passages // 4)
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


if __name__ == "__main__":
    main()
