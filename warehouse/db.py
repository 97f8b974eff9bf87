"""Connections, named SQL files and ordered migrations."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

import duckdb

T = TypeVar("T")
_PARAMETER = re.compile(r"\$(\w+)")
log = logging.getLogger(__name__)

_SQL = resources.files("warehouse") / "sql"


class WarehouseBusy(Exception):
    """The database file is locked by another process for longer than we waited."""


@cache
def load_sql(name: str) -> str:
    """Text of `warehouse/sql/<name>.sql` (name may include a subfolder, e.g. 'views/narrative_daily')."""
    return (_SQL / f"{name}.sql").read_text(encoding="utf-8")


def run_script(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, object] | None = None) -> None:
    """Each statement of a named SQL file, with the parameters it uses (DuckDB binds them one statement at a time)."""
    for statement in load_sql(name).split(";"):
        if any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines()):
            used = set(_PARAMETER.findall(statement))
            con.execute(statement, {k: v for k, v in (params or {}).items() if k in used})


def migration_names() -> list[str]:
    """Migration files in apply order (their names start with a zero-padded number)."""
    return sorted(p.name.removesuffix(".sql") for p in (_SQL / "migrations").iterdir() if p.name.endswith(".sql"))


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


# DuckDB's per-process cache of open files is not safe against two threads opening the same file at once: the
# second fails with "Unique file handle conflict" (seen with two Dask worker threads); opens take turns instead.
_OPENING = threading.Lock()


def connect(path: str | Path, read_only: bool = False, wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the database; when another process holds the file, retry for up to `wait_seconds`. Safe from threads."""
    def open_file() -> duckdb.DuckDBPyConnection:
        with _OPENING:
            return duckdb.connect(str(path), read_only=read_only)
    return while_locked(open_file, path, wait_seconds)


def while_locked(open_file: Callable[[], T], path: str | Path, wait_seconds: float) -> T:
    """`open_file()` (a connect or an ATTACH of `path`), retried while another process holds the file, for up to
    `wait_seconds`; then WarehouseBusy."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return open_file()
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"{path} is locked by another process: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed statement; DuckDB may have ended the transaction already (a failed commit on a full
    disk), and that second error must not hide the first."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        log.debug("nothing to roll back", exc_info=True)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded; returns the names applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name in migration_names():
        if name in done:
            continue
        con.execute("BEGIN")
        try:
            con.execute(load_sql(f"migrations/{name}"))
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [name])
            con.execute("COMMIT")
        except Exception:
            rollback(con)
            raise
        log.info("applied migration %s", name)
        applied.append(name)
    create_views(con)
    return applied


def view_names() -> list[str]:
    return sorted(p.name.removesuffix(".sql") for p in (_SQL / "views").iterdir() if p.name.endswith(".sql"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view and macro; each file is one CREATE OR REPLACE, so this is safe to repeat."""
    for name in view_names():
        con.execute(load_sql(f"views/{name}"))


def open_warehouse(path: str | Path, wait_seconds: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A write connection with the schema up to date."""
    con = connect(path, wait_seconds=wait_seconds)
    migrate(con)
    return con
