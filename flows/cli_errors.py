"""Expected errors of the `radar` command, one `error:` line each: a bad RADAR_ setting, a warehouse that cannot be
opened or written (missing, not DuckDB, truncated, locked, read-only, disk full), a file that cannot be written.
Anything else is a bug and keeps its traceback; `radar --debug` keeps every traceback."""

from __future__ import annotations

import gc
import logging
import traceback
import types
import typing
from pathlib import Path
from typing import Any

import duckdb
import typer
import typer._click as click  # typer's own click, whose Context the group receives
from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from flows.runtime import PrefectServerError
from flows.settings import Settings
from warehouse.db import WarehouseBusy

DEBUG = "radar.debug"  # key in click's ctx.meta, set by the --debug option
# DuckDB's words for a problem of the file or the disk, and what the analyst can do about it.
_HINTS = (
    ("not a valid DuckDB database file", "not a warehouse: check --db or RADAR_DB"),
    ("Could not read enough bytes", "the file is truncated: restore it from a copy"),
    ("Read-only file system", "its folder is read-only"),
    ("Permission denied", "no permission to write it or its folder"),
    ("File too large", "the disk is full, or the file reached this process's size limit"),
    ("No space left on device", "the disk is full"),
)


def allowed(field: FieldInfo) -> str:
    """What a setting accepts, in words, from its type and constraints (e.g. 'a number above 0 and below 1')."""
    kind: Any = field.annotation
    args = typing.get_args(kind)
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        kind = next(a for a in args if a is not type(None))
    if typing.get_origin(kind) is typing.Literal:
        text = "one of " + ", ".join(str(a) for a in typing.get_args(kind))
    else:
        text = {bool: "true or false", int: "a whole number", float: "a number", Path: "a file path"}.get(kind, "text")
    words = (("ge", "at least"), ("gt", "above"), ("le", "at most"), ("lt", "below"), ("pattern", "matching"))
    bounds = [f"{word} {getattr(m, key)}" for m in field.metadata for key, word in words
              if getattr(m, key, None) is not None]
    return text + "".join(f" {b}" if i == 0 else f" and {b}" for i, b in enumerate(bounds)) + (
        " (or unset)" if optional else "")


def settings_problems(exc: ValidationError) -> list[str]:
    """One line per bad setting: its RADAR_ variable, the value given and what is allowed."""
    lines = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "?"
        field = Settings.model_fields.get(name)
        secret = field is not None and SecretStr in (field.annotation, *typing.get_args(field.annotation))
        value = "********" if secret else error.get("input")
        if error["type"] == "value_error":  # a validator's own words say what is wrong
            reason = str(error.get("ctx", {}).get("error", error["msg"]))
        else:
            reason = f"expected {allowed(field)}" if field is not None else error["msg"]
        lines.append(f"RADAR_{name.upper()}={value!r} is not valid: {reason}")
    return lines


def warehouse_line(exc: duckdb.Error) -> str:
    """DuckDB's first line, with what it means for the warehouse where that is known."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    hint = next((h for words, h in _HINTS if words in first), None)
    return f"{first} ({hint})" if hint else first


def expected_problem(exc: BaseException) -> list[str] | None:
    """The error lines of an expected failure, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, ValidationError) and exc.title == Settings.__name__:
        return settings_problems(exc)
    if isinstance(exc, WarehouseBusy | PrefectServerError):
        return [str(exc).splitlines()[0]]
    if isinstance(exc, duckdb.Error):
        return [warehouse_line(exc)]
    if isinstance(exc, OSError) and exc.strerror:
        return [f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror]
    return None


def release(exc: BaseException) -> None:
    """Drop the frames an exception keeps alive: DuckDB connections still referenced by them at interpreter exit
    make DuckDB's bindings print dozens of 'nanobind: leaked' lines."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    gc.collect()


def print_errors(lines: list[str]) -> None:
    """Each line as `error: ...` on stderr."""
    console = Console(stderr=True)
    for line in lines:
        console.print(f"[red]error:[/red] {escape(line)}", highlight=False, soft_wrap=True)


class RadarGroup(TyperGroup):
    """The `radar` command group: an expected error raised by any command ends it with one line per problem and
    exit code 1, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except typer.Exit as exc:  # a command's own fail(): the error it handled may still hold connections
            release(exc)
            raise
        except Exception as exc:
            lines = None if ctx.meta.get(DEBUG) else expected_problem(exc)
            if lines is None:
                raise
            release(exc)
            print_errors(lines)
            raise typer.Exit(1) from None


class _NoTraceback(logging.Filter):
    """Keeps a log record's message and drops its traceback (Prefect logs one for every failed flow and task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


_FILTER = _NoTraceback()
_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


def run_tracebacks(shown: bool) -> None:
    """Show or hide the tracebacks Prefect logs for a failed run (the command's own error line names the cause)."""
    for name in _RUN_LOGGERS:
        logger = logging.getLogger(name)
        if shown:
            logger.removeFilter(_FILTER)
        elif _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
