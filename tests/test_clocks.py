"""Entries dated in the future or decades back are stored at their fetch time, with the reason in date_source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import duckdb

from extractors.feeds import implausible_date
from extractors.records import Source
from flows.feed_step import process_feed
from warehouse.writer import Writer

FETCH = datetime(2026, 3, 10, 6, tzinfo=UTC)
BODY = ("Harbour officials said the new crane schedule would shorten waiting times for container ships by two days. "
        "Dock workers welcomed the change but asked for more night-shift staff before the summer season begins. ")


def test_implausible_dates():
    assert implausible_date(FETCH - timedelta(days=3), FETCH) is None
    assert implausible_date(FETCH + timedelta(minutes=30), FETCH) is None  # small clock skew is fine
    assert implausible_date(FETCH + timedelta(hours=3), FETCH) == "future"
    assert implausible_date(FETCH - timedelta(days=2 * 365), FETCH) is None  # an old article newly in a feed
    assert implausible_date(datetime(1970, 1, 1, tzinfo=UTC), FETCH) == "too_old"


def test_future_and_ancient_entries_are_stored_at_fetch_time(httpserver, tmp_path, fetcher):
    now = datetime.now(UTC).replace(microsecond=0)
    dates = {"future": now + timedelta(days=400), "ancient": datetime(1970, 1, 1, tzinfo=UTC),
             "fine": now - timedelta(days=1)}
    items = "".join(
        f"<item><title>{k}</title><link>{httpserver.url_for(f'/{k}.html')}</link>"
        f"<pubDate>{format_datetime(d)}</pubDate><description>{BODY}</description></item>" for k, d in dates.items())
    httpserver.expect_request("/feed.xml").respond_with_data(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>",
        content_type="application/rss+xml")
    for k in dates:  # pages without any date of their own, so the feed's date is the one used
        httpserver.expect_request(f"/{k}.html").respond_with_data(
            f"<html><body><article><h1>{k}</h1><p>{BODY * 2}</p></article></body></html>", content_type="text/html")
    db = tmp_path / "radar.duckdb"
    source = Source("Port", httpserver.url_for("/feed.xml"), "resistance", "en", "http://127.0.0.1/")
    outcome = process_feed(source, fetcher, Writer(db), "run-1")
    assert outcome.new_articles == 3
    con = duckdb.connect(str(db), read_only=True)
    rows = {title: (published, source_, fetched) for title, published, source_, fetched in con.execute(
        "SELECT title, published_at, date_source, fetched_at FROM articles").fetchall()}
    con.close()
    assert rows["future"][1] == "fetch:future" and rows["future"][0] == rows["future"][2]
    assert rows["ancient"][1] == "fetch:too_old" and rows["ancient"][0] == rows["ancient"][2]
    assert rows["fine"][1] == "feed" and rows["fine"][0] == dates["fine"]
