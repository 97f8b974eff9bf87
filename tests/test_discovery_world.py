"""Discovery on a world of real news text (benchmarks/worlds/discovery_world.py): a narrative removed from the catalogue
emerges at six outlets from week 3; the real `daily_ingest` (embed, classify, analyze with discovery) runs over
local HTTP, first without the world's last day, then with it.

Checked: a surfaced cluster carries the removed narrative above its chance rate; the full-catalogue control
surfaces no catalogued narrative above chance; ids are stable across a re-run and across the added day;
`radar discover`, the report and the export show the clusters; promoting a cluster and re-running classify labels
its passages without re-embedding. Seeds 0-1 here; the defaults were chosen on seeds 200+
(benchmarks/discovery_quality.py).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from benchmarks.worlds import realworld
from benchmarks.worlds.discovery_world import (
    base_rates,
    catalogue_without,
    cluster_quality,
    clusters_above_chance,
    lost_ids,
    majority_clusters,
    plan_emerging_world,
    without_last_day,
)
from benchmarks.worlds.realworld import ingest_world, query

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_backend"),
    pytest.mark.skipif(not realworld.available(), reason=f"SemEval-2025 T10 texts not found at {realworld.SEMEVAL}"),
]
ROOT = Path(__file__).resolve().parents[1]
LABEL, NARRATIVE = "URW: Discrediting the West, Diplomacy", "urw_discrediting_the_west_diplomacy"
SEED = 0
SNAPSHOT = (("SELECT cluster_id, week, passages, status, array_to_string(keywords, ', ') FROM emerging_cluster_weekly "
            "ORDER BY week, cluster_id"),
            "SELECT week, passage_id, cluster_id FROM emerging_cluster_passages ORDER BY week, passage_id",
            "SELECT week, fingerprint, candidates FROM emerging_weeks ORDER BY week")


def snapshot(db: Path) -> tuple[list, list, list]:
    return query(db, SNAPSHOT[0]), query(db, SNAPSHOT[1]), query(db, SNAPSHOT[2])


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_backend, semeval_vector_cache) -> dict:
    """The world ingested without its last day, analyzed again, then ingested with the last day."""
    from flows.analyze import analyze
    from flows.settings import Settings

    docs = realworld.load_docs()
    world = plan_emerging_world(docs, SEED, LABEL)
    workdir = tmp_path_factory.mktemp("discovery-world")
    reduced = catalogue_without(ROOT / "config" / "narratives.yaml", NARRATIVE, workdir / "narratives.yaml")
    settings = Settings(concurrency=4, fetch_retries=0, narratives=reduced)
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        db = ingest_world(without_last_day(world), workdir, server, settings, semeval_vector_cache)
        first = snapshot(db)
        analyze(db_path=str(db), settings=settings.model_copy(update={"db": db}))
        rerun = snapshot(db)
        server.clear()
        ingest_world(world, workdir, server, settings, semeval_vector_cache)
        added = snapshot(db)
    finally:
        server.stop()
    return {"world": world, "db": db, "settings": settings.model_copy(update={"db": db}), "first": first,
            "rerun": rerun, "added": added, "workdir": workdir}


def test_the_removed_narrative_surfaces_as_a_cluster_above_chance(built) -> None:
    world, db = built["world"], built["db"]
    carrying = sum(LABEL in p.doc.labels for p in world.postings)
    chance = base_rates(db, world, built["settings"].discovery_max_score).get(LABEL, 0.0)
    clusters = cluster_quality(db, world, LABEL)
    best = max(clusters, key=lambda c: (c["purity"] * c["recall"], c["purity"]))
    assert carrying >= 30 and chance < 0.3, (carrying, chance)
    # the best cluster: more than twice the label's share among the passages discovery may cluster
    assert best["purity"] >= 2 * chance, (best, chance, clusters)
    # clusters in which most articles carry the label, and together a fifth of its articles. The best single
    # cluster's recall is a draw (ids hash the server's port): 0.11-0.31 over 8 draws, below 0.2 in 2
    # (benchmarks/discovery_world_draws.py at commit 3b6a6b3); the majority clusters together held 0.31-0.57. With same-week merges split
    # back, 8 new draws: best recall 0.14-0.31, majority clusters 0.40-0.60, purity 0.65-1.0, control held in all.
    majority, with_label = majority_clusters(db, world, LABEL)
    found = set().union(*majority) & with_label
    assert majority and len(found) >= 0.2 * len(with_label), (len(majority), len(found), len(with_label))
    statuses = dict(query(db, "SELECT cluster_id, status FROM emerging_cluster_weekly WHERE cluster_id = ? "
                              "ORDER BY week LIMIT 1", [best["cluster_id"]]))
    assert statuses[best["cluster_id"]] == "new"


def test_ids_are_stable_across_a_rerun_and_an_added_day(built) -> None:
    first, rerun, added = built["first"], built["rerun"], built["added"]
    assert first[0], "no cluster at all"
    assert rerun == first  # re-running analyze recomputes nothing and changes nothing
    world = built["world"]
    last_week = world.iso_week(world.weeks - 1)
    before = {row for row in first[0] if row[1] < last_week}
    after = {row for row in added[0] if row[1] < last_week}
    assert before == after  # weeks whose window did not get the new day are untouched
    # the last week was computed again (a week whose discovery fails keeps its old rows and fingerprint)
    (old_print, old_n), (new_print, new_n) = ({w: (f, n) for w, f, n in s[2]}[last_week] for s in (first, added))
    assert new_print != old_print and new_n > old_n
    old_ids, new_ids, fate, dissolved = lost_ids(last_week, first[1], added[1])
    kept = old_ids & new_ids
    # Identity: a cluster keeps its id however the new day moved its centroid or most central passage, and one the
    # new day's clustering lost is kept by hysteresis; a neighbour may still absorb or split one (a recorded event)
    # or it may dissolve. Bar: two thirds of the ids kept. Measured (benchmarks/discovery_id_stability.py): this
    # scenario, 8 draws: 80 of 84 kept, at most 2 lost in a draw (kept share 0.82 or more); a CI draw on 38ee0c7 lost
    # 2 to one merge, which failed the earlier bar of "at most one lost". Worlds of seeds 0-31: 231 of 252 kept, 9
    # dissolved, 12 merged or split; 4 of 32 worlds lost 2 or more, the worst 4 of 7. Since same-week merges are split
    # back (and a duplicate-id failure was fixed), on 32 repeatable draws (--port 18100): 230 of 242 kept, against 225
    # without the split-back; the worst world kept 7 of 9.
    assert old_ids and len(kept) >= 2 / 3 * len(old_ids), (old_ids, new_ids, fate, dissolved)
    # a cluster that continues keeps its passages mostly
    old_members = {p: c for w, p, c in first[1] if w == last_week}
    new_members = {p: c for w, p, c in added[1] if w == last_week}
    same = [p for p, c in old_members.items() if c in kept and new_members.get(p) == c]
    assert len(same) >= 0.5 * sum(c in kept for c in old_members.values())


def test_discovery_is_incremental_and_tables_are_consistent(built) -> None:
    db = built["db"]
    weeks = query(db, "SELECT week, candidates, clustered, clusters FROM emerging_weeks ORDER BY week")
    assert [w for w, *_ in weeks] == [built["world"].iso_week(i) for i in range(built["world"].weeks)]
    for week, candidates, clustered, clusters in weeks:
        rows = query(db, "SELECT count(*), count(DISTINCT cluster_id) FROM emerging_cluster_passages WHERE week = ?", [week])
        assert rows[0] == (clustered, clusters) and clustered <= candidates
    # the daily view counts each passage once, in the cluster of its latest window
    total = query(db, "SELECT sum(passages) FROM emerging_daily")[0][0]
    assert total == query(db, "SELECT count(DISTINCT passage_id) FROM emerging_cluster_passages")[0][0]
    summary = query(db, "SELECT cluster_id, first_seen, last_seen, status, size FROM emerging_clusters")
    assert {c for c, *_ in summary} == {c for (c,) in query(db, "SELECT DISTINCT cluster_id FROM emerging_cluster_weekly")}
    assert all(f <= last and status in ("new", "growing", "stable", "fading") for _, f, last, status, _ in summary)
    alerts = query(db, "SELECT narrative_id, day, evidence FROM alerts WHERE kind = 'emerging' ORDER BY narrative_id, day")
    cooldown = built["settings"].discovery_alert_cooldown_days
    for i, (narrative_id, day, evidence) in enumerate(alerts):
        ev = json.loads(evidence)
        assert narrative_id == f"emerging:{ev['cluster_id']}" and ev["week_outlets"] >= built["settings"].discovery_alert_min_outlets and ev["top_passages"]
        assert ev["status"] in ("new", "growing") and ev["novelty_p"] <= built["settings"].discovery_alert_alpha
        if i and alerts[i - 1][0] == narrative_id:  # once per cooldown
            assert (day - alerts[i - 1][1]).days >= cooldown
    per_week = Counter(json.loads(evidence)["week"] for _, _, evidence in alerts)
    assert all(n <= built["settings"].discovery_alert_max_per_week for n in per_week.values())


def test_discover_command_report_and_export_show_the_clusters(built, tmp_path) -> None:
    from flows.cli import app
    from flows.report_html import write_report

    db, world = built["db"], built["world"]
    runner = CliRunner()
    result = runner.invoke(app, ["discover", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    clusters = json.loads(result.output)
    last_week = world.iso_week(world.weeks - 1)
    assert clusters and all(c["week"] == last_week for c in clusters)
    members = query(db, "SELECT DISTINCT m.cluster_id, coalesce(a.canonical_url, a.url) FROM emerging_cluster_passages m "
                        "JOIN articles a USING (article_id) WHERE m.week = ?", [last_week])
    for c in clusters:
        assert {"cluster_id", "keywords", "outlets", "camps", "first_seen", "passages", "urls", "novelty_p"} <= set(c)
        assert 0 <= c["novelty_p"] <= 1
        assert sorted(c["urls"]) == sorted(u for cid, u in members if cid == c["cluster_id"])
        assert c["keywords"] and len(c["outlets"]) >= 2
    kept = {cid for (cid,) in query(db, "SELECT cluster_id FROM emerging_cluster_events WHERE kind = 'retained' AND week = ?",
                                    [last_week])}
    assert {c["cluster_id"] for c in clusters if c["retained"]} == kept
    table = runner.invoke(app, ["discover", "--db", str(db), "--week", world.iso_week(3)])
    assert table.exit_code == 0 and "emerging clusters in " + world.iso_week(3) in table.output
    assert runner.invoke(app, ["discover", "--db", str(db), "--week", "June"]).exit_code == 1
    out = tmp_path / "report.html"
    write_report(db, out)
    text = out.read_text(encoding="utf-8")
    assert "<h2 id='emerging'>Emerging</h2>" in text and "chart-emerging-" in text
    assert clusters[0]["cluster_id"] in text
    result = runner.invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "parquet")])
    assert result.exit_code == 0 and (tmp_path / "parquet" / "emerging_daily.parquet").exists()


def test_promote_then_classify_labels_the_cluster_without_re_embedding(built, tmp_path) -> None:
    from flows.classify import classify_flow
    from flows.cli import app

    db = tmp_path / "promote.duckdb"
    shutil.copy(built["db"], db)
    catalogue = tmp_path / "narratives.yaml"
    shutil.copy(built["settings"].narratives, catalogue)
    world = built["world"]
    best = max(cluster_quality(db, world, LABEL), key=lambda c: (c["purity"] * c["recall"], c["purity"]))
    cluster_id = best["cluster_id"]
    embeddings = query(db, "SELECT count(*) FROM embeddings")[0][0]
    # its passages as surfaced (classifying again reruns discovery, which no longer sees the passages it labels)
    members = [p for (p,) in query(db, "SELECT DISTINCT passage_id FROM emerging_cluster_passages WHERE cluster_id = ?",
                                   [cluster_id])]
    result = CliRunner().invoke(app, ["narratives", "promote", cluster_id, "--id", "west_diplomacy_discovered",
                                      "--label", "Discovered: discrediting Western diplomacy", "--catalogue",
                                      str(catalogue), "--db", str(db)])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(app, ["narratives", "promote", cluster_id, "--id", "west_diplomacy_discovered",
                                     "--label", "x", "--catalogue", str(catalogue), "--db", str(db)])
    assert again.exit_code == 1 and "already exists" in again.output
    from models.catalogue import load_catalogue

    promoted = {n.narrative_id: n for n in load_catalogue(catalogue).narratives}["west_diplomacy_discovered"]
    # its central passages, each text once (one article can reach several outlets of the world), at most 5
    central = {" ".join(p["text"].split()) for (c,) in query(
        db, "SELECT central FROM emerging_cluster_weekly WHERE cluster_id = ?", [cluster_id]) for p in json.loads(c or "[]")}
    assert set(promoted.claims) <= central and len(set(promoted.claims)) == len(promoted.claims) == min(5, len(central))
    assert promoted.keywords
    settings = built["settings"].model_copy(update={"db": db, "narratives": catalogue})
    counts = classify_flow(db_path=str(db), settings=settings)
    assert counts["embedded"] == 0 and query(db, "SELECT count(*) FROM embeddings")[0][0] == embeddings
    labelled = {p for (p,) in query(db, "SELECT passage_id FROM passage_narratives WHERE narrative_id = ?",
                                    ["west_diplomacy_discovered"])}
    # A good part of the cluster, and far more of it than of the rest: over 18 draws of this scenario
    # (benchmarks/promote_labelling.py at commit 3b6a6b3) the labelled share of the cluster was 0.375-0.94 and 10-41 times the share
    # among the other passages (a bar of one half failed in about one draw in seven).
    inside = len(labelled & set(members)) / len(members)
    others = query(db, "SELECT count(*) FROM passage_classifications")[0][0] - len(members)
    outside = len(labelled - set(members)) / max(others, 1)
    assert inside >= 0.3 and inside >= 5 * outside, (inside, outside, len(members))
    # what the new narrative leaves unlabelled may still cluster: under the same id, marked, never alerted again
    statuses = {s for (s,) in query(db, "SELECT DISTINCT status FROM emerging_cluster_weekly WHERE cluster_id = ?", [cluster_id])}
    assert statuses <= {"promoted"}, statuses


def test_full_catalogue_control_surfaces_no_catalogued_narrative_above_chance(built, tmp_path) -> None:
    """With the whole catalogue, no cluster's majority gold label is above chance, except the emerging narrative
    itself when the catalogue's exemplar classifier leaves most of its passages unlabelled (then the catalogue
    does not name them in practice, and surfacing them is what discovery is for)."""
    from flows.classify import classify_flow

    db = tmp_path / "control.duckdb"
    shutil.copy(built["db"], db)
    settings = built["settings"].model_copy(update={"db": db, "narratives": ROOT / "config" / "narratives.yaml"})
    classify_flow(db_path=str(db), settings=settings)
    world = built["world"]
    clusters, above, rates = clusters_above_chance(db, world, LABEL, settings.discovery_max_score)
    assert clusters
    for c in above:
        assert c["majority"] == LABEL, (c, rates[c["majority"]])
        members = query(db, "SELECT count(DISTINCT m.passage_id), count(DISTINCT pn.passage_id) "
                            "FROM emerging_cluster_passages m LEFT JOIN passage_narratives pn ON pn.passage_id = "
                            "m.passage_id AND pn.narrative_id = ? WHERE m.cluster_id = ?", [NARRATIVE, c["cluster_id"]])
        passages, labelled = members[0]
        assert labelled < 0.5 * passages, (c, passages, labelled)
