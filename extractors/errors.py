"""Errors raised by the extraction stages.

Two families, so callers know whether to retry::

    ExtractionError
    ├── TransientError        retry later: timeouts (incl. the total deadline), connection resets, HTTP 429/5xx
    └── PermanentError        record and skip: the input itself is bad
        ├── BlockedURL        scheme other than http/https, a malformed URL, or an address the policy refuses
        │                     (loopback, private, cloud metadata...: extractors/address_policy.py) at any hop
        ├── TooLarge          body exceeded the byte cap while streaming
        ├── BadContentType    e.g. an image or PDF where HTML or XML was expected
        ├── HTTPStatusError   4xx other than 429, or 5xx after the retries ran out
        ├── TooManyRedirects  redirect chain longer than the limit, or a loop
        ├── UnusableFeed      not a feed, empty, broken XML, entity expansion
        └── NoText            the page has no extractable text and the feed had none

Every error carries a short `reason` string that is stored in the database as is.
"""

from __future__ import annotations


class ExtractionError(Exception):
    """Base class; `reason` is the short text stored with the failed item."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TransientError(ExtractionError):
    """A failure worth retrying later (network trouble, overloaded server)."""


class PermanentError(ExtractionError):
    """A failure that retrying will not fix."""


class BlockedURL(PermanentError):
    """URL scheme or target address not allowed."""


class TooLarge(PermanentError):
    """Body larger than the configured byte cap."""


class BadContentType(PermanentError):
    """Content type not acceptable for this kind of fetch."""


class HTTPStatusError(PermanentError):
    """Server answered with an error status."""

    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


class TooManyRedirects(PermanentError):
    """Redirect chain too long or looping."""


class UnusableFeed(PermanentError):
    """Body is not a usable RSS/Atom/JSON feed."""


class NoText(PermanentError):
    """No article text could be extracted."""
