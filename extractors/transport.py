"""The fetcher's httpx transport: it connects only to addresses the policy admits, and no connect, read or write
outlives the deadline of the request the calling thread is making."""

from __future__ import annotations

import functools
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

from extractors.address_policy import AddressPolicy

_local = threading.local()


@contextmanager
def request_deadline(at: float) -> Iterator[None]:
    """Bound every connect, read and write this thread makes inside the block by `at` (a time.monotonic())."""
    # Thread-local because the sync client does all of a request's I/O in the calling thread, while pooled
    # connections move between threads: the deadline belongs to the request, not to the socket.
    previous = getattr(_local, "deadline", None)
    _local.deadline = at
    try:
        yield
    finally:
        _local.deadline = previous


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    at = getattr(_local, "deadline", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation waits at most until the current request's deadline, so a server that
    trickles one byte at a time cannot keep the read timeout from firing."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: typing.Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, but the host is resolved here, every address checked, and the socket connected to a
    checked address: a name that re-resolves to 127.0.0.1 after an earlier check (DNS rebinding) cannot get
    through. TLS still gets the URL's host name (httpcore takes SNI and Host from the request, not from here)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        _bounded(timeout, httpcore.ConnectTimeout)
        try:
            addresses = self._policy.resolve(host, port)  # raises BlockedURL, which httpx passes through unchanged
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(address, port, _bounded(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return _DeadlineStream(stream)
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every fetcher of the process: building one reads the CA bundle (about 25 ms,
    twice per fetcher before), and a context is safe to share between connections and threads."""
    return httpx.create_ssl_context(trust_env=False)


def guarded_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    """httpx's own transport (TLS from the system store, keep-alive pool), over the guarded backend."""
    transport = httpx.HTTPTransport(verify=tls_context(), trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx.Client's defaults
    # httpx takes no network backend, so its pool is rebuilt with the same settings over ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=tls_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(policy),
    )
    return transport
