"""The feed_health view: a feed that failed on each of its last 3 fetches is flagged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from flows.feed_step import health_warnings, set_health_params
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
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES (?, ?, ?, 'resistance', 'en', NULL)", [sid, sid.title(), f"http://x/{sid}.xml"])
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
    everyone = {"ids": ["broken", "flaky", "fine", "never"]}
    assert [r[0] for r in con.execute(load_sql("queries/flagged_feeds"), everyone).fetchall()] == ["Broken"]
    # an outlet no longer in the run's sources file is not flagged again (its row stays in feed_health)
    assert con.execute(load_sql("queries/flagged_feeds"), {"ids": ["flaky", "fine"]}).fetchall() == []
    for run in (2, 3, 4):
        fetch(con, run, "never", "failed")
    assert health(con)["never"] == (3, True, None, 0, "HTTP 503")
    fetch(con, 5, "broken", "ok")
    assert health(con)["broken"][:2] == (0, False)
    # "flaky" leaves the sources file: once the others were fetched for more than the floor (3 days) without it,
    # it is 'dropped', not 'failing' in the digest and the report for ever
    fetch(con, 6, "flaky", "failed")
    fetch(con, 7, "flaky", "failed")
    for run in (8, 9, 10):
        fetch(con, run, "broken", "ok")
    states = dict(con.execute("SELECT source_id, health FROM feed_health").fetchall())
    assert states["flaky"] == "failing"
    fetch(con, 11, "broken", "ok")
    states = dict(con.execute("SELECT source_id, health FROM feed_health").fetchall())
    assert states["flaky"] == "dropped" and states["broken"] != "dropped"
    con.close()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_backend")
def test_ingest_logs_a_failing_feed_on_every_run_until_it_leaves_the_sources_file(httpserver, tmp_path, settings):
    from recorded_site import RecordedSite
    from test_ingest_flow import REAL_FEEDS, write_sources

    from flows.ingest import daily_ingest

    site = RecordedSite(httpserver)
    urls = {"Working": site.add_feed(REAL_FEEDS[0].name, REAL_FEEDS[0], with_pages=False),
            "Gone": httpserver.url_for("/gone.xml")}
    site.install()
    sources = write_sources(tmp_path / "sources.yaml", urls)
    # one feed alone in the warehouse: its silence shows only on the wall clock, as on a scheduled deployment
    settings = settings.model_copy(update={"feed_silence_wall_clock": True})
    # Prefect's run loggers do not propagate to the root logger, so caplog would not see them.
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    run_logger = logging.getLogger("prefect.flow_runs")
    run_logger.addHandler(handler)
    try:
        for _ in range(3):
            daily_ingest(str(sources), str(settings.db), settings=settings, classify=False)
        # taken out of the sources file: no longer fetched, and no longer warned about on every run
        del urls["Gone"]
        daily_ingest(str(write_sources(tmp_path / "sources.yaml", urls)), str(settings.db), settings=settings,
                     classify=False)
    finally:
        run_logger.removeHandler(handler)
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        flagged = con.execute("SELECT name, consecutive_failures FROM feed_health WHERE flagged").fetchall()
    finally:
        con.close()
    assert flagged == [("Gone", 3)]
    # never a valid feed (a 404): failing from its first run, warned on each of its three
    warnings = [r.getMessage() for r in records if "has never given a valid feed" in r.getMessage()]
    assert len(warnings) == 3 and all(w.startswith("feed Gone (") for w in warnings)
    # The recorded feed answers every run but its newest entry is months old: silent, warned on every run.
    silent = [r.getMessage() for r in records if "is silent" in r.getMessage()]
    assert len(silent) == 4 and all(m.startswith("feed Working (") for m in silent)


def add_source(con, sid: str) -> None:
    con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES (?, ?, ?, 'resistance', 'en', NULL)", [sid, sid.title(), f"http://x/{sid}.xml"])


def add_article(con, sid: str, n: int, published: datetime, text_id: str | None = None) -> None:
    """An article with text; `text_id` names its text, so two URLs can carry the same one."""
    con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status, content_hash) "
                "VALUES (?, ?, ?, ?, ?, 'ok', ?)",
                [f"{sid}-{n}", sid, f"http://x/{sid}/{n}", published, published + timedelta(hours=4),
                 f"hash-{sid}-{text_id or n}"])


def fetch_at(con, sid: str, when: datetime, status: str = "ok") -> None:
    store.record_feed_fetch(con, run_id=f"run-{when:%j}", source_id=sid, feed_url=f"http://x/{sid}.xml",
                            fetched_at=when, status=status, error="HTTP 503" if status == "failed" else None)


def state(con, sid: str) -> tuple:
    return con.execute("SELECT health, usual_interval_days, silent FROM feed_health WHERE source_id = ?",
                       [sid]).fetchone()


def day(n: int, hour: int = 12) -> datetime:
    return T0 + timedelta(days=n, hours=hour - 6)


def test_a_malformed_fetch_is_a_success_in_the_view_and_in_the_report(db_path):
    con = open_warehouse(db_path)
    add_source(con, "shaky")
    for n, status in enumerate(("ok", "failed", "failed", "malformed"), start=1):
        fetch(con, n, "shaky", status)
    view = con.execute("SELECT last_success, consecutive_failures, failed_fetches, health FROM feed_health").fetchone()
    report = con.execute(load_sql("queries/report_feed_health"), {"since": None}).fetchone()
    cols = [d[0] for d in con.description]
    row = dict(zip(cols, report, strict=True))
    assert view == (T0 + timedelta(days=4), 0, 2, "ok")
    assert (row["last_success"], row["consecutive_failures"], row["failures"], row["health"]) == view
    assert row["malformed_fetches"] == 1
    con.close()


def test_a_feed_that_answers_but_stops_publishing_is_flagged_silent_until_it_publishes(db_path):
    con = open_warehouse(db_path)
    add_source(con, "daily")
    add_source(con, "steady")  # silence is measured against the data: another feed goes on publishing
    for n in range(10):  # one article a day at 08:00 on days 0..9
        add_article(con, "daily", n, day(n, 8))
    seen = {}
    for d in range(10, 17):  # 200s and 304s, nothing new
        add_article(con, "steady", d, day(d))
        fetch_at(con, "steady", day(d))
        fetch_at(con, "daily", day(d), "ok" if d % 2 else "not_modified")
        seen[d] = state(con, "daily")
    # usual interval 1 day: silent when quiet for over max(4 x 1, 3) = 4 days (day 13 noon - day 9 08:00 = 4.17)
    assert {d: s[0] for d, s in seen.items()} == {10: "ok", 11: "ok", 12: "ok", 13: "silent", 14: "silent",
                                                 15: "silent", 16: "silent"}
    assert seen[16][1] == 1.0
    assert [r[2] for r in con.execute(load_sql("queries/flagged_feeds"), {"ids": ["daily"]}).fetchall()] == ["silent"]
    add_article(con, "daily", 99, day(17, 8))
    fetch_at(con, "daily", day(17))
    assert state(con, "daily")[0] == "ok"
    con.close()


def test_entries_that_change_url_but_not_text_are_not_new_articles(db_path):
    con = open_warehouse(db_path)
    for sid in ("churn", "fresh"):
        add_source(con, sid)
        for n in range(10):
            add_article(con, sid, n, day(n, 8))
    for n in range(10, 17):  # a new URL every day (session ids), the same text as day 9
        add_article(con, "churn", n, day(n, 8), text_id="9")
        add_article(con, "fresh", n, day(n, 8))
    for sid in ("churn", "fresh"):
        fetch_at(con, sid, day(16))
    assert state(con, "churn")[0] == "silent" and state(con, "fresh")[0] == "ok"
    assert con.execute("SELECT productive_articles FROM feed_health ORDER BY source_id").fetchall() == [(10,), (17,)]
    con.close()


def test_a_rare_publisher_has_its_own_interval_and_the_settings_move_the_threshold(db_path):
    con = open_warehouse(db_path)
    set_health_params(con, failing_after=3, silent_multiple=4.0, silent_floor_days=3.0, wall_clock=True)  # alone
    add_source(con, "weekly")
    for n in range(6):
        add_article(con, "weekly", n, day(7 * n, 8))
    fetch_at(con, "weekly", day(35 + 20))  # 20 days after the last article: under 4 x 7 days
    assert state(con, "weekly") == ("ok", 7.0, False)
    set_health_params(con, failing_after=3, silent_multiple=2.0, silent_floor_days=3.0, wall_clock=True)
    assert state(con, "weekly") == ("silent", 7.0, True)
    con.close()


def test_a_feed_that_never_yields_an_article_is_silent_after_the_floor(db_path):
    con = open_warehouse(db_path)
    add_source(con, "empty")
    for d in range(5):
        fetch_at(con, "empty", day(d))
        assert state(con, "empty") == ("silent" if d >= 4 else "ok", None, d >= 4)
    con.close()


def test_silence_is_measured_against_the_data_unless_on_the_wall_clock(db_path):
    """Days replayed long after they were published (`radar demo`, a back-fill) are not silence; a feed that stopped
    while the others went on is. With the wall clock (a scheduled deployment) all of them are silent."""
    con = open_warehouse(db_path)
    for sid, last in (("alpha", 30), ("beta", 30), ("stopped", 20)):
        add_source(con, sid)
        for n in range(last + 1):
            add_article(con, sid, n, day(n, 8))
        fetch_at(con, sid, day(200))  # fetched 170 days after the newest article
    health = dict(con.execute("SELECT source_id, health FROM feed_health").fetchall())
    quiet = dict(con.execute("SELECT source_id, quiet_days FROM feed_health").fetchall())
    assert health == {"alpha": "ok", "beta": "ok", "stopped": "silent"}
    assert (quiet["alpha"], quiet["stopped"]) == (0.0, 10.0)
    set_health_params(con, failing_after=3, silent_multiple=4.0, silent_floor_days=3.0, wall_clock=True)
    assert {h for (h,) in con.execute("SELECT health FROM feed_health").fetchall()} == {"silent"}
    con.close()


def test_a_feed_that_never_gave_a_valid_feed_is_failing_at_its_first_fetch(db_path):
    con = open_warehouse(db_path)
    for sid in ("html", "blip"):
        add_source(con, sid)
    fetch(con, 1, "html", "failed")  # an HTML page or a 404 from the start: nothing to wait for
    fetch(con, 1, "blip", "ok")
    fetch(con, 2, "blip", "failed")  # one failure of a feed that worked: it takes 3 in a row
    assert state(con, "html")[0] == "failing" and state(con, "blip")[0] == "ok"
    assert con.execute("SELECT source_id FROM feed_health WHERE flagged").fetchall() == [("html",)]
    assert health_warnings(con, ["html", "blip"]) == [
        "feed Html (http://x/html.xml) has never given a valid feed (1 failed fetch): HTTP 503"]
    fetch(con, 3, "html", "ok")
    assert state(con, "html")[0] == "ok"
    con.close()
