"""Embedding and classification steps over the warehouse, as plain functions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from models.catalogue import Catalogue
from models.embedder import Embedder
from models.narratives import ClassifierParams, Prototypes, build_prototypes, classify
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def pending_texts(writer: Writer, model_id: str, limit: int) -> list[tuple[str, str]]:
    """(text hash, text) of passages without a vector for `model_id`, at most `limit`."""
    with writer.transaction() as con:
        return con.execute(load_sql("queries/pending_embeddings"), {"model_id": model_id, "limit": limit}).fetchall()


def store_vectors(writer: Writer, model_id: str, hashes: list[str], vectors: np.ndarray) -> None:
    with writer.transaction() as con:
        con.execute(
            load_sql("queries/insert_embeddings"),
            {"hashes": hashes, "model_id": model_id, "dim": int(vectors.shape[1]), "vectors": vectors.tolist()},
        )


def embed_pending(writer: Writer, embedder: Embedder, chunk: int = 512, progress: bool = False) -> int:
    """Embed every passage text that has no vector for this model yet; returns how many were encoded.

    Reads a chunk, encodes it with no database connection open, writes it in one short transaction.
    """
    total = 0
    while rows := pending_texts(writer, embedder.model_id, chunk):
        store_vectors(writer, embedder.model_id, [r[0] for r in rows], embedder.encode([r[1] for r in rows], progress=progress))
        total += len(rows)
        log.info("embedded %d passage texts (%d so far) with %s", len(rows), total, embedder.model_id)
    return total


@dataclass
class NarrativeModel:
    """Everything classification needs, prepared once per run (exemplars embedded once)."""

    catalogue: Catalogue
    params: ClassifierParams
    prototypes: Prototypes
    model_id: str

    @classmethod
    def prepare(cls, catalogue: Catalogue, embedder: Embedder, params: ClassifierParams | None = None) -> NarrativeModel:
        return cls(catalogue, params or ClassifierParams(), build_prototypes(catalogue, embedder.encode), embedder.model_id)


def sync_narratives(writer: Writer, catalogue: Catalogue) -> None:
    """Make the `narratives` table mirror the catalogue."""
    with writer.transaction() as con:
        for n in catalogue.narratives:
            con.execute(load_sql("queries/upsert_narrative"), [n.narrative_id, n.label, n.family, n.description, catalogue.hash])
        con.execute("DELETE FROM narratives WHERE narrative_id NOT IN (SELECT unnest(?::VARCHAR[]))", [catalogue.ids])


def classify_pending(writer: Writer, model: NarrativeModel, chunk: int = 2000) -> tuple[int, int]:
    """Classify passages not yet classified under this catalogue and model, from stored vectors only.

    Returns (passages classified, narrative assignments written).
    """
    sync_narratives(writer, model.catalogue)
    key = {"model_id": model.model_id, "catalog_hash": model.catalogue.hash, "params_hash": model.params.hash}
    passages = assignments = 0
    while True:
        with writer.transaction() as con:
            got = con.execute(load_sql("queries/pending_classification"), key | {"limit": chunk}).fetchnumpy()
        if len(got["passage_id"]) == 0:
            break
        ids = [str(x) for x in got["passage_id"]]
        vectors = np.stack(got["vector"]).astype(np.float32)
        results = classify(vectors, [str(t) for t in got["text"]], model.catalogue, model.prototypes, model.params)
        rows = [(pid, a.narrative_id, a.score, a.stance) for pid, found in zip(ids, results, strict=True) for a in found]
        with writer.transaction() as con:
            con.execute(load_sql("queries/replace_passage_narratives"), {"passage_ids": ids})
            if rows:
                con.execute(
                    load_sql("queries/insert_passage_narratives"),
                    key | {
                        "passage_ids": [r[0] for r in rows], "narrative_ids": [r[1] for r in rows],
                        "scores": [r[2] for r in rows], "stances": [r[3] for r in rows],
                    },
                )
            con.execute(load_sql("queries/mark_classified"), key | {"passage_ids": ids})
        passages += len(ids)
        assignments += len(rows)
        log.info("classified %d passages (%d narrative assignments)", len(ids), len(rows))
    return passages, assignments
