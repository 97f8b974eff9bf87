"""Unit tests of text reuse and lead-lag (models/reuse.py, models/leadlag.py), the incremental step on a real
DuckDB file (flows/reuse_step.py, hand-made rows and vectors), and the outlet tier in sources files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from extractors.sources import SourcesError, parse_sources
from models.leadlag import (
    LeadLagParams,
    Posting,
    best_lag,
    daily_series,
    find_waves,
    lead_lag,
    leadlag_pairs,
    wave_roles,
)
from models.reuse import (
    CopyLink,
    Edge,
    PassageRef,
    ReuseParams,
    article_copies,
    build_cluster,
    connected_groups,
    find_copies,
    first_publisher,
    jaccard,
    shingles,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXT = ("The ministry said on Monday that the new pipeline would carry gas to the coast by the end of the year, "
        "and that talks with the neighbouring states had gone well despite the sanctions.")


def ref(pid: str, source: str, hours: float | None, text: str = TEXT, article: str | None = None,
        fetched: float | None = 0) -> PassageRef:
    return PassageRef(pid, article or "a-" + pid, source, None if hours is None else T0 + timedelta(hours=hours),
                      None if fetched is None else T0 + timedelta(hours=fetched), text)


def test_shingle_jaccard_is_one_for_a_copy_and_low_for_a_rewrite() -> None:
    rewrite = ("Gas will reach the coastline through the fresh pipeline before twelve months are out, the ministry "
               "stated on Monday; negotiations with nearby nations went smoothly in spite of sanctions.")
    assert jaccard(shingles(TEXT), shingles(TEXT.upper())) == 1.0
    assert jaccard(shingles(TEXT), shingles(rewrite)) < 0.1
    assert jaccard(shingles(""), shingles(TEXT)) == 0.0
    assert shingles("two words") == shingles("Two   words!")


def test_find_copies_needs_both_the_cosine_and_the_wording() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(4, 16)).astype(np.float32)
    near = v[0] + 0.01 * rng.normal(size=16).astype(np.float32)
    rewrite = "Gas will reach the coastline via a fresh pipeline this year, officials stated, and neighbours agreed."
    new = [ref("n1", "mirror", 24), ref("n2", "rewriter", 48, rewrite), ref("n3", "other", 30, TEXT)]
    pool = [ref("o1", "origin", 0), ref("o2", "origin", 1, "Unrelated words about football scores and the weather "
                                                          "in the north, which was cold and grey all week long.")]
    vectors_new = np.stack([near, near, v[2]])  # n2: same meaning, other words; n3: same words, far vector
    edges = find_copies(new, vectors_new, pool, np.stack([v[0], v[1]]), ReuseParams(min_cosine=0.9, min_jaccard=0.5))
    assert [(e.a, e.b) for e in edges] == [("n1", "o1")]
    assert edges[0].cosine > 0.99 and edges[0].jaccard == 1.0


def test_same_outlet_same_article_too_far_apart_or_too_short_is_not_reuse() -> None:
    v = np.ones((1, 8), dtype=np.float32)
    params = ReuseParams(window_days=7)
    pool = [ref("o1", "origin", 0)]
    assert find_copies([ref("n1", "origin", 24)], v, pool, v, params) == []  # same outlet
    assert find_copies([ref("n1", "mirror", 24, article="a-o1")], v, pool, v, params) == []  # same article
    assert find_copies([ref("n1", "mirror", 24 * 8)], v, pool, v, params) == []  # outside the window
    short = [ref("n1", "mirror", 24, "Gas to the coast."), ]
    assert find_copies(short, v, [ref("o1", "origin", 0, "Gas to the coast.")], v, params) == []
    assert len(find_copies([ref("n1", "mirror", None)], v, pool, v, params)) == 1  # undated: compared, kept


def test_first_publisher_ties_and_missing_dates_are_explicit() -> None:
    first, tied = first_publisher([ref("b", "mirror", 5), ref("a", "origin", 0), ref("c", "x", None, fetched=-10)])
    assert (first.passage_id, tied) == ("a", False)
    # the same instant at two outlets: a tie, broken by fetch time
    first, tied = first_publisher([ref("a", "origin", 0, fetched=3), ref("b", "mirror", 0, fetched=1)])
    assert (first.passage_id, tied) == ("b", True)
    # nobody dated: the earliest fetched, no lags
    cluster = build_cluster([ref("a", "origin", None, fetched=5), ref("b", "mirror", None, fetched=2)],
                            {"a": np.ones(4), "b": np.ones(4)}, ReuseParams())
    assert cluster is not None and cluster.first.passage_id == "b"
    assert [m.lag_hours for m in cluster.members] == [None, None]


def test_clusters_join_stored_ones_and_keep_the_earliest_first() -> None:
    edges = [Edge("n1", "o1", 0.99, 1.0), Edge("n2", "n3", 0.95, 0.8)]
    groups = connected_groups(edges, seeds={"o1": "c-old", "o0": "c-old"})
    assert sorted(groups) == [["n1", "o0", "o1"], ["n2", "n3"]]
    refs = [ref("o0", "origin", 0), ref("o1", "mirror", 26), ref("n1", "third", 50)]
    cluster = build_cluster(refs, {r.passage_id: np.ones(4) for r in refs}, ReuseParams())
    assert cluster is not None and cluster.cluster_id == "o0" and cluster.n_outlets == 3
    assert [(m.source_id, m.lag_hours, m.is_first) for m in cluster.members] == [
        ("origin", 0.0, True), ("mirror", 26.0, False), ("third", 50.0, False)]
    assert build_cluster([ref("x", "same", 0), ref("y", "same", 3)], {}, ReuseParams()) is None


def test_whole_article_republication_is_flagged() -> None:
    links = [CopyLink("copy", "mirror", f"p{i}", 24.0 + i, "orig", "origin") for i in range(4)]
    links.append(CopyLink("quote", "blog", "q1", 30.0, "orig", "origin"))
    out = {c.article_id: c for c in article_copies(links, {"copy": 5, "quote": 6}, ReuseParams(whole_article_share=0.8))}
    assert out["copy"].whole_article and out["copy"].share == 0.8 and out["copy"].lag_hours == 24.0
    assert not out["quote"].whole_article and out["quote"].copied_passages == 1


def test_best_lag_finds_a_planted_lead_in_either_direction() -> None:
    rng = np.random.default_rng(3)
    a = (rng.random(42) < 0.3).astype(float)
    b = np.concatenate([[0, 0], a[:-2]])
    assert best_lag(a, b, 7) == (2, pytest.approx(1.0))
    assert best_lag(b, a, 7)[0] == -2
    assert best_lag(np.zeros(42), b, 7) == (0, 0.0)  # a constant series: no NaN, no lead


def test_the_permutation_interval_excludes_zero_for_a_lead_and_not_for_noise() -> None:
    rng = np.random.default_rng(5)
    params = LeadLagParams(permutations=1000)
    lead_found = noise_found = 0
    for _ in range(20):
        a = (rng.random(42) < 0.25).astype(float)
        follow = np.concatenate([[0, 0], a[:-2]]) + (rng.random(42) < 0.1)
        lead_found += lead_lag(a, follow, params, rng=rng).significant
        noise_found += lead_lag(a, (rng.random(42) < 0.3).astype(float), params, rng=rng).significant
    assert lead_found >= 18 and noise_found <= 3, (lead_found, noise_found)  # alpha 0.05 per pair here


def test_leadlag_pairs_name_leader_and_follower_and_skip_thin_series() -> None:
    start = date(2026, 3, 2)
    rng = np.random.default_rng(1)
    days = [int(d) for d in sorted(rng.choice(40, 10, replace=False))]
    rows = [("n1", "state", start + timedelta(days=d), 1) for d in days]
    rows += [("n1", "alt", start + timedelta(days=d + 2), 2) for d in days if d + 2 < 42]
    rows += [("n1", "mainstream", start + timedelta(days=3), 1)]  # one article: too thin
    series = daily_series(rows, start, 42)
    out = leadlag_pairs({"tier": series}, LeadLagParams(permutations=500))
    assert [(r.leader, r.follower, r.lag_days) for r in out] == [("state", "alt", 2)]
    assert out[0].result.significant and out[0].leader_articles == 10


def test_waves_count_who_opens_and_who_follows() -> None:
    posts = [Posting("n", "state", T0), Posting("n", "alt1", T0 + timedelta(days=2)),
             Posting("n", "alt2", T0 + timedelta(days=2, hours=3)),
             Posting("n", "alt1", T0 + timedelta(days=10)), Posting("n", "state", T0 + timedelta(days=10)),
             Posting("m", "alt2", T0 + timedelta(days=1))]
    waves = find_waves(posts, LeadLagParams(wave_gap_days=3))
    assert len(waves) == 3
    assert wave_roles(waves) == {"state": (2, 0), "alt1": (1, 1), "alt2": (1, 1)}


def test_sources_tier_is_optional_validated_and_free_text_allowed() -> None:
    base = "sources:\n  - {name: A, feed_url: 'https://a.example/rss', camp: resistance, language: en, homepage: 'https://a.example/'"
    assert parse_sources(base + "}\n")[0].tier is None
    assert parse_sources(base + ", tier: state}\n")[0].tier == "state"
    assert parse_sources(base + ", tier: aggregator}\n")[0].tier == "aggregator"
    with pytest.raises(SourcesError, match="line 2: tier 'State Media'"):
        parse_sources(base + ", tier: State Media}\n")


def test_the_shipped_outlet_list_has_a_tier_for_every_outlet() -> None:
    from extractors.sources import load_sources

    sources = load_sources(Path(__file__).resolve().parent.parent / "config" / "sources.yaml")
    assert {s.tier for s in sources} == {"state", "alt", "mainstream"}


# -- the incremental step on a real DuckDB file --------------------------------------------------------------
def _add_article(con, article: str, source: str, published: datetime | None, texts: list[str], vecs: np.ndarray) -> None:
    con.execute("INSERT INTO articles (article_id, source_id, url, published_at, fetched_at, status, text) "
                "VALUES (?, ?, ?, ?, ?, 'ok', '')", [article, source, f"http://127.0.0.1/{source}/{article}", published,
                                                     (published or T0) + timedelta(hours=1)])
    for i, (text, vec) in enumerate(zip(texts, vecs, strict=True)):
        pid = f"{article}-{i}"
        con.execute("INSERT INTO passages VALUES (?, ?, ?, ?, ?, 0, 1)", [pid, article, i, text, pid])
        con.execute("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES (?, 'm', ?, ?)",
                    [pid, len(vec), vec.tolist()])
        con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, params_hash, source_id, "
                    "day, article_id) VALUES (?, 'm', 'c', 'x', ?, ?, ?)",
                    [pid, source, published.date() if published else None, article])


def test_the_step_is_incremental_idempotent_and_survives_missing_dates(tmp_path: Path) -> None:
    from flows.reuse_step import compute_leadlag, detect_reuse
    from warehouse.writer import Writer

    writer = Writer(tmp_path / "radar.duckdb")
    rng = np.random.default_rng(0)
    texts = [f"{TEXT} Paragraph {i} adds its own details about shipment number {i * 37} and port {i}." for i in range(3)]
    vecs = rng.normal(size=(3, 384)).astype(np.float32)
    with writer.transaction() as con:
        for s, tier in (("origin", "state"), ("mirror", "alt"), ("other", "alt")):
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, tier) VALUES "
                        "(?, ?, ?, 'resistance', 'en', ?)", [s, s.title(), f"http://127.0.0.1/{s}", tier])
        _add_article(con, "orig", "origin", T0, texts, vecs)
        _add_article(con, "own", "other", T0 + timedelta(hours=2), ["Something else entirely " * 5],
                     rng.normal(size=(1, 384)).astype(np.float32))
    params = ReuseParams()
    first = detect_reuse(writer, params)
    assert (first.articles, first.edges) == (2, 0)
    with writer.transaction() as con:
        _add_article(con, "copy", "mirror", T0 + timedelta(hours=25), texts, vecs)
        _add_article(con, "undated", "other", None, texts[:1], vecs[:1])
    second = detect_reuse(writer, params)
    assert second.articles == 2 and second.article_copies == 2
    assert detect_reuse(writer, params).articles == 0  # nothing new: nothing compared
    with writer.transaction() as con:
        copies = con.execute("SELECT article_id, original_article_id, whole_article, lag_hours "
                             "FROM reuse_article_copies ORDER BY 1").fetchall()
        firsts = con.execute("SELECT DISTINCT first_source_id FROM reuse_clusters").fetchall()
    assert copies == [("copy", "orig", True, 25.0), ("undated", "orig", True, None)]
    assert firsts == [("origin",)]
    assert compute_leadlag(writer, LeadLagParams(permutations=200), T0.date()) == 1
    with writer.transaction() as con:
        influence = dict(con.execute("SELECT source_id, copied_from_top FROM outlet_influence").fetchall())
    assert influence["mirror"] == "origin"


def test_the_family_null_keeps_false_leads_rare_however_many_pairs_are_tested() -> None:
    """30 narratives of independent noise in three tiers (90 pairs) per week, 20 weeks: at alpha 0.05 family-wise,
    a week with any false lead is rare; a planted lead among them is still found."""
    rng = np.random.default_rng(11)
    params = LeadLagParams(permutations=500)
    weeks_with_false_leads = planted_found = 0
    for _ in range(20):
        series = {(f"n{k}", tier): (rng.random(42) < 0.3).astype(float)
                  for k in range(30) for tier in ("state", "alt", "mainstream")}
        lead = (rng.random(42) < 0.3).astype(float)
        series[("planted", "state")] = lead
        series[("planted", "alt")] = np.concatenate([[0, 0], lead[:-2]]) + (rng.random(42) < 0.05)
        out = leadlag_pairs({"tier": series}, params)
        weeks_with_false_leads += any(r.result.significant for r in out if r.narrative_id != "planted")
        planted_found += any(r.result.significant and (r.leader, r.follower, r.lag_days) == ("state", "alt", 2)
                             for r in out if r.narrative_id == "planted")
    assert weeks_with_false_leads <= 3 and planted_found >= 18, (weeks_with_false_leads, planted_found)


def test_the_window_index_finds_near_duplicates_and_always_identical_texts() -> None:
    """Beyond `exact_pairs` the inverted-file index scores only pairs sharing a cell: on clustered vectors (topic
    directions plus noise, as news passages are) it finds the near-duplicates the all-pairs product finds."""
    from models.reuse import close_pairs, normalized

    rng = np.random.default_rng(7)
    topics = normalized(rng.normal(size=(50, 64)).astype(np.float32))
    pool = normalized(topics[rng.integers(0, 50, 6000)] + 0.6 * rng.normal(size=(6000, 64)).astype(np.float32) / 8)
    new = normalized(topics[rng.integers(0, 50, 600)] + 0.6 * rng.normal(size=(600, 64)).astype(np.float32) / 8)
    new[:60] = normalized(pool[:60] + 0.01 * rng.normal(size=(60, 64)).astype(np.float32))
    exact = set(zip(*close_pairs(new, pool, 0.95, exact_pairs=10**9)[:2], strict=True))
    indexed = set(zip(*close_pairs(new, pool, 0.95, exact_pairs=0)[:2], strict=True))
    assert {(i, i) for i in range(60)} <= exact and indexed <= exact
    assert len(indexed & exact) >= 0.95 * len(exact), (len(indexed), len(exact))
    # forced through the index with a pool smaller than its usual cell count: every identical text still meets
    refs = [ref(f"n{i}", "mirror", 24, f"{TEXT} Item {i}.") for i in range(40)]
    pool_refs = [ref(f"o{i}", "origin", 0, f"{TEXT} Item {i}.") for i in range(40)]
    vecs = normalized(rng.normal(size=(40, 64)).astype(np.float32))
    edges = find_copies(refs, vecs, pool_refs, vecs, ReuseParams(exact_pairs=0))
    assert sorted((e.a, e.b) for e in edges) == sorted((f"n{i}", f"o{i}") for i in range(40))


def test_commands_fail_in_one_line_on_a_bad_date_or_a_missing_warehouse(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["copies", "--db", str(tmp_path / "none.duckdb"), "--since", "last week"])
    assert bad.exit_code == 1 and "is not a date" in bad.output and "Traceback" not in bad.output
    for command in (["copies"], ["leadlag"]):
        out = runner.invoke(app, [*command, "--db", str(tmp_path / "none.duckdb")])
        assert out.exit_code == 1 and "no database" in out.output, out.output


def test_a_backfill_of_a_month_is_compared_batch_by_batch_into_one_cluster(tmp_path: Path) -> None:
    """Articles over 30 days arrive in one run: batches of 14 days, each with its own window; a copy across a batch
    boundary lands in one cluster (found from both sides, merged through the stored members)."""
    from flows.reuse_step import detect_reuse
    from warehouse.writer import Writer

    writer = Writer(tmp_path / "radar.duckdb")
    rng = np.random.default_rng(2)
    with writer.transaction() as con:
        for s in ("origin", "mirror", "other"):
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language) VALUES (?, ?, ?, 'resistance', 'en')",
                        [s, s.title(), f"http://127.0.0.1/{s}"])
        for day in range(30):
            _add_article(con, f"d{day}", "other", T0 + timedelta(days=day), [f"{TEXT} Day {day} alone."],
                         rng.normal(size=(1, 384)).astype(np.float32))
        vec = rng.normal(size=(1, 384)).astype(np.float32)
        _add_article(con, "orig", "origin", T0 + timedelta(days=14, hours=2), [TEXT], vec)
        _add_article(con, "copy", "mirror", T0 + timedelta(days=16), [TEXT], vec)
    counts = detect_reuse(writer, ReuseParams())
    assert counts.articles == 32
    with writer.transaction() as con:
        members = con.execute("SELECT cluster_id, article_id, is_first, lag_hours FROM reuse_members ORDER BY 2").fetchall()
    assert members == [("orig-0", "copy", False, 46.0), ("orig-0", "orig", True, 0.0)]


def test_an_article_waits_until_every_passage_is_classified(tmp_path: Path) -> None:
    from flows.reuse_step import detect_reuse
    from warehouse.writer import Writer

    writer = Writer(tmp_path / "radar.duckdb")
    vec = np.random.default_rng(4).normal(size=(1, 384)).astype(np.float32)
    with writer.transaction() as con:
        _add_article(con, "orig", "origin", T0, [TEXT], vec)
        _add_article(con, "copy", "mirror", T0 + timedelta(hours=20), [TEXT], vec)
        # a second passage of the copy, embedded but not classified yet (a run killed between the two steps)
        con.execute("INSERT INTO passages VALUES ('copy-1', 'copy', 1, 'A late paragraph.', 'copy-1', 0, 1)")
    assert detect_reuse(writer, ReuseParams()).articles == 1  # the original only
    with writer.transaction() as con:
        con.execute("INSERT INTO passage_classifications (passage_id, model_id, catalog_hash, params_hash, source_id, "
                    "day, article_id) VALUES ('copy-1', 'm', 'c', 'x', 'mirror', ?, 'copy')", [T0.date()])
        con.execute("INSERT INTO embeddings (text_hash, model_id, dim, vector) VALUES ('copy-1', 'm', 384, ?)",
                    [vec[0].tolist()])
    later = detect_reuse(writer, ReuseParams())
    assert later.articles == 1 and later.article_copies == 1
