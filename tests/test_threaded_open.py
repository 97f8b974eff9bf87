"""Two threads of one process opening the warehouse at once (a Dask worker runs feed tasks on threads): DuckDB's
per-process cache of open files refuses the second open unless opens take turns."""
from __future__ import annotations

import threading
from pathlib import Path

from warehouse import db


def test_threads_opening_one_warehouse_file_at_once_all_get_a_connection(tmp_path: Path) -> None:
    failures: list[str] = []
    opened = 0
    counted = threading.Lock()

    def open_and_query(path: Path, start: threading.Barrier) -> None:
        nonlocal opened
        start.wait()
        try:
            con = db.connect(path, wait_seconds=5)
            con.execute("SELECT 1")
            con.close()
            with counted:
                opened += 1
        except Exception as exc:  # noqa: BLE001 - every failure is the finding, whatever its type
            failures.append(f"{type(exc).__name__}: {exc}")

    rounds, threads_per_round = 100, 4
    path = tmp_path / "warehouse.duckdb"
    db.connect(path).close()
    for _ in range(rounds):
        start = threading.Barrier(threads_per_round)
        threads = [threading.Thread(target=open_and_query, args=(path, start)) for _ in range(threads_per_round)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert opened == rounds * threads_per_round
