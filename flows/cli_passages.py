"""`radar passages`: the passages behind a count, filtered by narrative, outlet, camp, stance and days."""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

from datetime import timedelta
from enum import Enum
from typing import Annotated, Any

import typer

from flows.cli_outlets import check_camp, resolve_outlet
from flows.cli_tables import whole_words
from models.weeks import week_start

TABLE_TEXT_CHARS = 240  # a table row stays readable; csv and json carry the whole passage


class Stance(str, Enum):
    claim = "claim"
    rebuttal = "rebuttal"
    mention = "mention"


def day_range(week: str | None, since: str | None) -> tuple[str | None, str | None]:
    """(first day, last day): an ISO week gives its Monday to Sunday, --since a first day; a bad or doubled option
    ends the command in one line."""
    from flows.cli_common import checked_day, checked_week, fail

    if week is not None and since is not None:
        fail("give --week or --since, not both")
    if week is not None:
        checked_week(week)
        monday = week_start(week)
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    first = checked_day(since)
    return (first.isoformat() if first else None), None


TABLE_COLUMNS = ("day", "outlet", "narrative_id", "stance", "score", "url", "text")


def for_table(columns: list[str], rows: list[tuple[Any, ...]], every: bool = False) -> tuple[list[str], list[tuple[Any, ...]]]:
    """TABLE_COLUMNS (`every`: all columns, for --columns to choose from), the passage text cut to TABLE_TEXT_CHARS
    at a word's end; the URL and every other value whole."""
    keep = list(columns) if every else list(TABLE_COLUMNS)
    at = [columns.index(c) for c in keep]
    cut = [tuple(whole_words(r[i], TABLE_TEXT_CHARS) if c == "text" else r[i] for i, c in zip(at, keep, strict=True))
           for r in rows]
    return keep, cut


def register(app: typer.Typer) -> None:
    """Add the command to the `radar` app."""
    from flows.cli_common import ColumnsOption, DbOption, OutputFormat, fail, print_rows, read_query, settings_for
    from flows.cli_units import PASSAGES_TABLE

    @app.command("passages")
    def passages_cmd(
        db: DbOption = None,
        narrative: Annotated[str | None, typer.Option(help="only this narrative id")] = None,
        outlet: Annotated[str | None, typer.Option(help="only this outlet (name or source id)")] = None,
        camp: Annotated[str | None, typer.Option(help="only outlets of this camp")] = None,
        stance: Annotated[Stance | None, typer.Option(help="only this stance")] = None,
        week: Annotated[str | None, typer.Option(help="only this ISO week, e.g. 2026-W07")] = None,
        since: Annotated[str | None, typer.Option(help="only passages published on or after this day (YYYY-MM-DD)")] = None,
        limit: Annotated[int, typer.Option(min=1, help="at most this many passages")] = 20,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
        columns_shown: ColumnsOption = None,
    ) -> None:
        """The passages behind the counts (newest first, strongest first within a day): outlet, stance, score,
        URL and text."""
        path = settings_for(db).db
        first, last = day_range(week, since)
        if narrative is not None:
            _, rows = read_query(path, "narratives_known", {})
            known = [n for (n,) in rows]
            if narrative not in known:
                fail(f"no narrative {narrative!r} in the catalogue (known: {', '.join(known) or 'none yet'})")
        source_id = resolve_outlet(path, outlet)[0] if outlet is not None else None
        if camp is not None:
            check_camp(path, camp)
        params = {"narrative": narrative, "source_id": source_id, "camp": camp,
                  "stance": stance.value if stance else None, "since": first, "until": last, "limit": limit}
        columns, rows = read_query(path, "passages_evidence", params)
        if fmt is OutputFormat.table:
            columns, rows = for_table(columns, rows, every=columns_shown is not None)
        print_rows(columns, rows, fmt, title="passages behind the counts (newest first)", layout=PASSAGES_TABLE,
                   only=columns_shown)
