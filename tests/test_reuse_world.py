"""Text reuse and narrative lead-lag on a world of real news text (benchmarks/worlds/reuse_world.py) served over local HTTP
and ingested by the real `daily_ingest` (embed, classify, analyze).

Planted world (seed 0): Mirror Net republishes 6 of Origin Daily's 8 articles a day later under its own URLs,
Rewrite Hub publishes paraphrases of 4 of them, nine outlets publish independent articles on the same two
topics, and the state outlet Kremlin Wire leads two alt outlets by 2 days on one narrative. Null world (seed 0):
the same outlets and articles, the alt outlets' articles on independent days. The thresholds were chosen on
seeds 100-119 (benchmarks/reuse_quality.py), never on this seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pytest_httpserver import HTTPServer

from benchmarks.worlds import realworld, reuse_world
from benchmarks.worlds.realworld import query
from benchmarks.worlds.reuse_world import LEAD_NARRATIVE, MIRROR, ORIGIN, REWRITER, STATE, ReuseWorld

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_backend"),
    pytest.mark.skipif(not realworld.available(), reason=f"SemEval-2025 T10 texts not found at {realworld.SEMEVAL}"),
]
SEED = 0


@pytest.fixture(scope="module")
def worlds(tmp_path_factory, prefect_backend, semeval_vector_cache) -> dict[bool, tuple[ReuseWorld, Path, str]]:
    """The planted and the null world, each ingested once for the module; (world, warehouse, base URL)."""
    from flows.settings import Settings

    docs = realworld.load_docs()
    settings = Settings(concurrency=4, fetch_retries=0)
    built = {}
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        for planted in (True, False):
            world = reuse_world.plan_reuse_world(docs, SEED, planted)
            workdir = tmp_path_factory.mktemp(f"reuse-{'planted' if planted else 'null'}")
            db = reuse_world.ingest_reuse_world(world, workdir, server, settings, semeval_vector_cache)
            built[planted] = (world, db, server.url_for("").rstrip("/"))
            server.clear()
    finally:
        server.stop()
    return built


def _article_ids(db: Path) -> dict[str, str]:
    return {url.split("/", 3)[3]: a for a, url in query(db, "SELECT article_id, url FROM articles")}


def test_every_republished_article_is_found_with_its_first_publisher_and_lag(worlds) -> None:
    world, db, _ = worlds[True]
    ids = _article_ids(db)
    originals = {i.doc.doc_id: i for i in world.of_kind("original")}
    truth = {}
    for copy in world.of_kind("copy"):
        original = originals[copy.of]
        lag = (copy.published - original.published).total_seconds() / 3600
        truth[(ids[reuse_world.item_path(copy)[1:]], ids[reuse_world.item_path(original)[1:]])] = lag
    found = {(a, o): (lag, whole) for a, o, lag, whole in query(
        db, "SELECT article_id, original_article_id, lag_hours, whole_article FROM reuse_article_copies")}
    hits = set(found) & set(truth)
    precision = len(hits) / len(found) if found else 1.0
    recall = len(hits) / len(truth)
    print(f"\ncopy detection (article pairs, seed {SEED}): precision {precision:.2f} recall {recall:.2f} "
          f"({len(hits)} of {len(truth)} republished found, {len(found) - len(hits)} false)")
    assert recall == 1.0 and precision == 1.0, (sorted(found.items()), sorted(truth.items()))
    for key, lag in truth.items():
        assert found[key][0] == pytest.approx(lag, abs=0.01) and found[key][1] is True  # whole article


def test_every_copied_passage_cluster_names_the_origin_first(worlds) -> None:
    _, db, _ = worlds[True]
    rows = query(db, """SELECT s.name, c.first_tied, list(ms.name ORDER BY ms.name), list(m.lag_hours)
                        FROM reuse_clusters c JOIN sources s ON s.source_id = c.first_source_id
                        JOIN reuse_members m ON m.cluster_id = c.cluster_id AND NOT m.is_first
                        JOIN sources ms ON ms.source_id = m.source_id GROUP BY c.cluster_id, s.name, c.first_tied""")
    assert rows and all(first == ORIGIN and not tied for first, tied, _, _ in rows), rows
    assert all(names == [MIRROR] and all(20 <= lag <= 31 for lag in lags) for _, _, names, lags in rows), rows


def test_paraphrases_stay_close_in_meaning_far_in_wording_and_are_not_copies(worlds) -> None:
    """Each paraphrased passage's nearest original passage is close by cosine, far by shingle Jaccard; none
    of Rewrite Hub's passages is in a reuse cluster."""
    from models.reuse import jaccard, normalized, shingles

    world, db, _ = worlds[True]
    ids = _article_ids(db)
    originals = {i.doc.doc_id: i for i in world.of_kind("original")}
    cosines, jaccards = [], []
    for para in world.of_kind("paraphrase"):
        pair = [ids[reuse_world.item_path(x)[1:]] for x in (para, originals[para.of])]
        rows = query(db, """SELECT p.article_id, p.text, e.vector FROM passages p
                            JOIN embeddings e ON e.text_hash = p.text_hash WHERE p.article_id IN (?, ?)""", pair)
        mine = [(t, v) for a, t, v in rows if a == pair[0]]
        theirs = [(t, v) for a, t, v in rows if a == pair[1]]
        sims = normalized(np.array([v for _, v in mine])) @ normalized(np.array([v for _, v in theirs])).T
        for i, (text, _) in enumerate(mine):
            j = int(sims[i].argmax())
            cosines.append(float(sims[i, j]))
            jaccards.append(jaccard(shingles(text), shingles(theirs[j][0])))
    print(f"\nparaphrased passages vs nearest original passage: cosine median {np.median(cosines):.2f}, "
          f"shingle Jaccard median {np.median(jaccards):.2f} max {max(jaccards):.2f}")
    assert np.median(cosines) >= 0.8 and np.median(jaccards) <= 0.4
    rewriter = query(db, "SELECT count(*) FROM reuse_members m JOIN sources s USING (source_id) WHERE s.name = ?",
                     [REWRITER])[0][0]
    assert rewriter == 0


def test_independent_articles_on_the_same_topics_are_never_paired(worlds) -> None:
    """Only the origin and its republisher are in reuse clusters, in both worlds (the null world differs in its
    lead-lag only): no pair among the independent articles on the same two topics, nor with the paraphraser."""
    for planted, (_, db, _) in worlds.items():
        outlets = {name for (name,) in query(db, "SELECT DISTINCT s.name FROM reuse_members m "
                                                 "JOIN sources s USING (source_id)")}
        assert outlets == {ORIGIN, MIRROR}, (planted, outlets)


def test_the_state_outlet_leads_the_alt_tier_by_two_days_beyond_chance(worlds) -> None:
    _, db, _ = worlds[True]
    last_week = query(db, "SELECT max(week) FROM narrative_leadlag")[0][0]
    rows = query(db, "SELECT leader, follower, lag_days, strength, ci_low, ci_high, p_value, significant "
                     "FROM narrative_leadlag WHERE narrative_id = ? AND grouping = 'tier' AND week = ?",
                 [LEAD_NARRATIVE, last_week])
    print(f"\nplanted lead, {last_week}: {rows}")
    lead = [r for r in rows if {r[0], r[1]} == {"state", "alt"}]
    assert lead, rows
    leader, follower, lag, strength, low, _, _, significant = lead[0]
    assert (leader, follower, lag) == ("state", "alt", 2) and significant and low > 0 and strength > 0


def test_the_null_world_shows_no_significant_lead(worlds) -> None:
    _, db, _ = worlds[False]
    rows = query(db, "SELECT week, narrative_id, grouping, leader, follower, lag_days, ci_low, p_value "
                     "FROM narrative_leadlag WHERE significant")
    tested = query(db, "SELECT count(*) FROM narrative_leadlag")[0][0]
    print(f"\nnull world: {tested} narrative-pair-weeks tested, {len(rows)} significant")
    assert tested > 0 and rows == []


def test_outlets_first_on_waves_and_who_copies_whom(worlds) -> None:
    _, db, _ = worlds[True]
    rows = {name: (firsts, follows, made, received, cf, cb) for name, firsts, follows, made, received, cf, cb in query(
        db, """SELECT s.name, sum(firsts), sum(follows), sum(copies_made), sum(copies_received),
                      any_value(f.name) FILTER (WHERE f.name IS NOT NULL), any_value(b.name) FILTER (WHERE b.name IS NOT NULL)
               FROM outlet_influence i JOIN sources s USING (source_id)
               LEFT JOIN sources f ON f.source_id = i.copied_from_top LEFT JOIN sources b ON b.source_id = i.copied_by_top
               GROUP BY s.name""")}
    assert rows[MIRROR][2] == 6 and rows[MIRROR][4] == ORIGIN
    assert rows[ORIGIN][3] == 6 and rows[ORIGIN][5] == MIRROR
    assert rows[STATE][0] > rows[STATE][1], rows[STATE]


def test_rerunning_analyze_adds_nothing(worlds) -> None:
    from flows.analyze import analyze
    from flows.settings import Settings

    _, db, _ = worlds[True]
    tables = ("reuse_clusters", "reuse_members", "reuse_article_copies", "narrative_leadlag", "outlet_influence")
    before = {t: query(db, f"SELECT * EXCLUDE (computed_at) FROM {t} ORDER BY ALL" if t in (
        "reuse_clusters", "narrative_leadlag") else f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    counts = analyze(db_path=str(db), settings=Settings(db=db))
    assert counts["copying_articles"] == 0
    after = {t: query(db, f"SELECT * EXCLUDE (computed_at) FROM {t} ORDER BY ALL" if t in (
        "reuse_clusters", "narrative_leadlag") else f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    assert after == before


def test_copies_and_leadlag_commands(worlds) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    world, db, base = worlds[True]
    runner = CliRunner()
    out = runner.invoke(app, ["copies", "--db", str(db), "--format", "json"])
    assert out.exit_code == 0, out.output
    clusters = json.loads(out.output)
    origin_urls = {base + reuse_world.item_path(i) for i in world.of_kind("original")}
    copy_urls = {base + reuse_world.item_path(i) for i in world.of_kind("copy")}
    assert {c["first_url"] for c in clusters} <= origin_urls
    assert {x["url"] for c in clusters for x in c["copies"]} == copy_urls
    assert all(20 <= x["lag_hours"] <= 31 and x["whole_article"] for c in clusters for x in c["copies"])
    table = runner.invoke(app, ["copies", "--db", str(db), "--since", "2026-01-01"])
    assert table.exit_code == 0 and MIRROR in table.output and ORIGIN in table.output
    lead = runner.invoke(app, ["leadlag", "--db", str(db), "--narrative", LEAD_NARRATIVE])
    assert lead.exit_code == 0 and "state" in lead.output and STATE in lead.output, lead.output


def test_report_has_the_who_leads_section(worlds, tmp_path) -> None:
    from flows.report_html import write_report

    _, db, _ = worlds[True]
    out = tmp_path / "report.html"
    write_report(db, out)
    text = out.read_text(encoding="utf-8")
    assert "Who leads" in text and "chart-leadlag" in text and "id='copy-table'" in text
    assert MIRROR in text and ORIGIN in text
