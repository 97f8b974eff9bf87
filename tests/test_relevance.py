"""The relevance rule of discovered clusters (models/relevance.py): families, muted topics, the floor."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from flows.discovery_relevance import relevance_text
from models.relevance import (
    MutedTopicsError,
    family_similarities,
    judge_relevance,
    load_muted_topics,
    set_similarity,
    similarities,
    topics_hash,
)

ROOT = Path(__file__).resolve().parents[1]


def test_a_cluster_near_a_family_and_no_muted_topic_is_on_topic() -> None:
    verdict = judge_relevance({"climate": 0.55, "ukraine_war": 0.31}, {"sport": 0.30}, 0.4)
    assert not verdict.off_topic and verdict.reason is None
    assert (verdict.family, verdict.family_similarity, verdict.topic) == ("climate", 0.55, "sport")


def test_a_muted_topic_nearer_than_every_family_mutes_the_cluster() -> None:
    verdict = judge_relevance({"climate": 0.52, "ukraine_war": 0.41}, {"sport": 0.60, "weather": 0.50}, 0.4)
    assert verdict.off_topic and verdict.reason == "muted" and verdict.topic == "sport"


def test_a_cluster_far_from_every_family_is_off_topic_without_any_muted_topic() -> None:
    verdict = judge_relevance({"climate": 0.33, "ukraine_war": 0.21}, {}, 0.4)
    assert verdict.off_topic and verdict.reason == "far" and verdict.topic is None
    assert not judge_relevance({"climate": 0.33}, {}, 0.0).off_topic  # floor 0: the muted topics alone decide


def test_a_tie_with_a_muted_topic_keeps_the_cluster() -> None:
    assert not judge_relevance({"climate": 0.5}, {"markets": 0.5}, 0.4).off_topic


def test_without_family_vectors_nothing_is_judged_off_topic() -> None:
    verdict = judge_relevance({}, {"sport": 0.9}, 0.4)
    assert not verdict.off_topic and verdict.family is None and verdict.topic == "sport"


def test_a_family_is_as_near_as_its_nearest_narrative() -> None:
    sims = {"urw_a": 0.3, "urw_b": 0.5, "cc_a": 0.45, "unknown": 0.9}
    family_of = {"urw_a": "ukraine_war", "urw_b": "ukraine_war", "cc_a": "climate"}
    assert family_similarities(sims, family_of) == {"ukraine_war": 0.5, "climate": 0.45}


def test_similarity_is_the_mean_of_the_two_highest_cosines() -> None:
    centroid = np.array([1.0, 0.0], dtype=np.float32)
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 4.0]], dtype=np.float32)  # cosines 1, 0, 0.6
    assert set_similarity(centroid, vectors) == pytest.approx(0.8)
    assert similarities(centroid, {"a": vectors, "empty": np.zeros((0, 2))}) == {"a": pytest.approx(0.8)}


def test_the_shipped_muted_topics_load(tmp_path) -> None:
    topics = load_muted_topics(ROOT / "config" / "muted_topics.yaml")
    assert {"sport", "weather", "entertainment", "markets"} <= {t.topic_id for t in topics}
    assert all(len(t.phrases) >= 4 for t in topics)
    assert load_muted_topics(tmp_path / "absent.yaml") == ()  # no file: nothing muted
    assert topics_hash(topics) != topics_hash(topics[1:])


@pytest.mark.parametrize("text, message", [
    ("topics: sport\n", "expected a top-level 'topics:' list"),
    ("topics:\n  - id: sport\n", "topic #1 (sport) needs an id and a list of phrases"),
    ("topics:\n  - id: a\n    phrases: [x]\n  - id: a\n    phrases: [y]\n", "topic #2 (a): duplicate id"),
    ("topics: [\n", "cannot read muted topics"),
])
def test_a_bad_muted_topics_file_names_the_topic(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "muted.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MutedTopicsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_muted_topics(path)


def test_relevance_text_says_why_a_cluster_is_off_topic() -> None:
    row = {"off_topic": True, "nearest_family": "climate", "family_similarity": 0.41, "muted_topic": "sport",
           "muted_similarity": 0.52}
    assert relevance_text(row) == "off-topic: sport 0.52 > climate 0.41"
    assert relevance_text(row | {"muted_similarity": 0.2}) == "off-topic: climate 0.41, far from every family"
    # a family is named in words, never by its id
    on_topic = row | {"off_topic": False, "nearest_family": "ukraine_war", "family_similarity": 0.55}
    assert relevance_text(on_topic) == "Ukraine war 0.55"
    assert relevance_text(row | {"nearest_family": "new_detente", "muted_similarity": 0.2}).startswith("off-topic: New Détente")
    assert relevance_text(row | {"off_topic": False}) == "climate 0.41"
    assert relevance_text({"off_topic": None, "family_similarity": None}) == ""
