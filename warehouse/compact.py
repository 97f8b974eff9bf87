"""Give a warehouse file its free space back: DuckDB neither shrinks a file on DELETE nor reuses the space at once,
so after a model switch (the old model's vectors stay) or a large delete the file keeps its size. The only way back
is a copy (`COPY FROM DATABASE`), checked table by table before it replaces the original."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.db import connect

log = logging.getLogger(__name__)

VECTOR_TABLES = ("embeddings", "exemplar_embeddings")  # keyed by (text hash, model id): droppable per model


class CompactError(Exception):
    """The copy did not match the original; the original is left as it was."""


@dataclass
class Compacted:
    bytes_before: int
    bytes_after: int
    rows: dict[str, int]
    dropped_vectors: dict[str, int] = field(default_factory=dict)  # model id -> vectors dropped


def vectors_by_model(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Stored vectors (passages and exemplars) per model id."""
    union = " UNION ALL ".join(f"SELECT model_id FROM {t}" for t in VECTOR_TABLES)
    return dict(con.execute(f"SELECT model_id, count(*) FROM ({union}) GROUP BY model_id ORDER BY model_id").fetchall())


def _table_counts(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    tables = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' ORDER BY 1",
        [catalog]).fetchall()]
    return {t: con.execute(f'SELECT count(*) FROM "{catalog}".main."{t}"').fetchall()[0][0] for t in tables}


def compact(path: Path, drop_models: tuple[str, ...] = (), wait_seconds: float = 0.0) -> Compacted:
    """Copy the warehouse into a fresh file, without the vectors of `drop_models`, check it table by table and put
    it in the original's place. Holds the write lock throughout, so no run writes meanwhile (WarehouseBusy when one
    holds it); any failure leaves the original untouched and removes the partial copy."""
    path = Path(path)
    fresh = path.with_name(path.name + ".compacting")
    for leftover in (fresh, Path(f"{fresh}.wal")):
        leftover.unlink(missing_ok=True)  # a copy an interrupted compaction left behind
    before = path.stat().st_size
    con = connect(path, wait_seconds=wait_seconds)
    try:
        # fold a crashed run's write-ahead log into the file first: no stale `.wal` may outlive the replace
        con.execute("CHECKPOINT")
        [(source,)] = con.execute("SELECT current_database()").fetchall()
        dropped = {m: n for m, n in vectors_by_model(con).items() if m in drop_models}
        expected = _table_counts(con, source)
        for table in VECTOR_TABLES:
            [(dropping,)] = con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, model_id)",
                                        [list(drop_models)]).fetchall()
            expected[table] -= dropping
        con.execute(f"ATTACH '{fresh}' AS compact_copy")
        try:
            con.execute(f'COPY FROM DATABASE "{source}" TO compact_copy (SCHEMA)')
            for table in expected:
                keep = " WHERE NOT list_contains($drop, model_id)" if table in VECTOR_TABLES else ""
                con.execute(f'INSERT INTO compact_copy.main."{table}" SELECT * FROM "{source}".main."{table}"{keep}',
                            {"drop": list(drop_models)} if keep else None)
            copied = _table_counts(con, "compact_copy")
        finally:
            con.execute("DETACH compact_copy")
        if copied != expected:
            differ = sorted(t for t in set(expected) | set(copied) if expected.get(t) != copied.get(t))
            raise CompactError(f"the copy differs from {path} in {', '.join(differ)}; the original is unchanged")
        os.replace(fresh, path)  # atomic; our lock on the old file kept writers out until here
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    after = path.stat().st_size
    log.info("compacted %s: %d -> %d bytes", path, before, after)
    return Compacted(before, after, copied, dropped)
