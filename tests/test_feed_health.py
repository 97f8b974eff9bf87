"""The feed_health view: a feed that failed on each of its last 3 fetches is flagged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from warehouse import store
from warehouse.db import load_sql, open_warehouse

T0 = datetime(2026, 3, 1, 6, tzinfo=UTC)


def fetch(con, run: int, source_id: str, status: str) -> None:
    store.record_feed_fetch(con, run_id=f"run-{run}", source_id=source_id, feed_url=f"http://x/{source_id}.xml",
                            fetched_at=T0 + timedelta(days=run), status=status,
                            error="HTTP 503" if status == "failed" else None)


def health(con) -> dict[str, tuple]:
    rows = con.execute("SELECT source_id, consecutive_failures, flagged, last_success, articles_last_7_days, last_error "
                       "FROM feed_health").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_three_consecutive_failures_flag_a_feed(db_path):
    con = open_warehouse(db_path)
    for sid in ("broken", "flaky", "fine", "never"):
        con.execute("INSERT INTO sources VALUES (?, ?, ?, 'resistance', 'en', NULL)", [sid, sid.title(), f"http://x/{sid}.xml"])
    con.execute("INSERT INTO articles (article_id, source_id, url, fetched_at, status) "
                "VALUES ('a1', 'fine', 'http://x/1', now(), 'ok'), ('a2', 'fine', 'http://x/2', now(), 'failed')")
    for run, statuses in enumerate([("ok", "ok", "ok"), ("failed", "failed", "ok"), ("failed", "ok", "not_modified"),
                                    ("failed", "failed", "ok")], start=1):
        for sid, status in zip(("broken", "flaky", "fine"), statuses, strict=True):
            fetch(con, run, sid, status)
    assert health(con) == {
        "broken": (3, True, T0 + timedelta(days=1), 0, "HTTP 503"),
        "flaky": (1, False, T0 + timedelta(days=3), 0, "HTTP 503"),
        "fine": (0, False, T0 + timedelta(days=4), 1, None),
        "never": (0, False, None, 0, None),
    }
    assert [r[0] for r in con.execute(load_sql("queries/flagged_feeds")).fetchall()] == ["Broken"]
    for run in (2, 3, 4):
        fetch(con, run, "never", "failed")
    assert health(con)["never"] == (3, True, None, 0, "HTTP 503")
    fetch(con, 5, "broken", "ok")
    assert health(con)["broken"][:2] == (0, False)
    con.close()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_backend")
def test_ingest_logs_a_feed_flagged_after_its_third_failed_run(httpserver, tmp_path, settings):
    from recorded_site import RecordedSite
    from test_ingest_flow import REAL_FEEDS, write_sources

    from flows.ingest import daily_ingest

    site = RecordedSite(httpserver)
    urls = {"Working": site.add_feed(REAL_FEEDS[0].name, REAL_FEEDS[0], with_pages=False),
            "Gone": httpserver.url_for("/gone.xml")}
    site.install()
    sources = write_sources(tmp_path / "sources.yaml", urls)
    # Prefect's run loggers do not propagate to the root logger, so caplog would not see them.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    run_logger = logging.getLogger("prefect.flow_runs")
    run_logger.addHandler(handler)
    try:
        for _ in range(3):
            daily_ingest(str(sources), str(settings.db), settings=settings, classify=False)
    finally:
        run_logger.removeHandler(handler)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        flagged = con.execute("SELECT name, consecutive_failures FROM feed_health WHERE flagged").fetchall()
    finally:
        con.close()
    assert flagged == [("Gone", 3)]
    warnings = [r.getMessage() for r in records if "failed on its last" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith("feed Gone (")
