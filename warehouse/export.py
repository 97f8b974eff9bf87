"""Parquet export of the warehouse for pandas/polars/Spark users."""

from __future__ import annotations

from pathlib import Path

import duckdb

EXPORT_VIEWS = ("narrative_daily", "narrative_camp_daily", "narrative_outlet_weekly", "article_narratives", "emerging_daily")


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path, with_embeddings: bool = False,
                   partition_rows: int = 100_000) -> list[tuple[str, int, str]]:
    """Every table and the trend views as Parquet under `out`; large dated tables partitioned by month.

    Returns (name, rows, path) per export. Table names come from the catalogue, never from the user.
    """
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "ORDER BY table_name").fetchall()]
    names = [t for t in tables if with_embeddings or t != "embeddings"] + list(EXPORT_VIEWS)
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for name in names:
        rows = (con.execute(f"SELECT count(*) FROM {_ident(name)}").fetchone() or (0,))[0]
        cols = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                           "ORDER BY ordinal_position", [name]).fetchall()
        dated = [c for c, t in cols if c == "day"] or [c for c, t in cols if t == "DATE" or t.startswith("TIMESTAMP")]
        if rows > partition_rows and dated:
            target = out / name
            con.execute(f"COPY (SELECT *, strftime({_ident(dated[0])}, '%Y-%m') AS month FROM {_ident(name)}) "
                        f"TO {sql_string(str(target))} (FORMAT parquet, PARTITION_BY (month), OVERWRITE_OR_IGNORE)")
        else:
            target = out / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {_ident(name)}) TO {sql_string(str(target))} (FORMAT parquet)")
        done.append((name, rows, str(target)))
    return done
