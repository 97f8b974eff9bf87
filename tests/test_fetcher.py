"""The fetcher against a real local server: every bad answer becomes the right error class, quickly."""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import replace

import pytest
from conftest import FIXTURES
from hostile import MB, RawHeaders, Stream, gzip_bomb, local, settle
from werkzeug import Request, Response

from extractors.errors import BadContentType, BlockedURL, HTTPStatusError, TooLarge, TooManyRedirects, TransientError
from extractors.http import FEED_TYPES, Fetcher


@pytest.fixture
def quick(fast_limits):
    """Sub-second read timeout, so the timeout test costs about a second."""
    with Fetcher(replace(fast_limits, read_timeout=0.4)) as f:
        yield f


def test_404_is_permanent_and_not_retried(httpserver, fetcher):
    httpserver.expect_request("/gone").respond_with_data("no such feed", status=404)
    with pytest.raises(HTTPStatusError) as err:
        fetcher.fetch(local(httpserver, "/gone"), accept=FEED_TYPES)
    assert err.value.status == 404 and err.value.reason == "HTTP 404"
    assert len(httpserver.log) == 1


def test_500_is_transient_and_retried_then_raised(httpserver, fetcher, caplog):
    httpserver.expect_request("/busy").respond_with_data("overloaded", status=500)
    with caplog.at_level("INFO", logger="extractors.http"), pytest.raises(TransientError) as err:
        fetcher.fetch(local(httpserver, "/busy"), accept=FEED_TYPES)
    assert err.value.reason == "HTTP 500"
    assert len(httpserver.log) == fetcher.limits.retries + 1
    assert any("retrying" in r.getMessage() and "/busy" in r.getMessage() for r in caplog.records)


def test_read_timeout_is_transient_and_retried(httpserver, quick):
    release = threading.Event()

    def stall(request: Request) -> Response:
        release.wait(5)
        return Response("<rss/>", content_type="application/rss+xml")

    httpserver.expect_request("/slow").respond_with_handler(stall)
    started = time.monotonic()
    try:
        with pytest.raises(TransientError) as err:
            quick.fetch(local(httpserver, "/slow"), accept=FEED_TYPES)
    finally:
        release.set()
        settle(httpserver, quick.limits.retries + 1)  # the stalled requests finish now, not in the next test
    assert err.value.reason.startswith("timeout: ReadTimeout")
    attempts = quick.limits.retries + 1
    assert time.monotonic() - started < attempts * quick.limits.read_timeout + 1.5


def test_redirect_loop_is_refused(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/a"})
    with pytest.raises(TooManyRedirects, match="redirect loop"):
        fetcher.fetch(local(httpserver, "/a"))
    assert len(httpserver.log) == 2


def test_redirect_chain_longer_than_the_limit_is_refused(httpserver, fetcher):
    hops = fetcher.limits.max_redirects + 2
    for i in range(hops):
        httpserver.expect_request(f"/hop{i}").respond_with_data("", status=307, headers={"Location": f"/hop{i + 1}"})
    with pytest.raises(TooManyRedirects, match=f"more than {fetcher.limits.max_redirects} redirects"):
        fetcher.fetch(local(httpserver, "/hop0"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "http:///no-host"])
def test_non_http_urls_are_blocked_before_any_request(httpserver, fetcher, url):
    with pytest.raises(BlockedURL, match="not allowed|no host"):
        fetcher.fetch(url)
    assert httpserver.log == []


def test_redirect_to_file_url_is_blocked(httpserver, fetcher):
    httpserver.expect_request("/moved").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(BlockedURL, match="scheme 'file' not allowed: file:///etc/passwd"):
        fetcher.fetch(local(httpserver, "/moved"))


def test_malformed_urls_are_blocked_not_crashing(httpserver, fetcher):
    """urlsplit raises ValueError on these; before the fix it escaped the fetcher and failed the whole feed."""
    httpserver.expect_request("/odd").respond_with_response(
        RawHeaders("", status=302, headers={"Location": "http://[oops/"})
    )
    with pytest.raises(BlockedURL, match="malformed redirect Location"):
        fetcher.fetch(local(httpserver, "/odd"))
    with pytest.raises(BlockedURL, match="malformed URL"):
        fetcher.fetch("http://[oops/")
    with pytest.raises(BlockedURL, match="malformed URL"):
        fetcher.fetch("http://127.0.0.1:abc/feed")  # urlsplit lets it through, httpx raises InvalidURL


def test_50mb_body_without_content_length_is_cut_off_while_streaming(httpserver, fetcher):
    body = Stream()
    httpserver.expect_request("/huge").respond_with_handler(
        lambda request: Response(body, content_type="application/rss+xml")
    )
    started = time.monotonic()
    with pytest.raises(TooLarge, match=f"body exceeds cap of {fetcher.limits.max_bytes} bytes"):
        fetcher.fetch(local(httpserver, "/huge"), accept=FEED_TYPES)
    assert time.monotonic() - started < 2
    assert "Content-Length" not in httpserver.log[-1][1].headers
    # The server stopped soon after the client hung up: the cap plus socket buffers, not 50 MB.
    assert body.sent < 20 * MB


def test_declared_50mb_content_length_is_refused_before_reading(httpserver, fetcher):
    body = Stream()
    httpserver.expect_request("/huge").respond_with_handler(
        lambda request: Response(body, content_type="application/rss+xml", headers={"Content-Length": str(body.total)})
    )
    with pytest.raises(TooLarge, match=f"Content-Length {50 * MB} exceeds cap"):
        fetcher.fetch(local(httpserver, "/huge"), accept=FEED_TYPES)
    assert body.sent < 20 * MB


def test_lying_small_content_length_reads_no_more_than_declared(httpserver, fetcher):
    """A server that declares 1000 bytes and then streams 50 MB cannot push more than 1000 bytes on us."""
    body = Stream()
    httpserver.expect_request("/liar").respond_with_handler(
        lambda request: Response(body, content_type="text/html", headers={"Content-Length": "1000"})
    )
    result = fetcher.fetch(local(httpserver, "/liar"))
    assert len(result.body) == 1000


def test_gzip_bomb_is_capped_on_the_decoded_size(httpserver, fetcher):
    """Content-Length is honest about the compressed size; the decoded 50 MB still hits the cap."""
    bomb = gzip_bomb(50 * MB)
    assert len(bomb) < fetcher.limits.max_bytes
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(TooLarge, match="body exceeds cap"):
        fetcher.fetch(local(httpserver, "/bomb"), accept=FEED_TYPES)


def test_gzip_content_encoding_is_decoded(httpserver, fetcher):
    recorded = FIXTURES / "feeds" / "node-feedparser" / "compressed.xml"  # a gzip body, served as node-feedparser does
    httpserver.expect_request("/gz").respond_with_data(
        recorded.read_bytes(), content_type="text/xml", headers={"Content-Encoding": "gzip"}
    )
    result = fetcher.fetch(local(httpserver, "/gz"), accept=FEED_TYPES)
    assert result.body == gzip.decompress(recorded.read_bytes())
    assert result.body.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')


def test_corrupt_gzip_is_a_bad_body(httpserver, fetcher):
    httpserver.expect_request("/gz").respond_with_data(
        b"this is not gzip at all", content_type="application/rss+xml", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(BadContentType, match="undecodable body"):
        fetcher.fetch(local(httpserver, "/gz"), accept=FEED_TYPES)


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/octet-stream"])
def test_binary_content_types_are_refused_for_pages(httpserver, fetcher, content_type):
    httpserver.expect_request("/story").respond_with_data(b"\x89PNG\r\n\x1a\n" + bytes(512), content_type=content_type)
    with pytest.raises(BadContentType, match=f"content type '{content_type}' not acceptable"):
        fetcher.fetch(local(httpserver, "/story"))


def test_conditional_get_returns_not_modified(httpserver, fetcher):
    def feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response("<rss version='2.0'/>", content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed").respond_with_handler(feed)
    first = fetcher.fetch(local(httpserver, "/feed"), accept=FEED_TYPES)
    second = fetcher.fetch(local(httpserver, "/feed"), accept=FEED_TYPES, etag=first.etag)
    assert first.status == 200 and first.etag == '"v1"'
    assert second.not_modified and second.body == b""
