"""Typed records that cross stage boundaries; raw library output becomes one of these at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Source:
    """One configured outlet."""

    name: str
    feed_url: str
    camp: str
    language: str
    homepage: str
    tier: str | None = None  # state | alt | mainstream (TIERS), or free text; None when not given
    fixed_id: str | None = None  # the sources file's `id:`: keeps an outlet's history when its feed moves

    @property
    def source_id(self) -> str:
        from extractors.identity import source_id_for

        return self.fixed_id or source_id_for(self.feed_url)


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one successful HTTP exchange (200 or 304)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, as we use it."""

    url: str
    guid: str | None
    title: str | None
    summary: str | None
    content: str | None
    published: datetime | None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    """A feed's usable entries plus the problems met while parsing it."""

    entries: tuple[FeedEntry, ...]
    title: str | None
    problem: str | None  # set when the feed was malformed but still usable
    skipped: tuple[str, ...] = ()  # reasons for entries dropped (e.g. no link)


@dataclass(frozen=True)
class Article:
    """Extracted article text and metadata."""

    url: str
    canonical_url: str
    title: str | None
    author: str | None
    published_at: datetime
    date_source: str  # 'page' | 'feed' | 'fetch'
    language: str | None
    text: str
    text_source: str  # 'page' | 'feed'


@dataclass(frozen=True)
class Passage:
    """A span of an article's text, a few sentences long."""

    position: int
    text: str
    char_start: int
    char_end: int
