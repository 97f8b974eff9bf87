"""Named writes and reads of the ingest tables; every write is an idempotent upsert."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

import duckdb

from extractors.identity import passage_id_for, text_hash
from extractors.records import Article, Passage, Source
from warehouse.db import load_sql


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> None:
    for s in sources:
        con.execute(load_sql("queries/upsert_source"), [s.source_id, s.name, s.feed_url, s.camp, s.language, s.homepage])


def last_validators(con: duckdb.DuckDBPyConnection, source_id: str) -> tuple[str | None, str | None]:
    row = con.execute(load_sql("queries/last_validators"), [source_id]).fetchone()
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


def save_article(
    con: duckdb.DuckDBPyConnection,
    *,
    article_id: str,
    source_id: str,
    entry_url: str,
    guid: str | None,
    article: Article | None,
    passages: Sequence[Passage],
    fetched_at: datetime,
    status: str,
    error: str | None,
    run_id: str,
) -> int:
    """Store one article with its passages; returns the number of passages newly written."""
    if article is not None:
        content_hash = text_hash(article.text)
        con.execute(
            load_sql("queries/upsert_article"),
            [
                article_id, source_id, article.url, article.canonical_url, guid, article.title, article.author,
                article.published_at, article.date_source, fetched_at, article.language, article.text,
                article.text_source, content_hash, status, error, run_id,
            ],
        )
    else:
        con.execute(
            load_sql("queries/upsert_article"),
            [article_id, source_id, entry_url, None, guid, None, None, None, None, fetched_at, None, None, None, None,
             status, error, run_id],
        )
    con.execute(load_sql("queries/insert_entry_url"), [entry_url, article_id, source_id, fetched_at])
    before = con.execute(load_sql("queries/article_has_passages"), [article_id]).fetchone()[0]
    if before == 0 and passages:
        con.executemany(
            load_sql("queries/insert_passage"),
            [
                [passage_id_for(article_id, p.position), article_id, p.position, p.text, text_hash(p.text), p.char_start, p.char_end]
                for p in passages
            ],
        )
    return 0 if before else len(passages)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, started_at: datetime) -> None:
    con.execute(load_sql("queries/start_run"), [run_id, flow, started_at])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, finished_at: datetime, status: str, counts: dict) -> None:
    con.execute(load_sql("queries/finish_run"), [finished_at, status, json.dumps(counts), run_id])
