"""`radar review --serve`: the review queue as a local web page. One passage at a time; each answer is a POST that
writes the judgment at once (flows.judgments_step.record_answer, as the terminal review does) and returns the next
passage's HTML. Bound to 127.0.0.1 by default; on a loopback address a request naming another host is refused (a DNS
rebinding page cannot reach it), a POST must be JSON from the page's own origin (another site's form cannot send one).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import numpy as np

from flows.judgments_step import Proposal, article_context, record_answer
from flows.review_page import SCRIPT, STYLE, Progress, item_html, page_html
from models.review_queue import nearest_narratives, parse_answer
from warehouse.writer import Writer

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
MAX_BODY = 4096  # an answer is a passage id and at most two keys
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}


class BadRequest(ValueError):
    """A POST the server refuses; its message is the reason sent back."""

    def __init__(self, reason: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class ReviewSession:
    """One analyst working through one queue: where they are, and what they have answered."""

    writer: Writer
    queue: list[Proposal]
    analyst: str
    labels: dict[str, str]
    narrative_ids: list[str]
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    position: int = 0
    judged: int = 0
    skipped: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def others(self, p: Proposal) -> list[str]:
        """The numbered narratives offered besides the proposal (the terminal offers the same)."""
        return nearest_narratives(p.vector, self.vectors, p.narrative_id, self.narrative_ids)

    def current_html(self) -> str:
        with self.lock:
            return self._item_html()

    def _item_html(self) -> str:
        progress = Progress(self.position + 1, len(self.queue), self.judged, self.skipped)
        if self.position >= len(self.queue):
            return item_html(None, None, [], self.labels, progress)
        p = self.queue[self.position]
        return item_html(p, article_context(self.writer, p.article_id, p.passage_id), self.others(p), self.labels,
                         progress)

    def answer(self, body: object) -> dict[str, object]:
        """Apply one POSTed answer ({"passage_id": ..., "keys": ...}); the reply holds the next item's HTML."""
        if not isinstance(body, dict) or not isinstance(body.get("passage_id"), str) \
                or not isinstance(body.get("keys"), str):
            raise BadRequest('the body must be a JSON object {"passage_id": "...", "keys": "..."}')
        keys = body["keys"]
        if not 1 <= len(keys) <= 3:
            raise BadRequest(f"keys must be one answer (1 to 3 characters), not {len(keys)} characters")
        with self.lock:
            if self.position >= len(self.queue):
                raise BadRequest("the queue is done: nothing left to answer", HTTPStatus.CONFLICT)
            p = self.queue[self.position]
            if body["passage_id"] != p.passage_id:
                raise BadRequest("that passage is not the one shown now (answered in another tab?): the page shows "
                                 "the current one", HTTPStatus.CONFLICT)
            answer = parse_answer(keys, p.narrative_id, p.stance, self.others(p))
            if answer is None or answer.action == "quit":
                raise BadRequest(f"{keys!r} is no answer: y, c, r, m, n, a digit 1-{len(self.others(p))} "
                                 "(then c, r or m), or s")
            if answer.action == "skip":
                self.skipped += 1
                message = f"passage {self.position + 1} skipped"
            else:
                record_answer(self.writer, p, answer, self.analyst)
                self.judged += 1
                message = (f"passage {self.position + 1} stored: {answer.narrative_id or 'none of these'}"
                           + (f" as {answer.stance}" if answer.stance else ""))
            log.info("review page: %s %s (%s)", p.passage_id, message, keys)
            self.position += 1
            return {"html": self._item_html(), "judged": self.judged, "message": message}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _handler(session: ReviewSession, loopback: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's naming
            if not self._host_ok():
                return
            path = urlsplit(self.path).path
            if path == "/":
                self._send(HTTPStatus.OK, "text/html", page_html(session.current_html(), session.analyst))
            elif path == "/review.js":
                self._send(HTTPStatus.OK, "text/javascript", SCRIPT)
            elif path == "/review.css":
                self._send(HTTPStatus.OK, "text/css", STYLE)
            else:
                self._send(HTTPStatus.NOT_FOUND, "text/plain", "not found")

        def do_POST(self) -> None:
            if not self._host_ok():
                return
            try:
                body = self._body()
                reply: dict[str, object] = session.answer(body)
                status = HTTPStatus.OK
            except BadRequest as exc:
                status, reply = exc.status, {"message": str(exc), "judged": session.judged}
                if exc.status == HTTPStatus.CONFLICT:
                    reply["html"] = session.current_html()
            self._send(status, "application/json", json.dumps(reply))

        def _body(self) -> object:
            if urlsplit(self.path).path != "/answer":
                raise BadRequest("answers go to POST /answer", HTTPStatus.NOT_FOUND)
            origin = self.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc != self.headers.get("Host"):
                raise BadRequest(f"a request from another site ({origin}) is refused", HTTPStatus.FORBIDDEN)
            if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
                raise BadRequest("the body must be JSON (Content-Type: application/json)")
            try:
                length = int(self.headers.get("Content-Length") or "")
            except ValueError:
                raise BadRequest("a Content-Length is required") from None
            if not 0 < length <= MAX_BODY:
                raise BadRequest(f"the body must be 1 to {MAX_BODY} bytes, not {length}")
            raw = self.rfile.read(length)
            try:
                return json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise BadRequest(f"the body is not JSON: {exc}") from None

        def _host_ok(self) -> bool:
            """On a loopback address, only requests that name a loopback host (no DNS rebinding)."""
            host = urlsplit("//" + (self.headers.get("Host") or "")).hostname or ""
            if loopback and not is_loopback(host):
                self._send(HTTPStatus.FORBIDDEN, "text/plain", f"this server answers to 127.0.0.1, not {host!r}")
                return False
            return True

        def _send(self, status: HTTPStatus, ctype: str, text: str) -> None:
            data = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in SECURITY_HEADERS.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # the stdlib's signature
            log.debug("review page: " + format, *args)

    return Handler


@contextmanager
def serve_review(session: ReviewSession, host: str = DEFAULT_HOST, port: int = 0) -> Iterator[str]:
    """Serve the review page on `host` (`port` 0 = any free one) until the block ends; yields the page's URL."""
    server = ThreadingHTTPServer((host, port), _handler(session, is_loopback(host)))
    server.daemon_threads = True
    url = f"http://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="review-page", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
