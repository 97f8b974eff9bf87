"""`radar compact` on a real DuckDB file: the space of deleted rows and of a dropped model's vectors comes back,
every other row survives, and a warehouse another process holds is left alone."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import numpy as np
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings
from warehouse.writer import Writer

HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


def fill(db_path, model_ids: list[str], n: int = 3000) -> None:
    """n random 384-dimension vectors per model, one source and one article."""
    rng = np.random.default_rng(0)
    with Writer(db_path).transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) "
                    "VALUES ('s1', 'Outlet', 'http://127.0.0.1/rss', 'russia_friendly', 'en', NULL)")
        con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status) "
                    "VALUES ('a1', 's1', 'http://127.0.0.1/a1', DATE '2026-03-02', now(), 'ok')")
        for model_id in model_ids:
            vectors = rng.standard_normal((n, 384)).astype(np.float32)
            rows = [(f"h{i}", model_id, 384, v.tolist()) for i, v in enumerate(vectors)]
            con.executemany("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES (?, ?, ?, ?)", rows)


def snapshot(db_path) -> dict:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {
            "vectors": con.execute("SELECT model_id, count(*), sum(vector[1]) FROM embeddings GROUP BY 1 ORDER BY 1")
            .fetchall(),
            "articles": con.execute("SELECT article_id, source_id, url, published_at FROM articles").fetchall(),
            "migrations": con.execute("SELECT name FROM schema_migrations ORDER BY 1").fetchall(),
            "views": con.execute("SELECT count(*) FROM narrative_daily").fetchall(),
        }
    finally:
        con.close()


def test_compact_gives_space_back_and_keeps_every_other_row(db_path):
    current = Settings().embedder().model_id
    fill(db_path, [current, "old-model"])
    with Writer(db_path).transaction() as con:
        con.execute("DELETE FROM embeddings WHERE model_id = ? AND text_hash > 'h2'", [current])
    kept = snapshot(db_path)
    before = db_path.stat().st_size

    result = CliRunner().invoke(app, ["compact", "--db", str(db_path), "--drop-model", "old-model"])
    assert result.exit_code == 0, result.output
    assert f"vectors of {current} (configured): " in result.output
    assert "vectors of old-model (dropped): 3000" in result.output
    after = db_path.stat().st_size
    assert after < before / 2, (before, after)  # both the deleted rows' and the dropped model's space came back
    assert not list(db_path.parent.glob("*.compacting*"))
    now = snapshot(db_path)
    assert now == kept | {"vectors": [v for v in kept["vectors"] if v[0] != "old-model"]}
    Writer(db_path)  # opens, migrates nothing new, and takes writes again
    with Writer(db_path).transaction() as con:
        con.execute("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES ('new', ?, 1, [0.5])", [current])

    again = CliRunner().invoke(app, ["compact", "--db", str(db_path)])  # nothing to drop: a plain copy
    assert again.exit_code == 0, again.output
    counts = {model_id: n for model_id, n, _ in snapshot(db_path)["vectors"]}
    assert counts == {current: {m: n for m, n, _ in kept["vectors"]}[current] + 1}


def test_compact_refuses_the_configured_model_an_unknown_one_and_a_busy_warehouse(db_path):
    current = Settings().embedder().model_id
    fill(db_path, [current], n=10)
    runner = CliRunner()
    refused = runner.invoke(app, ["compact", "--db", str(db_path), "--drop-model", current])
    assert refused.exit_code == 1 and "is the configured model" in refused.output
    unknown = runner.invoke(app, ["compact", "--db", str(db_path), "--drop-model", "no-such-model"])
    assert unknown.exit_code == 1 and f"no vectors of no-such-model stored (stored: {current})" in unknown.output
    kept = snapshot(db_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = runner.invoke(app, ["compact", "--db", str(db_path)], env={"RADAR_READ_WAIT_SECONDS": "0.5"})
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert busy.exit_code == 1 and "when no ingest or analyze is running" in busy.output
    assert snapshot(db_path) == kept and not list(db_path.parent.glob("*.compacting*"))
    assert os.path.exists(db_path)
    stranger = db_path.parent / "notes.duckdb"
    stranger.write_text("not a database")
    wrong = runner.invoke(app, ["compact", "--db", str(stranger)])
    assert wrong.exit_code == 1 and "not a valid DuckDB database file" in wrong.output
    assert stranger.read_text() == "not a database"


CRASH_WITH_WAL = """
import os, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES ('unflushed', 'old-model', 1, [1.0])")
os._exit(0)  # no checkpoint: the row lives only in the write-ahead log
"""


def test_compact_keeps_what_a_crashed_run_left_and_clears_a_killed_compaction(db_path):
    fill(db_path, [Settings().embedder().model_id], n=10)
    subprocess.run([sys.executable, "-c", CRASH_WITH_WAL, str(db_path)], check=True)
    assert os.path.exists(f"{db_path}.wal")
    # and a compaction killed half-way before left its partial copy behind
    (db_path.parent / f"{db_path.name}.compacting").write_bytes(b"half a copy")
    result = CliRunner().invoke(app, ["compact", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "vectors of old-model: 1" in result.output and not os.path.exists(f"{db_path}.wal")
    assert not list(db_path.parent.glob("*.compacting*"))
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT count(*) FROM embeddings WHERE text_hash = 'unflushed'").fetchall() == [(1,)]
    con.close()
