"""Bad feeds and pages through `process_feed` into DuckDB: each is recorded with its reason, nothing stored is lost.

Every test stores a good feed first and checks its rows are untouched afterwards, and most process another good
feed after the bad one to show the run goes on. All traffic goes to pytest-httpserver on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import html
import logging
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, LOOPBACK
from hostile import MB, Stream, billion_laughs, gzip_bomb, local, settle, utf16
from recorded_site import article_page, localize_feed
from werkzeug import Request, Response

from extractors.feeds import parse_feed
from extractors.http import Fetcher, FetchLimits
from extractors.records import Source
from flows.feed_step import process_feed
from warehouse.writer import Writer

NODE = FIXTURES / "feeds" / "node-feedparser"
REAL = FIXTURES / "feeds" / "real-news"
ZYTE = sorted((FIXTURES / "pages" / "zyte").glob("*.html.gz"))  # real article pages, gzip-compressed
RSS = "application/rss+xml"

Route = Callable[[Request], Response]


class Site:
    """One handler for every path: routes can be swapped mid-test (a feed that turns bad)."""

    def __init__(self, server) -> None:
        self.server = server
        self.routes: dict[str, Route] = {}
        self.prefixes: dict[str, Route] = {}
        self.release = threading.Event()  # lets a stalled handler (timeout case) finish
        server.expect_request(re.compile(r"^/")).respond_with_handler(self._handle)

    def url(self, path: str) -> str:
        return local(self.server, path)

    def serve(self, path: str, body: bytes | Stream, content_type: str = RSS, status: int = 200, **headers) -> str:
        self.routes[path] = lambda request: Response(body, status=status, content_type=content_type, headers=headers)
        return self.url(path)

    def handle(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def requests(self, path: str) -> int:
        return sum(req.path == path for req, _ in self.server.log)

    def _handle(self, request: Request) -> Response:
        route = self.routes.get(request.full_path.rstrip("?")) or self.routes.get(request.path)
        if route is None:
            route = next((r for p, r in self.prefixes.items() if request.path.startswith(p)), None)
        return route(request) if route else Response("not found", status=404)


def rss(title: str, items: list[dict]) -> bytes:
    """A small RSS 2.0 feed; an item is a dict of title, link and summary (each may be missing)."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>']
    for item in items:
        parts.append("<item>")
        for tag, key in (("title", "title"), ("link", "link"), ("description", "summary")):
            if item.get(key):
                parts.append(f"<{tag}>{html.escape(item[key])}</{tag}>")
        parts.append("<pubDate>Tue, 17 Feb 2026 10:00:00 GMT</pubDate></item>")
    return ("".join(parts) + "</channel></rss>").encode()


def zyte_page(index: int) -> Route:
    """A real article page, sent gzip-encoded as it is stored (the fetcher decodes it)."""
    body = ZYTE[index].read_bytes()
    return lambda request: Response(body, content_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"})


def read(db: Path, *sources: Source) -> list[tuple[list[tuple], list[tuple]]]:
    """Per source: its articles with passage counts (what must survive later bad input) and its feed fetches."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            (
                con.execute(
                    "SELECT a.url, a.status, a.error, a.title, a.content_hash, count(p.passage_id) FROM articles a "
                    "LEFT JOIN passages p USING (article_id) WHERE a.source_id = ? GROUP BY ALL ORDER BY 1",
                    [s.source_id],
                ).fetchall(),
                con.execute(
                    "SELECT run_id, status, http_status, error, etag FROM feed_fetches WHERE source_id = ? "
                    "ORDER BY fetched_at",
                    [s.source_id],
                ).fetchall(),
            )
            for s in sources
        ]
    finally:
        con.close()


def source(name: str, feed_url: str) -> Source:
    return Source(name, feed_url, "test", "en", "http://127.0.0.1/")


def logged(caplog, *needles: str) -> list[str]:
    """Lines of the feed step's log (INFO and up) that contain every needle."""
    return [
        r.getMessage() for r in caplog.records
        if r.name == "flows.feed_step" and r.levelno >= logging.INFO and all(n in r.getMessage() for n in needles)
    ]


@pytest.fixture
def site(httpserver) -> Site:
    s = Site(httpserver)
    yield s
    s.release.set()


@pytest.fixture
def quick(fast_limits):
    """Sub-second read timeout, so the timeout case costs about a second."""
    with Fetcher(replace(fast_limits, read_timeout=0.4)) as f:
        yield f


def install_good(site: Site) -> tuple[Source, Source]:
    """Two good feeds on real article pages."""
    a = source("good-a", site.serve("/feeds/a", rss("A", [
        {"title": "NASA story", "link": site.url("/news/a1"), "summary": "Feed summary one."},
        {"title": "Saturn story", "link": site.url("/news/a2"), "summary": "Feed summary two."},
    ]), ETag='"a-v1"'))
    b = source("good-b", site.serve("/feeds/b", rss("B", [
        {"title": "DMEXCO story", "link": site.url("/news/b1"), "summary": "Feed summary three."},
    ])))
    for path, index in (("/news/a1", 0), ("/news/a2", 1), ("/news/b1", 2)):
        site.handle(path, zyte_page(index))
    return a, b


@pytest.fixture(scope="module")
def stored_a(make_httpserver, tmp_path_factory, fast_limits_module) -> tuple[Path, list[tuple]]:
    """A database in which feed A is already stored (built once, copied per test), and A's rows."""
    path = tmp_path_factory.mktemp("template") / "radar.duckdb"
    # the session server keeps the handlers of the last test that used `httpserver` (it clears on setup only)
    make_httpserver.clear()
    site = Site(make_httpserver)
    a, _ = install_good(site)
    with Fetcher(fast_limits_module) as fetcher:
        outcome = process_feed(a, fetcher, Writer(path), "run-0")
    make_httpserver.clear()
    assert outcome.status == "ok" and outcome.new_articles == 2
    [(rows, fetched)] = read(path, a)
    assert [r[1] for r in rows] == ["ok", "ok"] and all(r[5] > 0 for r in rows)
    assert [f[:3] for f in fetched] == [("run-0", "ok", 200)]
    return path, rows


@pytest.fixture(scope="module")
def fast_limits_module():
    return FetchLimits(connect_timeout=2, read_timeout=1.5, total_timeout=5, retries=1, backoff_seconds=0.05,
                       allow=tuple(LOOPBACK.split(",")))


@dataclass(frozen=True)
class Good:
    """Feeds A (already stored) and B (not yet), a writer on the test's database, and A's stored rows."""

    a: Source
    b: Source
    writer: Writer
    before: list[tuple]


@pytest.fixture
def good(site, stored_a, db_path) -> Good:
    template, rows = stored_a
    shutil.copyfile(template, db_path)
    a, b = install_good(site)
    return Good(a, b, Writer(db_path), rows)


def assert_run_goes_on(db_path: Path, good: Good, quick: Fetcher, run_id: str) -> None:
    """A's rows are intact and feed B, processed after the bad input, is stored in full."""
    a, b, before = good.a, good.b, good.before
    outcome = process_feed(b, quick, good.writer, run_id)
    assert outcome.status == "ok" and outcome.new_articles == 1
    (a_rows, _), (b_rows, _) = read(db_path, a, b)
    assert a_rows == before
    assert [r[1] for r in b_rows] == ["ok"]


# --- feeds that cannot be used at all ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BadFeed:
    id: str
    install: Callable[[Site], str]  # serves the bad feed, returns its URL
    reason: str  # regex the stored error must match
    http_status: int | None = None
    requests: int | None = None  # feed requests expected (retries), when it matters


def _stall(site: Site) -> str:
    def handler(request: Request) -> Response:
        site.release.wait(5)
        return Response(rss("late", []), content_type=RSS)

    return site.handle("/feeds/bad", handler)


def _loop(site: Site) -> str:
    site.serve("/feeds/bad2", b"", status=302, Location="/feeds/bad")
    return site.serve("/feeds/bad", b"", status=301, Location="/feeds/bad2")


BAD_FEEDS = [
    BadFeed("broken-xml-no-entries",
            lambda s: s.serve("/feeds/bad", b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut</title>'
                                            b"<item><title>Half an it"),
            r"^malformed feed: SAXParseException: "),
    BadFeed("html-page",
            lambda s: s.serve("/feeds/bad", (NODE / "notafeed.html").read_bytes(), "text/html; charset=utf-8"),
            r"^not a feed: an HTML page$"),
    BadFeed("empty-body", lambda s: s.serve("/feeds/bad", b""), r"^empty body$"),
    BadFeed("http-404", lambda s: s.serve("/feeds/bad", b"gone", "text/plain", status=404), r"^HTTP 404$",
            http_status=404, requests=1),
    BadFeed("http-500-retried", lambda s: s.serve("/feeds/bad", b"down", "text/plain", status=500), r"^HTTP 500$",
            requests=2),
    BadFeed("read-timeout", _stall, r"^timeout: ReadTimeout", requests=2),
    BadFeed("redirect-loop", _loop, r"^redirect loop or more than \d+ redirects"),
    BadFeed("redirect-to-file", lambda s: s.serve("/feeds/bad", b"", status=302, Location="file:///etc/passwd"),
            r"^scheme 'file' not allowed: file:///etc/passwd$"),
    BadFeed("file-url", lambda s: "file:///etc/passwd", r"^scheme 'file' not allowed"),
    BadFeed("ftp-url", lambda s: f"ftp://127.0.0.1:{s.server.port}/feeds/bad", r"^scheme 'ftp' not allowed"),
    BadFeed("50mb-streamed-no-length", lambda s: s.serve("/feeds/bad", Stream(head=b'<rss version="2.0"><channel>')),
            rf"^body exceeds cap of {5 * MB} bytes$"),
    BadFeed("50mb-declared-length",
            lambda s: s.serve("/feeds/bad", Stream(), **{"Content-Length": str(50 * MB)}),
            rf"^Content-Length {50 * MB} exceeds cap"),
    BadFeed("lying-small-length",  # 1000 bytes declared, 50 MB sent: only the 1000 are read, a truncated feed
            lambda s: s.serve("/feeds/bad", Stream(head=b'<rss version="2.0"><channel><item><title>'),
                              **{"Content-Length": "1000"}),
            r"^malformed feed: SAXParseException"),
    BadFeed("gzip-bomb", lambda s: s.serve("/feeds/bad", gzip_bomb(50 * MB), **{"Content-Encoding": "gzip"}),
            r"^body exceeds cap"),
    BadFeed("gzip-without-content-encoding",
            lambda s: s.serve("/feeds/bad", (NODE / "compressed.xml").read_bytes(), "application/xml"),
            r"^gzip-compressed body sent without Content-Encoding: gzip$"),
    BadFeed("billion-laughs", lambda s: s.serve("/feeds/bad", billion_laughs().encode()),
            r"^XML entity declarations refused \(entity-expansion risk\)$"),
    BadFeed("billion-laughs-utf16", lambda s: s.serve("/feeds/bad", billion_laughs("UTF-16").encode("utf-16")),
            r"^XML entity declarations refused"),
    BadFeed("image-as-feed", lambda s: s.serve("/feeds/bad", b"\x89PNG\r\n\x1a\n" + bytes(256), "image/png"),
            r"^content type 'image/png' not acceptable$"),
]


@pytest.mark.parametrize("case", BAD_FEEDS, ids=[c.id for c in BAD_FEEDS])
def test_unusable_feed_is_recorded_and_the_run_goes_on(case, site, good, db_path, quick, caplog):
    bad = source("bad", case.install(site))

    with caplog.at_level(logging.INFO):
        outcome = process_feed(bad, quick, good.writer, "run-1")
    site.release.set()
    if case.requests is not None:
        settle(site.server, case.requests)  # let stalled requests finish before counting them

    assert outcome.status == "failed" and re.search(case.reason, outcome.error)
    [(rows, [(run_id, status, http_status, error, etag)])] = read(db_path, bad)
    assert (run_id, status, http_status, etag, rows) == ("run-1", "failed", case.http_status, None, [])
    assert re.search(case.reason, error), error
    if case.requests is not None:
        assert site.requests("/feeds/bad") == case.requests
    assert logged(caplog, bad.feed_url, outcome.error)
    assert_run_goes_on(db_path, good, quick, "run-1")


def test_feed_that_turns_bad_keeps_its_articles_and_validators(site, good, db_path, quick, caplog):
    """A stored feed now serving an HTML page: recorded as failed; on recovery the old ETag still gives a 304."""
    a = good.a
    good_feed = site.routes["/feeds/a"]
    site.serve("/feeds/a", (NODE / "notafeed.html").read_bytes(), "text/html")

    with caplog.at_level(logging.WARNING):
        outcome = process_feed(a, quick, good.writer, "run-1")
    assert outcome.status == "failed" and outcome.error == "not a feed: an HTML page"
    assert logged(caplog, a.feed_url, "not a feed: an HTML page")

    def conditional(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"a-v1"':
            return Response(status=304, headers={"ETag": '"a-v1"'})
        return good_feed(request)

    site.handle("/feeds/a", conditional)
    assert process_feed(a, quick, good.writer, "run-2").status == "not_modified"
    [(rows, fetched)] = read(db_path, a)
    assert rows == good.before
    assert [f[:3] for f in fetched] == [("run-0", "ok", 200), ("run-1", "failed", None), ("run-2", "not_modified", 304)]


def test_conditional_get_with_stored_etag_adds_nothing(site, good, db_path, quick, caplog):
    b = good.b
    served = []

    def feed(request: Request) -> Response:
        served.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == '"b-v1"':
            return Response(status=304, headers={"ETag": '"b-v1"'})
        return Response(rss("B", [{"title": "DMEXCO story", "link": site.url("/news/b1"), "summary": "three"}]),
                        content_type=RSS, headers={"ETag": '"b-v1"'})

    site.handle("/feeds/b", feed)
    first = process_feed(b, quick, good.writer, "run-1")
    [(after_first, _)] = read(db_path, b)
    page_requests = site.requests("/news/b1")
    with caplog.at_level(logging.INFO):
        second = process_feed(b, quick, good.writer, "run-2")

    assert first.status == "ok" and first.new_articles == 1
    assert second.status == "not_modified" and second.new_articles == 0 and second.entries == 0
    assert served == [None, '"b-v1"']
    assert site.requests("/news/b1") == page_requests == 1  # no page fetched on a 304
    (a_rows, _), (b_rows, b_fetched) = read(db_path, good.a, b)
    assert (a_rows, b_rows) == (good.before, after_first)
    assert [f[:3] + (f[4],) for f in b_fetched] == [
        ("run-1", "ok", 200, '"b-v1"'), ("run-2", "not_modified", 304, '"b-v1"')
    ]
    assert logged(caplog, "feed good-b: not modified (304)")


# --- feeds that are odd but usable --------------------------------------------------------------------------------


def test_malformed_feed_with_entries_is_used_and_its_problem_recorded(site, good, db_path, quick, caplog):
    feed = localize_feed((NODE / "saxerror.xml").read_bytes(), site.url("").rstrip("/"))
    bad = source("sax", site.serve("/feeds/sax", feed))
    for name in ("good", "bad", "after"):
        link = site.url(f"/site/example.com/{name}")
        site.prefixes[f"/site/example.com/{name}"] = lambda request, n=name, u=link: Response(
            article_page(f"{n.title()} story", f"The {n} article text, long enough to be the article body. " * 4, u,
                         "2026-02-17T10:00:00+00:00"), content_type="text/html")

    with caplog.at_level(logging.INFO):
        outcome = process_feed(bad, quick, good.writer, "run-1")

    assert outcome.status == "malformed" and outcome.new_articles == 3
    [(rows, [(_, status, http_status, error, _)])] = read(db_path, bad)
    assert (status, http_status) == ("malformed", 200)
    assert error.startswith("malformed feed: SAXParseException") and "not well-formed" in error
    assert [(r[1], r[3]) for r in rows] == [("ok", "After story"), ("ok", "Bad story"), ("ok", "Good story")]
    assert any("malformed feed" in m for m in logged(caplog, "feed sax: 3 entries"))
    assert_run_goes_on(db_path, good, quick, "run-1")


CYRILLIC = ["В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
            "ЧОПовцы в Оренбурге избили молодого человека"]
WAPO = REAL / "washingtonpost-world__4bf53cb602417030.xml"


def encoded_feed(kind: str, base: str) -> tuple[bytes, str, dict[str, str], bytes]:
    """(body, content type, headers, the plain feed it must parse like) for one encoding case."""
    iconv = localize_feed((NODE / "iconv.xml").read_bytes(), base)
    wapo = localize_feed(WAPO.read_bytes(), base)
    if kind == "windows-1251-as-text-xml":  # text/xml without charset used to mark it 'malformed'
        return iconv, "text/xml", {}, iconv
    if kind == "windows-1251-gzip-encoded":
        # compressed.xml is iconv.xml gzipped; its links are pointed at the test server before re-compressing.
        plain = localize_feed(gzip.decompress((NODE / "compressed.xml").read_bytes()), base)
        return gzip.compress(plain), "application/rss+xml; charset=windows-1251", {"Content-Encoding": "gzip"}, iconv
    if kind == "utf-8-gzip-encoded":
        return gzip.compress(wapo), RSS, {"Content-Encoding": "gzip"}, wapo
    return utf16(wapo), RSS, {}, wapo


@pytest.mark.parametrize(
    "kind", ["windows-1251-as-text-xml", "windows-1251-gzip-encoded", "utf-8-gzip-encoded", "utf-16"]
)
def test_encoded_feed_is_decoded_and_stored(kind, site, good, db_path, quick):
    """Article pages are 404 here, so the stored titles are the feed's own: they show the decoding."""
    body, content_type, headers, plain = encoded_feed(kind, site.url("").rstrip("/"))
    enc = source(kind, site.serve("/feeds/enc", body, content_type, **headers))

    outcome = process_feed(enc, quick, good.writer, "run-1")

    assert outcome.status == "ok" and outcome.error is None
    [(rows, [(_, status, http_status, error, _)])] = read(db_path, enc)
    assert (status, http_status, error) == ("ok", 200, None)
    expected = [e.title for e in parse_feed(plain, "http://127.0.0.1/").entries]
    if "1251" in kind:
        assert expected[:2] == CYRILLIC
    assert len(rows) == outcome.entries == len(expected) > 5
    assert sorted(r[3] for r in rows) == sorted(expected)
    # Pages 404: the feed text is used with the reason stored; an entry whose feed text is too short to be an
    # article is failed, keeps its decoded title and says both.
    assert all(r[2] == "page fetch failed: HTTP 404" or r[2].startswith("page fetch failed: HTTP 404; text too short")
               for r in rows)
    assert_run_goes_on(db_path, good, quick, "run-1")


# --- articles that cannot be fetched or read ----------------------------------------------------------------------

SHELL_PAGE = (b"<!doctype html><html><head><title>App</title></head>"
              b"<body><div id='root'></div><script>boot()</script></body></html>")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8
TEXT = "The council met on Tuesday and agreed the budget after a long debate about the harbour. " * 6


def test_bad_articles_are_recorded_and_the_rest_of_the_feed_stored(site, good, db_path, quick, caplog):
    page = site.url
    site.serve("/story/png", PNG, "image/png")
    site.serve("/story/pdf", PDF, "application/pdf")
    site.serve("/story/png-as-html", PNG, "text/html")
    site.serve("/story/shell", SHELL_PAGE, "text/html; charset=utf-8")
    site.serve("/story/shell-bare", SHELL_PAGE, "text/html; charset=utf-8")
    site.serve("/story/to-file", b"", status=302, Location="file:///etc/passwd")
    site.serve("/story/flaky", b"down", "text/plain", status=500)
    # A real page whose canonical link has an impossible port: hashing it used to raise and lose the feed.
    site.serve("/story/odd-canonical", article_page("Harbour budget", TEXT, "http://127.0.0.1:99999/story", None),
               "text/html")
    site.serve("/story/real", article_page("Council budget", TEXT, page("/story/real"), "2026-02-17T09:00:00+00:00"),
               "text/html; charset=utf-8")
    ftp = f"ftp://127.0.0.1:{site.server.port}/story.html"
    # Long enough (>= 80 characters) to stand as an article when the page is unusable.
    summary = "What the feed says about it: the council met and agreed the harbour budget after a long debate."
    items = [
        {"title": "Real", "link": page("/story/real"), "summary": summary},
        {"title": "PNG", "link": page("/story/png"), "summary": summary},
        {"title": "PDF", "link": page("/story/pdf")},
        {"title": "PNG as HTML", "link": page("/story/png-as-html"), "summary": summary},
        {"title": "Shell", "link": page("/story/shell"), "summary": summary},
        {"title": "Shell bare", "link": page("/story/shell-bare")},
        {"title": "File", "link": "file:///etc/passwd", "summary": summary},
        {"title": "FTP", "link": ftp},
        {"title": "To file", "link": page("/story/to-file"), "summary": summary},
        {"title": "Orphan", "summary": "An entry with no link at all."},
        {"title": "Odd canonical", "link": page("/story/odd-canonical")},
        {"title": "Flaky", "link": page("/story/flaky")},
    ]
    feed = source("articles", site.serve("/feeds/articles", rss("Articles", items), ETag='"x1"'))

    with caplog.at_level(logging.INFO):
        outcome = process_feed(feed, quick, good.writer, "run-1")

    expected = {
        page("/story/real"): ("ok", None),
        page("/story/png"): ("feed_only", r"^page fetch failed: content type 'image/png' not acceptable$"),
        page("/story/pdf"): (
            "failed", r"^page fetch failed: content type 'application/pdf' not acceptable; no extractable text"
        ),
        page("/story/png-as-html"): ("feed_only", r"^no extractable text on the page; used the feed text$"),
        page("/story/shell"): ("feed_only", r"^no extractable text on the page; used the feed text$"),
        page("/story/shell-bare"): ("failed", r"^no extractable text on the page and none in the feed entry$"),
        # feedparser hands the link over as file://etc/passwd; blocked all the same.
        "file://etc/passwd": ("feed_only", r"^page fetch failed: scheme 'file' not allowed: file://etc/passwd$"),
        ftp: ("failed", r"^page fetch failed: scheme 'ftp' not allowed: .*; no extractable text"),
        page("/story/to-file"): ("feed_only", r"^page fetch failed: scheme 'file' not allowed: file:///etc/passwd$"),
        page("/story/odd-canonical"): ("ok", None),
        page("/story/flaky"): ("retry", r"^page fetch failed \(transient\): HTTP 500; no extractable text"),
    }
    [(rows, [(_, status, http_status, error, etag)])] = read(db_path, feed)
    got = {r[0]: (r[1], r[2]) for r in rows}
    assert got.keys() == expected.keys()
    for url, (want_status, want_error) in expected.items():
        assert got[url][0] == want_status, url
        assert (got[url][1] is None) if want_error is None else re.search(want_error, got[url][1]), (url, got[url])
    # The feed itself is fine; the entry without a link is named in its row.
    assert (status, http_status) == ("ok", 200) and error == "entry without link: 'Orphan'"
    assert etag is None  # a 'retry' article is pending, so the next run must not get a 304
    assert (outcome.entries, outcome.failed_articles, outcome.retry_articles) == (11, 4, 1)
    assert site.requests("/story/flaky") == quick.limits.retries + 1
    for url, (want_status, _) in expected.items():
        if want_status in ("failed", "retry"):
            assert logged(caplog, f"article {url} failed:"), url
        elif want_status == "feed_only":
            assert logged(caplog, f"article {url}: used feed text ("), url
    assert logged(caplog, "feed articles: skipped entry without link: 'Orphan'")
    assert_run_goes_on(db_path, good, quick, "run-1")
