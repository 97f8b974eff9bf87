"""The one HTTP fetcher for feeds and pages: bounded in time, size, redirects and concurrency."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from extractors.address_policy import AddressPolicy
from extractors.errors import (
    BadContentType,
    BlockedURL,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
    TransientError,
)
from extractors.records import FetchResult
from extractors.transport import guarded_transport, request_deadline

log = logging.getLogger(__name__)

USER_AGENT = "narrative-radar/0.1 (+https://github.com/narrative-radar/narrative-radar; media research bot)"

# text/html is accepted for feeds because misconfigured servers send it; the parser then decides.
FEED_TYPES = ("xml", "rss", "atom", "rdf", "json", "text/plain", "text/html")
PAGE_TYPES = ("text/html", "application/xhtml", "text/plain")

_REDIRECTS = {301, 302, 303, 307, 308}
_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class FetchLimits:
    """Timeouts, caps, retry policy and allowed internal addresses for one fetcher."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Connect, headers and body of one request, across its redirects; time queued for the per-host limit is ours,
    # not the server's, and does not count.
    total_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff_seconds: float = 0.5
    per_host: int = 2
    # Hosts, host:port, addresses or CIDR ranges that may be fetched although not public (AddressPolicy.parse).
    allow: tuple[str, ...] = ()


class Fetcher:
    """Thread-safe fetcher; one instance per run, shared by the concurrent tasks."""

    def __init__(self, limits: FetchLimits | None = None, user_agent: str = USER_AGENT) -> None:
        self.limits = limits or FetchLimits()
        self.user_agent = user_agent
        self.policy = AddressPolicy.parse(self.limits.allow)
        timeout = httpx.Timeout(
            connect=self.limits.connect_timeout,
            read=self.limits.read_timeout,
            write=self.limits.read_timeout,
            pool=self.limits.total_timeout,
        )
        # Redirects are followed by hand so each hop's scheme and address are re-checked; the transport checks the
        # address again at connect time.
        self._client = httpx.Client(
            transport=guarded_transport(self.policy),
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )
        self._host_locks: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(self.limits.per_host)
        )
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        self._client.close()

    # Sent to another process (a Dask worker), a fetcher travels as its settings and is rebuilt there;
    # the per-host limit then holds per process.
    def __getstate__(self) -> dict:
        return {"limits": self.limits, "user_agent": self.user_agent}

    def __setstate__(self, state: dict) -> None:
        Fetcher.__init__(self, state["limits"], state["user_agent"])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        accept: tuple[str, ...] = PAGE_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url`, retrying transient failures; raises a PermanentError subclass or TransientError."""
        attempt = 0
        while True:
            try:
                return self._fetch_once(url, accept, etag, last_modified)
            except TransientError as exc:
                if attempt >= self.limits.retries:
                    raise
                delay = self.limits.backoff_seconds * (2**attempt)
                attempt += 1
                log.info("retrying %s in %.1fs (attempt %d): %s", url, delay, attempt + 1, exc.reason)
                time.sleep(delay)

    def _semaphore(self, url: str) -> threading.BoundedSemaphore:
        host = urlsplit(url).netloc.lower()
        with self._locks_guard:
            return self._host_locks[host]

    def _fetch_once(
        self, url: str, accept: tuple[str, ...], etag: str | None, last_modified: str | None
    ) -> FetchResult:
        seen = [url]
        current = url
        budget = self.limits.total_timeout
        while True:
            _check_url(current, self.policy)
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            with self._semaphore(current):
                deadline = time.monotonic() + budget
                with request_deadline(deadline):
                    result = self._exchange(url, current, headers, accept, deadline)
                budget = deadline - time.monotonic()
            if isinstance(result, FetchResult):
                return result
            try:
                location = urljoin(current, result)
            except ValueError as exc:  # urlsplit refuses e.g. "http://[oops/"
                raise BlockedURL(f"malformed redirect Location {result!r}: {exc}") from exc
            if location in seen or len(seen) > self.limits.max_redirects:
                raise TooManyRedirects(f"redirect loop or more than {self.limits.max_redirects} redirects at {location}")
            seen.append(location)
            current = location

    def _exchange(
        self, url: str, current: str, headers: dict[str, str], accept: tuple[str, ...], deadline: float
    ) -> FetchResult | str:
        """One request; returns the result, or the Location to follow."""
        try:
            with self._client.stream("GET", current, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise HTTPStatusError(f"HTTP {status} without Location", status)
                    return location
                if status == 304:
                    return FetchResult(
                        url=url,
                        final_url=current,
                        status=304,
                        content_type="",
                        body=b"",
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if status in _TRANSIENT_STATUS:
                    raise TransientError(f"HTTP {status}")
                if status >= 400:
                    raise HTTPStatusError(f"HTTP {status}", status)
                content_type = response.headers.get("content-type", "").lower()
                _check_content_type(content_type, accept)
                body = self._read_capped(response, deadline)
                return FetchResult(
                    url=url,
                    final_url=current,
                    status=status,
                    content_type=content_type,
                    body=body,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    headers={k.lower(): v for k, v in response.headers.items()},
                )
        except httpx.InvalidURL as exc:  # not a TransportError: would escape the run otherwise
            raise BlockedURL(f"malformed URL {current!r}: {exc}") from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                raise TransientError(f"timeout: over the total deadline of {self.limits.total_timeout:g}s") from exc
            raise TransientError(f"timeout: {type(exc).__name__}") from exc
        except httpx.DecodingError as exc:
            raise BadContentType(f"undecodable body: {exc}") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"network error: {type(exc).__name__}: {exc}") from exc

    def _read_capped(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise TooLarge(f"Content-Length {declared} exceeds cap of {self.limits.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes decompresses, so the cap applies to the decoded size too (gzip bombs).
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise TooLarge(f"body exceeds cap of {self.limits.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise TransientError(f"timeout: over the total deadline of {self.limits.total_timeout:g}s")
            chunks.append(chunk)
        return b"".join(chunks)


def _check_url(url: str, policy: AddressPolicy) -> None:
    """Scheme and host checked before any connection; an address spelled in the URL is checked here too."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket; a bad URL is the input's fault, not ours
        raise BlockedURL(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BlockedURL(f"scheme {scheme or '(none)'!r} not allowed: {url}")
    if not parts.hostname:
        raise BlockedURL(f"no host in URL: {url}")
    policy.check_literal(parts.hostname, port or (443 if scheme == "https" else 80))


def _check_content_type(content_type: str, accept: tuple[str, ...]) -> None:
    if not content_type:
        return  # many servers omit it; the parser decides
    if not any(token in content_type for token in accept):
        raise BadContentType(f"content type {content_type.split(';')[0]!r} not acceptable")
