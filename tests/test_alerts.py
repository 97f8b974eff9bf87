"""Alerts from a planted series in a real DuckDB file, delivered to a local webhook."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pytest
from typer.testing import CliRunner
from werkzeug import Response

from flows.alert_step import deliver_pending, detect_and_store
from flows.cli import app
from flows.settings import Settings
from warehouse.db import load_sql
from warehouse.writer import Writer

# 51 days ending 2026-04-09: both spike days come after the cold start (a whole 28-day baseline window watched)
START = date(2026, 2, 18)
DAYS = 51
SPIKE_DAY = START + timedelta(days=44)
OLD_SPIKE_DAY = START + timedelta(days=33)


def seed(db) -> Writer:
    """One camp, 51 days of 10 articles of 5 classified passages; 'flat' in 4 articles a day (one passage each),
    'hot' in 1 article a day (2 passages) except on two spike days, when all 10 articles carry it twice."""
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s1', 'Outlet One', 'http://127.0.0.1/a', 'china_friendly', 'en', 'http://127.0.0.1/')")
        for d in range(DAYS):
            day = START + timedelta(days=d)
            spike = day in (SPIKE_DAY, OLD_SPIKE_DAY)
            for a in range(10):
                art = f"a{d}-{a}"
                con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status) "
                            "VALUES (?, 's1', ?, ?, now(), 'ok')", [art, f"http://127.0.0.1/{d}/{a}", day])
                for i in range(5):
                    pid = f"p{d}-{a}-{i}"
                    con.execute("INSERT INTO passages VALUES (?, ?, ?, ?, ?, 0, 1)", [pid, art, i, f"text {pid}", pid])
                    con.execute("INSERT INTO passage_classifications VALUES (?, 'm', 'c', now(), 'x', 's1', ?, ?)", [pid, day, art])
                    hot = i in (1, 2) and (spike or a == 9)
                    narrative = "flat" if i == 0 and a < 4 else "hot" if hot else None
                    if narrative:
                        con.execute("INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, "
                                    "catalog_hash, params_hash, article_id, source_id, day) "
                                    "VALUES (?, ?, 0.7, 'claim', 'm', 'c', 'x', ?, 's1', ?)",
                                    [pid, narrative, art, day])
    return writer


@pytest.fixture
def writer(db_path):
    return seed(db_path)


def test_planted_spikes_alert_once_with_evidence_and_flat_never(writer, db_path):
    created = detect_and_store(writer, Settings().spike_params())
    assert {(a.narrative_id, a.camp, a.day) for a in created} == {
        ("hot", "china_friendly", SPIKE_DAY), ("hot", "*", SPIKE_DAY),
        ("hot", "china_friendly", OLD_SPIKE_DAY), ("hot", "*", OLD_SPIKE_DAY),
    }
    assert detect_and_store(writer, Settings().spike_params()) == []  # idempotent
    con = duckdb.connect(str(db_path), read_only=True)
    evidence = json.loads(con.execute("SELECT evidence FROM alerts WHERE camp = 'china_friendly' AND day = ?", [SPIKE_DAY]).fetchone()[0])
    con.close()
    assert evidence["count"] == 20 and evidence["total"] == 50
    assert len(evidence["top_passages"]) == 5 and evidence["top_passages"][0]["outlet"] == "Outlet One"
    assert evidence["camps"] == {"china_friendly": 20} and evidence["articles"] == 10
    assert evidence["baseline_rate"] == pytest.approx((2 * 27 + 20) / 1400, abs=1e-4)
    assert evidence["p_value"] < 1e-5 and evidence["baseline_articles"] == 280


def test_webhook_gets_recent_alerts_once_and_failures_are_retried(writer, db_path, httpserver):
    detect_and_store(writer, Settings().spike_params())
    received = []
    state = {"fail": True}

    def hook(request):
        if state["fail"]:
            return Response("down", status=503)
        received.append(request.get_json())
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    url = httpserver.url_for("/hook")
    assert deliver_pending(writer, url, recent_days=7, retries=1) == (0, 2)  # backfill: only the recent spike's 2 alerts
    state["fail"] = False
    assert deliver_pending(writer, url, recent_days=7, retries=1) == (2, 0)
    assert deliver_pending(writer, url, recent_days=7, retries=1) == (0, 0)  # never twice
    assert len(received) == 2 and all("hot" in r["text"] and "Outlet One" in r["text"] for r in received)
    con = duckdb.connect(str(db_path), read_only=True)
    rows = con.execute("SELECT day, delivered_at IS NOT NULL, delivery_attempts FROM alerts "
                       "ORDER BY day, delivery_attempts").fetchall()
    con.close()
    # the webhook failed on the first alert (3 POSTs), so the second waited for the next run instead of failing too
    assert rows == [(OLD_SPIKE_DAY, False, 0), (OLD_SPIKE_DAY, False, 0), (SPIKE_DAY, True, 1), (SPIKE_DAY, True, 2)]


def hold_days_after(writer: Writer, last: date) -> None:
    """Classified passages after `last` leave the warehouse (kept aside): the newest day becomes `last`."""
    with writer.transaction() as con:
        con.execute("CREATE TABLE IF NOT EXISTS held AS SELECT * FROM passage_classifications LIMIT 0")
        con.execute("INSERT INTO held SELECT * FROM passage_classifications WHERE day > ?", [last])
        con.execute("DELETE FROM passage_classifications WHERE day > ?", [last])


def release_days_until(writer: Writer, last: date) -> None:
    """The held passages up to `last` arrive: the newest day becomes `last`."""
    with writer.transaction() as con:
        con.execute("INSERT INTO passage_classifications SELECT * FROM held WHERE day <= ?", [last])
        con.execute("DELETE FROM held WHERE day <= ?", [last])


def test_a_spike_is_delivered_when_the_webhook_comes_back_days_later(db_path, httpserver):
    """Default settings: the webhook is down from the spike's day for 3 daily runs; the spike goes out on the 4th
    (3 days after it, beyond the 2 recent days that delivery sent before), once; an older spike, not recent on the
    first pass, is never sent."""
    writer = seed(db_path)
    hold_days_after(writer, SPIKE_DAY)
    detect_and_store(writer, Settings().spike_params())
    state = {"up": False}
    received = []

    def hook(request):
        if not state["up"]:
            return Response("down", status=503)
        received.append(request.get_json())
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hook)
    url = httpserver.url_for("/hook")
    settings = Settings()

    def deliver(**overrides) -> tuple[int, int]:
        params = {"recent_days": settings.alert_recent_days, "retry_days": settings.alert_retry_days} | overrides
        return deliver_pending(writer, url, retries=0, **params)

    assert deliver() == (0, 2)  # the spike's 2 alerts (all camps, its camp); not the older spike's
    listed = CliRunner().invoke(app, ["alerts", "--db", str(db_path), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    waiting = sorted(r["waiting"] or "" for r in json.loads(listed.output) if r["day"] == SPIKE_DAY.isoformat())
    assert waiting == ["HTTP 503 (1 tries)", "held back: the webhook failed on another alert (HTTP 503) (0 tries)"]
    for day in (1, 2, 3):
        release_days_until(writer, SPIKE_DAY + timedelta(days=day))
        if day < 3:
            assert deliver() == (0, 2)
    assert deliver(retry_days=2) == (0, 0)  # a retry window of 2 days has passed: no longer tried
    state["up"] = True
    assert deliver() == (2, 0)
    release_days_until(writer, START + timedelta(days=DAYS))
    assert deliver() == (0, 0)  # never twice
    assert len(received) == 2 and all(f"on {SPIKE_DAY}" in r["text"] for r in received)


def test_after_missed_runs_the_caught_up_days_alerts_are_delivered(db_path, httpserver):
    """Runs stopped after the day before the spike; the next run, 4 days later, catches up the missed days and
    sends the spike found in them (3 days before its newest day); the older spike, before the missed days, is not."""
    writer = seed(db_path)
    hold_days_after(writer, SPIKE_DAY - timedelta(days=1))
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: received.append(request.get_json()) or Response("ok"))
    url = httpserver.url_for("/hook")
    settings = Settings()
    detect_and_store(writer, settings.spike_params())
    assert deliver_pending(writer, url, settings.alert_recent_days, retry_days=settings.alert_retry_days) == (0, 0)
    release_days_until(writer, SPIKE_DAY + timedelta(days=3))
    assert {a.day for a in detect_and_store(writer, settings.spike_params())} == {SPIKE_DAY}
    assert deliver_pending(writer, url, settings.alert_recent_days, retry_days=settings.alert_retry_days) == (2, 0)
    assert all(f"on {SPIKE_DAY}" in r["text"] for r in received)


def test_a_spike_that_late_articles_make_is_delivered(db_path, httpserver):
    """The spike day's articles arrive 6 days late (a feed that was failing): the spike found then is sent, though
    its day was seen before (within the 14-day retry window); a first pass over history (the older spike) sends
    nothing."""
    writer = seed(db_path)
    with writer.transaction() as con:
        con.execute("CREATE TABLE held AS SELECT * FROM passage_classifications WHERE day = ?", [SPIKE_DAY])
        con.execute("DELETE FROM passage_classifications WHERE day = ?", [SPIKE_DAY])
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: received.append(request.get_json()) or Response("ok"))
    url = httpserver.url_for("/hook")
    settings = Settings()
    assert {a.day for a in detect_and_store(writer, settings.spike_params())} == {OLD_SPIKE_DAY}
    assert deliver_pending(writer, url, settings.alert_recent_days, retry_days=settings.alert_retry_days) == (0, 0)
    release_days_until(writer, SPIKE_DAY)
    assert {a.day for a in detect_and_store(writer, settings.spike_params())} == {SPIKE_DAY}
    assert deliver_pending(writer, url, settings.alert_recent_days, retry_days=settings.alert_retry_days) == (2, 0)
    assert len(received) == 2 and all(f"on {SPIKE_DAY}" in r["text"] for r in received)


def test_a_hypothesis_verdict_change_is_an_alert_stored_once_and_delivered(writer, db_path, httpserver):
    from flows.alert_step import store_verdict_changes
    from flows.hypotheses_step import VerdictChange

    change = VerdictChange("camps_diverge", "The camps diverge.", "2026-W15", "inconclusive", "supported", 0.1, 0.03, 0.17)
    assert store_verdict_changes(writer, [change]) == 1
    assert store_verdict_changes(writer, [change]) == 0
    # found again on a later day of the same week (the verdict flipped back and forth meanwhile): still one alert
    with writer.transaction() as con:
        con.execute("INSERT INTO passage_classifications VALUES ('later', 'm', 'c', now(), 'x', 's1', DATE '2026-04-10', 'a')")
    assert store_verdict_changes(writer, [change]) == 0
    with writer.transaction() as con:
        con.execute("DELETE FROM passage_classifications WHERE passage_id = 'later'")
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: received.append(request.get_json()) or Response("ok"))
    # the change is found on the week's Thursday (the newest day): the default recent-days window still sends it
    delivered, failed = deliver_pending(writer, httpserver.url_for("/hook"), recent_days=Settings().alert_recent_days)
    assert failed == 0 and delivered >= 1
    texts = [r["text"] for r in received if "Forecast verdict change" in r["text"]]
    assert texts == [("*Forecast verdict change* in 2026-W15: The camps diverge.: inconclusive → *supported* "
                      "(value 0.100, 95% interval 0.030 to 0.170)")]
    con = duckdb.connect(str(db_path), read_only=True)
    [(narrative_id, day, kind)] = con.execute(
        "SELECT narrative_id, day, kind FROM alerts WHERE narrative_id LIKE 'hypothesis:%'").fetchall()
    spikes_listed = con.execute(load_sql("queries/alerts_list"), {"since": None}).fetchall()
    con.close()
    assert narrative_id == "hypothesis:camps_diverge" and day == START + timedelta(days=DAYS - 1) == date(2026, 4, 9)
    assert kind == "hypothesis"
    assert all(not row[1].startswith("hypothesis:") for row in spikes_listed)  # `radar alerts` lists spikes only


def test_an_outlet_crossing_is_an_alert_once_per_outlet_and_side_and_is_delivered(writer, db_path, httpserver):
    from flows.alert_step import store_crossings

    evidence = {"from": "china_friendly", "to": "russia_friendly", "weeks_on_new_side": 2, "recent_articles": 4,
                "moved": [{"feature": "war (claim)", "share_before": 0.1, "share_now": 0.45}]}
    with writer.transaction() as con:
        for week, crossed in (("2026-W14", False), ("2026-W15", True)):
            con.execute("INSERT INTO outlet_alignment_weekly VALUES (?, 's1', 'russia_friendly', 0.1, 0.3, 0.5, 8, 40, "
                        "?, 0, ?, ?)", [week, "russia_friendly" if crossed else "china_friendly", crossed,
                                        json.dumps(evidence) if crossed else None])
    assert store_crossings(writer) == 1
    assert store_crossings(writer) == 0  # stored once
    # the week recomputed with more days moves the crossing a week later: the same crossing, not a second alert
    with writer.transaction() as con:
        con.execute("UPDATE outlet_alignment_weekly SET crossed = (week = '2026-W16')")
        con.execute("INSERT INTO outlet_alignment_weekly VALUES ('2026-W16', 's1', 'russia_friendly', 0.1, 0.3, 0.5, 8, "
                    "40, 'russia_friendly', 0, true, ?)", [json.dumps(evidence)])
    assert store_crossings(writer) == 0
    con = duckdb.connect(str(db_path), read_only=True)
    [(narrative_id, camp, day, kind)] = con.execute("SELECT narrative_id, camp, day, kind FROM alerts "
                                                    "WHERE kind = 'crossing'").fetchall()
    con.close()
    # camp = the side it crossed to; day = the newest day of the week under way (the seed's last day, a Thursday)
    assert (narrative_id, camp, kind) == ("crossing:s1", "russia_friendly", "crossing") and day == date(2026, 4, 9)
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: received.append(request.get_json()) or Response("ok"))
    deliver_pending(writer, httpserver.url_for("/hook"), recent_days=Settings().alert_recent_days)
    texts = [r["text"] for r in received if "Outlet crossing" in r["text"]]
    assert texts == [("*Outlet crossing* in 2026-W15: Outlet One (china_friendly) now sides with *russia_friendly* "
                      "(was china_friendly; 2 weeks on the new side, margin 0.50, 8 articles in the window)\n"
                      "Moved most: war (claim) 10% → 45%")]
    # `radar alerts --kind crossing` lists it with the same summary, without Slack's markup
    listed = CliRunner().invoke(app, ["alerts", "--db", str(db_path), "--kind", "crossing", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert row["subject"] == "crossing:s1" and row["summary"].startswith("Outlet crossing in 2026-W15: Outlet One")
    assert row["evidence"]["moved"] == evidence["moved"]
    everything = json.loads(CliRunner().invoke(app, ["alerts", "--db", str(db_path), "--kind", "all", "--format", "json"]).output)
    assert {r["kind"] for r in everything} == {"crossing"}  # no spike was detected in this test
    # the cooldown is a setting (RADAR_CROSSING_COOLDOWN_DAYS): with none, the moved week is a second alert
    assert Settings(crossing_cooldown_days=0).crossing_cooldown_days == 0
    assert store_crossings(writer, cooldown_days=0) == 1


def test_a_crossing_of_the_week_before_found_late_carries_the_day_found_and_older_ones_their_sunday(writer, db_path):
    """The newest day is Thursday 2026-04-09 (2026-W15): a crossing first computed in the week before it (its last
    articles fetched late) is dated that Thursday, within the 2 recent days delivery sends; an older week's keeps its
    Sunday, so a first run over history does not send it."""
    from flows.alert_step import store_crossings

    with writer.transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s2', "
                    "'Outlet Two', 'http://127.0.0.1/b', 'russia_friendly', 'en', NULL)")
        for week, source_id in (("2026-W14", "s1"), ("2026-W12", "s2")):
            con.execute("INSERT INTO outlet_alignment_weekly VALUES (?, ?, 'russia_friendly', 0.1, 0.3, 0.5, 8, 40, "
                        "'china_friendly', 0, true, ?)", [week, source_id, json.dumps({"to": "china_friendly"})])
    assert store_crossings(writer) == 2
    with writer.transaction() as con:
        days = dict(con.execute("SELECT narrative_id, day FROM alerts WHERE kind = 'crossing'").fetchall())
    assert days == {"crossing:s1": date(2026, 4, 9), "crossing:s2": date(2026, 3, 22)}


def test_the_runs_artifact_lists_new_spikes_and_the_other_new_alerts_by_headline():
    from flows.analyze import alerts_markdown

    crossing = {"kind": "crossing", "outlet": "Outlet One", "configured_camp": "china_friendly", "week": "2026-W15",
                "from": "china_friendly", "to": "russia_friendly", "weeks_on_new_side": 2, "margin": 0.5,
                "window_articles": 8, "moved": [{"feature": "war (claim)", "share_before": 0.1, "share_now": 0.45}]}
    text = alerts_markdown([], [(date(2026, 4, 9), "crossing", json.dumps(crossing))])
    assert "No new spike this run." in text
    assert ("- 2026-04-09 **crossing**: Outlet crossing in 2026-W15: Outlet One (china_friendly) now sides with "
            "russia_friendly") in text and "Moved most" not in text  # the headline only
    assert alerts_markdown([]) == "# narrative-radar alerts\n\nNo new spike this run."
