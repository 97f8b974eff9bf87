"""Try an outlet list before adding it: does each feed answer, how often does it publish, and does its newest
article give text? Reads the network, writes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from extractors.errors import ExtractionError
from extractors.feeds import parse_feed
from extractors.http import FEED_TYPES, Fetcher
from extractors.page import fetch_article
from extractors.records import Source


@dataclass(frozen=True)
class SourceProbe:
    name: str
    camp: str
    feed: str  # ok | malformed (entries still read) | failed
    entries: int
    newest: datetime | None  # the newest dated entry
    per_week: float | None  # dated entries per week over the span they cover (None with fewer than 2)
    sample: str  # page | feed (the page gave no text; the feed's own text was used) | none | (no entry)
    sample_words: int
    problem: str | None


def publishing_rate(dates: list[datetime]) -> float | None:
    """Entries per week over the span from the oldest to the newest dated entry."""
    if len(dates) < 2:
        return None
    days = max((max(dates) - min(dates)).total_seconds() / 86400, 1.0)
    return round(7 * (len(dates) - 1) / days, 1)


def probe_source(source: Source, fetcher: Fetcher) -> SourceProbe:
    """The feed fetched and parsed, and its newest entry's page fetched and extracted as an ingest run would."""
    try:
        result = fetcher.fetch(source.feed_url, accept=FEED_TYPES)
        parsed = parse_feed(result.body, result.final_url, result.content_type)
    except ExtractionError as exc:
        return SourceProbe(source.name, source.camp, "failed", 0, None, None, "(no entry)", 0, exc.reason)
    dates = [e.published for e in parsed.entries if e.published]
    probe = SourceProbe(source.name, source.camp, "malformed" if parsed.problem else "ok", len(parsed.entries),
                        max(dates) if dates else None, publishing_rate(dates), "(no entry)", 0,
                        parsed.problem or "the feed has no entries")
    if not parsed.entries:
        return probe
    newest = max(parsed.entries, key=lambda e: e.published or datetime.min.replace(tzinfo=UTC))
    article, problem = fetch_article(fetcher, newest, datetime.now(UTC), default_language=source.language)
    problems = "; ".join(p for p in (parsed.problem, problem) if p) or None
    if article is None:
        return replace(probe, sample="none", problem=problems)
    return replace(probe, sample=article.text_source, sample_words=len(article.text.split()), problem=problems)


def probe_sources(sources: list[Source], fetcher: Fetcher, workers: int = 4) -> list[SourceProbe]:
    """Every source probed, in the list's order (the fetcher's per-host limit still holds)."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(lambda s: probe_source(s, fetcher), sources))
