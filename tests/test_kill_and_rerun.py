"""A run killed with SIGKILL half-way and re-run ends with the same rows as an uninterrupted run, and is marked
interrupted by the rerun."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from processes import new_probe, probed, wait_until_gone
from werkzeug import Request, Response

from flows.demo_server import DEMO_DIR

OUTLETS = ["northern-meridian", "eastern-lantern-daily", "cedar-ridge-voice", "continental-standard"]
TABLES = ("articles", "passages", "entry_urls", "sources")


def serve_slow_corpus(httpserver, delay: float) -> str:
    """The demo corpus on pytest-httpserver, each article page delayed so a run takes a while."""
    root = DEMO_DIR / "corpus"
    base = httpserver.url_for("").rstrip("/")

    def handle(request: Request) -> Response:
        path = (root / request.path.lstrip("/")).resolve()
        if root.resolve() not in path.parents or not path.is_file():
            return Response("not found", status=404)
        if path.suffix == ".html":
            time.sleep(delay)
        ctype = "text/html; charset=utf-8" if path.suffix == ".html" else "application/xml"
        return Response(path.read_bytes().replace(b"{{BASE}}", base.encode()), content_type=ctype)

    httpserver.expect_request(__import__("re").compile(r"^/.*")).respond_with_handler(handle)
    return base


def demo_sources(tmp_path: Path, base: str, outlets: list[str] = OUTLETS) -> Path:
    text = (DEMO_DIR / "sources.yaml").read_text().replace("{{BASE}}", base)
    import yaml

    data = yaml.safe_load(text)
    data["sources"] = [s for s in data["sources"] if any(s["feed_url"].endswith(f"/{o}.xml") for o in outlets)]
    assert len(data["sources"]) == len(outlets)
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def ingest_cmd(sources: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "flows.cli", "ingest", "--sources", str(sources), "--db", str(db), "--no-classify"]


def env(tmp_path: Path) -> dict[str, str]:
    return os.environ | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "RADAR_CONCURRENCY": "2"}


def row_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def stored_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return 0  # the writer holds the file right now
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun_matches_uninterrupted_run(httpserver, tmp_path):
    base = serve_slow_corpus(httpserver, delay=0.03)
    sources = demo_sources(tmp_path, base)

    reference = tmp_path / "reference.duckdb"
    subprocess.run(ingest_cmd(sources, reference), env=env(tmp_path), check=True, capture_output=True, timeout=300)
    expected = row_counts(reference)
    assert expected["articles"] > 150

    killed = tmp_path / "killed.duckdb"
    probe = new_probe()
    proc = subprocess.Popen(ingest_cmd(sources, killed), env=env(tmp_path) | probe, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while stored_articles(killed) < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    assert any("uvicorn" in cmd for cmd in probed(*probe.values()).values()), "no temporary Prefect server seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    # Its temporary Prefect server (and anything else it started) ends with it.
    assert wait_until_gone(*probe.values()) == {}
    partial = row_counts(killed)
    assert 0 < partial["articles"] < expected["articles"]
    con = duckdb.connect(str(killed), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("running",)]
    con.close()

    subprocess.run(ingest_cmd(sources, killed), env=env(tmp_path), check=True, capture_output=True, timeout=300)
    assert row_counts(killed) == expected
    con = duckdb.connect(str(killed), read_only=True)
    # The rerun's start found the killed run's process gone and said so in its row.
    (killed_status, reason, _), (rerun_status, _, rerun) = con.execute(
        "SELECT status, reason, run_id FROM runs ORDER BY started_at").fetchall()
    assert (killed_status, rerun_status) == ("interrupted", "completed")
    assert reason == f"process ended without finishing (found by run {rerun})"
    dupes = con.execute("SELECT count(*) - count(DISTINCT (article_id, position)) FROM passages").fetchone()[0]
    orphans = con.execute("SELECT count(*) FROM passages WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchone()[0]
    con.close()
    assert dupes == 0 and orphans == 0
