"""The fetcher's httpx transport: it connects only to addresses the policy admits."""

from __future__ import annotations

import typing
from collections.abc import Iterable

import httpcore
import httpx

from extractors.address_policy import AddressPolicy


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, but the host is resolved here, every address checked, and the socket connected to a
    checked address: a name that re-resolves to 127.0.0.1 after an earlier check (DNS rebinding) cannot get
    through. TLS still gets the URL's host name (httpcore takes SNI and Host from the request, not from here)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = self._policy.resolve(host, port)  # raises BlockedURL, which httpx passes through unchanged
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        error: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    """httpx's own transport (TLS from the system store, keep-alive pool), over the guarded backend."""
    transport = httpx.HTTPTransport(trust_env=False)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx.Client's defaults
    # httpx takes no network backend, so its pool is rebuilt with the same settings over ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(policy),
    )
    return transport
