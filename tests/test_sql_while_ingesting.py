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
