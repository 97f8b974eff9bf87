"""The daily ingest flow end to end: ten real recorded feeds served on 127.0.0.1 into a DuckDB file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import feedparser
import pytest
from conftest import FIXTURES
from recorded_site import RecordedSite

from flows.ingest import daily_ingest

pytestmark = pytest.mark.usefixtures("prefect_backend")

REAL_FEEDS = sorted(p for p in (FIXTURES / "feeds" / "real-news").iterdir() if p.suffix in (".xml", ".rdf")
                    and not p.name.startswith("MALFORMED"))[:10]


def write_sources(path: Path, urls: dict[str, str], camp: str = "western_mainstream") -> Path:
    lines = ["sources:"]
    for name, url in urls.items():
        lines.append(f"  - {{name: {name}, feed_url: '{url}', camp: {camp}, language: en, homepage: 'http://127.0.0.1/'}}")
    path.write_text("\n".join(lines) + "\n")
    return path


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "passages", "entry_urls")}
    finally:
        con.close()


@pytest.fixture
def ten_feeds(httpserver, tmp_path):
    site = RecordedSite(httpserver)
    urls = {p.name.split("__")[0]: site.add_feed(p.name, p) for p in REAL_FEEDS}
    site.install()
    return site, write_sources(tmp_path / "sources.yaml", urls)


def test_ten_real_feeds_store_every_article_once_and_rerun_is_conditional(ten_feeds, settings, httpserver):
    site, sources = ten_feeds
    links = set()
    for body in site.feeds.values():
        links |= {e.link.split("#")[0] for e in feedparser.parse(body).entries if e.get("link")}
    assert len(REAL_FEEDS) == 10 and len(links) > 100

    first = daily_ingest(str(sources), str(settings.db), settings=settings, classify=False)
    assert first["feeds_ok"] == 10 and first["feeds_failed"] == 0
    after_first = counts(settings.db)
    assert after_first["entry_urls"] == len(links)
    con = duckdb.connect(str(settings.db), read_only=True)
    status = dict(con.execute("SELECT status, count(*) FROM articles GROUP BY 1").fetchall())
    dupes = con.execute("SELECT count(*) - count(DISTINCT canonical_url) FROM articles").fetchone()[0]
    con.close()
    assert status.get("ok", 0) + status.get("feed_only", 0) == after_first["articles"]
    assert dupes == 0
    assert after_first["passages"] >= after_first["articles"]

    httpserver.clear_log()
    second = daily_ingest(str(sources), str(settings.db), settings=settings, classify=False)
    assert counts(settings.db) == after_first
    assert second["new_articles"] == 0 and second["feeds_not_modified"] == 10
    feed_requests = [(req, resp) for req, resp in httpserver.log if req.path.startswith("/feeds/")]
    assert len(feed_requests) == 10
    assert all(resp.status_code == 304 and req.headers.get("If-None-Match") for req, resp in feed_requests)


def test_a_run_where_every_feed_fails_is_a_failed_flow_run_and_a_partial_one_completes(httpserver, tmp_path, settings):
    from prefect.states import State

    from flows.ingest import AllFeedsFailed

    httpserver.expect_request("/down.xml").respond_with_data("gone", status=404)
    httpserver.expect_request("/html.xml").respond_with_data("<html><body>hi</body></html>", content_type="text/html")
    bad = write_sources(tmp_path / "bad.yaml", {"Down": httpserver.url_for("/down.xml"), "Html": httpserver.url_for("/html.xml")})
    state: State = daily_ingest(str(bad), str(settings.db), settings=settings, classify=False, return_state=True)
    assert state.is_failed()
    with pytest.raises(AllFeedsFailed):
        state.result()
    con = duckdb.connect(str(settings.db), read_only=True)
    runs = con.execute("SELECT status, counts->>'feeds_failed', reason FROM runs").fetchall()
    fetches = dict(con.execute("SELECT status, count(*) FROM feed_fetches GROUP BY 1").fetchall())
    con.close()
    assert runs == [("failed", "2", "all 2 feeds failed")] and fetches == {"failed": 2}

    good = FIXTURES / "feeds" / "real-news" / "npr-world__7be307059415227d.xml"
    site = RecordedSite(httpserver)
    partial = write_sources(tmp_path / "partial.yaml", {"Down": httpserver.url_for("/down.xml"), "NPR": site.add_feed("npr", good)})
    site.install()
    counts = daily_ingest(str(partial), str(settings.db), settings=settings, classify=False)
    assert counts["feeds_failed"] == 1 and counts["feeds_ok"] == 1 and counts["new_articles"] > 0


def test_a_moved_feed_keeps_its_outlets_history_with_id_and_a_split_is_named(httpserver, tmp_path, settings, caplog):
    """Run 1 reads the outlet's feed at one URL; run 2 at a new URL with `id:` set to the first id: its new articles
    join the same source, and the new URL is asked unconditionally (no validators of the old one). Run 3 moves it
    again without `id:`: the run goes on and a WARNING names the id holding the outlet's history."""
    import logging

    from extractors.identity import source_id_for

    site = RecordedSite(httpserver)
    first, second, third = (site.add_feed(p.name, p) for p in REAL_FEEDS[:3])
    site.install()
    old_id = source_id_for(first)

    def entry(url: str, pinned: str | None = None) -> Path:
        id_field = f", id: {pinned}" if pinned else ""
        (tmp_path / "s.yaml").write_text("sources:\n  - {name: Mover, feed_url: '" + url + "', camp: resistance, "
                                         "language: en, homepage: 'http://127.0.0.1/'" + id_field + "}\n")
        return tmp_path / "s.yaml"

    def by_source() -> dict[str, int]:
        con = duckdb.connect(str(settings.db), read_only=True)
        try:
            return dict(con.execute("SELECT source_id, count(*) FROM articles GROUP BY 1").fetchall())
        finally:
            con.close()

    daily_ingest(str(entry(first)), str(settings.db), settings=settings, classify=False)
    after_first = by_source()[old_id]
    httpserver.clear_log()
    moved = daily_ingest(str(entry(second, pinned=old_id)), str(settings.db), settings=settings, classify=False)
    assert moved["feeds_ok"] == 1 and moved["new_articles"] > 0
    assert by_source() == {old_id: after_first + moved["new_articles"]}
    [feed_request] = [req for req, _ in httpserver.log if req.path.startswith("/feeds/")]
    assert not feed_request.headers.get("If-None-Match") and not feed_request.headers.get("If-Modified-Since")
    con = duckdb.connect(str(settings.db), read_only=True)
    assert con.execute("SELECT source_id, feed_url FROM sources").fetchall() == [(old_id, second)]
    con.close()

    with caplog.at_level(logging.WARNING):
        daily_ingest(str(entry(third)), str(settings.db), settings=settings, classify=False)
    assert set(by_source()) == {old_id, source_id_for(third)}
    warnings = [r.getMessage() for r in caplog.records if "history is split" in r.getMessage()]
    assert len(warnings) == 1 and f"under source id {old_id}" in warnings[0] and f"add `id: {old_id}`" in warnings[0]
