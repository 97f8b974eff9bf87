"""One feed entry's page: fetched with the shared fetcher and extracted, or the reason it could not be."""

from __future__ import annotations

from datetime import datetime

from extractors.articles import extract_article
from extractors.errors import NoText, PermanentError, TransientError
from extractors.http import PAGE_TYPES, Fetcher
from extractors.records import Article, FeedEntry


def fetch_article(fetcher: Fetcher, entry: FeedEntry, fetched_at: datetime,
                  default_language: str | None = None) -> tuple[Article | None, str | None]:
    """(article, problem): the article from its page, or from the feed's own text when the page gives none; the
    problem says what failed ('page fetch failed (transient): ...' marks a failure worth retrying). Never raises
    for bad input."""
    page: bytes | None = None
    final_url = entry.url
    problem: str | None = None
    try:
        result = fetcher.fetch(entry.url, accept=PAGE_TYPES)
        page, final_url = result.body, result.final_url
    except TransientError as exc:
        problem = f"page fetch failed (transient): {exc.reason}"
    except PermanentError as exc:
        problem = f"page fetch failed: {exc.reason}"
    try:
        return extract_article(page, entry, final_url, fetched_at, default_language=default_language), problem
    except NoText as exc:
        return None, f"{problem}; {exc.reason}" if problem else exc.reason
