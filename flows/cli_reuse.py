"""`radar copies` and `radar leadlag`: who copies whom, and who leads a narrative by how many days."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from flows.cli_common import ColumnsOption, DbOption


class CopiesFormat(str, Enum):
    table = "table"
    json = "json"


def _read(db: Path, name: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    from flows.cli_common import read_query

    return read_query(db, name, params)


def _since(value: str | None) -> str | None:
    from flows.cli_common import checked_day

    day = checked_day(value)
    return day.isoformat() if day else None


def register(app: typer.Typer) -> None:
    """Add the commands to the `radar` app."""
    from flows import cli_units
    from flows.cli_common import OutputFormat, fail, json_default, labelled, print_rows, settings_for

    @app.command("copies")
    def copies_cmd(
        db: DbOption = None,
        since: Annotated[str | None, typer.Option(help="only copies published on or after this day (YYYY-MM-DD)")] = None,
        fmt: Annotated[CopiesFormat, typer.Option("--format")] = CopiesFormat.table,
        columns_shown: ColumnsOption = None,
    ) -> None:
        """Articles that copied another outlet's passages: the original's outlet and URL, lag, whole-article flag."""
        path = settings_for(db).db
        day = _since(since)
        if fmt == CopiesFormat.json:
            if columns_shown is not None:
                fail("--columns picks table columns; --format json lists each cluster with all its copies")
            columns, rows = _read(path, "reuse_clusters_json", {"since": day})
            typer.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=json_default, indent=1))
            return
        columns, rows = _read(path, "reuse_copies_list", {"since": day})
        print_rows(columns, rows, OutputFormat.table, title="copying articles (newest first)", layout=cli_units.COPIES,
                   only=columns_shown)

    @app.command("leadlag")
    def leadlag_cmd(
        db: DbOption = None,
        narrative: Annotated[str | None, typer.Option(help="every week of this narrative id")] = None,
    ) -> None:
        """Which camp or tier leads each narrative, by how many days, and whether beyond chance; outlets' roles."""
        path = settings_for(db).db
        columns, rows = _read(path, "leadlag_list", {"narrative": narrative})
        print_rows(columns, rows, OutputFormat.table, layout=labelled(path, cli_units.LEADLAG, columns, rows),
                   title="narrative lead-lag (strength and ci_low-ci_high: correlation minus the shuffled-days null's "
                         "median and quantiles; significant: a lead of a day or more with ci_low > 0 after the "
                         "correction for the pairs tested)")
        columns, rows = _read(path, "leadlag_influence", {"since_week": None})
        print_rows(columns, rows, OutputFormat.table, title="outlets: waves opened and followed, copies (latest week)",
                   layout=cli_units.INFLUENCE)
