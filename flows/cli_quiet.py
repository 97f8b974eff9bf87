"""Quiet, quick flow commands: a one-line answer when there is nothing new (no flow, no Prefect server), logging
without Prefect's chatter on a terminal, and a live bar for the ingest's progress there."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.progress import RunCounts, viewed_by
from flows.settings import Settings

log = logging.getLogger(__name__)
# Logs, warnings and the bar share stderr through one console, so a line logged mid-run prints above the bar.
errors = Console(stderr=True)


def flow_logging(verbose: bool) -> None:
    """Logging of a command that runs a flow. On a terminal: warnings and errors only (every line with --verbose),
    through rich; Prefect's run lines ("Beginning flow run", "Finished in state") stay out. Elsewhere (logs,
    pipes): the plain INFO lines of every command, Prefect's included."""
    from flows.cli_common import quiet_libraries, setup_logging

    if not errors.is_terminal:
        setup_logging(verbose)
        return
    handler = RichHandler(console=errors, show_path=False, markup=False)
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))  # RichHandler shows time and level itself
    # the root stays at INFO: Prefect's own handlers (its API's run logs) still get every line
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    quiet_libraries()


def nothing_new(settings: Settings, command: str) -> bool:
    """Whether `radar analyze` or `radar classify` has nothing to do; then its one line is printed. Decided on a
    read-only connection before any flow module (hence Prefect) is imported. Raises CatalogueError or HeadError for
    a bad catalogue or head file, as the run would."""
    from flows.backlog import analysis_backlog, classification_backlog, nothing_new_line
    from flows.cli_common import console, read_only

    with read_only(settings.db, settings.read_wait_seconds) as con:
        reasons = (classification_backlog if command == "classify" else analysis_backlog)(con, settings)
        if reasons:
            log.info("radar %s runs: %s", command, "; ".join(reasons))
            return False
        console.print(nothing_new_line(con, command), highlight=False, soft_wrap=True)
    return True


class Bar:
    """The ingest's progress as a live bar on the terminal: feeds done of total, new articles, passages encoded."""

    def __init__(self, feeds_total: int, console: Console = errors) -> None:
        self.progress = Progress(
            TextColumn("feeds"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[articles]:,} new articles, {task.fields[encoded]:,} passages encoded"),
            TimeElapsedColumn(), console=console)
        self.task = self.progress.add_task("ingest", total=feeds_total, articles=0, encoded=0)
        self.progress.start()

    def show(self, counts: RunCounts) -> None:
        self.progress.update(self.task, completed=counts.feeds_done, articles=counts.articles, encoded=counts.encoded)

    def close(self, counts: RunCounts) -> None:
        self.show(counts)
        self.progress.stop()


@contextmanager
def ingest_progress() -> Iterator[None]:
    """Runs inside show a live bar on a terminal; elsewhere their plain progress lines (flows/progress.py)."""
    with viewed_by(Bar) if errors.is_terminal else nullcontext():
        yield
