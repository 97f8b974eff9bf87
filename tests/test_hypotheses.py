"""Forecast tracker: each template on planted data, verdict rules, file validation, and the step on a real DuckDB."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from werkzeug import Response

from flows.alert_step import deliver_pending, store_verdict_changes, week_sunday
from flows.hypotheses_step import evaluate_hypotheses
from flows.settings import Settings
from models.hypotheses import (
    ArticleRecord,
    HypothesisError,
    camp_closer_to,
    camp_pushes_more,
    divergence_trend,
    evaluate,
    load_hypotheses,
    parse_hypotheses,
    shift_after,
    verdict,
)
from warehouse.writer import Writer

ROOT = Path(__file__).resolve().parents[1]
MONDAY = date(2026, 1, 5)  # 2026-W02


def articles(camp: str, n: int, rate: float, start: date = MONDAY, days: int = 14, passages: int = 5,
             narrative: str = "sold_out", stance: str = "claim", other: str = "filler") -> list[ArticleRecord]:
    """`n` articles of `passages` classified passages; a fraction `rate` of articles carries two labelled passages."""
    out = []
    every = round(1 / rate) if rate else 0
    for i in range(n):
        hit = every and i % every == 0
        labels = [(narrative, stance, 0.8), (narrative, stance, 0.7)] if hit else [(other, "claim", 0.6)]
        out.append(ArticleRecord(f"{camp}-{start}-{i}", start + timedelta(days=i % days), camp, passages, tuple(labels)))
    return out


CAMPS = {"camp_a": "china_friendly", "camp_b": "russia_friendly", "narrative": "sold_out", "stance": "claim",
         "min_articles": 20, "min_weeks": 2, "n_bootstrap": 200, "seed": 0, "threshold": 0.0}


# ---------------------------------------------------------------------------------------------- verdict rule

def test_verdict_follows_the_interval_and_thin_evidence():
    assert verdict(0.01, 0.2) == "supported"
    assert verdict(-0.2, -0.01) == "contradicted"
    assert verdict(-0.1, 0.1) == "inconclusive"
    assert verdict(0.01, 0.2, thin=True) == "inconclusive"
    assert verdict(None, None) == "inconclusive"
    assert verdict(-0.3, -0.1, two_sided=True) == "supported"


# ---------------------------------------------------------------------------------------------- templates

def test_camp_pushes_more_supported_contradicted_and_thin():
    china, russia = articles("china_friendly", 40, 0.5), articles("russia_friendly", 40, 0.0)
    up = camp_pushes_more(china + russia, CAMPS)
    assert up.verdict == "supported" and up.value == pytest.approx(0.2) and up.ci_low > 0 and up.evidence == 80
    reversed_ = camp_pushes_more(articles("china_friendly", 40, 0.0) + articles("russia_friendly", 40, 0.5), CAMPS)
    assert reversed_.verdict == "contradicted" and reversed_.ci_high < 0
    thin = camp_pushes_more(articles("china_friendly", 10, 0.5) + articles("russia_friendly", 40, 0.0), CAMPS)
    assert thin.verdict == "inconclusive" and thin.value is None
    assert thin.reason == "thin evidence: 10 china_friendly articles (at least 20 a camp)"
    one_week = camp_pushes_more(articles("china_friendly", 40, 0.5, days=7) + articles("russia_friendly", 40, 0.0, days=7),
                                CAMPS)
    assert one_week.verdict == "inconclusive" and one_week.reason == "thin evidence: articles in 1 week(s) (at least 2)"
    assert up.reason == reversed_.reason == ""
    level = camp_pushes_more(articles("china_friendly", 40, 0.2) + articles("russia_friendly", 40, 0.2), CAMPS)
    assert level.verdict == "inconclusive"
    assert level.reason.startswith("the 95% interval [") and level.reason.endswith("reaches the threshold 0")


def test_camp_pushes_more_is_deterministic():
    data = articles("china_friendly", 30, 0.3) + articles("russia_friendly", 30, 0.2)
    assert camp_pushes_more(data, CAMPS, "k") == camp_pushes_more(list(reversed(data)), CAMPS, "k")


def test_camp_closer_to_supported_and_contradicted():
    params = {"camp": "resistance", "closer": "china_friendly", "farther": "russia_friendly", "min_articles": 20}
    china = articles("china_friendly", 30, 1.0, narrative="sold_out")
    russia = articles("russia_friendly", 30, 1.0, narrative="detente")
    near_china = articles("resistance", 30, 1.0, narrative="sold_out")
    assert camp_closer_to(china + russia + near_china, params).verdict == "supported"
    near_russia = articles("resistance", 30, 1.0, narrative="detente")
    result = camp_closer_to(china + russia + near_russia, params)
    assert result.verdict == "contradicted" and result.value < 0
    assert camp_closer_to(china + russia + near_china[:5], params).verdict == "inconclusive"


def weeks(values: list[float]) -> list[tuple[str, float]]:
    return [((MONDAY + timedelta(weeks=i)).strftime("%G-W%V"), v) for i, v in enumerate(values)]


def test_divergence_trend_slope_and_interval():
    rising = divergence_trend(weeks([0.02, 0.05, 0.2, 0.31, 0.45, 0.57]), {})
    assert rising.verdict == "supported" and rising.value == pytest.approx(0.1175, abs=0.01) and rising.evidence == 6
    falling = divergence_trend(weeks([0.6, 0.5, 0.38, 0.3, 0.2]), {})
    assert falling.verdict == "contradicted"
    assert divergence_trend(weeks([0.03, 0.05, 0.02, 0.04, 0.03]), {}).verdict == "inconclusive"
    two = divergence_trend(weeks([0.1, 0.5]), {})  # two weeks: no interval
    assert two.verdict == "inconclusive" and two.reason == "thin evidence: 2 week(s) with an index (at least 3)"
    gap = divergence_trend([("2026-W02", 0.1), ("2026-W03", None), ("2026-W04", 0.3)], {})
    assert gap.verdict == "inconclusive" and gap.evidence == 2


def test_divergence_trend_needs_its_latest_weeks_significant():
    rising = weeks([0.02, 0.05, 0.2, 0.31, 0.45, 0.57])
    p_values = [0.5, 0.4, 0.2, 0.1, 0.2, 0.01]  # only the latest week significant
    series = [(w, v, p) for (w, v), p in zip(rising, p_values, strict=True)]
    assert divergence_trend(series, {}).verdict == "supported"
    not_both = divergence_trend(series, {"significant_weeks": 2})
    assert not_both.verdict == "inconclusive" and not_both.value == divergence_trend(series, {}).value
    assert not_both.reason.endswith("latest 2 week(s)' indices are not all significant (p 0.2, 0.01; alpha 0.05)")
    both = series[:-2] + [(w, v, 0.03) for w, v, _ in series[-2:]]
    assert divergence_trend(both, {"significant_weeks": 2}).verdict == "supported"
    assert divergence_trend(both, {"significant_weeks": 2, "alpha": 0.01}).verdict == "inconclusive"


def test_divergence_trend_is_supported_by_a_sustained_run_that_began_in_the_window():
    # A step, not a line: five quiet weeks, then three significant ones. The 8-week slope's interval still
    # reaches the threshold; the run of significant weeks after a quiet one is the evidence.
    step = weeks([0.0, 0.004, -0.003, 0.002, 0.001, 0.05, 0.08, 0.06])
    p_values = [0.5, 0.4, 0.6, 0.3, 0.45, 0.02, 0.004, 0.01]
    series = [(w, v, p) for (w, v), p in zip(step, p_values, strict=True)]
    params = {"threshold": 0.01, "significant_weeks": 2}
    slope_only = divergence_trend(series, params)
    assert slope_only.verdict == "inconclusive" and slope_only.ci_low < 0.01 < slope_only.ci_high
    run = divergence_trend(series, {**params, "sustained_weeks": 3})
    assert run.verdict == "supported" and (run.value, run.ci_low, run.ci_high) == (
        slope_only.value, slope_only.ci_low, slope_only.ci_high)  # the plotted interval stays the slope's
    assert run.reason == ("sustained: the latest 3 weeks' indices each significant (p 0.02, 0.004, 0.01; "
                          f"alpha 0.05) after the week of {step[4][0]}, which was not")
    assert divergence_trend(series, {**params, "sustained_weeks": 4}).verdict == "inconclusive"  # week 5 is quiet
    # significant all along: a steady divergence, not one that began in the window
    steady = [(w, v, 0.01) for w, v, _ in series]
    assert divergence_trend(steady, {**params, "sustained_weeks": 3}).verdict == "inconclusive"
    # a week without an index inside the run breaks it
    gap = series[:6] + series[7:]
    assert divergence_trend(gap, {**params, "sustained_weeks": 3}).verdict == "inconclusive"
    # one week of the run not significant
    broken = series[:6] + [(series[6][0], series[6][1], 0.2)] + series[7:]
    assert divergence_trend(broken, {**params, "sustained_weeks": 3}).verdict == "inconclusive"
    # confirmed by the other index: its p-values ride along as a fourth element
    labels_p = [0.6, 0.5, 0.7, 0.4, 0.5, 0.3, 0.04, 0.2]
    both = [(w, v, p, q) for (w, v, p), q in zip(series, labels_p, strict=True)]
    confirmed = divergence_trend(both, {**params, "sustained_weeks": 3, "sustained_confirm": 1})
    assert confirmed.verdict == "supported" and "the other index in 1)" in confirmed.reason
    assert divergence_trend(both, {**params, "sustained_weeks": 3, "sustained_confirm": 2}).verdict == "inconclusive"
    unseen = [(w, v, p, 0.5) for w, v, p in series]  # the label index never significant
    assert divergence_trend(unseen, {**params, "sustained_weeks": 3, "sustained_confirm": 1}).verdict == "inconclusive"


def test_the_shipped_forecast_reads_the_other_index_of_each_week():
    """camps_diverge as config/hypotheses.yaml ships it, on the step's {index: (value, p)} weeks: the embedding
    index steps up and holds, and the label index confirms it in one week of the run."""
    (h,) = [h for h in parse_hypotheses(yaml.safe_load(Path("config/hypotheses.yaml").read_text())) if h.id == "camps_diverge"]
    values = [0.0, 0.004, -0.003, 0.002, 0.001, 0.05, 0.08, 0.06]
    p_emb = [0.5, 0.4, 0.6, 0.3, 0.45, 0.02, 0.004, 0.01]
    weeks_ = [w for w, _ in weeks(values)]

    def divergence(label_p: list[float]) -> dict:
        return {w: {"embedding": (v, p), "labels": (0.01, q)} for w, v, p, q in zip(weeks_, values, p_emb, label_p, strict=True)}

    confirmed = evaluate(h, weeks_[-1], [], divergence([0.5] * 6 + [0.03, 0.3]))
    assert confirmed.verdict == "supported" and confirmed.reason.startswith("sustained:"), confirmed
    assert evaluate(h, weeks_[-1], [], divergence([0.5] * 8)).verdict == "inconclusive"


def test_shift_after_up_down_and_thin():
    params = {"camp": "russia_friendly", "narrative": "detente", "stance": "claim", "direction": "up",
              "min_articles": 20}
    before = articles("russia_friendly", 40, 0.0, narrative="detente")
    after = articles("russia_friendly", 40, 0.5, start=MONDAY + timedelta(weeks=3), narrative="detente")
    assert shift_after(before, after, params).verdict == "supported"
    assert shift_after(before, after, params | {"direction": "down"}).verdict == "contradicted"
    assert shift_after(after, before, params | {"direction": "any"}).verdict == "supported"
    assert shift_after(before, after[:10], params).verdict == "inconclusive"


def test_evaluate_uses_the_trailing_window_and_event_date():
    hs = {h.id: h for h in load_hypotheses(ROOT / "config" / "hypotheses.yaml")}
    event = hs["russia_detente_shift"].params["event_date"]
    before = articles("russia_friendly", 40, 0.0, start=event - timedelta(weeks=2), narrative="us_russia_new_detente")
    after = articles("russia_friendly", 40, 0.5, start=event, narrative="us_russia_new_detente")
    later = (event + timedelta(weeks=1)).strftime("%G-W%V")
    assert evaluate(hs["russia_detente_shift"], later, before + after, {}).verdict == "supported"
    earlier = (event - timedelta(weeks=1)).strftime("%G-W%V")
    assert evaluate(hs["russia_detente_shift"], earlier, before + after, {}).verdict == "inconclusive"


# ---------------------------------------------------------------------------------------------- validation

def good() -> dict:
    return {"id": "h1", "statement": "s", "source": "src", "window_weeks": 4,
            "test": {"template": "camp_pushes_more", "camp_a": "a", "camp_b": "b", "narrative": "n"}}


def test_default_file_has_the_four_predictions():
    hs = load_hypotheses(ROOT / "config" / "hypotheses.yaml")
    assert [h.template for h in hs] == ["camp_pushes_more", "divergence_trend", "camp_closer_to", "shift_after"]
    assert all(h.source == "new-detente-analysis (2025 commentary)" for h in hs)
    assert hs[3].params["event_date"] == date(2026, 1, 26)


@pytest.mark.parametrize("change, message", [
    ({"test": {"template": "crystal_ball"}}, "unknown template"),
    ({"statement": None}, "missing field(s) statement"),
    ({"test": {"template": "camp_pushes_more", "camp_a": "a", "narrative": "n"}}, "missing camp_b"),
    ({"test": {"template": "sql", "query": "delete from x"}}, "read-only"),
    ({"test": {"template": "sql", "query": "select 1; drop table y"}}, "single statement"),
    ({"test": {"template": "sql", "query": "with a as (select 1) delete from x"}}, "read-only"),
    ({"test": {"template": "shift_after", "camp": "c", "narrative": "n", "event_date": "soon"}}, "event_date"),
    ({"window_weeks": 0}, "window_weeks"),
    ({"test": {"template": "divergence_trend", "significant_weeks": 0}}, "significant_weeks"),
    ({"test": {"template": "divergence_trend", "sustained_weeks": -1}}, "sustained_weeks"),
    ({"test": {"template": "divergence_trend", "sustained_confirm": 1.5}}, "sustained_confirm"),
])
def test_bad_hypotheses_are_rejected_by_name(change, message):
    item = good() | change | {"id": "bad_one"}
    with pytest.raises(HypothesisError, match=r"'bad_one'") as info:
        parse_hypotheses({"hypotheses": [good(), item]})
    assert message in str(info.value)


def test_a_read_only_sql_test_is_accepted():
    item = good() | {"test": {"template": "sql", "query": "WITH x AS (SELECT 1 AS v) SELECT v AS value FROM x"}}
    assert parse_hypotheses({"hypotheses": [item]})[0].template == "sql"


# ---------------------------------------------------------------------------------------------- the step

def write_file(path: Path, items: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"hypotheses": items}, allow_unicode=True), encoding="utf-8")
    return path


def test_empty_warehouse_has_nothing_to_judge(db_path):
    writer = Writer(db_path)
    assert evaluate_hypotheses(writer, ROOT / "config" / "hypotheses.yaml") == []
    with writer.transaction() as con:
        assert con.execute("SELECT count(*) FROM hypothesis_weekly").fetchone()[0] == 0


def seed_warehouse(writer: Writer, weeks_of_data: int) -> None:
    """Four camps of 2 outlets; from the third week on china_friendly and resistance push sold_out."""
    with writer.transaction() as con:
        for camp in ("china_friendly", "russia_friendly", "resistance", "western_mainstream"):
            for k in range(2):
                sid = f"{camp}-{k}"
                con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES (?, ?, ?, ?, 'en', NULL)", [sid, sid, f"http://{sid}/rss", camp])
                for day in range(7 * weeks_of_data):
                    published = MONDAY + timedelta(days=day)
                    aid = f"{sid}-{day}"
                    con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status) "
                                "VALUES (?, ?, ?, ?, now(), 'ok')", [aid, sid, f"http://{sid}/{day}", published])
                    after = day >= 14
                    for pos in range(3):
                        pid = f"{aid}-{pos}"
                        con.execute("INSERT INTO passages VALUES (?, ?, ?, 'text', ?, 0, 4)", [pid, aid, pos, pid])
                        con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, "
                                    "source_id, day) VALUES (?, 'm', 'c', ?, ?)", [pid, sid, published])
                        if pos == 0:
                            narrative = ("russia_sold_out_china" if after and camp in ("china_friendly", "resistance")
                                         else "us_russia_new_detente")
                            con.execute("INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, "
                                        "model_id, catalog_hash, article_id, source_id, day) "
                                        "VALUES (?, ?, 0.7, 'claim', 'm', 'c', ?, ?, ?)",
                                        [pid, narrative, aid, sid, published])


def test_one_week_warehouse_is_inconclusive_everywhere(db_path):
    writer = Writer(db_path)
    seed_warehouse(writer, 1)
    evaluate_hypotheses(writer, ROOT / "config" / "hypotheses.yaml")
    with writer.transaction() as con:
        rows = con.execute("SELECT hypothesis_id, week, verdict FROM hypothesis_weekly").fetchall()
    assert len(rows) == 4 and {r[2] for r in rows} == {"inconclusive"}


def pushes_more(hypothesis_id: str, statement: str, camp_a: str, camp_b: str, min_articles: int = 10) -> dict:
    """A camp_pushes_more hypothesis on "sold out" claims over 2-week windows."""
    return {"id": hypothesis_id, "statement": statement, "source": "test", "window_weeks": 2,
            "test": {"template": "camp_pushes_more", "camp_a": camp_a, "camp_b": camp_b,
                     "narrative": "russia_sold_out_china", "min_articles": min_articles}}


def test_step_writes_weekly_rows_idempotently_and_reports_changes(db_path, tmp_path):
    writer = Writer(db_path)
    seed_warehouse(writer, 4)
    path = write_file(tmp_path / "h.yaml", [
        pushes_more("china_more", "China-friendly pushes it more", "china_friendly", "russia_friendly"),
        pushes_more("russia_more", "Russia-friendly pushes it more", "russia_friendly", "china_friendly"),
        {"id": "own_sql", "statement": "a user's query", "source": "test", "window_weeks": 1,
         "test": {"template": "sql", "query": "SELECT count(*) / 100 AS value, count(*) / 200 AS ci_low, "
                  "count(*) / 50 AS ci_high, count(DISTINCT article_id) AS evidence FROM passage_narratives "
                  "WHERE narrative_id = 'russia_sold_out_china' AND day BETWEEN $start AND $end"}},
    ])
    changes = evaluate_hypotheses(writer, path)
    with writer.transaction() as con:
        rows = con.execute("SELECT hypothesis_id, week, verdict, evidence FROM hypothesis_weekly ORDER BY 1, 2").fetchall()
    verdicts = {(h, w): v for h, w, v, _ in rows}
    assert [verdicts[("china_more", w)] for w in ("2026-W02", "2026-W03", "2026-W04", "2026-W05")] == [
        "inconclusive", "inconclusive", "supported", "supported"]
    assert verdicts[("russia_more", "2026-W04")] == "contradicted"
    assert [verdicts[("own_sql", w)] for w in ("2026-W02", "2026-W03", "2026-W04")] == [
        "inconclusive", "inconclusive", "supported"]
    assert {(c.hypothesis_id, c.week, c.previous, c.verdict) for c in changes} == {
        ("china_more", "2026-W04", "inconclusive", "supported"),
        ("russia_more", "2026-W04", "inconclusive", "contradicted"),
        ("own_sql", "2026-W04", "inconclusive", "supported"),
    }
    assert evaluate_hypotheses(writer, path) == []  # idempotent: same rows, no new changes
    with writer.transaction() as con:
        assert con.execute("SELECT hypothesis_id, week, verdict, evidence FROM hypothesis_weekly ORDER BY 1, 2"
                           ).fetchall() == rows


def test_a_failing_sql_test_is_inconclusive_not_fatal(db_path, tmp_path):
    writer = Writer(db_path)
    seed_warehouse(writer, 1)
    path = write_file(tmp_path / "h.yaml", [{"id": "broken", "statement": "s", "source": "t", "window_weeks": 1,
                                             "test": {"template": "sql", "query": "SELECT * FROM no_such_table"}}])
    assert evaluate_hypotheses(writer, path) == []
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT verdict, reason FROM hypothesis_weekly").fetchall() == [
        ("inconclusive", "the query failed or returned no row")]
    con.close()


def test_the_scoreboard_says_why_a_verdict_is_inconclusive(db_path, tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    writer = Writer(db_path)
    seed_warehouse(writer, 4)
    path = write_file(tmp_path / "h.yaml", [
        pushes_more("china_more", "China-friendly pushes it more", "china_friendly", "russia_friendly"),
        pushes_more("needs_more", "the same, asking for more articles", "china_friendly", "russia_friendly", 100),
    ])
    evaluate_hypotheses(writer, path)
    result = CliRunner().invoke(app, ["hypotheses", "--db", str(db_path), "--format", "json"],
                                env={"RADAR_HYPOTHESES": str(path)})
    assert result.exit_code == 0, result.output
    rows = {r["hypothesis_id"]: r for r in json.loads(result.stdout)}
    assert rows["china_more"]["verdict"] == "supported" and rows["china_more"]["why"] == ""
    assert rows["needs_more"]["verdict"] == "inconclusive"
    assert rows["needs_more"]["why"] == ("thin evidence: 28 china_friendly articles, 28 russia_friendly articles "
                                         "(at least 100 a camp)")
    # one hypothesis week by week, with why each verdict
    env = {"RADAR_HYPOTHESES": str(path)}
    history = CliRunner().invoke(app, ["hypotheses", "--db", str(db_path), "--id", "china_more", "--format", "json"],
                                 env=env)
    assert history.exit_code == 0, history.output
    weeks = json.loads(history.stdout)
    assert [(w["week"], w["verdict"]) for w in weeks] == [
        ("2026-W02", "inconclusive"), ("2026-W03", "inconclusive"), ("2026-W04", "supported"), ("2026-W05", "supported")]
    assert weeks[0]["why"].startswith("thin evidence: ") and weeks[2]["why"] == "" and weeks[2]["ci_low"] > 0
    typo = CliRunner().invoke(app, ["hypotheses", "--db", str(db_path), "--id", "china_mor"], env=env)
    assert typo.exit_code == 1 and "no verdicts of 'china_mor' stored (known: china_more, needs_more)" in typo.output


def test_a_change_to_inconclusive_says_why_in_the_log_and_the_alert():
    from flows.alert_kinds import alert_text as slack_text
    from flows.hypotheses_step import VerdictChange, describe

    change = VerdictChange("camps_diverge", "The camps diverge.", "2026-W15", "supported", "inconclusive", 0.02, 0.011,
                           0.03, "the slope's interval clears the threshold but the latest 2 week(s)' indices are not "
                           "all significant (p 0.2, 0.01; alpha 0.05)")
    assert "→ inconclusive (the slope's interval clears the threshold but" in describe(change)
    evidence = {"kind": "hypothesis", **{k: getattr(change, k) for k in (
        "hypothesis_id", "statement", "week", "previous", "verdict", "value", "ci_low", "ci_high", "reason")}}
    assert "→ *inconclusive* (the slope's interval clears the threshold but" in slack_text(evidence)
    assert "→ *supported* (value" in slack_text(evidence | {"verdict": "supported", "reason": ""})


def test_whole_weeks_only_leaves_the_week_under_way_unjudged(db_path, tmp_path):
    writer = Writer(db_path)
    seed_warehouse(writer, 4)  # Monday 2026-W02 to Sunday 2026-W05: four whole weeks
    path = write_file(tmp_path / "h.yaml", [
        pushes_more("china_more", "China-friendly pushes it more", "china_friendly", "russia_friendly")])

    def judged_weeks() -> list[str]:
        with writer.transaction() as con:
            return [w for (w,) in con.execute("SELECT week FROM hypothesis_weekly ORDER BY week").fetchall()]

    evaluate_hypotheses(writer, path, whole_weeks_only=True)
    assert judged_weeks() == ["2026-W02", "2026-W03", "2026-W04", "2026-W05"]  # the newest day is W05's Sunday
    with writer.transaction() as con:  # Monday of 2026-W06 arrives
        monday = MONDAY + timedelta(weeks=4)
        con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, source_id, day) "
                    "VALUES ('late', 'm', 'c', 'china_friendly-0', ?)", [monday])
        con.execute("INSERT INTO passage_narratives (passage_id, narrative_id, score, stance, model_id, catalog_hash, "
                    "article_id, source_id, day) VALUES ('late', 'russia_sold_out_china', 0.7, 'claim', 'm', 'c', "
                    "'china_friendly-0-0', 'china_friendly-0', ?)", [monday])
    evaluate_hypotheses(writer, path)
    assert judged_weeks()[-1] == "2026-W06"  # by default the week under way is judged on its days so far
    evaluate_hypotheses(writer, path, whole_weeks_only=True)
    assert judged_weeks()[-1] == "2026-W05"  # and its row goes again until the week is over


def quiet_until(db_path: Path, tmp_path: Path, weeks_of_data: int, newest: date) -> tuple[Writer, Path]:
    """`seed_warehouse` with one classified passage (no narrative) on `newest`, the newest day, after a quiet gap;
    and a hypotheses file with china_more."""
    writer = Writer(db_path)
    seed_warehouse(writer, weeks_of_data)
    with writer.transaction() as con:
        con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, source_id, day) "
                    "VALUES ('late', 'm', 'c', 'china_friendly-0', ?)", [newest])
    return writer, write_file(tmp_path / "h.yaml", [
        pushes_more("china_more", "China-friendly pushes it more", "china_friendly", "russia_friendly")])


def test_a_whole_week_judged_days_after_its_end_dates_its_alert_that_day(db_path, tmp_path):
    """Delivery sends the alerts of the last RADAR_ALERT_RECENT_DAYS (2) days: a whole week first judged on a
    Wednesday (no article on its weekend) must not carry its Sunday, or its verdict change would never be sent."""
    wednesday = MONDAY + timedelta(weeks=3, days=2)  # of 2026-W05
    writer, path = quiet_until(db_path, tmp_path, 3, wednesday)  # W02-W04; china_friendly pushes "sold out" from W04
    changes = evaluate_hypotheses(writer, path, whole_weeks_only=True)
    assert [(c.week, c.verdict) for c in changes] == [("2026-W04", "supported")]
    assert store_verdict_changes(writer, changes) == 1
    with writer.transaction() as con:
        assert con.execute("SELECT day FROM alerts WHERE kind = 'hypothesis'").fetchall() == [(wednesday,)]


def test_a_finished_weeks_change_found_days_late_is_dated_and_delivered_that_day(db_path, tmp_path, httpserver):
    """The default (daily) path: the week before the newest day's week changes its verdict when its last articles
    arrive days late (here first seen on the Wednesday after it); dated its Sunday, the change would fall outside the
    2 recent days that delivery sends. Weeks before it keep their Sunday (a first run over history)."""
    wednesday = MONDAY + timedelta(weeks=3, days=2)  # of 2026-W05
    writer, path = quiet_until(db_path, tmp_path, 3, wednesday)  # W02-W04; china_friendly pushes "sold out" from W04
    changes = evaluate_hypotheses(writer, path)
    assert ("2026-W04", "supported") in [(c.week, c.verdict) for c in changes]
    store_verdict_changes(writer, changes)
    received = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: received.append(request.get_json()) or Response("ok"))
    deliver_pending(writer, httpserver.url_for("/hook"), recent_days=Settings().alert_recent_days)
    assert any("in 2026-W04" in r["text"] and "*supported*" in r["text"] for r in received)
    with writer.transaction() as con:
        days = dict(con.execute("SELECT evidence->>'week', day FROM alerts WHERE kind = 'hypothesis'").fetchall())
    assert days["2026-W04"] == wednesday


def test_an_older_weeks_change_keeps_its_sunday(db_path, tmp_path):
    wednesday = MONDAY + timedelta(weeks=4, days=2)  # of 2026-W06: W04 is two weeks back
    writer, path = quiet_until(db_path, tmp_path, 4, wednesday)  # 2026-W02 to W05
    store_verdict_changes(writer, evaluate_hypotheses(writer, path))
    with writer.transaction() as con:
        days = dict(con.execute("SELECT evidence->>'week', day FROM alerts WHERE kind = 'hypothesis'").fetchall())
    assert days["2026-W04"] == week_sunday("2026-W04")
