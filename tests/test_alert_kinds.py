"""Typed alerts (issue #35 item 4): one record per kind, one store, one renderer per kind, columns that mean the same
for every kind, and migration 025 giving alerts stored by older releases that meaning."""
from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

from flows.alert_kinds import (
    RENDERERS,
    CrossingEvidence,
    EmergingEvidence,
    HypothesisEvidence,
    SpikeEvidence,
    alert_text,
)
from flows.alert_step import store_alert
from warehouse import db

SPIKE = SpikeEvidence(
    narrative_id="urw_amplifying_war_fears", camp="*", day="2026-03-04", count=21, total=60, articles=9, share=0.35,
    baseline_rate=0.08, baseline_passages=900, baseline_articles=120, articles_that_day=15,
    baseline_article_rate=0.12, expected_articles=1.8, p_value=1e-6, score=6.0, ratio=5.0,
    top_passages=[{"stance": "claim", "outlet": "Harbour Herald", "text": "War is coming.", "url": "http://x/1"}],
    outlets=[{"outlet": "Harbour Herald", "passages": 12}], stances={"claim": 15, "rebuttal": 4, "mention": 2})
EMERGING = EmergingEvidence(
    cluster_id="c1", week="2026-W10", day="2026-03-08", status="new", keywords=["ferry", "strike"],
    outlets=["A", "B"], camps=["russia_friendly"], passages=30, articles=12, week_articles=8, previous_articles=1,
    week_outlets=3, window_neighbours=2, reference_neighbours=0, novelty_p=0.001, nearest_narrative=None,
    similarity=None, top_passages=[{"outlet": "A", "text": "Ferry strike.", "url": "http://x/2"}])
CROSSING = CrossingEvidence(
    outlet="Valley Voice", source_id="valley", configured_camp="russia_friendly", week="2026-W10", day="2026-03-08",
    to="china_friendly", margin=0.31, window_articles=14, weeks_on_new_side=3, recent_articles=6,
    came_from="russia_friendly")
FORECAST = HypothesisEvidence(
    hypothesis_id="camps_diverge", statement="The camps diverge", week="2026-W10", previous="inconclusive",
    verdict="supported", value=0.02, ci_low=0.012, ci_high=0.03, reason="slope")


def test_every_kind_fills_the_columns_with_the_same_meaning() -> None:
    spike, emerging, crossing = SPIKE.row(), EMERGING.row(), CROSSING.row()
    forecast = FORECAST.row(date(2026, 3, 8))
    # count/total: articles; share = count / total against a baseline share, or both 0 without a baseline
    assert (spike.count, spike.total, spike.share, spike.baseline) == (9, 15, 9 / 15, 0.12)
    assert (emerging.count, emerging.total, emerging.share, emerging.baseline) == (8, 8, 0.0, 0.0)
    assert (crossing.count, crossing.total, crossing.share, crossing.baseline) == (14, 14, 0.0, 0.0)
    assert (forecast.count, forecast.total, forecast.share, forecast.baseline) == (0, 0, 0.0, 0.0)
    # score: -log10 of the kind's test p, 0 without a test
    assert math.isclose(spike.score, 6.0) and math.isclose(emerging.score, 3.0)
    assert crossing.score == forecast.score == 0.0 and crossing.p_value is None
    assert [r.subject for r in (spike, emerging, crossing, forecast)] == [
        "urw_amplifying_war_fears", "emerging:c1", "crossing:valley", "hypothesis:camps_diverge"]
    assert crossing.camp == "china_friendly" and crossing.evidence["from"] == "russia_friendly"


def test_one_renderer_per_kind_reads_what_was_stored() -> None:
    texts = {kind: alert_text(json.loads(json.dumps(row.evidence))) for kind, row in
             [("spike", SPIKE.row()), ("emerging", EMERGING.row()), ("crossing", CROSSING.row()),
              ("hypothesis", FORECAST.row(date(2026, 3, 8)))]}
    assert set(RENDERERS) == set(texts)
    assert texts["spike"].startswith("*Narrative spike*: `urw_amplifying_war_fears` in all camps on 2026-03-04")
    assert "mostly claims (claims 15, rebuttals 4, mentions 2)" in texts["spike"]
    assert texts["emerging"].startswith("*Emerging cluster* `c1` (new) in 2026-W10: 8 articles this week")
    assert "now sides with *china_friendly* (was russia_friendly; 3 weeks" in texts["crossing"]
    assert "inconclusive → *supported* (slope)" in texts["hypothesis"]
    # a spike stored before alerts had kinds has no "kind" field and still reads as a spike
    old = {k: v for k, v in SPIKE.row().evidence.items() if k not in ("kind", "stances")}
    assert alert_text(old).startswith("*Narrative spike*")


def test_store_alert_is_the_one_idempotent_insert(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "radar.duckdb")
    db.migrate(con)
    assert store_alert(con, "a1", EMERGING.row()) is True
    assert store_alert(con, "a1", EMERGING.row()) is False
    stored = con.execute("SELECT kind, narrative_id, count, total, share, baseline, round(score, 6), p_value, "
                         "json_extract_string(evidence, '$.cluster_id') FROM alerts").fetchall()
    assert stored == [("emerging", "emerging:c1", 8, 8, 0.0, 0.0, 3.0, 0.001, "c1")]


def test_migration_gives_older_alerts_the_same_meaning(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "radar.duckdb")
    db.migrate(con)
    old_columns = {  # what each kind stored in count, total, share, baseline, score before migration 025
        "spike": (SPIKE.row(), (21, 60, 0.35, 0.08, 6.0)),
        "emerging": (EMERGING.row(), (30, 12, 0.0, 1.0, 8.0)),
        "crossing": (CROSSING.row(), (14, 14, 0.0, 0.0, 0.31)),
        "hypothesis": (FORECAST.row(date(2026, 3, 8)), (0, 0, 0.02, 0.0, 0.012)),
    }
    for kind, (row, (count, total, share, baseline, score)) in old_columns.items():
        con.execute("INSERT INTO alerts (alert_id, narrative_id, camp, day, count, total, share, baseline, score, "
                    "evidence, created_at, kind, p_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?)",
                    [kind, row.subject, row.camp, row.day, count, total, share, baseline, score,
                     json.dumps(row.evidence), kind, row.p_value])
    con.execute("DELETE FROM schema_migrations WHERE name = '025_alert_columns_one_meaning'")
    assert db.migrate(con) == ["025_alert_columns_one_meaning"]
    migrated = {k: (c, t, round(s, 6), round(b, 6), round(sc, 6)) for k, c, t, s, b, sc in con.execute(
        "SELECT kind, count, total, share, baseline, score FROM alerts").fetchall()}
    for kind, (row, _) in old_columns.items():
        assert migrated[kind] == (row.count, row.total, round(row.share, 6), round(row.baseline, 6),
                                  round(row.score, 6)), kind


def test_every_kind_reaches_the_terminal_the_report_and_the_webhook(tmp_path: Path, httpserver, monkeypatch) -> None:
    """One alert of each kind in a real warehouse: `radar alerts --kind all`, the HTML report and the webhook's
    payloads each show all four, each in the words of its kind's renderer."""
    from typer.testing import CliRunner
    from werkzeug import Response

    from flows.alert_kinds import alert_text
    from flows.alert_step import alert_summary, deliver_pending
    from flows.cli import app
    from flows.report_html import write_report
    from warehouse.writer import Writer

    db_path = tmp_path / "radar.duckdb"
    writer = Writer(db_path)
    day = date(2026, 3, 8)
    rows = {"spike": SPIKE.row(), "emerging": EMERGING.row(), "crossing": CROSSING.row(), "hypothesis": FORECAST.row(day)}
    with writer.transaction() as con:  # one classified passage on the newest day: what "recent" is measured from
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES "
                    "('s1', 'Harbour Herald', 'http://127.0.0.1/f', 'russia_friendly', 'en', 'http://127.0.0.1/')")
        con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status) "
                    "VALUES ('a1', 's1', 'http://127.0.0.1/1', ?, now(), 'ok')", [day])
        con.execute("INSERT INTO passages VALUES ('p1', 'a1', 0, 'War is coming.', 'h1', 0, 1)")
        con.execute("INSERT INTO passage_classifications VALUES ('p1', 'm', 'c', now(), 'x', 's1', ?, 'a1')", [day])
        for kind, row in rows.items():
            assert store_alert(con, f"id-{kind}", row)
    expected = {kind: alert_text(json.loads(json.dumps(row.evidence, default=str))) for kind, row in rows.items()}

    monkeypatch.setenv("COLUMNS", "100")
    shown = CliRunner().invoke(app, ["alerts", "--kind", "all", "--db", str(db_path), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    listed = {a["kind"]: a["summary"] for a in json.loads(shown.output)}
    assert listed == {kind: alert_summary(json.dumps(row.evidence, default=str)) for kind, row in rows.items()}
    table = CliRunner().invoke(app, ["alerts", "--kind", "all", "--db", str(db_path)])
    assert table.exit_code == 0 and all(k in table.output for k in rows)

    report = tmp_path / "report.html"
    write_report(db_path, report)
    page = report.read_text()
    assert "9 of the day&#x27;s 15 articles carry it" in page or "9 of the day's 15 articles carry it" in page
    for kind in ("emerging", "crossing", "hypothesis"):
        headline = alert_summary(json.dumps(rows[kind].evidence, default=str)).splitlines()[0]
        assert headline[:40].replace("'", "&#x27;").replace('"', "&quot;") in page or headline[:40] in page, kind

    payloads: list[dict] = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: payloads.append(request.get_json()) or Response("ok"))
    delivered, failed = deliver_pending(writer, httpserver.url_for("/hook"), recent_days=30)
    assert (delivered, failed) == (4, 0)
    assert {p["alert_id"]: p["text"] for p in payloads} == {f"id-{k}": text for k, text in expected.items()}
