"""Short write transactions, so readers in other processes can get in between them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.db import connect, migrate, rollback
from warehouse.sandbox import open_sandbox


class Writer:
    """Serialises this process's writes; each `transaction()` opens the file, commits and closes it.

    DuckDB lets one process write a file at a time and readers cannot open it meanwhile, so the
    connection is never kept open across network waits or model work.
    """

    def __init__(self, path: str | Path, wait_seconds: float = 60.0) -> None:
        self.path = Path(path)
        self.wait_seconds = wait_seconds
        self._lock = threading.RLock()
        self._local = threading.local()
        with self._lock:
            con = connect(self.path, wait_seconds=wait_seconds)
            try:
                migrate(con)  # each migration is its own transaction
            finally:
                con.close()

    # In another process (a Dask worker) a writer is its path; DuckDB's file lock then serialises the
    # processes, and `connect` waits for it.
    def __getstate__(self) -> dict:
        return {"path": self.path, "wait_seconds": self.wait_seconds}

    def __setstate__(self, state: dict) -> None:
        self.path = state["path"]
        self.wait_seconds = state["wait_seconds"]
        self._lock = threading.RLock()
        self._local = threading.local()

    @contextmanager
    def session(self) -> Iterator[None]:
        """Keep one connection open for this thread's transactions inside: a step that runs hundreds of small
        transactions (one per week of a back-fill) pays the file open once, not each time (about 25 ms here).
        Other threads' transactions and other processes wait until it ends, so keep it to one step."""
        if getattr(self._local, "con", None) is not None:
            yield
            return
        with self._lock:
            self._local.con = connect(self.path, wait_seconds=self.wait_seconds)
            try:
                yield
            finally:
                self._local.con.close()
                self._local.con = None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            shared = getattr(self._local, "con", None)
            con = shared if shared is not None else connect(self.path, wait_seconds=self.wait_seconds)
            try:
                con.execute("BEGIN")
                try:
                    yield con
                except BaseException:
                    rollback(con)
                    raise
                con.execute("COMMIT")
            finally:
                if shared is None:
                    con.close()

    @contextmanager
    def sandbox(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A sandboxed read-only connection for SQL that people write (warehouse/sandbox.py); this process's
        writes wait meanwhile. DuckDB refuses a second instance on a file this process has open, so not inside
        `session()`."""
        with self._lock:
            con = open_sandbox(self.path, wait_seconds=self.wait_seconds)
            try:
                yield con
            finally:
                con.close()
