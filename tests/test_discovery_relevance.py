"""Relevance before alerting on a world of real text: outlets that also post off-topic news (benchmarks/worlds/realworld.py's
`filler` rhythm: real news pages of the Zyte extraction benchmark, nothing planted, the full catalogue), ingested by
the real `daily_ingest` over 127.0.0.1. Discovery finds the off-topic news as clusters; they are listed as off-topic
with their nearest family and muted topic, and none raises an `emerging` alert. The rule's floor was measured on
seeds 500+ (benchmarks/discovery_relevance.py); this world's seed was not used to choose it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from benchmarks.worlds import realworld
from benchmarks.worlds.realworld import ingest_world, query

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_backend"),
    pytest.mark.skipif(not realworld.available() or not realworld.ZYTE.exists(),
                       reason=f"SemEval-2025 T10 texts or the Zyte pages not found under {realworld.SEMEVAL.parents[1]}"),
]
SEED = 3


@pytest.fixture(scope="module")
def world_db(tmp_path_factory, prefect_backend, semeval_vector_cache) -> tuple[realworld.World, Path]:
    from flows.settings import Settings

    world = realworld.plan_world(realworld.load_docs(), SEED, planted=False, weeks=6, rhythm="filler",
                                 filler=realworld.load_filler())
    workdir = tmp_path_factory.mktemp("relevance-world")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        db = ingest_world(world, workdir, server, Settings(concurrency=4, fetch_retries=0), semeval_vector_cache)
    finally:
        server.stop()
    return world, db


def filler_shares(world: realworld.World, db: Path) -> dict[str, float]:
    """Each cluster's share of off-topic (filler) articles, over every week it was found in."""
    filler = {p.doc.doc_id.lower() for p in world.postings if p.doc.topic == "FILLER"}
    rows = query(db, "SELECT DISTINCT m.cluster_id, a.article_id, coalesce(a.canonical_url, a.url) "
                     "FROM emerging_cluster_passages m JOIN articles a USING (article_id)")
    members: dict[str, list[bool]] = {}
    for cluster_id, _, url in rows:
        members.setdefault(cluster_id, []).append(url.rstrip("/").rsplit("/", 1)[-1] in filler)
    return {c: sum(flags) / len(flags) for c, flags in members.items()}


def test_off_topic_clusters_are_listed_as_such_and_never_alerted(world_db) -> None:
    world, db = world_db
    shares = filler_shares(world, db)
    off = {c: (family, topic) for c, family, topic in query(
        db, "SELECT cluster_id, nearest_family, muted_topic FROM emerging_cluster_weekly WHERE off_topic")}
    filler_clusters = {c for c, share in shares.items() if share > 0.5}
    assert filler_clusters and off, (shares, off)
    # every off-topic verdict names what it was judged against
    assert all(family and topic for family, topic in off.values()), off
    # most clusters of off-topic news are judged off-topic (measured on seeds 500+: see docs/discovery.md)
    assert len(filler_clusters & set(off)) >= 0.6 * len(filler_clusters), (filler_clusters, off)
    alerted = {n.removeprefix("emerging:") for (n,) in query(db, "SELECT narrative_id FROM alerts WHERE kind = 'emerging'")}
    assert not alerted & set(off), (alerted, off)
    # the rule's purpose: no cluster made mostly of off-topic news raises an alert
    assert not alerted & filler_clusters, (alerted, {c: shares[c] for c in alerted})
    summary = dict(query(db, "SELECT cluster_id, off_topic FROM emerging_clusters"))
    assert all(value is not None for value in summary.values())


def test_discover_and_the_report_show_off_topic_clusters(world_db, tmp_path) -> None:
    import html

    import duckdb

    from flows.cli import app
    from flows.discovery_relevance import relevance_text
    from flows.report_discovery import load_emerging
    from flows.report_html import write_report

    _, db = world_db
    weeks = [w for (w,) in query(db, "SELECT DISTINCT week FROM emerging_cluster_weekly WHERE off_topic ORDER BY week")]
    assert weeks
    runner = CliRunner()
    listed = json.loads(runner.invoke(app, ["discover", "--db", str(db), "--week", weeks[-1], "--format", "json"]).output)
    flags = [c["off_topic"] for c in listed]
    assert any(flags) and flags == sorted(flags)  # off-topic clusters after the others
    shown = next(c for c in listed if c["off_topic"])
    assert shown["nearest_family"] and shown["family_similarity"] is not None and shown["muted_topic"]
    table = runner.invoke(app, ["discover", "--db", str(db), "--week", weeks[-1]], env={"COLUMNS": "400"})
    assert table.exit_code == 0 and "off-topic:" in table.output, table.output
    out = tmp_path / "report.html"
    write_report(db, out)
    text = out.read_text(encoding="utf-8")
    con = duckdb.connect(str(db), read_only=True)
    try:
        reported = load_emerging(con)
    finally:
        con.close()
    # each off-topic cluster the report shows is marked as such, with what it was judged against
    assert text.count("off-topic, not alerted") == sum(bool(c["off_topic"]) for c in reported)
    for c in reported:
        assert c["cluster_id"] in text and html.escape(relevance_text(c)) in text
