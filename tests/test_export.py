"""`radar export` and `radar sql --format parquet`: Parquet files that read back with the tables' row counts."""

from __future__ import annotations

from pathlib import Path

import duckdb
from test_report import populate
from typer.testing import CliRunner

from flows.cli import app
from warehouse.export import EXPORT_VIEWS, export_parquet


def _count(path: Path) -> int:
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    with duckdb.connect() as con:
        return con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [pattern]).fetchone()[0]


def test_export_writes_every_table_and_view(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    out = tmp_path / "export"
    result = CliRunner().invoke(app, ["export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
    for name in [t for t in tables if t != "embeddings"] + list(EXPORT_VIEWS):
        assert _count(out / f"{name}.parquet") == con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0], name
    assert not (out / "embeddings.parquet").exists()
    con.close()


def test_large_dated_tables_are_partitioned_by_month(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        done = {name: (rows, Path(path)) for name, rows, path in export_parquet(con, tmp_path / "x", True, partition_rows=10)}
    rows, path = done["rollup_narrative_camp_daily"]
    assert path.is_dir() and sorted(p.name for p in path.iterdir()) == ["month=2026-01"]
    assert _count(path) == rows == 84
    assert done["embeddings"][0] == 0  # exported when asked, even empty


def test_sql_parquet_needs_out(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    runner = CliRunner()
    missing = runner.invoke(app, ["sql", "--db", str(db), "--format", "parquet", "select * from sources"])
    assert missing.exit_code == 1 and "--out" in missing.output
    out = tmp_path / "sources.parquet"
    ok = runner.invoke(app, ["sql", "--db", str(db), "--format", "parquet", "--out", str(out), "select * from sources;"])
    assert ok.exit_code == 0, ok.output
    assert _count(out) == 4
