"""The `radar` command: help on every command, read-only SQL, clear one-line errors."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from flows.cli import app
from warehouse.db import open_warehouse

runner = CliRunner()


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help_text():
    missing = [" ".join(path) for path, cmd in all_commands(get_command(app)) if not (cmd.help or "").strip()]
    assert missing == []


@pytest.fixture
def small_db(db_path):
    con = open_warehouse(db_path)
    con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s1', 'Outlet', 'http://x/rss', 'resistance', 'en', 'http://x/')")
    con.execute("""INSERT INTO articles (article_id, source_id, url, fetched_at, status)
                   VALUES ('a1', 's1', 'http://x/1', now(), 'ok'), ('a2', 's1', 'http://x/2', now(), 'ok')""")
    con.close()
    return db_path


def test_sql_formats(small_db):
    query = "select camp, count(*) as n from articles join sources using (source_id) group by 1"
    as_json = runner.invoke(app, ["sql", "--db", str(small_db), "--format", "json", query])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output) == [{"camp": "resistance", "n": 2}]
    as_csv = runner.invoke(app, ["sql", "--db", str(small_db), "--format", "csv", query])
    assert as_csv.output.splitlines() == ["camp,n", "resistance,2"]
    table = runner.invoke(app, ["sql", "--db", str(small_db), query])
    assert "resistance" in table.output


def test_sql_is_read_only_and_errors_are_one_line(small_db):
    result = runner.invoke(app, ["sql", "--db", str(small_db), "delete from articles"])
    assert result.exit_code == 1 and "read-only" in result.output.lower() and "Traceback" not in result.output
    con = duckdb.connect(str(small_db), read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] == 2
    con.close()
    missing = runner.invoke(app, ["sql", "--db", str(small_db.parent / "nope.duckdb"), "select 1"])
    assert missing.exit_code == 1 and "no database" in missing.output


def test_db_defaults_to_env(small_db, monkeypatch):
    monkeypatch.setenv("RADAR_DB", str(small_db))
    result = runner.invoke(app, ["sql", "--format", "csv", "select count(*) as n from articles"])
    assert result.output.splitlines() == ["n", "2"]


def test_config_masks_the_webhook(monkeypatch):
    monkeypatch.setenv("RADAR_ALERT_WEBHOOK", "https://hooks.example.invalid/T000/SECRET123")
    monkeypatch.setenv("RADAR_SPIKE_MIN_COUNT", "12")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0
    assert "SECRET123" not in result.output and "********" in result.output
    assert "12" in result.output and "RADAR_SPIKE_MIN_COUNT" in result.output
