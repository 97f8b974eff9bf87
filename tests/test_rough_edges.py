"""Rough edges a user meets in the first hour, each pinned by a test that failed before its fix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extractors.articles import extract_article
from extractors.errors import NoText
from extractors.records import FeedEntry

NOW = datetime(2026, 6, 1, tzinfo=UTC)
MENU_PAGE = b"<html><head><title>Home</title></head><body><div>menu</div></body></html>"
SUMMARY = ("Officials from both capitals met on Monday to discuss sanctions relief and a schedule for "
           "resuming direct flights, according to a statement released after the talks.")


def entry(summary: str | None) -> FeedEntry:
    return FeedEntry("http://127.0.0.1/a/1", None, "Talks", summary, None, None)


def test_a_page_of_navigation_only_is_not_an_article():
    with pytest.raises(NoText, match=r"too short.*4 characters on the page, 0 in the feed"):
        extract_article(MENU_PAGE, entry(None), "http://127.0.0.1/a/1", NOW)


def test_a_page_of_navigation_only_gives_way_to_the_feed_text():
    article = extract_article(MENU_PAGE, entry(SUMMARY), "http://127.0.0.1/a/1", NOW)
    assert article.text_source == "feed" and article.text == SUMMARY


def test_a_short_feed_summary_alone_is_not_an_article_either():
    with pytest.raises(NoText, match="too short"):
        extract_article(None, entry("Read more"), "http://127.0.0.1/a/1", NOW)


def test_sql_csv_lines_end_with_a_plain_newline(db_path):
    from typer.testing import CliRunner

    from flows.cli import app
    from warehouse.writer import Writer

    with Writer(db_path).transaction():
        pass  # creates the file with its migrations
    result = CliRunner().invoke(app, ["sql", "SELECT 20 AS n, 'a b' AS s UNION ALL SELECT 3, 'c'", "--db", str(db_path),
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"n,s\n20,a b\n3,c\n"  # .stdout would hide a \r (click normalises it)


def test_report_charts_name_narratives_by_their_catalogue_label(db_path):
    from flows.report_html import load_report_data, stance_figure, volume_figure
    from warehouse.writer import Writer

    with Writer(db_path).transaction() as con:
        con.execute("INSERT INTO narratives (narrative_id, label, family, description, catalog_hash) "
                    "VALUES ('us_russia_new_detente', 'US-Russia new detente', 'new_detente', 'd', 'h')")
        con.execute("INSERT INTO rollup_narrative_camp_daily VALUES "
                    "('2026-06-01', 'russia_friendly', 'us_russia_new_detente', 'claim', 5, 2, 1, 40), "
                    "('2026-06-01', 'russia_friendly', 'gone_from_catalogue', 'rebuttal', 1, 1, 1, 40)")
        data = load_report_data(con)
    for fig in (volume_figure(data.tables["volume"]), stance_figure(data.tables["stance"])):
        shown = {t.name for t in fig.data} | {x for t in fig.data if t.type == "bar"
                                             for x in (t.y if t.orientation == "h" else t.x)}
        assert "US-Russia new detente" in shown and "us_russia_new_detente" not in shown
        assert "gone_from_catalogue" in shown  # a narrative no longer in the catalogue keeps its id
