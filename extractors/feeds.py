"""RSS/Atom/JSON feed bytes to typed `FeedEntry` records."""

from __future__ import annotations

import calendar
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import feedparser

from extractors.errors import UnusableFeed
from extractors.records import FeedEntry, ParsedFeed

log = logging.getLogger(__name__)

# Inline entity declarations are how entity-expansion ("billion laughs") attacks start; real feeds don't need them.
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_GZIP_MAGIC = b"\x1f\x8b"
# feedparser flags these when the HTTP content type disagrees with the document's own XML declaration;
# RFC 7303 says the declaration wins, and the entries decode correctly, so the feed is not malformed.
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


# No honest clock is an hour ahead of ours: later dates are time-zone mistakes or scheduled-post leaks, and
# would put the article on a day that has not come. Older than ten years is a clock bug (epoch zero, 1900
# defaults, two-digit years) in an entry that is new to us; it would vanish from every trend window.
MAX_AHEAD = timedelta(hours=1)
MAX_AGE = timedelta(days=3653)


def implausible_date(published: datetime, fetched_at: datetime) -> str | None:
    """Why `published` cannot be the publication time of an entry first fetched at `fetched_at` ('future',
    'too_old'), or None when it can."""
    if published > fetched_at + MAX_AHEAD:
        return "future"
    if published < fetched_at - MAX_AGE:
        return "too_old"
    return None


def parse_feed(body: bytes, feed_url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed body; raises UnusableFeed when nothing usable comes out of it."""
    if not body.strip():
        raise UnusableFeed("empty body")
    if body.startswith(_GZIP_MAGIC):
        raise UnusableFeed("gzip-compressed body sent without Content-Encoding: gzip")
    if _declares_entities(body):
        raise UnusableFeed("XML entity declarations refused (entity-expansion risk)")
    if _looks_like_json_feed(body, content_type):
        return _parse_json_feed(body, feed_url)
    parsed = feedparser.parse(body, response_headers={"content-location": feed_url, "content-type": content_type})
    problem = None
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS_BOZO):
        problem = f"malformed feed: {_describe(parsed.get('bozo_exception'))}"
    if not parsed.entries:
        if not parsed.get("version"):
            # An HTML page where the feed should be usually means the feed moved; say so rather than
            # report the HTML's XML syntax errors.
            if _HTML_PAGE.search(body[:4096]):
                raise UnusableFeed("not a feed: an HTML page")
            raise UnusableFeed(problem or "not a feed")
        if problem:
            raise UnusableFeed(problem)
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for raw in parsed.entries:
        entry = _to_entry(raw, feed_url)
        if entry is None:
            skipped.append(f"entry without link: {raw.get('title', '(untitled)')!r}")
            continue
        if entry.url in seen:
            skipped.append(f"duplicate link in feed: {entry.url}")
            continue
        seen.add(entry.url)
        entries.append(entry)
    if problem and not entries:
        # Broken XML whose recovered entries are all unusable (e.g. truncated mid-item) is a failed feed.
        raise UnusableFeed(problem)
    return ParsedFeed(
        entries=tuple(entries),
        title=parsed.feed.get("title"),
        problem=problem,
        skipped=tuple(skipped),
    )


def _declares_entities(body: bytes) -> bool:
    """True when the prolog (everything before the root element) declares XML entities."""
    # NULs are dropped so UTF-16/32 bodies are checked too. The scan stops at the root element rather than
    # after a fixed window: comment padding can push the DTD far down, and a window also caught "<!ENTITY"
    # quoted inside an item. Comments and processing instructions are skipped whole, so "<a" in them
    # is not taken for the root.
    text = body.replace(b"\x00", b"")
    pos = 0
    while (lt := text.find(b"<", pos)) >= 0:
        if text.startswith(b"<!--", lt):
            close, width = text.find(b"-->", lt + 4), 3
        elif text.startswith(b"<?", lt):
            close, width = text.find(b"?>", lt + 2), 2
        elif text.startswith(b"<!", lt):  # the DOCTYPE or a declaration of its internal subset
            if _ENTITY_DECL.match(text, lt):
                return True
            close, width = lt, 2
        else:
            return False  # the root element: no DTD can follow
        if close < 0:
            return False  # unterminated comment: the XML parser rejects the document anyway
        pos = close + width
    return False


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown problem"
    text = str(exc).strip() or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def _to_entry(raw: Any, feed_url: str) -> FeedEntry | None:
    link = raw.get("link") or _alternate_link(raw)
    if not link:
        guid = raw.get("id") or ""
        link = guid if guid.startswith(("http://", "https://")) else None
    if not link:
        return None
    content = None
    if raw.get("content"):
        content = " ".join(part.get("value", "") for part in raw["content"]).strip() or None
    authors = tuple(a.get("name", "").strip() for a in raw.get("authors", []) if a.get("name", "").strip())
    if not authors and raw.get("author"):
        authors = (raw["author"].strip(),)
    return FeedEntry(
        url=urljoin(feed_url, link.strip()),
        guid=raw.get("id"),
        title=(raw.get("title") or "").strip() or None,
        summary=(raw.get("summary") or "").strip() or None,
        content=content,
        published=_entry_time(raw),
        authors=authors,
    )


def _alternate_link(raw: Any) -> str | None:
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _entry_time(raw: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError):
                continue
    return None


def _looks_like_json_feed(body: bytes, content_type: str) -> bool:
    head = body.lstrip()[:1]
    return head == b"{" or "json" in content_type


def _parse_json_feed(body: bytes, feed_url: str) -> ParsedFeed:
    """JSON Feed 1.x (jsonfeed.org), which feedparser does not read."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnusableFeed(f"broken JSON feed: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise UnusableFeed("JSON without an items list is not a JSON Feed")
    entries: list[FeedEntry] = []
    skipped: list[str] = []
    for item in data["items"]:
        if not isinstance(item, dict):
            skipped.append("non-object item")
            continue
        link = item.get("url") or item.get("external_url")
        if not link:
            skipped.append(f"entry without link: {item.get('title', '(untitled)')!r}")
            continue
        try:
            url = urljoin(feed_url, str(link))
        except ValueError as exc:  # feedparser drops such links itself; JSON Feed items need it done here
            skipped.append(f"entry with a malformed link {link!r}: {exc}")
            continue
        published = _iso_time(item.get("date_published") or item.get("date_modified"))
        authors = tuple(a.get("name", "") for a in item.get("authors", []) if isinstance(a, dict) and a.get("name"))
        entries.append(
            FeedEntry(
                url=url,
                guid=str(item.get("id")) if item.get("id") is not None else None,
                title=item.get("title"),
                summary=item.get("summary"),
                content=item.get("content_text") or item.get("content_html"),
                published=published,
                authors=authors,
            )
        )
    return ParsedFeed(entries=tuple(entries), title=data.get("title"), problem=None, skipped=tuple(skipped))


def _iso_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)  # 3.11 reads a trailing "Z"
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
