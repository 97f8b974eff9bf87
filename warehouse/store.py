"""Named writes and reads of the ingest tables; every write is an idempotent upsert."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

from extractors.identity import passage_id_for, text_hash
from extractors.records import Article, Source
from warehouse.db import load_sql


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> list[tuple]:
    """Store the configured outlets; returns (name, stored camp, stored tier, camp, tier) of those re-tagged, after
    forgetting when analysis last ran, so the next analysis recomputes every day under the new tags."""
    retagged = con.execute(load_sql("queries/retagged_sources"), {
        "ids": [s.source_id for s in sources], "camps": [s.camp for s in sources],
        "tiers": [s.tier for s in sources]}).fetchall()
    if retagged:
        con.execute("DELETE FROM analysis_state WHERE name = 'analyzed_until'")
    for s in sources:
        con.execute(load_sql("queries/upsert_source"), [s.source_id, s.name, s.feed_url, s.camp, s.language, s.homepage,
                                                      s.tier])
    return retagged


def moved_feeds(con: duckdb.DuckDBPyConnection, sources: Sequence[Source]) -> list[tuple[str, str, str, str, int]]:
    """(name, configured id, stored id, stored feed URL, stored articles) of outlets whose history sits under an
    id no longer configured (`queries/moved_feeds`)."""
    return con.execute(load_sql("queries/moved_feeds"), {
        "names": [s.name for s in sources], "ids": [s.source_id for s in sources]}).fetchall()


def last_validators(con: duckdb.DuckDBPyConnection, source_id: str, feed_url: str) -> tuple[str | None, str | None]:
    row = con.execute(load_sql("queries/last_validators"), [source_id, feed_url]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def record_feed_fetch(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source_id: str,
    feed_url: str,
    fetched_at: datetime,
    status: str,
    http_status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    n_entries: int | None = None,
    n_new: int | None = None,
    error: str | None = None,
) -> None:
    fetch_id = hashlib.sha256(f"{run_id}\x00{source_id}".encode()).hexdigest()[:32]
    con.execute(
        load_sql("queries/insert_feed_fetch"),
        [fetch_id, run_id, source_id, feed_url, fetched_at, http_status, etag, last_modified, n_entries, n_new, status, error],
    )


def settled_entry_urls(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> set[str]:
    """URLs whose article is already stored (or failed for good), so they are not fetched again."""
    if not urls:
        return set()
    return {row[0] for row in con.execute(load_sql("queries/done_entry_urls"), [list(urls)]).fetchall()}


def save_articles(con: duckdb.DuckDBPyConnection, items: Sequence[dict]) -> list[int]:
    """Store a batch of articles (keyword sets of `article_id, source_id, entry_url, guid, article, passages,
    fetched_at, status, error, run_id`) in four statements; returns the passages newly written per item.

    An article reached twice in one batch (syndicated URL variants) is written once: its first version with text.
    """
    chosen: dict[str, dict] = {}
    for item in items:
        kept = chosen.get(item["article_id"])
        if kept is None or (kept["article"] is None and item["article"] is not None):
            chosen[item["article_id"]] = item
    rows = [_article_row(item) for item in chosen.values()]
    if rows:
        con.execute(load_sql("queries/upsert_articles"), {k: [r[k] for r in rows] for k in rows[0]})
    urls = {item["entry_url"]: item for item in items}
    con.execute(load_sql("queries/insert_entry_urls"), {
        "urls": list(urls), "article_ids": [i["article_id"] for i in urls.values()],
        "source_ids": [i["source_id"] for i in urls.values()], "seen": [i["fetched_at"] for i in urls.values()],
    })
    stored = {r[0] for r in con.execute(load_sql("queries/articles_with_passages"), {"ids": list(chosen)}).fetchall()}
    fresh = [i for i in chosen.values() if i["article_id"] not in stored and i["passages"]]
    if fresh:
        flat = [(i["article_id"], p) for i in fresh for p in i["passages"]]
        con.execute(load_sql("queries/insert_passage"), {
            "ids": [passage_id_for(a, p.position) for a, p in flat], "article_ids": [a for a, _ in flat],
            "positions": [p.position for _, p in flat], "texts": [p.text for _, p in flat],
            "hashes": [text_hash(p.text) for _, p in flat], "starts": [p.char_start for _, p in flat],
            "ends": [p.char_end for _, p in flat],
        })
    written = {id(i): len(i["passages"]) for i in fresh}
    return [written.get(id(item), 0) for item in items]


def _article_row(item: dict) -> dict:
    a: Article | None = item["article"]
    return {
        "article_id": item["article_id"], "source_id": item["source_id"], "url": a.url if a else item["entry_url"],
        "canonical_url": a.canonical_url if a else None, "guid": item["guid"],
        # a failed article keeps its feed title, so the row says what was lost
        "title": a.title if a else item.get("entry_title"),
        "author": a.author if a else None, "published_at": a.published_at if a else None,
        "date_source": a.date_source if a else None, "fetched_at": item["fetched_at"],
        "language": a.language if a else None, "text": a.text if a else None,
        "text_source": a.text_source if a else None, "content_hash": text_hash(a.text) if a else None,
        "status": item["status"], "error": item["error"], "run_id": item["run_id"],
    }


@dataclass(frozen=True)
class RunOwner:
    """The process running a run: its host, pid and start time (seconds since the epoch; tells a reused pid)."""

    host: str
    pid: int
    started: float


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime,
              owner: RunOwner | None = None) -> None:
    who = (owner.host, owner.pid, owner.started) if owner else (None, None, None)
    con.execute(load_sql("queries/start_run"), [run_id, flow, started_at, *who])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, finished_at: datetime, status: str, counts: dict,
               reason: str | None = None) -> None:
    con.execute(load_sql("queries/finish_run"), [finished_at, status, json.dumps(counts), reason, run_id])


def end_run(con: duckdb.DuckDBPyConnection, run_id: str, finished_at: datetime | None, status: str, reason: str) -> bool:
    """Mark a run still 'running' as `status` ('failed', 'interrupted') with its reason; False if it had ended."""
    return bool(con.execute(load_sql("queries/end_run"), [finished_at, status, reason, run_id]).fetchall()[0][0])


def running_runs(con: duckdb.DuckDBPyConnection, host: str) -> list[tuple[str, RunOwner]]:
    """(run id, owner) of the runs still marked running by processes of `host`."""
    rows = con.execute(load_sql("queries/running_runs"), [host]).fetchall()
    return [(run_id, RunOwner(host, pid, started)) for run_id, pid, started in rows]
