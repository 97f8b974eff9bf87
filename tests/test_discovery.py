"""Unit tests of models/discovery.py: boilerplate, clustering, keywords, identity, status (pure functions)."""

from __future__ import annotations

import numpy as np

from models.discovery import (
    DiscoveryParams,
    Previous,
    boilerplate_mask,
    cluster_labels,
    ctfidf_keywords,
    describe_clusters,
    match_clusters,
    nearest_narrative,
    new_cluster_id,
    retain_clusters,
    retain_size,
    spanning,
    stable_pick,
    status_of,
    unit,
    unmerge_clusters,
)

DIM = 64


def blobs(rng: np.random.Generator, centres: np.ndarray, sizes: list[int], spread: float = 0.15) -> np.ndarray:
    """Unit vectors scattered around each centre."""
    return unit(np.vstack([c + spread * rng.standard_normal((n, DIM)) / np.sqrt(DIM) * 4 for c, n in zip(centres, sizes, strict=True)]))


def test_boilerplate_is_a_near_duplicate_in_many_articles_of_one_outlet() -> None:
    rng = np.random.default_rng(1)
    footer = unit(rng.standard_normal(DIM))[0]
    other = unit(rng.standard_normal((6, DIM)))
    # outlet A repeats the footer (tiny noise) in articles a1-a3; outlet B carries the same text once
    vectors = np.vstack([footer, footer + 1e-3, footer - 1e-3, footer, other])
    sources = ["A", "A", "A", "B", "A", "A", "B", "B", "B", "B"]
    articles = ["a1", "a2", "a3", "b1", "a1", "a2", "b2", "b3", "b4", "b5"]
    mask = boilerplate_mask(sources, articles, vectors, min_articles=3, similarity=0.95)
    assert mask.tolist() == [True, True, True] + [False] * 7
    # the same text twice in one article is not boilerplate
    assert not boilerplate_mask(["A", "A", "A"], ["a1", "a1", "a2"], np.vstack([footer] * 3), 3, 0.95).any()


def test_density_clusters_find_the_blobs_and_leave_scattered_passages_out() -> None:
    rng = np.random.default_rng(2)
    centres = unit(rng.standard_normal((3, DIM)))
    noise = unit(rng.standard_normal((7, DIM)))  # fewer than min_cluster_size: scattered, not a cluster
    vectors = np.vstack([blobs(rng, centres, [30, 25, 20]), noise])
    labels = cluster_labels(vectors, DiscoveryParams(min_cluster_size=8, min_samples=4, dims=16))
    truth = np.repeat([0, 1, 2], [30, 25, 20])
    for k in range(3):
        found = labels[:75][truth == k]
        assert (found == found[0]).mean() >= 0.9 and found[0] != -1
    assert len(set(labels[:75].tolist()) - {-1}) == 3
    assert (labels[75:] == -1).sum() >= 5  # HDBSCAN may attach a stray point to a nearby cluster
    again = cluster_labels(vectors, DiscoveryParams(min_cluster_size=8, min_samples=4, dims=16))
    assert again.tolist() == labels.tolist()  # deterministic


def test_a_window_larger_than_max_points_is_sampled_and_the_rest_assigned() -> None:
    rng = np.random.default_rng(3)
    centres = unit(rng.standard_normal((2, DIM)))
    vectors = blobs(rng, centres, [300, 300])
    labels = cluster_labels(vectors, DiscoveryParams(min_cluster_size=10, min_samples=5, max_points=200, dims=16))
    for half in (labels[:300], labels[300:]):
        values, counts = np.unique(half, return_counts=True)
        assert values[counts.argmax()] != -1 and counts.max() >= 270
    assert labels[0] != labels[300]


def test_ctfidf_keywords_are_the_words_distinctive_of_each_cluster() -> None:
    a = ["The grain corridor through the Black Sea was closed again", "Grain ships wait at the corridor",
         "Black Sea grain exports fall as the corridor shuts"]
    b = ["Heat pumps are too expensive for pensioners", "Pensioners cannot afford heat pumps this winter",
         "The heat pump subsidy ends for pensioners"]
    background = ["The minister spoke to reporters on Tuesday", "Reporters asked the minister about the budget",
                  "The budget vote was delayed"]
    kw = ctfidf_keywords([a, b], background, top=3)
    assert set(kw[0]) <= {"grain", "corridor", "black", "sea", "ships", "exports"} and "grain" in kw[0]
    assert "pensioners" in kw[1] and not set(kw[1]) & {"minister", "reporters", "budget"}


def test_describe_orders_by_size_and_drops_single_outlet_clusters() -> None:
    rng = np.random.default_rng(4)
    centres = unit(rng.standard_normal((2, DIM)))
    vectors = blobs(rng, centres, [12, 20])
    labels = np.repeat([0, 1], [12, 20])
    texts = [f"alpha beta passage {i}" for i in range(12)] + [f"gamma delta passage {i}" for i in range(20)]
    params = DiscoveryParams(central=3, min_outlets=2)
    one_outlet = ["X"] * 12 + [f"s{i % 4}" for i in range(20)]
    clusters = describe_clusters(vectors, labels, texts, params, one_outlet)
    assert len(clusters) == 1 and len(clusters[0].members) == 20
    both = describe_clusters(vectors, labels, texts, params, [f"s{i % 4}" for i in range(32)])
    assert [len(c.members) for c in both] == [20, 12]
    c = both[0]
    assert len(c.central) == 3 and np.isclose(c.centrality.max(), (unit(vectors[c.central[0]]) @ c.centroid).item())
    assert {"gamma", "delta"} <= set(c.keywords)


def test_matching_keeps_ids_records_splits_and_merges() -> None:
    rng = np.random.default_rng(5)
    a, b, c = unit(rng.standard_normal((3, DIM)))
    previous = [Previous("em-a", a, 30), Previous("em-b", b, 20)]
    same = match_clusters([b + 0.01, a + 0.01], ["p1", "p2"], "2026-W10", previous, 0.8)
    assert same.ids == ["em-b", "em-a"] and same.events == []
    # a splits into two clusters near it: the closer keeps the id, the other is new and recorded as a split
    split = match_clusters([a + 0.02 * b, a + 0.3 * c, c], ["p1", "p2", "p3"], "2026-W11", previous, 0.9)
    assert split.ids[0] == "em-a"
    assert split.ids[1] == new_cluster_id("2026-W11", "p2") and ("split", split.ids[1], "em-a") == split.events[0][:3]
    assert split.ids[2] == new_cluster_id("2026-W11", "p3") and split.similarity[2] is None
    # a and b merge into one cluster between them: it keeps the larger one's id, the other is merged into it
    merged = match_clusters([a + b], ["p9"], "2026-W12", previous, 0.7)
    assert merged.ids == ["em-a"] and merged.events[0][:3] == ("merge", "em-b", "em-a")


def test_members_carry_identity_where_the_centroid_moved() -> None:
    rng = np.random.default_rng(7)
    a, b, c = unit(rng.standard_normal((3, DIM)))
    old_a = frozenset(f"a{k}" for k in range(10))
    previous = [Previous("em-a", a, 10, old_a), Previous("em-b", b, 10, frozenset({"b0", "b1"}))]
    window = [f"a{k}" for k in range(2, 10)] + ["b0", "n0", "n1", "n2"]  # a0, a1 left the window; b1 too
    # the new cluster holds 6 of a's 8 surviving members but its centroid moved to c: it keeps a's id
    moved = match_clusters([c], ["n0"], "2026-W13", previous, 0.8,
                           [[f"a{k}" for k in range(2, 8)] + ["n0", "n1", "n2"]], window, 0.5)
    assert moved.ids == ["em-a"] and moved.events == []
    # holding under half of a's members (and a far centroid) is a new cluster; split off a (it came mostly from a)
    piece = match_clusters([c], ["n0"], "2026-W13", previous, 0.8, [["a2", "a3", "a4", "n0"]], window, 0.5)
    assert piece.ids == [new_cluster_id("2026-W13", "n0")] and piece.events[0][:3] == ("split", piece.ids[0], "em-a")
    # members outside the window say nothing: b's only surviving member b0 is in the new cluster, so it keeps b
    only_b0 = match_clusters([c], ["n0"], "2026-W13", previous, 0.8, [["b0", "n1"]], window, 0.5)
    assert only_b0.ids == ["em-b"]


def test_a_cluster_the_new_clustering_lost_is_kept_under_its_id() -> None:
    ids = [f"p{i}" for i in range(20)]
    old = Previous("em-old", np.ones(DIM, dtype=np.float32), 8, frozenset(ids[:8]) | {"gone"})
    held = Previous("em-held", np.ones(DIM, dtype=np.float32), 6, frozenset(ids[8:14]))
    labels = np.full(20, -1)
    labels[8:12] = 0  # this clustering continues em-held (4 of its 6) and lost em-old (all 8 unclustered)
    eligible = np.ones(20, dtype=bool)
    eligible[7] = False  # boilerplate, or under the retain share: stays out
    out, kept, gone = retain_clusters(labels, eligible, ids, [old, held], min_size=6, overlap=0.5)
    assert gone == {} and kept == {"em-old": 7 / 8} and list(out[:7]) == [1] * 7 and out[7] == -1 and list(out[8:12]) == [0] * 4
    # its id then follows through member matching
    v = unit(np.random.default_rng(3).standard_normal((2, DIM)))
    matched = match_clusters([v[0], v[1]], [ids[8], ids[0]], "2026-W13", [old, held], 0.8,
                             [ids[8:12], ids[:7]], ids, 0.5)
    assert matched.ids == ["em-held", "em-old"]
    # too few free members (under min_size), or most of them taken by another cluster: not kept
    assert retain_clusters(labels, eligible, ids, [old], min_size=8, overlap=0.5)[1] == {}
    taken = labels.copy()
    taken[:5] = 2
    assert retain_clusters(taken, eligible, ids, [old], min_size=2, overlap=0.5)[1:] == ({}, {})  # continued by 2
    scattered = labels.copy()
    scattered[:3] = 2  # 3 of 8 to a neighbour, 5 unclustered of which 4 eligible: under min_size 5, gone, and why
    assert retain_clusters(scattered, eligible, ids, [old], min_size=5, overlap=0.5)[1:] == ({}, {"em-old": (8, 3, 5, 4)})
    assert retain_size(DiscoveryParams()) == 2  # as few as span the 2 outlets every cluster needs
    half = labels.copy()
    half[:4] = 3  # a neighbour took exactly half of em-old's 8: the other half keeps em-old
    assert retain_clusters(half, np.ones(20, dtype=bool), ids, [old], min_size=2, overlap=0.5)[1] == {"em-old": 0.5}
    # a cluster of one outlet is dropped later, so it does not count as continuing em-old: em-old is kept
    one_outlet = spanning(half, ["a"] * 4 + ["b", "c"] * 8, 2)
    assert list(one_outlet[:4]) == [-1] * 4 and list(one_outlet[8:12]) == [0] * 4
    assert retain_clusters(one_outlet, np.ones(20, dtype=bool), ids, [old], 2, 0.5)[1] == {"em-old": 1.0}


def test_a_growing_window_keeps_almost_the_same_novelty_pool() -> None:
    keys = [f"p{i}" for i in range(1000)]
    before = stable_pick(1000, 400, 0, keys)
    after = stable_pick(1050, 400, 0, keys + [f"new{i}" for i in range(50)])  # a day of 50 passages more
    assert len(before) == len(after) == 400 and list(before) == sorted(before)
    assert len(set(before) & set(after)) >= 400 - 50  # only the new rows can displace picks
    assert list(stable_pick(5, 9, 0, keys[:5])) == [0, 1, 2, 3, 4]


def test_nearest_narrative_and_status() -> None:
    rng = np.random.default_rng(6)
    x, y = unit(rng.standard_normal((2, DIM)))
    narratives = {"n_x": np.vstack([x, x + 0.1 * y, y]), "n_y": np.vstack([y, -x])}
    name, sim = nearest_narrative(x + 0.05 * y, narratives)
    assert name == "n_x" and 0.9 < sim <= 1.0
    assert nearest_narrative(x, {}) == (None, None)
    assert status_of(True, 1, 0, 1.5) == "new"
    assert status_of(False, 6, 3, 1.5) == "growing"
    assert status_of(False, 4, 3, 1.5) == "stable"
    assert status_of(False, 1, 4, 1.5) == "fading"
    assert status_of(False, 0, 0, 1.5) == "stable"


def test_novelty_share_is_high_only_where_the_window_is_denser_than_the_reference() -> None:
    from models.discovery import novelty_share

    rng = np.random.default_rng(7)
    topics = unit(rng.standard_normal((3, DIM)))
    reference = blobs(rng, topics, [40, 40, 40])
    emerging = unit(rng.standard_normal(DIM))
    window = np.vstack([blobs(rng, topics, [40, 40, 40]), blobs(rng, emerging[None, :], [30])])
    articles = [f"a{i // 3}" for i in range(len(window))]  # three passages per article
    share = novelty_share(window, articles, reference, k=10, dims=16)
    assert np.median(share[:120]) < 0.65 and np.median(share[120:]) >= 0.9
    assert (share[120:] >= 0.65).mean() >= 0.9 and (share[:120] >= 0.65).mean() <= 0.25
    assert np.isnan(novelty_share(window, articles, reference[:0])).all()  # no reference period: no verdict


def test_promote_appends_to_the_catalogue_keeping_its_comments(tmp_path) -> None:
    import json
    import shutil
    from pathlib import Path

    import duckdb
    import pytest

    from flows.cli_discovery import PromoteError, promote_cluster
    from models.catalogue import load_catalogue
    from warehouse.writer import Writer

    Writer(tmp_path / "radar.duckdb")
    con = duckdb.connect(str(tmp_path / "radar.duckdb"))
    central = [{"text": f"Passage {i} says the  grain corridor deal was a trap."} for i in range(5)]
    con.execute("INSERT INTO emerging_clusters (cluster_id, first_seen, last_seen, label, keywords, size, articles, "
                "outlets, camps, nearest_narrative, similarity, status, central, merged_into, split_from, updated_at) "
                "VALUES ('em-1', '2026-W01', '2026-W02', 'grain, corridor', "
                "['grain', 'corridor'], 40, 12, ['A', 'B'], ['russia_friendly'], 'urw_hidden_plots', 0.6, 'new', ?, "
                "NULL, NULL, now())", [json.dumps(central)])
    catalogue = tmp_path / "narratives.yaml"
    shutil.copy(Path(__file__).resolve().parents[1] / "config" / "narratives.yaml", catalogue)
    before = catalogue.read_text(encoding="utf-8")
    entry = promote_cluster(con, "em-1", "grain_trap", "The grain deal was a trap", catalogue)
    after = catalogue.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")) and "# promoted from emerging cluster em-1" in after
    promoted = {n.narrative_id: n for n in load_catalogue(catalogue).narratives}["grain_trap"]
    assert promoted.family == "ukraine_war" and promoted.keywords == ("grain", "corridor")
    assert promoted.claims[0] == "Passage 0 says the grain corridor deal was a trap." and entry["claims"] == list(promoted.claims)
    assert promoted.promoted_from == "em-1" and load_catalogue(catalogue).promoted_clusters == {"em-1"}
    # provenance is not classified text: the catalogue hash ignores it
    from dataclasses import replace

    from models.catalogue import Catalogue
    assert Catalogue((replace(promoted, promoted_from=None),)).hash == Catalogue((promoted,)).hash
    for bad, message in ((("em-1", "grain_trap", "x"), "already exists"), (("em-2", "other_id", "y"), "no emerging cluster"),
                         (("em-1", "Bad Id", "z"), "snake_case"), (("em-1", "grain_trap_2", "w"), "already promoted")):
        with pytest.raises(PromoteError, match=message):
            promote_cluster(con, *bad, catalogue)
    assert catalogue.read_text(encoding="utf-8") == after  # a refused promotion leaves the file alone
    # a cluster thin in its latest week: claims filled from its earlier weeks' central passages, distinct
    def weekly(week: str, texts: list[str]) -> None:
        con.execute("INSERT INTO emerging_cluster_weekly (cluster_id, week, passages, articles, week_articles, "
                    "previous_articles, outlets, camps, keywords, status, central, centroid) VALUES ('em-3', ?, 6, 6, 3, "
                    "3, ['A', 'B'], ['x'], ['grain'], 'stable', ?, [1.0, 0.0])", [week, json.dumps([{"text": t} for t in texts])])
    weekly("2026-W01", ["early one", "early two", "late b"])
    weekly("2026-W02", ["mid one", "mid two", "late a"])
    weekly("2026-W03", ["late a", "late b"])
    from flows.cli_discovery import promoted_claims
    assert promoted_claims(con, "em-3", json.dumps([{"text": "late a"}, {"text": "late b"}])) == [
        "late a", "late b", "mid one", "mid two", "early one"]
    con.close()


def test_a_thin_week_is_judged_without_reduction_instead_of_failing() -> None:
    """A window and reference period with fewer passages than PCA dimensions (a sparse outlet's quiet week)."""
    from models.discovery import novelty_share

    rng = np.random.default_rng(3)
    window, reference = unit(rng.standard_normal((30, DIM))), unit(rng.standard_normal((4, DIM)))
    share = novelty_share(window, [f"a{i}" for i in range(30)], reference, k=5, dims=32)
    assert share.shape == (30,) and np.isfinite(share).all()
    labels = cluster_labels(window[:20], DiscoveryParams(dims=32, min_cluster_size=6, min_samples=3))
    assert labels.shape == (20,)


def test_a_cluster_joining_two_previous_clusters_is_split_back_into_them() -> None:
    rng = np.random.default_rng(11)
    a, b = unit(rng.standard_normal((2, DIM)))
    ids = [f"p{i}" for i in range(16)]
    vectors = np.vstack([a + 0.05 * rng.standard_normal((8, DIM)), b + 0.05 * rng.standard_normal((8, DIM))])
    vectors[7], vectors[15] = a, b  # p7 and p15 are new passages, near a and near b
    outlets = ["o1", "o2"] * 8
    week = "2026-W13"
    first = Previous("em-a", a, 7, frozenset(ids[:7]), week)
    second = Previous("em-b", b, 7, frozenset(ids[8:15]), week)
    joined = np.zeros(16, dtype=int)  # one more day: the clustering joined them
    out, events = unmerge_clusters(joined, vectors, ids, outlets, [first, second], week, 2, 2, 0.5)
    assert events == [["em-a", "em-b"]]
    assert len(set(out[:8])) == 1 and len(set(out[8:])) == 1 and out[0] != out[8]  # new passages follow their centroid
    matched = match_clusters([a, b], [ids[0], ids[8]], week, [first, second], 0.8,
                             [[ids[i] for i in np.flatnonzero(out == out[k])] for k in (0, 8)], ids, 0.5)
    assert matched.ids == ["em-a", "em-b"] and matched.events == []
    # not split when a part would be too small or span one outlet, nor across weeks
    assert unmerge_clusters(joined, vectors, ids, outlets, [first, second], week, 9, 2, 0.5)[1] == []
    assert unmerge_clusters(joined, vectors, ids, ["o1"] * 8 + ["o2"] * 8, [first, second], week, 2, 2, 0.5)[1] == []
    older = Previous("em-b", b, 7, frozenset(ids[8:15]), "2026-W12")  # last week's: merging across weeks is allowed
    assert unmerge_clusters(joined, vectors, ids, outlets, [first, older], week, 2, 2, 0.5)[1] == []
    # a cluster holding under half of one of them is left alone
    partial = np.full(16, -1)
    partial[:11] = 0  # all of em-a, 3 of em-b's 7
    assert unmerge_clusters(partial, vectors, ids, outlets, [first, second], week, 2, 2, 0.5)[1] == []


def test_a_new_cluster_never_takes_an_id_in_use() -> None:
    """A week computed again: the cluster founded by passage f got an id from f, then lost f to a new cluster while
    keeping its members; the new cluster must not get the same id (it failed the week on the primary key)."""
    rng = np.random.default_rng(13)
    a, c = unit(rng.standard_normal((2, DIM)))
    week = "2026-W13"
    earlier = Previous(new_cluster_id(week, "f"), a, 6, frozenset({"a1", "a2", "a3", "a4", "a5", "f"}), week)
    matched = match_clusters([a, c], ["a1", "f"], week, [earlier], 0.8, [["a1", "a2", "a3", "a4"], ["f", "n1", "n2"]],
                             ["a1", "a2", "a3", "a4", "a5", "f", "n1", "n2"], 0.5)
    assert matched.ids[0] == earlier.cluster_id and matched.ids[1] != earlier.cluster_id
    assert matched.ids[1].startswith("em-") and len(set(matched.ids)) == 2
    # and ids of new clusters with distinct founders stay as before
    assert match_clusters([a, c], ["p1", "p2"], week, [], 0.8).ids == [new_cluster_id(week, "p1"), new_cluster_id(week, "p2")]


def test_labelled_neighbours_name_passages_of_a_labelled_narrative_only(tmp_path) -> None:
    from models.passage_memory import PassageMemory, memory_path, named_by_neighbours

    rng = np.random.default_rng(3)
    centres = unit(rng.standard_normal((3, 32)))  # topic 0: articles labelled A; 1: labelled B or unlabelled; 2: none

    def passages(centre: np.ndarray, n: int) -> np.ndarray:
        return unit(centre + 0.6 * rng.standard_normal((n, 32)) / np.sqrt(32))

    articles = [passages(centres[0], 5) for _ in range(4)] + [passages(centres[1], 5) for _ in range(4)]
    gold = [{"A"}] * 4 + [{"B"}, {"Other"}, {"Other"}, {"Other"}]
    memory = PassageMemory.of_documents(articles, gold, ["A", "B"], "m")
    assert memory.carries.sum(axis=0).tolist() == [20, 5]
    queries = np.vstack([passages(centres[0], 3), passages(centres[1], 3), passages(centres[2], 3)])
    named = named_by_neighbours(queries, memory, k=10, share=0.6)
    # A's topic is named; topic 1 is not (most of its neighbours are unlabelled); nothing labelled is near topic 2
    assert named.tolist() == [True] * 3 + [False] * 6
    # with every article labelled, the nearest labelled passages of a far topic name it too, unless only neighbours
    # at a minimum cosine count
    all_b = PassageMemory.of_documents(articles, [{"A"}] * 4 + [{"B"}] * 4, ["A", "B"], "m")
    assert named_by_neighbours(queries, all_b, k=10, share=0.6).tolist() == [True] * 9
    assert named_by_neighbours(queries, all_b, 10, 0.6, min_similarity=0.4).tolist() == [True] * 6 + [False] * 3
    # a passage never sees the memory of its own group (benchmarks' out-of-fold use)
    groups, memory_groups = np.zeros(9, dtype=int), np.zeros(40, dtype=int)
    assert not named_by_neighbours(queries, memory, 10, 0.6, groups=groups, memory_groups=memory_groups).any()
    path = memory_path(tmp_path / "narrative_head.json")
    assert path.name == "narrative_head.passages.npz"
    memory.save(path)
    loaded = PassageMemory.load(path)
    assert loaded.fingerprint == memory.fingerprint and loaded.labels == ["A", "B"]
    assert (named_by_neighbours(queries, loaded, 10, 0.6) == named).all()


def test_attributed_memory_gives_an_articles_label_to_its_passages_most_like_the_label() -> None:
    from models.passage_memory import PassageMemory

    rng = np.random.default_rng(4)
    centres = unit(rng.standard_normal((3, 32)))  # narratives A and B, and a third topic no label covers

    def near(k: int, n: int) -> np.ndarray:
        return unit(centres[k] + 0.3 * rng.standard_normal((n, 32)) / np.sqrt(32))

    # an article carrying A and B: 2 passages about A, 2 about B; an article carrying A: 1 about A, 1 about the third
    articles = [np.vstack([near(0, 2), near(1, 2)]), np.vstack([near(0, 1), near(2, 1)]), near(2, 2)]
    gold = [{"A", "B"}, {"A"}, {"Other"}]
    exemplars = {"A": centres[:1], "B": centres[1:2]}
    memory = PassageMemory.attributed(articles, gold, ["A", "B"], exemplars, 0.5, "m")
    assert memory.carries.tolist() == [[True, False], [True, False], [False, True], [False, True],
                                       [True, False], [False, False], [False, False], [False, False]]
    # share 1 is the plain memory; a label without exemplars is carried by every passage of its articles
    assert (PassageMemory.attributed(articles, gold, ["A", "B"], exemplars, 1.0, "m").carries
            == PassageMemory.of_documents(articles, gold, ["A", "B"], "m").carries).all()
    only_a = PassageMemory.attributed(articles, gold, ["A", "B"], {"A": centres[:1]}, 0.5, "m")
    assert only_a.carries[:4, 1].tolist() == [True] * 4
