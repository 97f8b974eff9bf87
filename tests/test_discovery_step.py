"""The discovery step on a real DuckDB file with synthetic vectors: incremental, idempotent, stable ids, bad
vectors left out, an emerging topic found and alerted (the real-text version is tests/test_discovery_world.py)."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np

from flows.discovery_step import compute_discovery
from flows.settings import Settings
from models.discovery import unit
from warehouse.writer import Writer

DIM = 48
START = date(2026, 3, 2)  # a Monday
WEEKS = 5
OUTLETS = [f"s{i}" for i in range(8)]
EMERGING_FROM = 3  # weeks 3-4: five outlets write about a new topic
RNG_TOPICS = np.random.default_rng(11)
TOPICS = unit(RNG_TOPICS.standard_normal((5, DIM)))
NEW_TOPIC = unit(RNG_TOPICS.standard_normal(DIM))[0]
WORDS = ["budget", "minister", "harbour", "election", "weather", "football", "museum", "railway", "bank", "school"]


def vector(rng: np.random.Generator, centre: np.ndarray) -> list[float]:
    return unit(centre + 0.5 * rng.standard_normal(DIM) / np.sqrt(DIM) * 2)[0].tolist()


def add_articles(writer: Writer, days: list[date], seed: int) -> None:
    """Every outlet publishes on the given days: four passages per article on a steady topic, plus the new
    topic at outlets s0-s4 from week EMERGING_FROM on."""
    rng = np.random.default_rng(seed)
    with writer.transaction() as con:
        for day in days:
            week = (day - START).days // 7
            for o, outlet in enumerate(OUTLETS):
                if (day.toordinal() + o) % 3:  # about two days in three
                    continue
                emerging = week >= EMERGING_FROM and o < 5 and day.weekday() in (1, 3)
                article = f"a-{outlet}-{day}"
                con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status, title) "
                            "VALUES (?, ?, ?, ?, now(), 'ok', 't')",
                            [article, outlet, f"http://127.0.0.1/{outlet}/{day}", f"{day} 09:00:00+00"])
                for i in range(4):
                    pid = f"{article}-{i}"
                    if emerging:
                        centre, text = NEW_TOPIC, "the grain pipeline deal was a trap says the pipeline deal report"
                    else:
                        k = int(rng.integers(5))
                        centre, text = TOPICS[k], " ".join(rng.choice(WORDS, 12)) + f" topic{k}"
                    con.execute("INSERT INTO passages VALUES (?, ?, ?, ?, ?, 0, 1)", [pid, article, i, text, pid])
                    con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, classified_at, "
                                "params_hash, source_id, day, article_id) VALUES (?, 'm', 'c', now(), 'x', ?, ?, ?)",
                                [pid, outlet, day, article])
                    con.execute("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES (?, 'm', ?, ?)",
                                [pid, DIM, vector(rng, centre)])


def build(tmp_path: Path) -> tuple[Writer, Settings]:
    writer = Writer(tmp_path / "radar.duckdb")
    with writer.transaction() as con:
        for o, outlet in enumerate(OUTLETS):
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES (?, ?, ?, ?, 'en', ?)",
                        [outlet, f"Outlet {o}", f"http://127.0.0.1/{outlet}.xml", "russia_friendly" if o % 2 else
                         "china_friendly", "http://127.0.0.1/"])
    add_articles(writer, [START + timedelta(days=d) for d in range(7 * WEEKS - 1)], seed=1)  # the last day held back
    # the alert rule before its defaults were measured (3 outlets, no novelty bar): the new topic's first week (6
    # articles, 3 reference articles in its neighbourhood) would not pass the shipped bar (p <= 0.02)
    return writer, Settings(db=tmp_path / "radar.duckdb", discovery_dims=16, discovery_alert_min_outlets=3,
                            discovery_alert_alpha=1.0)


def rows(db: Path) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (con.execute("SELECT cluster_id, week, passages, status FROM emerging_cluster_weekly ORDER BY 2, 1").fetchall(),
                con.execute("SELECT week, passage_id, cluster_id FROM emerging_cluster_passages ORDER BY 1, 2").fetchall())
    finally:
        con.close()


def test_the_step_finds_the_new_topic_incrementally_with_stable_ids(tmp_path, caplog) -> None:
    writer, settings = build(tmp_path)
    db = settings.db
    with writer.transaction() as con:  # one passage with a vector of another width, one with NaN: bad input
        con.execute("UPDATE embeddings SET vector = [1.0, 2.0] WHERE text_hash = (SELECT min(text_hash) FROM embeddings)")
        con.execute("UPDATE embeddings SET vector = list_transform(vector, lambda x: CAST('nan' AS FLOAT)) "
                    "WHERE text_hash = (SELECT max(text_hash) FROM embeddings)")
    with caplog.at_level(logging.WARNING):
        results = compute_discovery(writer, settings)
    assert [r.week for r in results] == [(START + timedelta(weeks=w)).strftime("%G-W%V") for w in range(WEEKS)]
    assert not any(r.skipped for r in results) and "unusable vectors left out" in caplog.text
    assert all(r.clusters == 0 for r in results[:2])  # no reference period before week 2: nothing is clustered
    weekly, members = rows(db)
    con = duckdb.connect(str(db), read_only=True)
    new_topic = {pid for (pid,) in con.execute("SELECT passage_id FROM passages WHERE text LIKE '%pipeline%'").fetchall()}
    alerts = con.execute("SELECT narrative_id, evidence FROM alerts WHERE kind = 'emerging'").fetchall()
    con.close()
    last_week = results[-1].week
    found = {}
    for week, pid, cluster in members:
        found.setdefault((week, cluster), set()).add(pid)
    best = max(found.items(), key=lambda kv: len(kv[1] & new_topic))
    (week, cluster), passages = best
    con = duckdb.connect(str(db), read_only=True)
    in_window = {pid for (pid,) in con.execute(
        "SELECT passage_id FROM passage_classifications WHERE day >= ?", [START + timedelta(weeks=WEEKS - 2)]).fetchall()}
    con.close()
    assert week == last_week and len(passages & new_topic) >= 0.5 * len(new_topic & in_window)  # most of them
    assert len(passages & new_topic) >= 0.9 * len(passages)  # and little else
    first_week, first_status = min((w, s) for c, w, _, s in weekly if c == cluster)
    # first seen as new once the topic exists (its first week has few passages: found then or a week later)
    assert first_week >= (START + timedelta(weeks=EMERGING_FROM)).strftime("%G-W%V") and first_status == "new"
    assert f"emerging:{cluster}" in [n for n, _ in alerts]
    # the alert carries its cluster's window/reference test, stored per cluster-week: the new topic's neighbourhood
    # holds more window than reference articles every week, and by its second week few reference ones at all
    evidence = next(json.loads(e) for n, e in alerts if n == f"emerging:{cluster}")
    assert {"novelty_p", "window_neighbours", "reference_neighbours"} <= set(evidence)
    con = duckdb.connect(str(db), read_only=True)
    tests = con.execute("SELECT window_neighbours, reference_neighbours, novelty_p FROM emerging_cluster_weekly "
                        "WHERE cluster_id = ? ORDER BY week", [cluster]).fetchall()
    con.close()
    assert all(w > r for w, r, _ in tests) and min(p for *_, p in tests) < 0.05
    # re-running changes nothing; the held-back day recomputes only the last week and keeps its ids
    assert all(r.skipped for r in compute_discovery(writer, settings))
    assert rows(db) == (weekly, members)
    add_articles(writer, [START + timedelta(days=7 * WEEKS - 1)], seed=2)
    again = compute_discovery(writer, settings, since=START + timedelta(days=7 * WEEKS - 1))
    assert [r.week for r in again if not r.skipped] == [last_week]
    weekly2, _ = rows(db)
    assert [r for r in weekly2 if r[1] < last_week] == [r for r in weekly if r[1] < last_week]
    before = {c for c, w, *_ in weekly if w == last_week}
    after = {c for c, w, *_ in weekly2 if w == last_week}
    assert cluster in before and cluster in after


def test_a_promoted_cluster_keeps_its_id_but_is_marked_and_not_alerted_again(tmp_path) -> None:
    import shutil

    import yaml

    writer, settings = build(tmp_path)
    compute_discovery(writer, settings)
    weekly, members = rows(settings.db)
    con = duckdb.connect(str(settings.db), read_only=True)
    new_topic = {pid for (pid,) in con.execute("SELECT passage_id FROM passages WHERE text LIKE '%pipeline%'").fetchall()}
    alerts = con.execute("SELECT count(*) FROM alerts WHERE kind = 'emerging'").fetchall()[0][0]
    con.close()
    cluster = max({c for _, _, c in members}, key=lambda c: len({p for _, p, k in members if k == c} & new_topic))
    catalogue = tmp_path / "narratives.yaml"
    shutil.copy(Path(__file__).resolve().parents[1] / "config" / "narratives.yaml", catalogue)
    data = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    data["narratives"].append({"id": "grain_trap", "label": "The grain deal was a trap", "family": "ukraine_war",
                               "description": "The grain pipeline deal was a trap.", "claims": ["The deal was a trap."],
                               "promoted_from": cluster})
    catalogue.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    promoted = settings.model_copy(update={"narratives": catalogue})
    assert not any(r.skipped for r in compute_discovery(writer, promoted))  # promotion changes every fingerprint
    weekly2, members2 = rows(settings.db)
    assert members2 == members  # same clusters and ids: the catalogue's new narrative labelled nothing here
    assert {s for c, _, _, s in weekly2 if c == cluster} == {"promoted"}
    assert [r for r in weekly2 if r[0] != cluster] == [r for r in weekly if r[0] != cluster]
    con = duckdb.connect(str(settings.db), read_only=True)
    assert con.execute("SELECT status FROM emerging_clusters WHERE cluster_id = ?", [cluster]).fetchall() == [("promoted",)]
    assert con.execute("SELECT count(*) FROM alerts WHERE kind = 'emerging'").fetchall()[0][0] == alerts
    con.close()
    assert all(r.skipped for r in compute_discovery(writer, promoted))


def failures(db: Path) -> list[tuple[str, int, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT week, attempts, error FROM emerging_week_failures ORDER BY week").fetchall()
    finally:
        con.close()


def test_a_failed_week_is_recorded_shown_retried_and_cleared(tmp_path, caplog) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    writer, settings = build(tmp_path)
    compute_discovery(writer, settings)
    weekly, members = rows(settings.db)
    add_articles(writer, [START + timedelta(days=7 * WEEKS - 1)], seed=2)  # the last week has new input
    with writer.transaction() as con:  # a warehouse fault: no week's results can be written
        con.execute("ALTER TABLE emerging_cluster_events RENAME TO events_elsewhere")
    last_week = (START + timedelta(weeks=WEEKS - 1)).strftime("%G-W%V")
    for attempt in (1, 2):  # the failed week is retried on every run: its stored fingerprint is the old one
        with caplog.at_level(logging.WARNING):
            results = compute_discovery(writer, settings)
        assert [r.week for r in results if r.error] == [last_week]
        assert f"FAILED, previous results kept: {last_week}" in caplog.text
        assert "emerging_clusters not rebuilt, previous summary kept" in caplog.text  # the same fault, not a crash
        assert [(w, n) for w, n, _ in failures(settings.db)] == [(last_week, attempt)]
        assert "emerging_cluster_events" in failures(settings.db)[0][2]
        assert rows(settings.db) == (weekly, members)  # the earlier results stay, nothing half-written
    with writer.transaction() as con:  # the fault mended; until the next run the week's rows are still the old ones
        con.execute("ALTER TABLE events_elsewhere RENAME TO emerging_cluster_events")
    shown = CliRunner().invoke(app, ["discover", "--db", str(settings.db), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert f"warning: discovery of {last_week} failed 2 time(s) in a row" in shown.stderr
    assert json.loads(shown.stdout)  # the clusters of its last good run, still a plain json list
    report = tmp_path / "report.html"
    assert CliRunner().invoke(app, ["report", "--db", str(settings.db), "--out", str(report)]).exit_code == 0
    assert f"discovery of {last_week} failed 2 time(s) in a row" in report.read_text(encoding="utf-8")
    again = compute_discovery(writer, settings)
    assert [r.week for r in again if not r.skipped] == [last_week] and not any(r.error for r in again)
    assert failures(settings.db) == []
    assert "warning" not in CliRunner().invoke(app, ["discover", "--db", str(settings.db)]).stderr


def discovered(tmp_path: Path, name: str, again: bool = False, **overrides) -> dict:
    """A fresh warehouse of the synthetic world (the same data every time), discovery run with `overrides`;
    `again`: every week computed a second time, the alerts of the first run kept."""
    (tmp_path / name).mkdir()
    writer, settings = build(tmp_path / name)
    compute_discovery(writer, settings.model_copy(update=overrides))
    if again:
        with writer.transaction() as con:
            con.execute("DELETE FROM emerging_weeks")  # no fingerprint: every week is computed again
        compute_discovery(writer, settings.model_copy(update=overrides))
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        evidence = [json.loads(e) for (e,) in con.execute("SELECT evidence FROM alerts WHERE kind = 'emerging'").fetchall()]
        return {"rows": rows(settings.db), "alerts": {(e["cluster_id"], e["week"]) for e in evidence},
                "tests": con.execute("SELECT novelty_p, window_neighbours, reference_neighbours "
                                     "FROM emerging_cluster_weekly").fetchall(),
                "p": {(c, w): p for c, w, p in con.execute(
                    "SELECT cluster_id, week, novelty_p FROM emerging_cluster_weekly").fetchall()},
                "continuing": set(con.execute("SELECT cluster_id, week FROM emerging_cluster_weekly "
                                              "WHERE match_similarity IS NOT NULL").fetchall())}
    finally:
        con.close()


def test_the_alert_bars_hold_back_alerts_not_clusters(tmp_path) -> None:
    default = discovered(tmp_path, "default")
    assert default["tests"] and all(0 <= p <= 1 and w >= 0 and r >= 0 for p, w, r in default["tests"])
    assert default["alerts"] - default["continuing"]  # new clusters alert in the week they appear
    strict = discovered(tmp_path, "strict", discovery_alert_alpha=1e-300)
    assert strict["rows"] == default["rows"] and not strict["alerts"]  # the same clusters and ids, no alert
    continued = discovered(tmp_path, "continued", discovery_alert_continued=True)
    assert continued["rows"] == default["rows"]
    # only clusters that continue an earlier computation's (here an earlier week's, growing) may alert
    assert continued["alerts"] <= continued["continuing"] and continued["alerts"] != default["alerts"]


def test_the_weekly_cap_keeps_the_lowest_novelty_p(tmp_path) -> None:
    from collections import Counter

    default = discovered(tmp_path, "default", discovery_alert_max_per_week=0)
    assert max(Counter(w for _, w in default["alerts"]).values()) > 1  # a week the cap has to choose in
    capped = discovered(tmp_path, "capped", discovery_alert_max_per_week=1)
    assert capped["rows"] == default["rows"] and capped["alerts"] <= default["alerts"]
    for week in {w for _, w in default["alerts"]}:
        kept = [c for c, w in capped["alerts"] if w == week]
        assert len(kept) == 1
        assert default["p"][kept[0], week] == min(p for (c, w), p in default["p"].items() if (c, w) in default["alerts"]
                                                  and w == week)
    # a week computed again (a rerun, or the next day on the daily path): the alerts stored before count
    again = discovered(tmp_path, "again", again=True, discovery_alert_max_per_week=1)
    assert again["alerts"] == capped["alerts"]


def test_the_heads_labelled_passages_keep_what_they_name_out_of_discovery(tmp_path, caplog) -> None:
    from models.passage_memory import PassageMemory, memory_path

    writer, settings = build(tmp_path)
    first = compute_discovery(writer, settings)
    clustered_before = {t for (t,) in duckdb.connect(str(settings.db), read_only=True).execute(
        "SELECT DISTINCT p.text LIKE '%pipeline%' FROM emerging_cluster_passages m JOIN passages p USING (passage_id)"
    ).fetchall()}
    assert clustered_before == {True, False}  # chance clusters of the steady topics, and the new topic
    # labelled passages of three steady topics, as a head fitted on articles about them would keep: each article
    # labelled with its topic's narrative; topics 3-4 (the reference period needs passages) and the new topic are
    # nowhere in them
    rng = np.random.default_rng(5)
    articles = [np.array([vector(rng, TOPICS[k]) for _ in range(4)], dtype=np.float32) for k in range(3) for _ in range(6)]
    gold = [{f"n{k}"} for k in range(3) for _ in range(6)]
    head = tmp_path / "narrative_head.json"
    PassageMemory.of_documents(articles, gold, ["n0", "n1", "n2"], "m").save(memory_path(head))
    with_memory = settings.model_copy(update={"narrative_head": head})
    with caplog.at_level(logging.INFO):
        results = compute_discovery(writer, with_memory)
    assert not any(r.skipped for r in results)  # the memory is part of each week's fingerprint
    assert "named by the head's labelled passages, left out" in caplog.text
    assert sum(r.candidates for r in results) < 0.75 * sum(r.candidates for r in first)
    con = duckdb.connect(str(settings.db), read_only=True)
    texts = [t for (t,) in con.execute("SELECT p.text FROM emerging_cluster_passages m JOIN passages p USING (passage_id)")
             .fetchall()]
    con.close()
    assert any("pipeline" in t for t in texts)  # the new topic is still found
    assert not any(t.endswith(("topic0", "topic1", "topic2")) for t in texts)  # the named topics are out
    assert all(r.skipped for r in compute_discovery(writer, with_memory))
    # without the similarity floor a topic far from every labelled passage is named by the nearest ones (this
    # labelled set has no unlabelled articles): the new topic is lost
    compute_discovery(writer, with_memory.model_copy(update={"discovery_neighbour_min_similarity": -1.0}))
    con = duckdb.connect(str(settings.db), read_only=True)
    assert not con.execute("SELECT count(*) FROM emerging_cluster_passages m JOIN passages p USING (passage_id) "
                           "WHERE p.text LIKE '%pipeline%'").fetchone()[0]
    con.close()
    # labelled passages embedded with another model are not used (and say so)
    PassageMemory.of_documents(articles, gold, ["n0", "n1", "n2"], "other-model").save(memory_path(head))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        other = compute_discovery(writer, with_memory)
    assert "embedded with other-model" in caplog.text
    assert [r.candidates for r in other if not r.skipped] == [r.candidates for r in first if not r.skipped]
