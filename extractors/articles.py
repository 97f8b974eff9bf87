"""Article pages to `Article` records: main text and metadata via trafilatura, feed text as fallback."""

from __future__ import annotations

import html
import logging
import re
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import use_config

from extractors.errors import NoText
from extractors.records import Article, FeedEntry

log = logging.getLogger(__name__)

_MIN_PAGE_CHARS = 200  # shorter extractions are usually cookie walls or teaser stubs
_MIN_TEXT_CHARS = 80  # below this (a menu, a byline, "Read more") there is no article to store, page or feed
_TAG = re.compile(r"<[^>]+>")
_HTML_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}

# No signal-based timeout: extraction runs in worker threads, where signals are unavailable.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")


def extract_article(
    page: bytes | None,
    entry: FeedEntry,
    final_url: str,
    fetched_at: datetime,
    default_language: str | None = None,
) -> Article:
    """Build the article from the fetched page (or None when the fetch failed) and its feed entry.

    A page text shorter than `_MIN_PAGE_CHARS` gives way to a longer feed text; whichever is kept must reach
    `_MIN_TEXT_CHARS`. Raises NoText, with the lengths found, when neither does.
    """
    doc = _extract(page, final_url) if page else None
    page_text = (doc.text or "").strip() if doc else ""
    from_feed = feed_text(entry)
    if len(page_text) >= _MIN_PAGE_CHARS or len(page_text) > len(from_feed):
        text, text_source = page_text, "page"
    else:
        text, text_source = from_feed, "feed"
    if not text:
        raise NoText("no extractable text on the page and none in the feed entry")
    if len(text) < _MIN_TEXT_CHARS:
        raise NoText(f"text too short to be an article: {len(page_text)} characters on the page, "
                     f"{len(from_feed)} in the feed entry (minimum {_MIN_TEXT_CHARS})")
    published_at, date_source = _pick_date(doc.date if doc else None, entry.published, fetched_at)
    canonical = (doc.url if doc and doc.url else None) or final_url
    return Article(
        url=entry.url,
        canonical_url=canonical if canonical.startswith(("http://", "https://")) else final_url,
        title=(doc.title if doc and doc.title else None) or entry.title,
        author=(doc.author if doc and doc.author else None) or (", ".join(entry.authors) or None),
        published_at=published_at,
        date_source=date_source,
        language=(doc.language if doc and doc.language else None) or _html_lang(page) or default_language,
        text=text,
        text_source=text_source,
    )


def extract_text(page: bytes | str, url: str | None = None) -> str:
    """Main text of a page as we store it (used by the extraction benchmark)."""
    doc = _extract(page, url)
    return (doc.text or "").strip() if doc else ""


def feed_text(entry: FeedEntry) -> str:
    """Plain text of the entry's own content, else its summary."""
    raw = entry.content or entry.summary or ""
    return " ".join(html.unescape(_TAG.sub(" ", raw)).split())


def _extract(page: bytes | str, url: str | None):  # -> trafilatura Document | None
    try:
        return trafilatura.bare_extraction(
            page,
            url=url,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
            config=_CONFIG,
        )
    except Exception as exc:  # noqa: BLE001 (trafilatura raises a wide range of parser errors on hostile markup)
        log.warning("extraction failed for %s: %s", url, exc)
        return None


def _pick_date(page_date: str | None, feed_date: datetime | None, fetched_at: datetime) -> tuple[datetime, str]:
    parsed = _parse_page_date(page_date)
    if parsed is not None:
        # A page date without time keeps the feed's time of day when both name the same day.
        if feed_date is not None and parsed.time() == datetime.min.time() and parsed.date() == feed_date.date():
            return feed_date, "page"
        return parsed, "page"
    if feed_date is not None:
        return feed_date, "feed"
    return fetched_at, "fetch"


def _parse_page_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _html_lang(page: bytes | None) -> str | None:
    if not page:
        return None
    match = _HTML_LANG.search(page[:4096])
    return match.group(1).decode("ascii").lower() if match else None
