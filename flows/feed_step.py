"""One feed's ingest step as a plain function: fetch, parse, fetch pages, extract, split, store."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import duckdb

from extractors.errors import ExtractionError
from extractors.feeds import implausible_date, parse_feed
from extractors.http import FEED_TYPES, Fetcher
from extractors.identity import article_id_for
from extractors.page import fetch_article
from extractors.passages import split_passages
from extractors.records import FeedEntry, Source
from warehouse import store
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@dataclass
class FeedOutcome:
    """What one feed contributed to a run."""

    source: str
    status: str  # ok | not_modified | malformed | failed
    entries: int = 0
    new_articles: int = 0
    passages: int = 0
    failed_articles: int = 0
    retry_articles: int = 0  # transient failures, fetched again next run
    error: str | None = None
    article_errors: list[str] = field(default_factory=list)


def now() -> datetime:
    return datetime.now(UTC)


def set_health_params(con: duckdb.DuckDBPyConnection, failing_after: int, silent_multiple: float,
                      silent_floor_days: float, wall_clock: bool = False) -> None:
    """Store the run's feed-health thresholds and clock where the `feed_health` view reads them."""
    con.execute(load_sql("queries/set_feed_health_params"), {
        "failing_after": failing_after, "silent_multiple": silent_multiple, "silent_floor_days": silent_floor_days,
        "wall_clock": wall_clock,
    })


def health_warnings(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> list[str]:
    """One line per failing or silent feed among `source_ids`, for the WARNING lines at the end of a run."""
    lines = []
    for name, url, health, failures, last_success, error, quiet, usual, after in con.execute(
        load_sql("queries/flagged_feeds"), {"ids": source_ids}
    ).fetchall():
        if health == "failing" and last_success is None:
            lines.append(f"feed {name} ({url}) has never given a valid feed ({failures} failed "
                         f"fetch{'es' if failures != 1 else ''}): {error}")
        elif health == "failing":
            lines.append(f"feed {name} ({url}) failed on its last {failures} fetches (last success {last_success}): "
                         f"{error}")
        else:
            usual_text = f"usual interval {usual:g} days" if usual is not None else "no usual interval yet"
            lines.append(f"feed {name} ({url}) is silent: answers but no new article for {quiet:.1f} days "
                         f"({usual_text}; silent after {after:g} days)")
    return lines


def process_feed(
    source: Source, fetcher: Fetcher, writer: Writer, run_id: str, max_articles: int = 200, write_batch: int = 20,
    on_stored: Callable[[list[tuple[str | None, str]]], None] | None = None,
) -> FeedOutcome:
    """Never raises for bad input: every failure ends up as a row with its reason.

    Articles are written `write_batch` at a time: few short transactions, and a run killed
    mid-feed loses at most one batch, which the next run fetches again. `on_stored` receives (article language,
    text) of the passages each batch wrote (the run's encoder, so encoding overlaps with fetching).
    """
    fetched_at = now()
    with writer.transaction() as con:
        etag, last_modified = store.last_validators(con, source.source_id, source.feed_url)
    try:
        result = fetcher.fetch(source.feed_url, accept=FEED_TYPES, etag=etag, last_modified=last_modified)
        if result.not_modified:
            _record(writer, run_id, source, fetched_at, "not_modified", 304, etag, last_modified, 0, 0, None)
            log.info("feed %s: not modified (304)", source.name)
            return FeedOutcome(source.name, "not_modified")
        parsed = parse_feed(result.body, result.final_url, result.content_type)
    except ExtractionError as exc:
        status_code = getattr(exc, "status", None)
        _record(writer, run_id, source, fetched_at, "failed", status_code, None, None, None, None, exc.reason)
        log.warning("feed %s failed (%s): %s", source.name, source.feed_url, exc.reason)
        return FeedOutcome(source.name, "failed", error=exc.reason)

    for reason in parsed.skipped:
        log.warning("feed %s: skipped %s", source.name, reason)
    entries = list(parsed.entries)
    with writer.transaction() as con:
        settled = store.settled_entry_urls(con, [e.url for e in entries])
    todo = [e for e in entries if e.url not in settled]
    capped = len(todo) > max_articles
    todo = todo[:max_articles]
    outcome = FeedOutcome(source.name, "malformed" if parsed.problem else "ok", entries=len(entries))
    pending: list[dict] = []
    for entry in todo:
        pending.append(_process_entry(source, entry, fetcher, run_id, outcome))
        if len(pending) >= write_batch:
            _save(writer, pending, outcome, on_stored)
    _save(writer, pending, outcome, on_stored)
    problems = [p for p in (parsed.problem, *parsed.skipped) if p]
    error = "; ".join(problems)[:1000] or None
    # Validators are stored only once every entry is settled, so a 304 never hides unprocessed entries.
    keep_validators = not capped and outcome.retry_articles == 0
    _record(
        writer, run_id, source, fetched_at, outcome.status, result.status,
        result.etag if keep_validators else None, result.last_modified if keep_validators else None,
        len(entries), outcome.new_articles, error,
    )
    outcome.error = error
    log.info(
        "feed %s: %d entries, %d new articles, %d passages, %d failed%s",
        source.name, len(entries), outcome.new_articles, outcome.passages, outcome.failed_articles,
        f" ({parsed.problem})" if parsed.problem else "",
    )
    return outcome


def _process_entry(source: Source, entry: FeedEntry, fetcher: Fetcher, run_id: str, outcome: FeedOutcome) -> dict:
    """Fetch and extract one entry; returns one item for `store.save_articles`."""
    fetched_at = now()
    article, page_error = fetch_article(fetcher, entry, fetched_at, default_language=source.language)
    if article is None:
        # A transient failure with no text is retried next run; a permanent one is settled as failed.
        status = "retry" if page_error and "transient" in page_error else "failed"
        article_id = article_id_for(entry.url)
        passages = []
        outcome.failed_articles += 1
        outcome.retry_articles += status == "retry"
        outcome.article_errors.append(f"{entry.url}: {page_error}")
        log.warning("article %s failed: %s", entry.url, page_error)
    else:
        if why := implausible_date(article.published_at, fetched_at):
            # The fetch time is the better estimate; date_source keeps the reason ('fetch:future', 'fetch:too_old').
            log.warning("article %s: %s date %s is %s; stored with the fetch time", entry.url, article.date_source,
                        article.published_at.isoformat(), "in the future" if why == "future" else "over ten years old")
            article = replace(article, published_at=fetched_at, date_source=f"fetch:{why}")
        status = "ok" if article.text_source == "page" else "feed_only"
        article_id = article_id_for(article.canonical_url)
        passages = split_passages(article.text)
        if status == "feed_only" and not page_error:
            # The page came back but held no article text (a script shell, a binary sent as HTML, a stub);
            # without a reason the row would not say why its text is the feed's.
            page_error = "no extractable text on the page; used the feed text"
        if page_error:
            log.info("article %s: used feed text (%s)", entry.url, page_error)
    return {
        "article_id": article_id, "source_id": source.source_id, "entry_url": entry.url, "guid": entry.guid,
        "article": article, "passages": passages, "fetched_at": fetched_at, "status": status, "error": page_error,
        "run_id": run_id, "entry_title": entry.title,
    }


def _save(writer: Writer, pending: list[dict], outcome: FeedOutcome,
          on_stored: Callable[[list[tuple[str | None, str]]], None] | None = None) -> None:
    """Write the buffered articles in one transaction and empty the buffer."""
    if not pending:
        return
    texts: list[tuple[str | None, str]] = []
    with writer.transaction() as con:
        for item, added in zip(pending, store.save_articles(con, pending), strict=True):
            if added:
                outcome.new_articles += 1
                outcome.passages += added
                language = item["article"].language if item["article"] else None
                texts.extend((language, p.text) for p in item["passages"])
    pending.clear()
    if on_stored is not None and texts:
        on_stored(texts)


def _record(
    writer: Writer, run_id: str, source: Source, fetched_at: datetime, status: str, http_status: int | None,
    etag: str | None, last_modified: str | None, n_entries: int | None, n_new: int | None, error: str | None,
) -> None:
    with writer.transaction() as con:
        store.record_feed_fetch(
            con, run_id=run_id, source_id=source.source_id, feed_url=source.feed_url, fetched_at=fetched_at,
            status=status, http_status=http_status, etag=etag, last_modified=last_modified,
            n_entries=n_entries, n_new=n_new, error=error,
        )
