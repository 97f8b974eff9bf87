"""Quiet, quick commands (issue #33, item 6): `radar analyze` and `radar classify` with nothing new answer in one line
without a flow run; with something new, or --force, they run the flow, and on a terminal without Prefect's lines;
an ingest reports its progress as plain lines in logs and as a bar on a terminal."""

from __future__ import annotations

import io
import logging
import os
import pty
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES
from recorded_site import RecordedSite
from rich.console import Console

RADAR = str(Path(sys.executable).parent / "radar")
FEEDS = sorted(p for p in (FIXTURES / "feeds" / "real-news").iterdir() if p.suffix in (".xml", ".rdf")
               and not p.name.startswith("MALFORMED"))[:4]
PREFECT_LINES = ("Beginning flow run", "Finished in state", "flow run", "prefect")


@pytest.fixture
def warehouse(demo_db, tmp_path) -> Path:
    """A copy of the session's demo warehouse: the commands open it for writing (migrations)."""
    copy = tmp_path / "radar.duckdb"
    shutil.copy(demo_db[0], copy)
    return copy


@pytest.fixture
def env(prefect_backend) -> dict[str, str]:
    """The session's Prefect server for the commands, so their flow runs can be counted there."""
    from prefect.settings import PREFECT_API_URL

    return os.environ | {"PREFECT_API_URL": str(PREFECT_API_URL.value())}


def flow_runs(name: str) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        return client.count_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[name])))


def radar(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([RADAR, *args], check=False, capture_output=True, text=True, env=env, timeout=600)
    return done, time.monotonic() - started


def on_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """`radar ARGS` with stdout and stderr on a pseudo-terminal, as a person at a terminal runs it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([RADAR, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the command closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return process.wait(timeout=600), out.decode(errors="replace")


def test_nothing_new_answers_in_one_line_without_a_flow_run(warehouse, env):
    for command in ("analyze", "classify"):
        before = flow_runs(command)
        done, quick = radar(env, command, "--db", str(warehouse))
        assert done.returncode == 0, done.stderr
        lines = done.stdout.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("nothing new since "), done.stdout
        assert f"radar {command} --force" in lines[0]
        assert not any(s in (done.stdout + done.stderr) for s in PREFECT_LINES), done.stderr
        assert flow_runs(command) == before  # no flow run, hence no Prefect server either

        forced, slow = radar(env, command, "--db", str(warehouse), "--force")
        assert forced.returncode == 0, forced.stderr
        assert flow_runs(command) == before + 1
        assert "Beginning flow run" in forced.stderr  # in logs (not a terminal) Prefect's lines stay
        assert quick < slow


def test_something_new_runs_the_flow_then_nothing_new(warehouse, env):
    con = duckdb.connect(str(warehouse))
    passage, day = con.execute("SELECT passage_id, day FROM passage_classifications WHERE day IS NOT NULL "
                               "ORDER BY passage_id LIMIT 1").fetchone()
    con.execute("UPDATE passage_classifications SET classified_at = now() WHERE passage_id = ?", [passage])
    con.close()
    before = flow_runs("analyze")
    done, _ = radar(env, "analyze", "--db", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert "passages classified since the last analysis" in done.stderr  # why it runs, in the log
    assert flow_runs("analyze") == before + 1 and str(day) in done.stdout  # analyzed_from the changed day
    again, _ = radar(env, "analyze", "--db", str(warehouse))
    assert again.stdout.startswith("nothing new since ") and flow_runs("analyze") == before + 1

    con = duckdb.connect(str(warehouse))
    con.execute("DELETE FROM passage_narratives WHERE passage_id = ?", [passage])
    con.execute("DELETE FROM passage_classifications WHERE passage_id = ?", [passage])
    con.close()
    before = flow_runs("classify")
    done, _ = radar(env, "classify", "--db", str(warehouse))
    assert done.returncode == 0, done.stderr
    assert "passages not classified with catalogue" in done.stderr
    assert flow_runs("classify") == before + 1
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM passage_classifications WHERE passage_id = ?", [passage]).fetchone()[0] == 1
    con.close()
    again, _ = radar(env, "classify", "--db", str(warehouse))
    assert again.stdout.startswith("nothing new since ") and flow_runs("classify") == before + 1


def test_an_edited_hypothesis_file_is_something_new(warehouse, tmp_path):
    from flows.backlog import analysis_backlog
    from flows.settings import Settings
    from warehouse.writer import Writer

    settings = Settings(db=warehouse)
    Writer(warehouse)  # migrated, as the command does first
    edited = tmp_path / "hypotheses.yaml"
    edited.write_text(Path(settings.hypotheses).read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert analysis_backlog(con, settings) == []
        reasons = analysis_backlog(con, settings.model_copy(update={"hypotheses": edited}))
        assert reasons == [f"the hypotheses ({edited}) or their settings changed"]
        assert analysis_backlog(con, settings.model_copy(update={"analysis_window_weeks": 6})) != []
    finally:
        con.close()


def test_forced_analysis_on_a_terminal_shows_no_prefect_lines(warehouse, env):
    before = flow_runs("analyze")
    code, out = on_terminal(env, "analyze", "--db", str(warehouse), "--force")
    assert code == 0, out
    assert flow_runs("analyze") == before + 1
    assert "analysis" in out and not any(s in out for s in PREFECT_LINES), out


@pytest.fixture
def four_feeds(httpserver, tmp_path) -> Path:
    site = RecordedSite(httpserver)
    urls = {p.name.split("__")[0]: site.add_feed(p.name, p) for p in FEEDS}
    site.install()
    lines = ["sources:"] + [f"  - {{name: {n}, feed_url: '{u}', camp: western_mainstream, language: en, "
                            "homepage: 'http://127.0.0.1/'}" for n, u in urls.items()]
    (tmp_path / "sources.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path / "sources.yaml"


@contextmanager
def progress_lines() -> Iterator[list[str]]:
    """The progress lines logged inside, caught on their own logger (a flow run's logging setup replaces the root's
    handlers, caplog's among them)."""
    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("flows.progress")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.mark.usefixtures("prefect_backend")
def test_ingest_progress_is_a_bar_on_a_terminal_and_lines_in_logs(four_feeds, settings):
    from flows.cli_quiet import Bar
    from flows.ingest import daily_ingest
    from flows.progress import viewed_by

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120)
    with progress_lines() as lines, viewed_by(lambda total: Bar(total, terminal)):
        first = daily_ingest(str(four_feeds), str(settings.db), settings=settings, classify=False)
    assert first["feeds_ok"] == 4 and first["new_articles"] > 0
    assert "4/4" in screen.getvalue() and f"{first['new_articles']:,} new articles" in screen.getvalue()
    assert lines == []  # the bar replaces the lines

    with progress_lines() as lines:
        second = daily_ingest(str(four_feeds), str(settings.db), settings=settings, classify=False)
    assert second["new_articles"] == 0
    assert lines == [f"progress: feeds {k}/4 done, 0 new articles, 0 passages encoded" for k in range(1, 5)]


def test_progress_lines_come_about_every_tenth_of_the_feeds():
    from flows.progress import RunProgress

    with progress_lines() as lines, RunProgress(95) as progress:
        for _ in range(95):
            progress.feed_done(2)
            progress.encoded(3)
    assert len(lines) == 11  # each tenth (10 feeds each), the last feed, and the passages encoded after it
    assert lines[0] == "progress: feeds 10/95 done, 20 new articles, 27 passages encoded"
    assert lines[-2:] == ["progress: feeds 95/95 done, 190 new articles, 282 passages encoded",
                          "progress: feeds 95/95 done, 190 new articles, 285 passages encoded"]
