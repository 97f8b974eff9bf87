"""`radar sql` answers while a `radar ingest` in another process is writing the same file."""

from __future__ import annotations

import subprocess
import time

import pytest
from test_kill_and_rerun import demo_sources, env, ingest_cmd, serve_slow_corpus, stored_articles
from typer.testing import CliRunner

from flows.cli import app


@pytest.mark.slow
def test_queries_succeed_during_an_ingest(httpserver, tmp_path):
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0.02))
    db = tmp_path / "radar.duckdb"
    proc = subprocess.Popen(ingest_cmd(sources, db), env=env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not db.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        answers = []
        while proc.poll() is None and time.monotonic() < deadline:
            result = CliRunner().invoke(app, ["sql", "--db", str(db), "--format", "csv", "select count(*) as n from articles"])
            assert result.exit_code == 0, result.output
            answers.append(int(result.output.splitlines()[-1]))
            time.sleep(0.2)
        assert proc.wait(timeout=300) == 0
    finally:
        proc.kill()
    # Several answers while the run was writing, and they grew as articles landed.
    assert len(answers) >= 5
    assert answers == sorted(answers) and answers[-1] > answers[0]
    assert stored_articles(db) >= answers[-1]


def test_a_session_keeps_one_connection_for_its_transactions(tmp_path) -> None:
    """Steps with one transaction per week of a back-fill open the file once inside `session()`; outside it
    every transaction opens and closes its own, and a failed transaction inside leaves the session usable."""
    from warehouse.writer import Writer

    writer = Writer(tmp_path / "radar.duckdb")
    with writer.transaction() as first, writer.transaction() as second:
        assert first is not second
    with writer.session():
        with writer.transaction() as a:
            a.execute("CREATE TABLE t (x INTEGER)")
            a.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError), writer.transaction() as b:
            b.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("a step failed")
        with writer.transaction() as c:
            assert c is a
            assert c.execute("SELECT list(x) FROM t").fetchone()[0] == [1]  # the failed insert was rolled back
    with writer.transaction() as d:
        assert d is not a and d.execute("SELECT count(*) FROM t").fetchone()[0] == 1
