"""Stable identifiers: hashes of normalised URLs and texts."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; dropping them merges syndicated copies.
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ocid", "cmpid")


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment, default ports and tracking parameters."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a junk port or bracket from a feed or page must not fail the article: hash it as written
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def source_id_for(feed_url: str) -> str:
    return _digest("source", normalize_url(feed_url))


def article_id_for(canonical_url: str) -> str:
    return _digest("article", normalize_url(canonical_url))


def passage_id_for(article_id: str, position: int) -> str:
    return _digest("passage", article_id, str(position))


def text_hash(text: str) -> str:
    """Hash of whitespace-normalised text, so syndicated copies share embeddings."""
    return _digest("text", " ".join(text.split()))
