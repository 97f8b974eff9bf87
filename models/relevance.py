"""Is a discovered cluster inside the monitored domains? Near some catalogue family, and not nearer a muted topic.

The muted topics (config/muted_topics.yaml) are what an analyst never wants alerted: sport, weather, entertainment,
markets. A cluster is `off_topic` when a muted topic is closer to it than every family ('muted'), or when every
family is farther than the relevance floor ('far'). Off-topic clusters stay listed; they are never alerted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from extractors import yaml_read
from models.discovery import unit


class MutedTopicsError(ValueError):
    """The muted-topics file is invalid; the message names the topic."""


@dataclass(frozen=True)
class MutedTopic:
    topic_id: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Relevance:
    """A cluster judged against the families and the muted topics (None: nothing of that kind to compare with)."""

    off_topic: bool
    family: str | None
    family_similarity: float | None
    topic: str | None
    topic_similarity: float | None

    @property
    def reason(self) -> str | None:
        """'muted' (a muted topic is nearer than every family), 'far' (every family below the floor) or None."""
        if not self.off_topic:
            return None
        return "muted" if self.topic_similarity is not None and (
            self.family_similarity is None or self.topic_similarity > self.family_similarity) else "far"


def load_muted_topics(path: str | Path) -> tuple[MutedTopic, ...]:
    """The topics of a muted-topics file (`topics:` a list of `id` and `phrases`); a missing file mutes nothing."""
    path = Path(path)
    if not path.exists():
        return ()
    try:
        data = yaml_read.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MutedTopicsError(f"{path}: cannot read muted topics: {exc}") from exc
    items = data.get("topics") if isinstance(data, dict) else None
    if items is None:
        return ()
    if not isinstance(items, list):
        raise MutedTopicsError(f"{path}: expected a top-level 'topics:' list")
    topics: list[MutedTopic] = []
    for i, item in enumerate(items):
        name = item.get("id") if isinstance(item, dict) else None
        phrases = item.get("phrases") if isinstance(item, dict) else None
        if not name or not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases) \
                or not phrases:
            raise MutedTopicsError(f"{path}: topic #{i + 1} ({name or '?'}) needs an id and a list of phrases")
        if name in {t.topic_id for t in topics}:
            raise MutedTopicsError(f"{path}: topic #{i + 1} ({name}): duplicate id")
        topics.append(MutedTopic(str(name), tuple(p.strip() for p in phrases)))
    return tuple(topics)


def topics_hash(topics: tuple[MutedTopic, ...]) -> str:
    """Changes whenever a topic or phrase changes (discovery's fingerprint carries it)."""
    text = json.dumps([[t.topic_id, list(t.phrases)] for t in topics], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def set_similarity(centroid: np.ndarray, vectors: np.ndarray) -> float:
    """Mean of the two highest cosines of the centroid to a set's vectors (as for the nearest narrative)."""
    return float(np.sort(unit(vectors) @ unit(centroid)[0])[::-1][:2].mean())


def similarities(centroid: np.ndarray, groups: Mapping[str, np.ndarray]) -> dict[str, float]:
    """`set_similarity` to each non-empty group."""
    return {k: set_similarity(centroid, v) for k, v in groups.items() if len(v)}


def family_similarities(narrative_similarity: Mapping[str, float], family_of: Mapping[str, str]) -> dict[str, float]:
    """Each family's similarity: that of its nearest narrative."""
    out: dict[str, float] = {}
    for narrative_id, sim in narrative_similarity.items():
        family = family_of.get(narrative_id)
        if family is not None and sim > out.get(family, -2.0):
            out[family] = sim
    return out


def _best(scores: Mapping[str, float]) -> tuple[str | None, float | None]:
    if not scores:
        return None, None
    name = max(sorted(scores), key=lambda k: scores[k])
    return name, scores[name]


def judge_relevance(families: Mapping[str, float], topics: Mapping[str, float], min_similarity: float) -> Relevance:
    """Off-topic when a muted topic is closer than every family, or every family is below `min_similarity`.
    Without any family to compare with (no cached exemplars) nothing is judged off-topic."""
    family, family_sim = _best(families)
    topic, topic_sim = _best(topics)
    if family_sim is None:
        return Relevance(False, None, None, topic, topic_sim)
    muted = topic_sim is not None and topic_sim > family_sim
    return Relevance(muted or family_sim < min_similarity, family, family_sim, topic, topic_sim)
