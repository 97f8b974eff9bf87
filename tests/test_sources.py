"""Sources files: the shipped list is valid; bad files are rejected naming the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.identity import source_id_for
from extractors.sources import CAMPS, SourcesError, load_sources, parse_sources
from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
GOOD = "  - {name: A, feed_url: 'https://a.example/rss', camp: resistance, language: en, homepage: 'https://a.example/'}\n"


def test_default_list_has_25_real_outlets_in_every_camp():
    sources = load_sources(ROOT / "config" / "sources.yaml")
    assert len(sources) >= 25
    assert {s.camp for s in sources} == set(CAMPS)
    assert all(s.feed_url.startswith(("http://", "https://")) and "example" not in s.feed_url for s in sources)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  - {name: B, feed_url: 'https://b.example/rss', camp: resistance, language: en}\n", "line 3: missing field(s) homepage"),
        ("  - {name: B, feed_url: 'https://b.example/rss', camp: martian, language: en, homepage: 'https://b/'}\n", "line 3: unknown camp 'martian'"),
        ("  - {name: B, feed_url: 'https://a.example/rss', camp: resistance, language: en, homepage: 'https://b/'}\n", "line 3: duplicate feed_url"),
        ("  - {name: B, feed_url: 'ftp://b.example/rss', camp: resistance, language: en, homepage: 'https://b/'}\n", "line 3: feed_url must be an http(s) URL"),
        ("  - {name: B, feed_url: 'https://b.example/rss', camp: resistance, language: en, homepage: 'https://b/', id: 'a b'}\n", "line 3: id 'a b' must be 1-64"),
        # an id equal to another outlet's (here the one derived from A's feed URL) would merge two outlets
        (("  - {name: B, feed_url: 'https://b.example/rss', camp: resistance, language: en, homepage: 'https://b/', "
          f"id: {source_id_for('https://a.example/rss')}}}\n"), "line 3: duplicate id"),
        # outlets are found by name, ignoring case and spacing: two of one name cannot be told apart
        ("  - {name: ' a ', feed_url: 'https://b.example/rss', camp: resistance, language: en, homepage: 'https://b/'}\n",
         "line 3: duplicate name 'a' (first at line 2)"),
    ],
)
def test_bad_source_is_rejected_naming_the_line(line, message):
    with pytest.raises(SourcesError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_sources("sources:\n" + GOOD + line, "s.yaml")


def test_every_problem_of_a_file_is_reported_at_once_each_with_its_line():
    bad = ("  - {name: B, feed_url: 'https://b.example/rss', camp: martian, language: en, homepage: 'https://b/'}\n"
           "  - {name: C, feed_url: 'https://c.example/rss', camp: resistance, language: en}\n"
           "  - {name: A, feed_url: 'https://a.example/rss', camp: resistance, language: en, homepage: 'https://a/'}\n")
    with pytest.raises(SourcesError) as raised:
        parse_sources("sources:\n" + GOOD + bad, "s.yaml")
    assert [p.split(":")[1] for p in raised.value.problems] == ["line 3", "line 4", "line 5", "line 5"]
    assert "unknown camp 'martian'" in raised.value.problems[0] and "missing field(s) homepage" in raised.value.problems[1]
    # A again: its feed and its name (the id derived from the feed is the same problem, not listed twice)
    assert "duplicate feed_url" in raised.value.problems[2] and "duplicate name 'A'" in raised.value.problems[3]
    assert "duplicate id" not in str(raised.value)


def test_an_outlet_whose_feed_moved_keeps_its_id():
    moved = "  - {name: A, feed_url: 'https://a.example/new-feed', camp: resistance, language: en, homepage: 'https://a.example/', id: OLD-1}\n"
    [before] = parse_sources("sources:\n" + GOOD)
    [after] = parse_sources("sources:\n" + moved)
    assert after.source_id == "OLD-1" and after.feed_url == "https://a.example/new-feed"
    assert before.source_id != after.source_id and before.fixed_id is None


def test_sources_check_command(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n" + GOOD + GOOD)
    result = CliRunner().invoke(app, ["sources", "check", str(bad)])
    assert result.exit_code == 1
    assert "line 3: duplicate feed_url" in result.output and "Traceback" not in result.output
    ok = CliRunner().invoke(app, ["sources", "check", str(ROOT / "config" / "sources.yaml")])
    assert ok.exit_code == 0 and "sources OK" in ok.output
