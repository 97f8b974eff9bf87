"""The analyst report: one self-contained HTML file with the five sections, from a small warehouse."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app
from flows.report_html import MAX_BYTES, SECTIONS, write_report
from warehouse.writer import Writer

CAMPS = {"s1": "russia_friendly", "s2": "china_friendly", "s3": "resistance", "s4": "alt_independent"}
START = date(2026, 1, 5)


def populate(db_path: Path) -> Path:
    """A migrated warehouse with a few rows in every table the report reads; s4's feed is silent."""
    writer = Writer(db_path)
    with writer.transaction() as con:
        for sid, camp in CAMPS.items():
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES (?, ?, ?, ?, 'en', ?)",
                        [sid, f"Outlet <{sid}>", f"http://127.0.0.1/{sid}.xml", camp, f"http://127.0.0.1/{sid}"])
            failed = sid == "s4"
            con.execute("INSERT INTO feed_fetches (fetch_id, run_id, source_id, feed_url, fetched_at, http_status, n_entries, "
                        "n_new, status, error) VALUES (?, 'r1', ?, ?, TIMESTAMPTZ '2026-01-20 06:00:00+00', ?, ?, ?, ?, ?)",
                        [f"f-{sid}", sid, f"http://127.0.0.1/{sid}.xml", 500 if failed else 200, 0 if failed else 3,
                         0 if failed else 3, "failed" if failed else "ok", "HTTP 500" if failed else None])
        for n in ("nar_a", "nar_b"):
            con.execute("INSERT INTO narratives (narrative_id, label, family, description, catalog_hash) VALUES (?, ?, 'f', 'd', 'h')",
                        [n, f"Narrative {n}"])
        for i in range(14):
            day = START + timedelta(days=i)
            for sid, camp in list(CAMPS.items())[:3]:
                con.execute("INSERT INTO articles (article_id, source_id, url, canonical_url, title, published_at, fetched_at, status) "
                            "VALUES (?, ?, ?, ?, 't', CAST(? AS TIMESTAMPTZ), now(), 'ok')",
                            [f"a-{sid}-{i}", sid, f"http://127.0.0.1/{sid}/{i}", f"http://127.0.0.1/{sid}/{i}", f"{day} 08:00:00+00"])
                # one labelled passage per article: s1 claims nar_a, the others rebut nar_b
                narrative, stance = ("nar_a", "claim") if sid == "s1" else ("nar_b", "rebuttal")
                con.execute("INSERT INTO passages VALUES (?, ?, 0, 'text', ?, 0, 4)", [f"p-{sid}-{i}", f"a-{sid}-{i}", f"h-{sid}-{i}"])
                con.execute("INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash, "
                            "article_id, source_id, day) VALUES (?, ?, 0.7, ?, 'm', 'h', ?, ?, ?)",
                            [f"p-{sid}-{i}", narrative, stance, f"a-{sid}-{i}", sid, day])
                for n, stance, k in (("nar_a", "claim", 3 + i % 3), ("nar_b", "rebuttal", 1 + i % 2)):
                    con.execute("INSERT INTO rollup_narrative_camp_daily VALUES (?, ?, ?, ?, ?, ?, 1, 20)", [day, camp, n, stance, k, k])
            for n in ("nar_a", "nar_b"):
                con.execute("INSERT INTO rollup_narrative_daily VALUES (?, ?, 10, 5, 3, 6, 3, 1, 60)", [day, n])
        for w, week in enumerate(("2026-W02", "2026-W03")):
            con.execute("INSERT INTO bifurcation_weekly (week, window_weeks, divergence, ci_low, ci_high, null_p95, "
                        "embedding_index, embedding_null_p95, split_quality, n_outlets, excluded_outlets, computed_at) "
                        "VALUES (?, 4, ?, ?, ?, 0.03, ?, 0.05, 0.4, 3, 0, now())",
                        [week, 0.1 + w / 10, 0.05 + w / 10, 0.2 + w / 10, 0.08 + w / 10])
            monday = START + timedelta(weeks=w)
            for j, (sid, camp) in enumerate(list(CAMPS.items())[:3]):
                con.execute("INSERT INTO outlet_alignment_weekly (week, source_id, side, distance_to_russia, "
                            "distance_to_china, passages, crossed) VALUES (?, ?, ?, 0.1, 0.2, 30, ?)",
                            [week, sid, "russia_friendly" if j != 1 else "china_friendly", w == 1 and sid == "s3"])
                for n in ("nar_a", "nar_b"):
                    con.execute("INSERT INTO rollup_narrative_outlet_weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?, 30)",
                                [monday, sid, n, 10, 8, 2 + j * 3 if n == "nar_a" else 1, j, 1])
        evidence = {"top_passages": [{"text": "Evil <script>alert(1)</script> claim", "outlet": "Outlet <s1>",
                                      "url": "http://127.0.0.1/s1/3", "title": "T", "stance": "claim"}]}
        con.execute("INSERT INTO alerts (alert_id, narrative_id, camp, day, count, total, share, baseline, score, evidence, created_at) "
                    "VALUES ('al1', 'nar_a', '*', DATE '2026-01-15', 12, 40, 0.3, 0.08, 5.2, ?, now())", [json.dumps(evidence)])
        crossing = {"kind": "crossing", "outlet": "Outlet <s3>", "configured_camp": "resistance", "week": "2026-W03",
                    "from": "china_friendly", "to": "russia_friendly", "weeks_on_new_side": 2, "margin": 0.31,
                    "window_articles": 8, "moved": []}
        con.execute("INSERT INTO alerts (alert_id, narrative_id, camp, day, count, total, share, baseline, score, evidence, "
                    "created_at, kind) VALUES ('al2', 'crossing:s3', 'russia_friendly', DATE '2026-01-18', 8, 8, 0, 0, "
                    "0.31, ?, now(), 'crossing')", [json.dumps(crossing)])
        con.execute("INSERT INTO hypothesis_weekly (hypothesis_id, week, value, ci_low, ci_high, evidence, verdict, "
                    "computed_at, reason, statement, threshold, two_sided, unit) VALUES ('camps_diverge', '2026-W03', "
                    "0.02, 0.005, 0.035, 6, 'inconclusive', now(), 'the 95% interval [0.005, 0.035] reaches the "
                    "threshold 0.01', 'The camps diverge.', 0.01, false, 'embedding index slope per week')")
    return db_path


def test_report_is_one_self_contained_file_with_every_section(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    out = tmp_path / "report.html"
    size = write_report(db, out)
    text = out.read_text(encoding="utf-8")
    assert out.stat().st_size == size < MAX_BYTES
    for heading in SECTIONS:
        assert f">{heading}</h2>" in text
    assert not re.search(r"<script[^>]+src=[\"']?https?://", text)
    assert "cdn." not in re.findall(r"<script[^>]*>", text).__str__()
    assert text.count("plotly.js v") <= 2  # the library's banner: inlined once (its header names the version)
    assert text.count('class="plotly-graph-div"') == 6  # five analyst sections + the forecast tracker
    # text from the warehouse is escaped, links to the evidence kept
    assert "<script>alert(1)" not in text and "Evil &lt;script&gt;alert(1)&lt;/script&gt; claim" in text
    # other kinds by their headline, escaped like everything from the warehouse
    assert ("<li>2026-01-18 <b>crossing</b>: Outlet crossing in 2026-W03: Outlet &lt;s3&gt; (resistance) now sides "
            "with russia_friendly") in text
    assert 'href="http://127.0.0.1/s1/3"' in text
    assert "Outlet &lt;s4&gt;" in text and "HTTP 500" in text  # the silent feed is listed with its error
    # the outlet table: the 14 days of articles (2026-W02 and W03) lie inside its 4 weeks, so 3.5 a week
    outlets = text.split("id='outlets'")[1].split("<h2")[0]
    assert "<td>Outlet &lt;s1&gt;</td><td>russia_friendly</td><td>14</td><td>3.5</td><td>2026-01-18</td>" in outlets
    assert "<td>Narrative nar_a 14</td><td></td>" in outlets and "<td></td><td>Narrative nar_b 14</td>" in outlets
    assert "<td>Outlet &lt;s4&gt;</td><td>alt_independent</td><td>0</td>" in outlets
    # the forecast tracker says why a week is inconclusive (on hover)
    assert "inconclusive: the 95% interval [0.005, 0.035] reaches the threshold 0.01" in text


def test_since_filters_the_time_series(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    write_report(db, tmp_path / "all.html")
    write_report(db, tmp_path / "late.html", since=date(2026, 1, 15))
    all_text, late_text = (tmp_path / "all.html").read_text(), (tmp_path / "late.html").read_text()
    assert "2026-01-05" in all_text and "2026-01-05" not in late_text
    assert "since 2026-01-15" in late_text
    assert "No spike alerts" in (tmp_path / "late.html").read_text() or "2026-01-15" in late_text


def test_report_command(tmp_path: Path):
    db = populate(tmp_path / "radar.duckdb")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out), "--since", "2026-01-10"])
    assert result.exit_code == 0, result.output
    assert out.exists()
    bad = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out), "--since", "tomorrow"])
    assert bad.exit_code == 1 and "not a date" in bad.output


def test_report_flow_publishes_a_link_artifact(tmp_path, prefect_backend):
    from prefect.artifacts import Artifact

    from flows.report import report

    db = populate(tmp_path / "radar.duckdb")
    out = tmp_path / "flow-report.html"
    size = report(str(db), str(out))
    assert out.stat().st_size == size
    artifact = Artifact.get("narrative-report")
    assert artifact is not None and out.name in (artifact.data or "")
