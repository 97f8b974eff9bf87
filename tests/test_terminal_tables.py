"""Terminal output keeps what matters (issue #33, item 4): every README command that reads the demo warehouse, run
at COLUMNS=100 with its output captured (not a terminal), shows every id, URL and column header whole, and no line
is wider than 100 columns unless one unbreakable value is."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import ROOT
from rich.cells import cell_len
from typer.testing import CliRunner

from flows.cli import app
from flows.cli_tables import Layout, render, whole_words, wrap_markdown

WIDTH = 100
# a value an analyst copies or clicks, shown whole (names of outlets may wrap at a space like any text)
KEY = re.compile(r"(^|_)(id|url)$|^subject$|^nearest_narrative$")
# Commands that do not only read the warehouse (they build, write or fetch), or read none: run by their own tests.
NOT_READING = {"demo", "ingest", "classify", "analyze", "compact", "serve", "export", "eval", "narratives", "sources",
               "config"}


def documented_commands(*pages: Path) -> list[tuple[str, ...]]:
    """Each `.venv/bin/radar ...` line of the pages that reads the warehouse into a table, as arguments: not a line
    with optional parts (`[--since ...]`), a continuation, a redirect or another --format."""
    found = []
    for page in pages:
        for line in page.read_text(encoding="utf-8").splitlines():
            if not line.startswith(".venv/bin/radar ") or any(c in line.split("  #")[0] for c in ("[", "\\", " > ")):
                continue
            args = tuple(shlex.split(line.removeprefix(".venv/bin/radar "), comments=True))
            if args and args[0] not in NOT_READING and "--format" not in args:
                found.append(args)
    return found


def readme_commands() -> list[tuple[str, ...]]:
    return documented_commands(ROOT / "README.md")


# The README's commands on the warehouse, then docs/' and those the issue named (`--db` is the demo's), each with the
# same command as json where it has one: its keys are the table's headers and its id and URL values must appear
# whole in the table.
EXTRA: list[tuple[str, ...]] = [
    ("sql", "select * from feed_health"),
    ("sql", "select source_id, name, feed_url from sources"),
    ("sql", "select name, health, consecutive_failures, quiet_days from feed_health where health <> 'ok'"),
    ("sql", "select * from narrative_outlet_weekly limit 5"),
    ("outlets",),
    ("outlets", "--outlet", "Eastern Lantern Daily", "--weeks", "8"),
    ("passages", "--narrative", "russia_sold_out_china", "--outlet", "Eastern Lantern Daily", "--week", "2026-W07"),
    ("hypotheses",),
    ("hypotheses", "--id", "camps_diverge"),
    ("trends", "--camp", "china_friendly"),
    ("bifurcation",),
    ("alerts", "--since", "2026-02-01"),
    ("alerts", "--kind", "crossing"),
    ("alerts", "--kind", "all"),
    ("copies",),
    ("leadlag",),
    ("discover",),
    ("digest",),
]
COMMANDS = list(dict.fromkeys([*readme_commands(), *documented_commands(*sorted((ROOT / "docs").glob("*.md"))), *EXTRA]))
# the table's own columns where they are not the json's keys (json carries more)
TABLE_COLUMNS = {
    "passages": {"day", "outlet", "narrative_id", "stance", "score", "url", "text"},
    "discover": {"cluster_id", "status", "first_seen", "passages", "articles", "outlets", "camps", "nearest_narrative",
                 "similarity", "novelty_p", "relevance", "keywords"},
}


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, (args, result.output)
    return result


def as_json(db: str, command: tuple[str, ...]) -> list[dict[str, Any]] | None:
    """The command's rows as json, or None where it has no json table (leadlag, copies, digest)."""
    if command[0] in ("leadlag", "copies", "digest", "report"):
        return None
    if command[0] == "sql":
        return json.loads(invoke("sql", "--db", db, "--format", "json", *command[1:]).stdout)
    return json.loads(invoke(command[0], "--db", db, *command[1:], "--format", "json").stdout)


def must_show(rows: list[dict[str, Any]]) -> set[str]:
    """The ids, URLs and names among the rows' values."""
    found: set[str] = set()
    for row in rows:
        for key, value in row.items():
            if KEY.search(key) and value:
                found.update(str(v) for v in (value if isinstance(value, list) else [value]))
    return found


def from_warehouse(db: str, command: tuple[str, ...]) -> set[str]:
    """For the commands without json: what their tables must show, straight from the warehouse."""
    con = duckdb.connect(db, read_only=True)
    try:
        if command[0] == "leadlag":
            rows = con.execute("SELECT narrative_id, leader, follower FROM narrative_leadlag "
                               "WHERE week = (SELECT max(week) FROM narrative_leadlag)").fetchall()
        elif command[0] == "copies":
            rows = con.execute("SELECT a.url, o.url FROM reuse_article_copies r JOIN articles a USING (article_id) "
                               "JOIN articles o ON o.article_id = r.original_article_id").fetchall()
        else:
            rows = []
    finally:
        con.close()
    return {str(v) for r in rows for v in r if v}


def overlong(output: str) -> list[str]:
    """Lines wider than WIDTH that no single value longer than a line explains."""
    bad = []
    for line in output.splitlines():
        if cell_len(line) <= WIDTH:
            continue
        longest = max(line.replace("│", " ").split(), key=cell_len)
        if cell_len(longest) < WIDTH - 40 or cell_len(line) - cell_len(longest) > WIDTH:
            bad.append(line)
    return bad


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c)[:60])
def test_readme_commands_cut_no_id_url_or_header(demo_db, command, tmp_path):
    db = str(demo_db[0])
    command = tuple(str(tmp_path / Path(a).name) if k and command[k - 1] == "--out" else a for k, a in enumerate(command))
    args = ("sql", "--db", db, *command[1:]) if command[0] == "sql" else (command[0], "--db", db, *command[1:])
    output = invoke(*args).stdout
    assert not re.search(r"\S…", output), output  # a value cut short ends in "…" stuck to it; ours cut at a space
    assert not overlong(output), overlong(output)
    rows = as_json(db, command)
    expected = must_show([{k: v for k, v in r.items() if k in TABLE_COLUMNS.get(command[0], r)} for r in rows]) \
        if rows is not None else from_warehouse(db, command)
    missing = sorted(v for v in expected if v not in output)
    assert not missing, (missing, output)
    if rows:
        headers = TABLE_COLUMNS.get(command[0], set(rows[0]) - {"evidence"})  # alerts --kind: a summary instead
        cut = sorted(h for h in headers if not re.search(rf"(^|[\s│]){re.escape(h)}($|[\s│(=])", output, re.MULTILINE))
        assert not cut, (cut, output)


@pytest.mark.slow
def test_readme_commands_without_a_warehouse_cut_nothing():
    """`config`, `sources check` and `narratives check` (the catalogue's own table, with the real model)."""
    for args in (("config",), ("sources", "check", str(ROOT / "config" / "sources.yaml")), ("narratives", "check")):
        output = invoke(*args).stdout
        assert not re.search(r"\S…", output) and not overlong(output), output
    catalogue = invoke("narratives", "check").stdout
    assert "confusable" in catalogue and "bar: the score" in " ".join(catalogue.split())
    assert "RADAR_DISCOVERY_NEIGHBOUR_MIN_SIMILARITY" in invoke("config").stdout  # the longest setting, whole


@pytest.mark.slow
def test_empty_results_say_none(demo_db):
    db = str(demo_db[0])
    assert invoke("alerts", "--db", db, "--kind", "crossing").stdout.strip().endswith("no crossing alerts")
    assert invoke("alerts", "--db", db, "--since", "2030-01-01").stdout.strip().endswith("no spike alerts since 2030-01-01")
    none = invoke("sql", "--db", db, "select source_id, name from sources where false").stdout
    assert none.strip() == "no rows (columns: source_id, name)"


@pytest.mark.slow
def test_columns_picks_and_orders_columns_and_names_unknown_ones(demo_db):
    db = str(demo_db[0])
    shown = invoke("alerts", "--db", db, "--columns", "narrative_id,day", "--format", "csv").stdout.splitlines()
    assert shown[0] == "narrative_id,day" and len(shown) > 1
    passages = invoke("passages", "--db", db, "--narrative", "russia_sold_out_china", "--limit", "2",
                      "--columns", "url,title").stdout
    assert "title" in passages and "narrative_id" not in passages
    bad = CliRunner().invoke(app, ["bifurcation", "--db", db, "--columns", "week,nope"], env={"COLUMNS": "100"})
    assert bad.exit_code == 1 and "no column 'nope'" in bad.output and "embedding_index" in bad.output


@pytest.mark.slow
def test_units_and_jargon_are_explained(demo_db):
    db = str(demo_db[0])
    alerts = " ".join(invoke("alerts", "--db", db).stdout.split())  # notes wrap at the width
    assert "count (articles)" in alerts and "what the spike test counts" in alerts  # count is what the test judged
    assert "narratives: russia_sold_out_china = Russia sold out" in alerts  # the label beside the id
    bifurcation = " ".join(invoke("bifurcation", "--db", db).stdout.split())
    assert "win: the trailing window of weeks" in bifurcation and "weeks" in bifurcation
    scoreboard = {r["hypothesis_id"]: r["evidence"] for r in as_json(db, ("hypotheses",)) or []}
    table = invoke("hypotheses", "--db", db).stdout
    assert f"{scoreboard['camps_diverge']} weeks" in table  # the divergence trend's evidence is weeks
    assert f"{scoreboard['china_pushes_sold_out']} articles" in table


def test_a_table_that_does_not_fit_becomes_records_and_keeps_long_values_whole():
    url = "http://127.0.0.1:8765/articles/eastern-lantern-daily/2026-02-12-comment-betrayed-russia-turns-its-back.html"
    columns = ["day", "narrative_id", "embedding_index", "resistance_to_russia", "url", "text"]
    rows = [("2026-02-12", "russia_sold_out_china", 0.1, 0.2, url, "Moscow has quietly sold out Beijing " * 6)] * 2
    text = render(columns, rows, "passages", Layout(units={"embedding_index": "cosine"}), width=WIDTH)
    assert f"url = {url}" in text and "embedding_index (cosine) = 0.1" in text  # records: `name = value`
    assert all(cell_len(line) <= WIDTH for line in text.splitlines() if url not in line)
    narrow = render(["day", "narrative_id"], [("2026-02-12", "russia_sold_out_china")], width=WIDTH)
    assert narrow.splitlines()[0].startswith("┌") and "russia_sold_out_china" in narrow


def test_wide_tables_keep_their_key_in_every_column_group():
    columns = ["week", *(f"embedding_index_{i}" for i in range(8))]
    text = render(columns, [(f"2026-W0{w}", *range(8)) for w in range(1, 4)], width=WIDTH)
    groups = text.split("\n\n")
    assert 1 < len(groups) <= 3 and all("2026-W03" in g for g in groups)
    assert all(cell_len(line) <= WIDTH for line in text.splitlines())


def test_texts_are_cut_at_a_word_and_markdown_wraps_as_markdown():
    assert whole_words("Moscow has quietly sold out Beijing", 20) == "Moscow has quietly …"
    assert len(whole_words("word " * 100, 240)) <= 240
    item = "- **spike**: " + "a narrative spike in all camps " * 6
    wrapped = wrap_markdown(f"# {'heading ' * 20}\n{item}", WIDTH).splitlines()
    assert wrapped[0].startswith("# ") and len(wrapped) > 2 and all(line.startswith("  ") for line in wrapped[2:])


def test_the_readme_tour_is_what_is_tested():
    tour = readme_commands()
    assert len(tour) >= 10 and {"outlets", "passages", "alerts", "bifurcation", "leadlag", "sql"} <= {c[0] for c in tour}
    assert all(c in COMMANDS for c in tour)
