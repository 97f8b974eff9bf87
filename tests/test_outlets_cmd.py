"""Which outlet `radar outlets --outlet` and `radar passages --outlet` mean: by id, by name, names shared by feeds."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from flows.cli import app
from flows.cli_outlets import match_outlets, unknown_outlet_message
from warehouse.writer import Writer

OUTLETS = [("a1", "Daily  World"), ("b2", "Daily World"), ("c3", "Evening Post")]


def test_an_outlet_is_found_by_id_or_by_name_in_any_case_and_spacing():
    assert match_outlets("c3", OUTLETS) == ["c3"]
    assert match_outlets("evening   post", OUTLETS) == ["c3"]
    assert match_outlets("daily world", OUTLETS) == ["a1", "b2"]  # one outlet, two feeds
    assert match_outlets("Morning Post", OUTLETS) == []
    assert "Evening Post" in unknown_outlet_message("Evening Pots", OUTLETS)


def test_a_name_shared_by_two_feeds_asks_for_a_source_id(db_path):
    writer = Writer(db_path)
    with writer.transaction() as con:
        for source_id, name in OUTLETS:
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) "
                        "VALUES (?, ?, ?, 'resistance', 'en', 'http://127.0.0.1/')", [source_id, name, f"http://127.0.0.1/{source_id}.xml"])
    shared = CliRunner().invoke(app, ["outlets", "--db", str(db_path), "--outlet", "Daily World"])
    assert shared.exit_code == 1 and "a1 (http://127.0.0.1/a1.xml)" in shared.output and "b2" in shared.output
    by_id = CliRunner().invoke(app, ["outlets", "--db", str(db_path), "--outlet", "b2", "--format", "json"])
    assert by_id.exit_code == 0, by_id.output
    assert json.loads(by_id.output) == []  # no article stored yet: no week to show
    passages = CliRunner().invoke(app, ["passages", "--db", str(db_path), "--outlet", "Daily World"])
    assert passages.exit_code == 1 and "give one's source id" in " ".join(passages.output.split())
