"""Discovered clusters judged against the monitored domains (models/relevance.py) with the warehouse's vectors: the
catalogue's families from the exemplar cache, the muted topics' phrases embedded once and cached beside them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from extractors.identity import text_hash
from models.catalogue import FAMILY_LABELS, Catalogue
from models.relevance import (
    MutedTopic,
    MutedTopicsError,
    Relevance,
    family_similarities,
    judge_relevance,
    load_muted_topics,
    similarities,
    topics_hash,
)
from warehouse.db import load_sql
from warehouse.writer import Writer

if TYPE_CHECKING:
    from models.embedder import Embedder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelevanceRule:
    """What clusters are judged against: each narrative's vectors and family, each muted topic's phrase vectors."""

    narratives: dict[str, np.ndarray]
    family_of: dict[str, str]
    topics: dict[str, np.ndarray]
    min_similarity: float

    def judge(self, centroid: np.ndarray) -> Relevance:
        families = family_similarities(similarities(centroid, self.narratives), self.family_of)
        return judge_relevance(families, similarities(centroid, self.topics), self.min_similarity)


def read_muted_topics(path: Path) -> tuple[MutedTopic, ...]:
    """The analyst's muted topics; an unreadable file is logged and mutes nothing (the floor still applies)."""
    try:
        return load_muted_topics(path)
    except MutedTopicsError as exc:
        log.warning("discovery: no muted topics: %s", exc)
        return ()


def relevance_fingerprint(topics: tuple[MutedTopic, ...], min_similarity: float) -> str:
    """Part of each week's discovery fingerprint: editing the topics or the floor judges every week again."""
    return f"{topics_hash(topics)}:{min_similarity}"


def topic_vectors(writer: Writer, topics: tuple[MutedTopic, ...], model_id: str,
                  embedder: Callable[[], Embedder] | None = None) -> dict[str, np.ndarray]:
    """Each topic's phrase vectors for `model_id` from the exemplar cache; phrases not cached yet are encoded by
    `embedder()` (loaded only then) when it is that model, and cached. Uncached phrases of another model are left out."""
    phrases = sorted({p for t in topics for p in t.phrases})
    found = _cached(writer, model_id, [text_hash(p) for p in phrases])
    missing = [p for p in phrases if text_hash(p) not in found]
    model = embedder() if missing and embedder else None
    if missing and model is not None and model.model_id == model_id:
        vectors = np.asarray(model.encode(missing), dtype=np.float32)
        with writer.transaction() as con:
            con.execute(load_sql("queries/insert_exemplar_vectors"), {
                "model_id": model_id, "hashes": [text_hash(p) for p in missing], "dim": int(vectors.shape[1]),
                "vectors": vectors.tolist()})
        found |= {text_hash(p): v for p, v in zip(missing, vectors, strict=True)}
        log.info("discovery: encoded %d muted-topic phrases for %s", len(missing), model_id)
    elif missing:
        log.warning("discovery: %d muted-topic phrases have no %s vector and were left out", len(missing), model_id)
    out = {}
    for topic in topics:
        vs = [found[text_hash(p)] for p in topic.phrases if text_hash(p) in found]
        if vs:
            out[topic.topic_id] = np.stack(vs)
    return out


def _cached(writer: Writer, model_id: str, hashes: list[str]) -> dict[str, np.ndarray]:
    if not hashes:
        return {}
    with writer.transaction() as con:
        return {h: np.asarray(v, dtype=np.float32) for h, v in con.execute(
            load_sql("queries/exemplar_vectors"), {"model_id": model_id, "hashes": hashes}).fetchall()}


def relevance_rule(writer: Writer, catalogue: Catalogue | None, narratives: dict[str, np.ndarray],
                   topics: tuple[MutedTopic, ...], model_id: str, min_similarity: float,
                   embedder: Callable[[], Embedder] | None = None) -> RelevanceRule:
    """The rule for one model: the catalogue's narrative vectors (already read) with their families, the topics'."""
    family_of = {n.narrative_id: n.family for n in catalogue.narratives} if catalogue else {}
    if not narratives:  # nothing to judge against (exemplars not cached for this model): no topic vectors needed
        return RelevanceRule({}, family_of, {}, min_similarity)
    return RelevanceRule(narratives, family_of, topic_vectors(writer, topics, model_id, embedder), min_similarity)


def relevance_text(row: Mapping[str, Any]) -> str:
    """A cluster's relevance for people, e.g. 'off-topic: sport 0.52 > climate 0.41', 'off-topic: climate 0.33, far
    from every family', 'Ukraine war 0.55'; '' when it was not judged."""
    if row.get("off_topic") is None or row.get("family_similarity") is None:
        return ""
    family = f"{FAMILY_LABELS.get(row['nearest_family'], row['nearest_family'])} {row['family_similarity']:.2f}"
    if not row["off_topic"]:
        return family
    if row.get("muted_similarity") is not None and row["muted_similarity"] > row["family_similarity"]:
        return f"off-topic: {row['muted_topic']} {row['muted_similarity']:.2f} > {family}"
    return f"off-topic: {family}, far from every family"
