"""A spike of rebuttals is a different event from a spike of claims: the alert's evidence, webhook text and
`radar alerts` say which."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
from typer.testing import CliRunner

from flows.alert_kinds import alert_text as slack_text
from flows.alert_step import detect_and_store
from flows.cli import app
from flows.settings import Settings
from warehouse.writer import Writer

START, DAYS = date(2026, 1, 1), 40
SPIKE_DAY = START + timedelta(days=33)


def seed(db) -> Writer:
    """One outlet, 40 days of 10 articles of 3 passages; 'hot' in 1 article a day (2 passages, claims) except on
    the spike day, when all 10 articles carry it twice: 6 passages claim it, 14 rebut it."""
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES "
                    "('s1', 'Outlet One', 'http://127.0.0.1/a', 'china_friendly', 'en', 'http://127.0.0.1/')")
        for d in range(DAYS):
            day = START + timedelta(days=d)
            for a in range(10):
                art = f"a{d}-{a}"
                con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status) "
                            "VALUES (?, 's1', ?, ?, now(), 'ok')", [art, f"http://127.0.0.1/{d}/{a}", day])
                for i in range(3):
                    pid = f"p{d}-{a}-{i}"
                    con.execute("INSERT INTO passages (passage_id, article_id, position, text, text_hash, char_start, "
                                "char_end) VALUES (?, ?, ?, ?, ?, 0, 1)", [pid, art, i, f"text {pid}", pid])
                    con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, classified_at, "
                                "params_hash, source_id, day, article_id) VALUES (?, 'm', 'c', now(), 'x', 's1', ?, ?)",
                                [pid, day, art])
                    if i > 0 and (day == SPIKE_DAY or a == 9):
                        stance = "rebuttal" if day == SPIKE_DAY and a < 7 else "claim"
                        con.execute("INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, "
                                    "catalog_hash, params_hash, article_id, source_id, day) "
                                    "VALUES (?, 'hot', 0.7, ?, 'm', 'c', 'x', ?, 's1', ?)", [pid, stance, art, day])
    return writer


def test_spike_evidence_counts_the_days_stances(db_path):
    detect_and_store(seed(db_path), Settings().spike_params())
    con = duckdb.connect(str(db_path), read_only=True)
    evidence = json.loads(con.execute("SELECT evidence FROM alerts WHERE camp = 'china_friendly' AND day = ?",
                                      [SPIKE_DAY]).fetchone()[0])
    con.close()
    assert evidence["stances"] == {"claim": 6, "rebuttal": 14, "mention": 0}
    assert "mostly rebuttals (claims 6, rebuttals 14, mentions 0)" in slack_text(evidence)
    listed = json.loads(CliRunner().invoke(app, ["alerts", "--db", str(db_path), "--format", "json"]).output)
    spike = next(r for r in listed if r["camp"] == "china_friendly" and r["day"] == str(SPIKE_DAY))
    assert (spike["claims"], spike["rebuttals"]) == (6, 14)
    assert "stances" not in slack_text(evidence | {"stances": None})
