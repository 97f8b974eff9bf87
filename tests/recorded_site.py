"""A recorded news site on pytest-httpserver: real feeds with links pointed at the local server."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import feedparser
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from extractors.articles import feed_text

_LINK_HOST = re.compile(rb"https?://([A-Za-z0-9.-]+)/")


def localize_feed(body: bytes, base: str) -> bytes:
    """Point every absolute http(s) URL of a recorded feed at `base`/site/<host>/..."""
    return _LINK_HOST.sub(lambda m: f"{base}/site/".encode() + m.group(1) + b"/", body)


def article_page(title: str, text: str, canonical: str, published: str | None) -> bytes:
    """A plain news page for a feed entry: the entry's own title and summary as the article body."""
    date_meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    paragraphs = "".join(f"<p>{html.escape(text)} {html.escape(title)}.</p>" for _ in range(3))
    return (
        f'<!doctype html><html lang="en"><head><title>{html.escape(title)}</title>'
        f'<link rel="canonical" href="{html.escape(canonical)}">{date_meta}</head>'
        f'<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{html.escape(title)}</h1>'
        f"{paragraphs}</article><footer>Copyright notice of the test site.</footer></body></html>"
    ).encode()


class RecordedSite:
    """Serves recorded feeds (with ETag / 304) and one generated page per feed entry."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.base = server.url_for("").rstrip("/")
        self.pages: dict[str, bytes] = {}
        self.feeds: dict[str, bytes] = {}

    def add_feed(self, name: str, recorded: Path, with_pages: bool = True) -> str:
        """Register `recorded` at /feeds/<name>; returns its URL."""
        body = localize_feed(recorded.read_bytes(), self.base)
        path = f"/feeds/{name}"
        self.feeds[path] = body
        if with_pages:
            for entry in feedparser.parse(body).entries:
                link = entry.get("link")
                if link and link.startswith(self.base):
                    title = entry.get("title") or "Untitled"
                    text = feed_text_from(entry) or title
                    published = entry.get("published") and _iso(entry)
                    self.pages[link[len(self.base):].split("#")[0]] = article_page(title, text, link, published)
        return self.base + path

    def install(self) -> None:
        self.server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._handle)

    def _handle(self, request: Request) -> Response:
        path = request.full_path.rstrip("?") if request.query_string else request.path
        if request.path in self.feeds:
            body = self.feeds[request.path]
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, content_type="application/rss+xml", headers={"ETag": etag})
        page = self.pages.get(path) or self.pages.get(request.path)
        if page is None:
            return Response("not found", status=404)
        return Response(page, content_type="text/html; charset=utf-8")


def feed_text_from(entry) -> str:
    from extractors.feeds import _to_entry

    parsed = _to_entry(entry, "http://127.0.0.1/")
    return feed_text(parsed) if parsed else ""


def _iso(entry) -> str | None:
    import calendar
    from datetime import UTC, datetime

    value = entry.get("published_parsed")
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC).isoformat() if value else None
