"""`radar sources check --fetch`: each outlet tried as a run would, on recorded feeds served on 127.0.0.1."""

from __future__ import annotations

from conftest import FIXTURES
from recorded_site import RecordedSite
from test_ingest_flow import write_sources
from typer.testing import CliRunner
from werkzeug import Response

from extractors.probe import probe_sources, publishing_rate
from extractors.sources import load_sources
from flows.cli import app

REAL = FIXTURES / "feeds" / "real-news"


def test_each_feed_is_tried_with_its_newest_article(httpserver, tmp_path, fetcher):
    site = RecordedSite(httpserver)
    urls = {
        "bbc": site.add_feed("bbc", REAL / "bbc-news-world__1796df62c4a287cc.xml"),
        "npr_no_pages": site.add_feed("npr", REAL / "npr-world__7be307059415227d.xml", with_pages=False),
        "broken_xml": site.add_feed("broken", REAL / "MALFORMED-dylanharris-broken-xmldecl__7ef13a42fa7e177a.xml"),
        "html_page": site.base + "/not-a-feed",
        "gone": site.base + "/feeds/gone",
    }
    site.pages["/not-a-feed"] = (FIXTURES / "feeds" / "node-feedparser" / "notafeed.html").read_bytes()
    httpserver.expect_request("/feeds/gone").respond_with_response(Response("gone", status=410))
    site.install()
    sources = load_sources(write_sources(tmp_path / "sources.yaml", urls))
    probes = {p.name: p for p in probe_sources(sources, fetcher, workers=3)}
    assert list(probes) == list(urls)  # in the list's order

    bbc = probes["bbc"]
    assert (bbc.feed, bbc.sample) == ("ok", "page") and bbc.entries > 10 and bbc.sample_words > 20
    assert bbc.newest is not None and bbc.per_week and bbc.per_week > 1 and bbc.problem is None
    npr = probes["npr_no_pages"]  # the page is missing (404): the feed's own text, or nothing, with the reason
    assert npr.feed == "ok" and npr.sample in ("feed", "none") and "404" in (npr.problem or "")
    assert probes["html_page"].feed == "failed" and probes["html_page"].problem
    assert probes["gone"].feed == "failed" and "410" in (probes["gone"].problem or "")
    assert probes["broken_xml"].feed in ("malformed", "failed") and probes["broken_xml"].problem

    result = CliRunner().invoke(app, ["sources", "check", str(tmp_path / "sources.yaml"), "--fetch"])
    assert result.exit_code == 0, result.output
    assert "feeds answer with entries" in result.output and "bbc" in result.output


def test_publishing_rate_counts_entries_per_week_over_their_span():
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert publishing_rate([start]) is None
    assert publishing_rate([start + timedelta(days=7 * i) for i in range(5)]) == 1.0  # weekly
    assert publishing_rate([start + timedelta(days=i) for i in range(15)]) == 7.0  # daily
