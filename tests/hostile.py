"""Hostile inputs for the bad-input tests: endless bodies, gzip bombs, raw headers, entity bombs, UTF-16 feeds."""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

from werkzeug import Response
from werkzeug.datastructures import Headers

MB = 1024 * 1024


def local(server, path: str) -> str:
    """URL on the test server by IP, so nothing ever resolves a name."""
    return f"http://127.0.0.1:{server.port}{path}"


def settle(server, requests: int, timeout: float = 3.0) -> int:
    """Wait until the server has logged `requests` requests (stalled handlers finish late); returns the count."""
    deadline = time.monotonic() + timeout
    while len(server.log) < requests and time.monotonic() < deadline:
        time.sleep(0.01)
    return len(server.log)


class Stream:
    """A 50 MB body produced chunk by chunk (never held in memory), counting what the server handed out."""

    def __init__(self, total: int = 50 * MB, head: bytes = b"", chunk: bytes = b"x" * (64 * 1024)) -> None:
        self.total, self.head, self.chunk, self.sent = total, head, chunk, 0

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        while self.sent < self.total:
            self.sent += len(self.chunk)
            yield self.chunk


class RawHeaders(Response):
    """A response whose headers go out as written (werkzeug would rewrite or reject a bad Location)."""

    def get_wsgi_headers(self, environ) -> Headers:
        return Headers(self.headers)


def gzip_bomb(decoded: int) -> bytes:
    """`decoded` zero bytes gzip-compressed, one megabyte at a time."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container, as Content-Encoding: gzip wants
    block = bytes(MB)
    return b"".join(comp.compress(block) for _ in range(decoded // MB)) + comp.flush()


def billion_laughs(encoding: str = "UTF-8", pad: str = "", levels: int = 9) -> str:
    """The classic entity-expansion feed: `levels` nested entities, each ten of the one before."""
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, levels + 1)
    ]
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n{pad}<!DOCTYPE rss [\n' + "\n".join(decls) + "\n]>\n"
        f'<rss version="2.0"><channel><title>&lol{levels};</title>'
        "<item><title>x</title><link>http://127.0.0.1/x</link></item></channel></rss>"
    )


def utf16(feed: bytes) -> bytes:
    """A real UTF-8 feed re-encoded as UTF-16 (with BOM), its XML declaration changed to match."""
    text = feed.decode("utf-8")
    head, _, rest = text.partition("?>")
    assert "encoding=" in head.lower()
    return ('<?xml version="1.0" encoding="UTF-16"?>' + rest).encode("utf-16")
