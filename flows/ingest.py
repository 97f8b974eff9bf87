"""The daily ingest flow: every configured feed, concurrently, into the warehouse."""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import duckdb
from fastapi.encoders import ENCODERS_BY_TYPE
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from extractors.http import Fetcher
from extractors.records import Source
from extractors.sources import load_sources
from flows import run_status
from flows.analyze import run_analysis
from flows.classify import embed_and_classify
from flows.encode_stream import StreamingEncoder
from flows.feed_step import FeedOutcome, health_warnings, now, process_feed, set_health_params
from flows.lifecycle import MARK, guard
from flows.progress import RunProgress
from flows.report import report_task
from flows.runtime import TimeSplit
from flows.settings import Settings
from models.embedder import Embedder
from warehouse import store
from warehouse.db import load_sql
from warehouse.writer import Writer

# Prefect records flow parameters with FastAPI's jsonable_encoder, which would walk a loaded model's tensors
# (minutes and gigabytes) when a caller passes an Embedder: record it by its model id instead.
ENCODERS_BY_TYPE[Embedder] = lambda embedder: f"<Embedder {embedder.model_id}>"

_IMPORTED_AT = time.time()  # the end of this process's imports, for the run's time split
_runs_in_process = 0

if __name__ != "flows.ingest":
    # A deployment (prefect.yaml, `radar serve`) loads this file by path under a made-up module name that a
    # Dask worker cannot import: send this module's tasks by value; what they call travels by reference.
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])


# The warehouse refusing a write (full disk, I/O error, a commit that failed) is no one feed's problem: every
# later feed would fail alike, so the run fails with that reason rather than completing with feeds "crashed".
WAREHOUSE_FAILURES = (duckdb.IOException, duckdb.FatalException, duckdb.TransactionException)


class AllFeedsFailed(RuntimeError):
    """Every feed of the run failed; the flow run is marked failed so notifications fire."""


class SettingsTaskRunner(ThreadPoolTaskRunner[Any]):
    """Placeholder runner resolved from `Settings` (RADAR_TASK_RUNNER, RADAR_CONCURRENCY, ...) when a run starts.

    Prefect enters `flow.task_runner.duplicate()` for every run, so a deployment, `radar serve` or a plain call
    gets the runner the environment of the process running the flow asks for, not one fixed at import.
    """

    def duplicate(self) -> Any:  # the TaskRunner the settings ask for, not a copy of this placeholder
        if os.environ.get("PREFECT__FLOW_RUN_ID") and MARK not in os.environ:
            # A flow-run process of its own, started by a Prefect worker (no `radar` command guards it): what
            # this run starts (Dask workers) must die with it too (flows/lifecycle.py).
            guard()
        return Settings().task_runner_instance()


# No caching: the inputs include live objects (fetcher, writer) and every run must really fetch.
@task(name="ingest-feed", task_run_name="ingest {source.name}", cache_policy=NONE)
def ingest_feed(source: Source, fetcher: Fetcher, writer: Writer, run_id: str, max_articles: int,
                on_stored: Callable[[list[tuple[str | None, str]]], None] | None = None) -> FeedOutcome:
    return process_feed(source, fetcher, writer, run_id, max_articles, on_stored=on_stored)


def summarize(outcomes: list[FeedOutcome]) -> dict[str, int]:
    """Run totals stored in `runs.counts`."""
    return {
        "feeds": len(outcomes),
        "feeds_ok": sum(o.status in ("ok", "malformed", "not_modified") for o in outcomes),
        "feeds_not_modified": sum(o.status == "not_modified" for o in outcomes),
        "feeds_malformed": sum(o.status == "malformed" for o in outcomes),
        "feeds_failed": sum(o.status == "failed" for o in outcomes),
        "entries": sum(o.entries for o in outcomes),
        "new_articles": sum(o.new_articles for o in outcomes),
        "failed_articles": sum(o.failed_articles for o in outcomes),
        "passages": sum(o.passages for o in outcomes),
    }


def warn_source_changes(logger, sources: list[Source], sources_file: Path, moved: list[tuple], retagged: list[tuple]) -> None:
    """One WARNING per re-tagged outlet and per outlet whose history sits under an id the file no longer lists."""
    for name, stored_camp, stored_tier, camp, tier in retagged:
        logger.warning("outlet %r re-tagged: camp %s -> %s, tier %s -> %s; the next analysis recomputes every day's "
                       "camp and tier series under the new tags", name, stored_camp, camp, stored_tier, tier)
    pinned = {s.source_id for s in sources if s.fixed_id}
    for name, source_id, stored_id, stored_url, stored_articles in moved:
        advice = ("" if source_id in pinned else
                  f"; if its feed moved, add `id: {stored_id}` to its entry in {sources_file} to keep one history")
        logger.warning("outlet %r: %d of its articles are under source id %s (feed %s), which %s no longer lists, "
                       "this run's under %s: its history is split%s",
                       name, stored_articles, stored_id, stored_url, sources_file, source_id, advice)


def warn_unread_languages(logger, writer: Writer, embedder: Embedder, since: datetime) -> None:
    """One WARNING per outlet and language of this run's new articles that the model does not read."""
    with writer.transaction() as con:
        languages = con.execute(load_sql("queries/new_article_languages"), {"since": since}).fetchall()
    for name, language, n in languages:
        if not embedder.reads(language):
            logger.warning("%s: %d new articles in %r stored but not classified: the model reads %s "
                           "(RADAR_MODEL_LANGUAGES)", name, n, language, ",".join(embedder.languages))


@flow(name="daily-ingest", task_runner=cast("TaskRunner[PrefectFuture[Any]]", SettingsTaskRunner()))
def daily_ingest(
    sources_path: str | None = None,
    db_path: str | None = None,
    base_url: str | None = None,
    settings: Settings | None = None,
    classify: bool = True,
    embedder: Embedder | None = None,
    report_path: str | None = None,
) -> dict[str, object]:
    """Fetch every feed of `sources_path`, store new articles and passages in `db_path`, return run totals.

    `base_url` replaces `{{BASE}}` in the sources file (the demo serves its corpus on a random port).
    """
    global _runs_in_process
    split = TimeSplit()
    if _runs_in_process == 0:
        split.startup(_IMPORTED_AT)
    _runs_in_process += 1
    settings = settings or Settings()
    sources_file = Path(sources_path) if sources_path else settings.sources
    db_file = Path(db_path) if db_path else settings.db
    logger = get_run_logger()
    sources = load_sources(sources_file, base_url=base_url)
    writer = Writer(db_file, wait_seconds=settings.write_wait_seconds)
    run_id = str(uuid.uuid4())
    moved, retagged, started, abandoned = _begin_run(writer, sources, run_id, settings)
    with run_status.recorded(writer, run_id):  # an exception or signal from here on is written to the run's row
        logger.info("run %s: %d feeds from %s into %s", run_id, len(sources), sources_file, db_file)
        for old in abandoned:
            logger.warning("run %s was still marked running, but its process had ended: marked interrupted", old)
        warn_source_changes(logger, sources, sources_file, moved, retagged)
        embedder = embedder or settings.embedder()  # lazy: loaded by the first text to encode
        with RunProgress(len(sources)) as progress:  # feeds done, articles, passages encoded: a bar or log lines
            outcomes, encoded = fetch_feeds(sources, settings, writer, run_id, embedder, classify, progress)
            counts: dict[str, object] = dict(summarize(outcomes))
            split.lap("fetch")
            warn_unread_languages(logger, writer, embedder, started)
            status = "failed" if counts["feeds_ok"] == 0 else "completed"
            if status == "completed" and classify:
                counts |= embed_and_classify(writer, settings, embedder, on_encoded=progress.encoded)
                counts["embedded"] = cast(int, counts["embedded"]) + encoded  # those encoded during the fetch
                split.lap("model")
            counts |= run_analysis(writer, settings)
            split.lap("analysis")
            if report_path:
                counts["report_bytes"] = report_task(str(db_file), report_path, None)
                split.lap("report")
        reason = f"all {len(sources)} feeds failed" if status == "failed" else None
        with writer.transaction() as con:
            store.finish_run(con, run_id, now(), status, counts | {"outcomes": [asdict(o) for o in outcomes]}, reason)
            unhealthy = health_warnings(con, [s.source_id for s in sources])
    _log_run_end(logger, run_id, status, counts, unhealthy)
    split.lap("finish")
    logger.info("time split: %s", split.line())
    if status == "failed":
        raise AllFeedsFailed(f"all {len(sources)} feeds failed; see feed_fetches for run {run_id}")
    return counts


def _begin_run(writer: Writer, sources: list[Source], run_id: str, settings: Settings):
    """Record the sources and the run's start; returns (feeds moved, sources retagged, start time, runs of ended
    processes marked interrupted)."""
    with writer.transaction() as con:
        moved = store.moved_feeds(con, sources)
        retagged = store.upsert_sources(con, sources)
        started = now()
        abandoned = run_status.begin(con, run_id, "daily-ingest", started)
        set_health_params(con, settings.feed_failing_after, settings.feed_silent_multiple,
                          settings.feed_silent_floor_days, settings.feed_silence_wall_clock)
    return moved, retagged, started, abandoned


def _log_run_end(logger, run_id: str, status: str, counts: dict[str, object], unhealthy: list[str]) -> None:
    for line in unhealthy:  # failing and silent feeds, every run until they recover
        logger.warning("%s", line)
    logger.info(
        "run %s %s: feeds ok %d / failed %d (not modified %d), new articles %d, failed articles %d, passages %d",
        run_id, status, counts["feeds_ok"], counts["feeds_failed"], counts["feeds_not_modified"],
        counts["new_articles"], counts["failed_articles"], counts["passages"],
    )


def fetch_feeds(sources: list[Source], settings: Settings, writer: Writer, run_id: str, embedder: Embedder,
                classify: bool, progress: RunProgress | None = None) -> tuple[list[FeedOutcome], int]:
    """Every feed's step, concurrently; returns their outcomes (in the order of `sources`) and the passages encoded
    meanwhile. `progress` hears of each feed as it finishes and of each batch encoded."""
    logger = get_run_logger()
    progress = progress or RunProgress(len(sources))
    outcomes: dict[int, FeedOutcome] = {}
    # Threads share this process, so passages are encoded while other feeds are still fetched; Dask workers
    # cannot reach this process's encoder and leave encoding to the fanned-out embed step.
    streaming = classify and settings.task_runner != "dask"
    with Fetcher(settings.fetch_limits()) as fetcher, StreamingEncoder(writer, embedder, on_encoded=progress.encoded) as encoder:
        futures = [
            ingest_feed.submit(s, fetcher, writer, run_id, settings.max_articles_per_feed,
                               encoder.offer_passages if streaming else None)
            for s in sources
        ]
        position = {f.task_run_id: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            i = position[future.task_run_id]
            try:
                outcomes[i] = future.result()
            except WAREHOUSE_FAILURES:
                raise
            except Exception as exc:  # noqa: BLE001 (a bug in one feed's step must not lose the others)
                logger.error("feed %s crashed: %r", sources[i].name, exc)
                outcomes[i] = FeedOutcome(sources[i].name, "failed", error=f"internal error: {exc!r}")
            progress.feed_done(outcomes[i].new_articles)
    return [outcomes[i] for i in range(len(sources))], encoder.encoded


def configured_ingest(settings: Settings):
    """`daily_ingest` with the runner of these (possibly edited) settings rather than of the environment."""
    return daily_ingest.with_options(task_runner=settings.task_runner_instance())
