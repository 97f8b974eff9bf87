"""SQL that people write (`radar sql`, forecast `sql` tests) reads the warehouse and nothing else: no writes to it or
to any file, no other database, no extensions, no settings; ordinary analyst queries and exports still work."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import duckdb
import pytest
from test_hypotheses import seed_warehouse, write_file
from typer.testing import CliRunner

from flows.cli import app
from flows.hypotheses_step import _run_sql, evaluate_hypotheses
from models.hypotheses import Hypothesis
from warehouse.sandbox import open_sandbox
from warehouse.writer import Writer

runner = CliRunner()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """The warehouse (two weeks of seeded articles), another warehouse, a secret file and an export folder."""
    db, other = tmp_path / "radar.duckdb", tmp_path / "other.duckdb"
    seed_warehouse(Writer(db), 2)
    seed_warehouse(Writer(other), 1)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n", encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    return {"db": db, "other": other, "secret": secret, "exports": exports, "root": tmp_path}


def attacks(w: dict[str, Path]) -> list[str]:
    db, other, secret = w["db"], w["other"], w["secret"]
    return [
        f"COPY (select 1 as x) TO '{db}' (FORMAT csv)",
        f"COPY (select 1 as x) TO '{db}' (FORMAT csv, USE_TMP_FILE false)",  # the one enable_external_access allows
        f"COPY (select 1 as x) TO '{db}.wal' (FORMAT csv)",
        f"COPY (select 1 as x) TO '{w['root']}/dropped.csv' (FORMAT csv)",
        f"ATTACH '{other}' AS o (READ_WRITE); DELETE FROM o.articles",
        f"ATTACH '{other}' AS o (READ_ONLY)",
        f"select * from read_text('{secret}')",
        f"select * from read_blob('{secret}')",
        f"select * from read_csv('{secret}')",
        f"select * from glob('{w['root']}/*')",
        "select * from read_text('/etc/passwd')",
        "INSTALL httpfs",
        "LOAD httpfs",
        "LOAD spatial",
        "SET enable_external_access = true",
        f"SET allowed_directories = ['{w['root']}']",
        f"SET allowed_paths = ['{secret}']",
        "SET disabled_filesystems = ''",
        "SET lock_configuration = false",
        "PRAGMA lock_configuration = false",
        "RESET lock_configuration",
        "SET autoload_known_extensions = true",
        "CREATE TABLE evil AS SELECT 1",
        "DELETE FROM articles",
    ]


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def assert_refused(result, w: dict[str, Path], sums: tuple[str, str], files: list[str]) -> None:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "Traceback" not in result.output, result.output
    assert "TOP-SECRET" not in result.output
    assert (sha256(w["db"]), sha256(w["other"])) == sums
    assert listing(w["root"]) == files  # no file written, no hard link left behind


@pytest.mark.parametrize("allow", [False, True], ids=["sandbox", "with-allow-files"])
def test_every_attack_fails_in_one_line_and_changes_nothing(world, allow):
    sums, files = (sha256(world["db"]), sha256(world["other"])), listing(world["root"])
    extra = ["--allow-files", str(world["exports"])] if allow else []
    for query in attacks(world):
        result = runner.invoke(app, ["sql", "--db", str(world["db"]), *extra, query])
        assert_refused(result, world, sums, files)
    con = duckdb.connect(str(world["other"]), read_only=True)
    assert con.execute("select count(*) from articles").fetchone()[0] == 8 * 7
    con.close()


def test_allow_files_writes_and_reads_only_inside_the_folder(world):
    exports, db = world["exports"], world["db"]
    sums = (sha256(db), sha256(world["other"]))
    args = ["sql", "--db", str(db), "--allow-files", str(exports)]
    copy = f"COPY (select camp, count(*) as n from sources group by 1 order by 1) TO '{exports}/camps.csv' (FORMAT csv)"
    ok = runner.invoke(app, [*args, copy])
    assert ok.exit_code == 0, ok.output
    assert (exports / "camps.csv").read_text().splitlines()[:2] == ["camp,n", "china_friendly,2"]
    back = runner.invoke(app, [*args, "--format", "csv", f"select sum(n) as n from read_csv('{exports}/camps.csv')"])
    assert back.output.splitlines() == ["n", "8"]
    files = listing(world["root"])
    for outside in (f"{world['root']}/camps.csv", f"{exports}/../camps.csv", f"{exports}-evil/camps.csv"):
        result = runner.invoke(app, [*args, f"COPY (select 1 as x) TO '{outside}' (FORMAT csv)"])
        assert_refused(result, world, sums, files)
    missing = runner.invoke(app, [*args[:-1], str(world["root"] / "nope"), "select 1"])
    assert missing.exit_code == 1 and "not a folder" in missing.output


def test_analyst_queries_still_work(world):
    db = str(world["db"])

    def csv_rows(query: str) -> list[str]:
        result = runner.invoke(app, ["sql", "--db", db, "--format", "csv", query])
        assert result.exit_code == 0, result.output
        return result.output.splitlines()

    assert csv_rows("select count(*) as n from narrative_daily") == ["n", "0"]
    assert csv_rows("select count(*) as n from feed_health")[1] == "8"
    assert csv_rows("select count(*) as n from article_narratives")[0] == "n"
    join_window_cte = """
        WITH per_day AS (
            SELECT s.camp, a.published_at::date AS day, count(*) AS n
            FROM articles a JOIN sources s USING (source_id) GROUP BY ALL)
        SELECT camp, day, sum(n) OVER (PARTITION BY camp ORDER BY day) AS running
        FROM per_day WHERE camp = 'resistance' ORDER BY day DESC LIMIT 1"""
    assert csv_rows(join_window_cte)[1] == "resistance,2026-01-18,28"
    as_json = runner.invoke(app, ["sql", "--db", db, "--format", "json", "select camp from sources order by 1 limit 1"])
    assert json.loads(as_json.output) == [{"camp": "china_friendly"}]
    table = runner.invoke(app, ["sql", "--db", db, "select camp from sources order by 1 limit 1"])
    assert table.exit_code == 0 and "china_friendly" in table.output
    out = world["root"] / "elsewhere" / "sources.parquet"
    out.parent.mkdir()
    parquet = runner.invoke(app, ["sql", "--db", db, "--format", "parquet", "--out", str(out), "select * from sources;"])
    assert parquet.exit_code == 0, parquet.output
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{out}')").fetchone()[0] == 8
    con.close()
    # --format parquet wraps the query in a COPY, yet the query still cannot write next to the --out file
    sneaky = f"select 1 as x) TO '{out.parent}/x.csv' (FORMAT csv); --"
    result = runner.invoke(app, ["sql", "--db", db, "--format", "parquet", "--out", str(out), sneaky])
    assert result.exit_code == 1 and not (out.parent / "x.csv").exists()


def as_hypothesis(query: str) -> Hypothesis:
    return Hypothesis("attack", "s", "t", "sql", 1, {"query": query})


def test_forecast_sql_runs_sandboxed(world, caplog):
    """The step's connection: each attack is logged and judged like any failing query; the files are untouched."""
    writer = Writer(world["db"])
    sums, files = (sha256(world["db"]), sha256(world["other"])), listing(world["root"])
    caplog.set_level(logging.WARNING, logger="flows.hypotheses_step")
    with writer.sandbox() as con:
        for query in attacks(world):
            caplog.clear()
            evaluation = _run_sql(con, as_hypothesis(query), "2026-W03")
            assert evaluation.verdict == "inconclusive" and evaluation.reason == "the query failed or returned no row"
            assert "sql test failed" in caplog.text, query
        ok = _run_sql(con, as_hypothesis("SELECT 0.5 AS value, 0.2 AS ci_low, 0.8 AS ci_high"), "2026-W03")
        assert ok.value == 0.5
    assert (sha256(world["db"]), sha256(world["other"])) == sums and listing(world["root"]) == files
    with writer.transaction() as con:  # the writer's own connection is not locked down by the sandbox
        con.execute("CREATE TEMP TABLE t AS SELECT 1")


def test_forecast_file_with_file_reads_is_judged_failed(world, caplog):
    """Through the step: the read-only check of the file lets these SELECTs through; the sandbox refuses them."""
    root = world["root"]
    queries = [f"SELECT length(content) AS value, 0 AS ci_low, 1 AS ci_high FROM read_text('{world['secret']}')",
               f"SELECT count(*) AS value, 0 AS ci_low, 1 AS ci_high FROM glob('{root}/*')",
               f"SELECT count(*) AS value, 0 AS ci_low, 1 AS ci_high FROM read_blob('{world['db']}')"]
    path = write_file(root / "h.yaml", [{"id": f"h{i}", "statement": "s", "source": "t", "window_weeks": 1,
                                         "test": {"template": "sql", "query": q}} for i, q in enumerate(queries)])
    other = sha256(world["other"])
    caplog.set_level(logging.WARNING, logger="flows.hypotheses_step")
    evaluate_hypotheses(Writer(world["db"]), path)
    assert caplog.text.count("sql test failed") == 3 * 2  # three hypotheses, two weeks
    con = duckdb.connect(str(world["db"]), read_only=True)
    assert con.execute("SELECT DISTINCT verdict, reason FROM hypothesis_weekly").fetchall() == [
        ("inconclusive", "the query failed or returned no row")]
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 8 * 14
    con.close()
    assert sha256(world["other"]) == other


def test_the_sandbox_is_a_separate_instance(world):
    """Two sandboxes and a writer transaction in turn: locking one instance's settings leaves the others alone."""
    first = open_sandbox(world["db"])
    first.close()
    with Writer(world["db"]).transaction() as con:
        con.execute("SET threads = 2")
    second = open_sandbox(world["db"], [world["exports"]])
    assert second.execute("SELECT current_setting('lock_configuration')").fetchone()[0] is True
    second.close()
