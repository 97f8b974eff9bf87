"""Embed and classify stored passages: part of every ingest run, and a flow of its own after a catalogue edit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from extractors.identity import text_hash
from flows.classify_step import (
    NarrativeModel,
    classify_pending,
    embed_pending,
    label_articles,
    load_head,
    load_params,
    pending_texts,
    store_vectors,
    with_head,
)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.narratives import build_prototypes
from models.stance_pairs import read_pairs, with_pair_head
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@task(name="embed-passages", cache_policy=NONE)
def embed_task(writer: Writer, embedder: Embedder, on_encoded: Callable[[int], None] | None = None) -> int:
    return embed_pending(writer, embedder, progress=False, on_encoded=on_encoded)


@task(name="encode-chunk", cache_policy=NONE)
def encode_task(embedder: Embedder, texts: list[str]) -> np.ndarray:
    return embedder.encode(texts)


def embed_fanned_out(writer: Writer, embedder: Embedder, chunk: int = 256,
                     on_encoded: Callable[[int], None] | None = None) -> int:
    """All pending texts split into chunks encoded by the task runner's workers (Dask), written here."""
    rows = pending_texts(writer, embedder.model_id, limit=10_000_000, languages=embedder.languages)
    chunks = [rows[i : i + chunk] for i in range(0, len(rows), chunk)]
    futures = [encode_task.submit(embedder, [t for _, t in c]) for c in chunks]
    for c, future in zip(chunks, futures, strict=True):
        store_vectors(writer, embedder.model_id, [h for h, _ in c], future.result())
        if on_encoded is not None:
            on_encoded(len(c))
    return len(rows)


def cached_encoder(writer: Writer, embedder: Embedder) -> Callable[[Sequence[str]], np.ndarray]:
    """`embedder.encode` through the exemplar vector cache: only texts without a vector for this model are encoded."""

    def encode(texts: Sequence[str]) -> np.ndarray:
        hashes = [text_hash(t) for t in texts]
        key = {"model_id": embedder.model_id, "hashes": hashes}
        with writer.transaction() as con:
            found = {h: np.asarray(v, dtype=np.float32) for h, v in con.execute(load_sql("queries/exemplar_vectors"), key).fetchall()}
        missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in found}.items())
        if missing:
            vectors = embedder.encode([t for _, t in missing])
            with writer.transaction() as con:
                con.execute(load_sql("queries/insert_exemplar_vectors"), {
                    "model_id": embedder.model_id, "hashes": [h for h, _ in missing],
                    "dim": int(vectors.shape[1]), "vectors": vectors.tolist()})
            found |= {h: v for (h, _), v in zip(missing, vectors, strict=True)}
            log.info("encoded %d exemplar texts not cached for %s", len(missing), embedder.model_id)
        return np.stack([found[h] for h in hashes]) if hashes else np.zeros((0, 0), dtype=np.float32)

    return encode


def prepare_model(writer: Writer, settings: Settings, embedder: Embedder) -> NarrativeModel:
    """The catalogue, its prototypes (exemplar vectors from the cache) and the classifier parameters."""
    catalogue, encode = load_catalogue(settings.narratives), cached_encoder(writer, embedder)
    params, protos = load_params(settings), build_prototypes(catalogue, encode)
    if settings.stance_pairs:
        protos = with_pair_head(catalogue, protos, read_pairs(settings.stance_pairs), encode, params)
    model = NarrativeModel(catalogue, params, protos, embedder.model_id, languages=embedder.languages)
    return with_head(model, load_head(settings.narrative_head), encode, settings.narrative_head)


@task(name="classify-passages", cache_policy=NONE)
def classify_task(writer: Writer, model: NarrativeModel) -> tuple[int, int]:
    return classify_pending(writer, model)


def embed_and_classify(writer: Writer, settings: Settings, embedder: Embedder | None = None,
                       on_encoded: Callable[[int], None] | None = None) -> dict[str, int]:
    """Embed passages missing a vector, then classify those not classified under the current catalogue.

    The model is loaded only when something needs encoding: passage texts without a vector, or exemplars
    not in the cache. A run with nothing new reads the cache and classifies nothing. `on_encoded` hears each
    chunk of passages encoded (the run's progress).
    """
    logger = get_run_logger()
    embedder = embedder or settings.embedder()  # lazy: nothing is loaded until a text is encoded
    if settings.task_runner == "dask":
        embedded = embed_fanned_out(writer, embedder, on_encoded=on_encoded)
    else:
        embedded = embed_task(writer, embedder, on_encoded)
    model = prepare_model(writer, settings, embedder)
    classified, assigned = classify_task(writer, model)
    labelled = label_articles(writer, model)  # the fitted head's article labels, when one is configured
    logger.info(
        "embedded %d new passage texts; classified %d passages (%d narrative assignments) with catalogue %s; "
        "head labelled %d articles", embedded, classified, assigned, model.catalogue.hash, labelled,
    )
    return {"embedded": embedded, "classified": classified, "assignments": assigned, "articles_labelled": labelled}


@flow(name="classify")
def classify_flow(db_path: str | None = None, settings: Settings | None = None) -> dict[str, object]:
    """Reclassify stored passages after a catalogue or model change; no re-fetch, re-embeds only for a new model."""
    settings = settings or Settings()
    writer = Writer(Path(db_path) if db_path else settings.db)
    counts = embed_and_classify(writer, settings)
    # Trend rollups, bifurcation and alerts follow the new labels.
    from flows.analyze import run_analysis

    return counts | run_analysis(writer, settings)
