"""What every command of `radar` shares: the --db option, output formats, one-line failures, reading the warehouse
read-only, printing rows. The command modules (flows/cli.py and flows/cli_*.py) import from here, never from each
other's helpers."""

from __future__ import annotations

import csv
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import duckdb
import typer

from flows.cli_errors import print_errors
from flows.cli_tables import ColumnError, ColumnsOption, Layout, TerminalConsole, pick_columns, render
from flows.settings import Settings
from warehouse.db import WarehouseBusy, connect

__all__ = ["ColumnsOption", "DbOption", "OutputFormat", "checked_day", "checked_week", "console", "fail",
           "json_default", "labelled", "print_query", "print_rows", "quiet_libraries", "read_only", "read_query",
           "require_db", "settings_for", "setup_logging", "writable_warehouse"]

# Lines wrap at the terminal's width, or at COLUMNS, or at 100 when no terminal is attached (flows/cli_tables.py).
console = TerminalConsole()

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file [env RADAR_DB, default radar.duckdb]")]
class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


def fail(message: str) -> NoReturn:
    """An expected error: one `error:` line (one per line of `message`: a file's problems), exit code 1."""
    print_errors(message.splitlines() or [message])
    raise typer.Exit(1)


def checked_day(value: str | None, option: str = "--since") -> date | None:
    """A YYYY-MM-DD option as a date; anything else ends the command in one line."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date (YYYY-MM-DD)")


def checked_week(value: str | None) -> str | None:
    """An ISO week option that exists (2026-W07); anything else ends the command in one line."""
    from models.weeks import is_iso_week

    if value is not None and not is_iso_week(value):
        fail(f"--week {value!r} is not an ISO week that exists (e.g. 2026-W07)")
    return value


def require_db(db: Path) -> None:
    """An expected error when the warehouse file is missing."""
    if not db.exists():
        fail(f"no database at {db} (run `radar ingest` or `radar demo` first, or pass --db)")


def writable_warehouse(settings: Settings) -> None:
    """Open the warehouse for writing and bring its schema up to date before a flow starts: a file that is no
    warehouse, is truncated, locked or in a read-only folder ends the command in one line, not in the run."""
    from warehouse.writer import Writer

    Writer(settings.db, wait_seconds=settings.write_wait_seconds)  # errors: one line each (flows/cli_errors.py)


def settings_for(db: Path | None = None) -> Settings:
    settings = Settings()
    if db is not None:
        settings = settings.model_copy(update={"db": db})
    return settings


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()


def quiet_libraries() -> None:
    """Fetch and extraction libraries log every request at INFO: warnings only."""
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: OutputFormat = OutputFormat.table,
               title: str | None = None, layout: Layout | None = None, only: str | None = None) -> None:
    """Rows as csv, json or a table that cuts no id, URL or header (flows/cli_tables.py); `only` is --columns."""
    if fmt is OutputFormat.parquet:
        fail("--format parquet writes a file: use `radar sql --format parquet --out FILE`")
    try:
        columns, rows = pick_columns(columns, rows, only)
    except ColumnError as exc:
        fail(str(exc))
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")  # plain lines for cut, grep and shell tests
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=json_default, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render(columns, rows, title, layout))


def json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@contextmanager
def read_only(db: Path, wait_seconds: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse; a missing or busy file or a failed query ends the command
    with one line."""
    require_db(db)
    try:
        con = connect(db, read_only=True, wait_seconds=wait_seconds)
    except WarehouseBusy as exc:
        fail(str(exc))
    try:
        yield con
    except duckdb.Error as exc:
        fail(str(exc).splitlines()[0])
    finally:
        con.close()


def read_query(db: Path, name: str, params: dict[str, Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of `warehouse/sql/queries/<name>.sql` on a read-only connection; errors as one line."""
    from warehouse.db import load_sql

    with read_only(db, Settings().read_wait_seconds) as con:
        rel = con.execute(load_sql(f"queries/{name}"), params)
        return [d[0] for d in rel.description], rel.fetchall()


def print_query(db: Path, name: str, params: dict[str, Any], title: str, fmt: OutputFormat = OutputFormat.table,
           layout: Layout | None = None, only: str | None = None) -> None:
    columns, rows = read_query(db, name, params)
    if fmt is OutputFormat.table:
        layout = labelled(db, layout or Layout(), columns, rows)
    print_rows(columns, rows, fmt, title=title, layout=layout, only=only)


def labelled(db: Path, layout: Layout, columns: list[str], rows: list[tuple[Any, ...]], column: str = "narrative_id") -> Layout:
    """The layout with a legend of the narratives' labels under the table, when it lists narrative ids."""
    if column not in columns:
        return layout
    at = columns.index(column)
    ids = sorted({r[at] for r in rows if r[at]})
    _, labels = read_query(db, "narrative_labels", {"ids": ids}) if ids else ([], [])
    legend = "narratives: " + "; ".join(f"{i} = {label}" for i, label in labels) if labels else ""
    return replace(layout, note="\n".join(n for n in (layout.note, legend) if n))
