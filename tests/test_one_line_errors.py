"""Bad settings, bad files and broken warehouses end a command with one `error:` line naming the cause, exit 1: no
traceback, no 'nanobind: leaked' lines. Real DuckDB files; the real `radar` entry point in a subprocess where the
interpreter's exit matters."""

from __future__ import annotations

import gc
import os
import resource
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.settings import Settings
from warehouse.db import open_warehouse

RADAR = str(Path(sys.executable).with_name("radar"))
GOOD = "  - {name: A, feed_url: 'https://a.example/rss', camp: resistance, language: en, homepage: 'https://a.example/'}\n"


def the_error(output: str, code: int) -> str:
    """The one `error:` line a failed command ended with."""
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert code == 1 and len(errors) == 1, output[-3000:]
    assert output.strip().splitlines()[-1] == errors[0], output[-3000:]
    assert "Traceback" not in output and "nanobind" not in output, output[-3000:]
    return errors[0]


def radar(*args: str, env: dict[str, str] | None = None, fsize: int | None = None,
          wrap: list[str] | None = None) -> str:
    """Run the real `radar` (optionally under a file size limit, as on a full disk); its one error line."""
    limit = None if fsize is None else (lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize)))
    proc = subprocess.run([*(wrap or []), RADAR, *args], env=os.environ | (env or {}), capture_output=True, text=True,
                          timeout=300, preexec_fn=limit, check=False)
    return the_error(proc.stderr, proc.returncode)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "radar.duckdb"
    open_warehouse(db).close()
    return db


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - {name: A, feed_url: 'http://127.0.0.1:9/a.xml', camp: resistance, language: en, "
                    "homepage: 'http://127.0.0.1:9/'}\n")
    return path


@pytest.mark.parametrize(("variable", "value", "allowed"), [
    ("RADAR_TASK_RUNNER", "bogus", "expected one of threads, dask"),
    ("RADAR_CONCURRENCY", "abc", "expected a whole number at least 1"),
    ("RADAR_SPIKE_ALPHA", "abc", "expected a number above 0 and below 1"),
    ("RADAR_SPIKE_TEST", "poisson", "expected one of weekday, volume, rate"),
    ("RADAR_HYPOTHESES_WHOLE_WEEKS", "maybe", "expected true or false"),
    ("RADAR_DASK_WORKERS", "0", "expected a whole number at least 1"),
    ("RADAR_MODEL_LANGUAGES", "EN", "expected text matching"),
    ("RADAR_FETCH_ALLOW", "not a host", "is neither a host name, an address nor a CIDR range"),
])
def test_a_bad_setting_is_one_line_naming_the_variable_its_value_and_what_is_allowed(variable, value, allowed,
                                                                                    warehouse):
    for command in (["outlets", "--db", str(warehouse)], ["config"], ["sources", "check", "config/sources.yaml"]):
        result = CliRunner().invoke(app, command, env={variable: value})
        line = the_error(result.output, result.exit_code)
        assert line.startswith(f"error: {variable}={value!r} is not valid: ") and allowed in line, line


def test_every_typed_setting_names_its_variable_when_bad():
    """'abc' is no number, no boolean and none of a choice: each such setting's line names its own variable."""
    def typed(annotation: object) -> bool:
        return annotation in (int, float, bool) or typing.get_origin(annotation) is typing.Literal

    names = [name for name, field in Settings.model_fields.items() if typed(field.annotation)]
    assert len(names) > 40
    # Each error ends in the CLI's gc.collect(); in this process (a model and the session's worlds loaded) that
    # walks everything each time. Frozen objects are skipped: about a second less per setting.
    gc.freeze()
    try:
        for name in names:
            result = CliRunner().invoke(app, ["config"], env={f"RADAR_{name.upper()}": "abc"})
            assert the_error(result.output, result.exit_code).startswith(
                f"error: RADAR_{name.upper()}='abc' is not valid: expected ")
    finally:
        gc.unfreeze()


def test_a_bad_setting_from_the_real_command_exits_without_a_traceback(warehouse):
    assert radar("outlets", "--db", str(warehouse), env={"RADAR_CONCURRENCY": "abc"}) == (
        "error: RADAR_CONCURRENCY='abc' is not valid: expected a whole number at least 1")


def test_a_text_file_as_the_warehouse(tmp_path, sources):
    db = tmp_path / "notes.duckdb"
    db.write_text("these are my notes, not a warehouse\n")
    expected = f'error: IO Error: The file "{db}" exists, but it is not a valid DuckDB database file! (not a warehouse'
    assert radar("outlets", "--db", str(db)).startswith(expected)
    assert radar("sql", "select 1", "--db", str(db)).startswith("error: IO Error: The file")
    assert radar("ingest", "--sources", str(sources), "--db", str(db)).startswith(expected)
    assert radar("demo", "--db", str(db)).startswith(expected)


def test_a_truncated_warehouse(warehouse, sources):
    with warehouse.open("r+b") as f:  # an interrupted copy: DuckDB's header and the start of its first block
        f.truncate(100_000)
    line = radar("outlets", "--db", str(warehouse))
    assert line.startswith("error: IO Error: Could not read enough bytes") and "(the file is truncated" in line
    assert "Could not read enough bytes" in radar("analyze", "--db", str(warehouse))
    assert "Could not read enough bytes" in radar("ingest", "--sources", str(sources), "--db", str(warehouse))


def test_a_warehouse_locked_by_another_process(warehouse, sources):
    holder = subprocess.Popen([sys.executable, "-c", ("import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\n"
                               "print('held', flush=True)\ntime.sleep(120)"), str(warehouse)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        waits = {"RADAR_READ_WAIT_SECONDS": "0.5", "RADAR_WRITE_WAIT_SECONDS": "0.5"}
        locked = f"error: {warehouse} is locked by another process: IO Error: Could not set lock on file"
        assert radar("outlets", "--db", str(warehouse), env=waits).startswith(locked)
        assert radar("sql", "select 1", "--db", str(warehouse), env=waits).startswith(locked)
        assert radar("ingest", "--sources", str(sources), "--db", str(warehouse), env=waits).startswith(locked)
    finally:
        holder.kill()
        holder.wait()


def read_only_mount(folder: Path) -> list[str] | None:
    """A command prefix that runs a process with `folder` read-only: chmod for a user, a read-only bind mount in a
    mount namespace of its own for root (chmod does not stop root); None when neither is possible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return []
    if not shutil.which("unshare"):
        return None
    wrap = ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
            str(folder)]
    probe = subprocess.run([*wrap, "touch", str(folder / "probe")], capture_output=True, check=False)
    return wrap if probe.returncode != 0 and not (folder / "probe").exists() else None


def test_a_warehouse_in_a_read_only_folder(tmp_path, sources):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "radar.duckdb"
    open_warehouse(db).close()
    wrap = read_only_mount(folder)
    if wrap is None:
        pytest.skip("running as root without a mount namespace (unshare): chmod cannot make a folder read-only")
    try:
        for target in (db, folder / "new.duckdb"):  # the warehouse there, or one to be created there
            line = radar("ingest", "--sources", str(sources), "--db", str(target), wrap=wrap)
            assert line.startswith("error: ") and str(target) in line, line
            assert "read-only" in line.lower() or "permission denied" in line.lower(), line
        line = radar("report", "--db", str(db), "--out", str(folder / "report.html"), wrap=wrap)
        assert line.startswith(f"error: cannot write {folder / 'report.html'}: ")
    finally:
        folder.chmod(0o755)


def test_a_full_disk(tmp_path, warehouse, sources):
    """RLIMIT_FSIZE makes a write past the limit fail with EFBIG, as one on a full disk fails with ENOSPC."""
    line = radar("ingest", "--sources", str(sources), "--db", str(tmp_path / "new.duckdb"), fsize=20_000)
    assert line.startswith("error: ") and "File too large" in line and "(the disk is full" in line
    out = tmp_path / "report.html"
    assert radar("report", "--db", str(warehouse), "--out", str(out), fsize=3_000) == (
        f"error: cannot write {out}: File too large")


def test_debug_shows_the_traceback(tmp_path):
    db = tmp_path / "notes.duckdb"
    db.write_text("not a warehouse\n")
    proc = subprocess.run([RADAR, "--debug", "outlets", "--db", str(db)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 1 and "Traceback" in proc.stderr and "IOException" in proc.stderr


def test_a_sources_file_reports_all_its_problems_each_with_its_line(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n" + GOOD
                   + "  - {name: B, feed_url: 'https://b.example/rss', camp: martian, language: en, homepage: 'https://b/'}\n"
                   + "  - {name: C, feed_url: 'ftp://c.example/rss', camp: resistance, language: en, homepage: 'https://c/'}\n"
                   + "  - {name: ' a ', feed_url: 'https://d.example/rss', camp: resistance, language: en, homepage: 'https://d/'}\n")
    result = CliRunner().invoke(app, ["sources", "check", str(bad)])
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert errors == [(f"error: {bad}:line 3: unknown camp 'martian' (expected one of russia_friendly, china_friendly, "
                      "resistance, alt_independent, western_mainstream)"),
                      f"error: {bad}:line 4: feed_url must be an http(s) URL, got 'ftp://c.example/rss'",
                      f"error: {bad}:line 5: duplicate name 'a' (first at line 2)"]


def test_a_narratives_file_reports_all_its_problems_each_with_its_line(tmp_path):
    bad = tmp_path / "narratives.yaml"
    entry = "  - id: {id}\n    label: {id}\n    family: {family}\n    description: d\n    claims: {claims}\n"
    bad.write_text("narratives:\n" + entry.format(id="one", family="climate", claims="[a]")
                   + entry.format(id="two", family="martian", claims="[b]")
                   + entry.format(id="one", family="climate", claims="[c]")
                   + entry.format(id="three", family="climate", claims="just one string"))
    result = CliRunner().invoke(app, ["narratives", "check", str(bad)])
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert errors == [(f"error: {bad}:line 7: narrative two: unknown family 'martian' (expected one of new_detente, "
                      "ukraine_war, climate)"),
                      f"error: {bad}:line 12: narrative one: duplicate id (first at line 2)",
                      f"error: {bad}:line 17: narrative three: claims must be a list of sentences"]
