"""A locked-down read-only connection for SQL that people write (`radar sql`, forecast `sql` tests).

DuckDB's own settings do the work, on a fresh in-memory instance with the warehouse attached READ_ONLY:
`enable_external_access=false` (no ATTACH of files, no INSTALL/LOAD of extensions, file functions and COPY only
inside `allowed_directories`), no extension autoloading or community extensions, no spill directory, and
`lock_configuration=true` so no SET/RESET/PRAGMA can undo any of it.

One gap is closed here rather than by a setting: DuckDB keeps the attached database file and its WAL in
`allowed_paths` (measured: `COPY ... TO '<warehouse>' (USE_TMP_FILE false)` overwrites it). Without allowed
directories the local file system is switched off altogether (`disabled_filesystems`; the open warehouse is still
read). With allowed directories the warehouse is attached through a hard link in a private folder removed right
after, so the allowed paths name a file that no longer exists.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import duckdb

from warehouse.db import while_locked
from warehouse.export import sql_string

_RESERVED = {"memory", "system", "temp", "main"}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SandboxError(Exception):
    """The warehouse cannot be opened with the guarantees of the sandbox."""


def _writable(path: Path) -> bool:
    wal = Path(f"{path}.wal")
    return os.access(path.parent, os.W_OK) or os.access(path, os.W_OK) or (wal.exists() and os.access(wal, os.W_OK))


def _attach(con: duckdb.DuckDBPyConnection, path: Path, name: str, wait_seconds: float) -> None:
    """ATTACH ... READ_ONLY; while another process writes the file, retry for up to `wait_seconds`."""
    while_locked(lambda: con.execute(f"ATTACH {sql_string(str(path))} AS {_ident(name)} (READ_ONLY)"), path,
                 wait_seconds)


def _attach_by_link(con: duckdb.DuckDBPyConnection, path: Path, name: str, wait_seconds: float) -> None:
    """Attach through a hard link (and one for the WAL) that is deleted before any user SQL runs."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".radar-sql-", dir=path.parent))
    except OSError as exc:
        if _writable(path):
            raise SandboxError(f"cannot protect {path} while files are allowed: {exc}") from exc
        _attach(con, path, name, wait_seconds)  # this process cannot write the warehouse: the OS protects it
        return
    try:
        link = folder / path.name
        os.link(path, link)
        if Path(f"{path}.wal").exists():
            os.link(f"{path}.wal", f"{link}.wal")
        _attach(con, link, name, wait_seconds)
    except OSError as exc:
        raise SandboxError(f"cannot protect {path} while files are allowed: {exc}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_sandbox(path: str | Path, allow_dirs: Sequence[str | Path] = (),
                 wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """The warehouse read-only, with file access only inside `allow_dirs` (none by default) and settings locked."""
    path = Path(path).resolve()
    name = path.stem if path.stem.lower() not in _RESERVED else "warehouse"
    con = duckdb.connect(":memory:", config={
        "autoinstall_known_extensions": False, "autoload_known_extensions": False,
        "allow_community_extensions": False, "temp_directory": ""})
    try:
        dirs = [str(Path(d).resolve()) for d in allow_dirs]
        if dirs:
            _attach_by_link(con, path, name, wait_seconds)
        else:
            _attach(con, path, name, wait_seconds)
        con.execute(f"USE {_ident(name)}")
        con.execute("SET allowed_directories = $dirs", {"dirs": dirs})
        con.execute("SET enable_external_access = false")
        if not dirs:
            # after enable_external_access: DuckDB refuses that change once the local file system is off
            con.execute("SET disabled_filesystems = 'LocalFileSystem'")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con
