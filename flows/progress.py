"""How far a long ingest run is: feeds done of total, articles stored, passages encoded.

A run counts; a view shows the counts. The default view writes a plain INFO line about every tenth of the feeds (logs,
pipes, `radar serve`); `radar ingest` on a terminal installs a live bar instead (flows/cli_quiet.py).
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol, Self

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunCounts:
    feeds_total: int
    feeds_done: int = 0
    articles: int = 0
    encoded: int = 0

    def line(self) -> str:
        return (f"feeds {self.feeds_done}/{self.feeds_total} done, {self.articles:,} new articles, "
                f"{self.encoded:,} passages encoded")


class ProgressView(Protocol):
    def show(self, counts: RunCounts) -> None: ...

    def close(self, counts: RunCounts) -> None: ...


class LogLines:
    """One INFO line when the feeds done pass each tenth of the total (about ten lines a run), and at the end when
    anything changed since (passages encoded after the fetch)."""

    def __init__(self, feeds_total: int) -> None:
        self.step = max(1, math.ceil(feeds_total / 10))
        self.last = RunCounts(feeds_total)

    def show(self, counts: RunCounts) -> None:
        if counts.feeds_done // self.step > self.last.feeds_done // self.step or (
                counts.feeds_done == counts.feeds_total > self.last.feeds_done):
            self._log(counts)

    def close(self, counts: RunCounts) -> None:
        if counts != self.last:
            self._log(counts)

    def _log(self, counts: RunCounts) -> None:
        self.last = counts
        log.info("progress: %s", counts.line())


_view: Callable[[int], ProgressView] = LogLines


@contextmanager
def viewed_by(view: Callable[[int], ProgressView]) -> Iterator[None]:
    """Runs started inside show their progress with `view(feeds_total)` (the CLI's bar on a terminal)."""
    global _view
    previous, _view = _view, view
    try:
        yield
    finally:
        _view = previous


class RunProgress:
    """Counters of one run, updated from any thread; each change goes to the run's view."""

    def __init__(self, feeds_total: int) -> None:
        self._lock = threading.Lock()
        self.counts = RunCounts(feeds_total)
        self._view = _view(feeds_total)

    def feed_done(self, new_articles: int) -> None:
        self._add(feeds_done=1, articles=new_articles)

    def encoded(self, passages: int) -> None:
        self._add(encoded=passages)

    def _add(self, **deltas: int) -> None:
        with self._lock:
            self.counts = replace(self.counts, **{k: getattr(self.counts, k) + v for k, v in deltas.items()})
            self._view.show(self.counts)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._view.close(self.counts)
