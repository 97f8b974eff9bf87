"""`radar narratives fit` on the judgments: read them with their passages' vectors, fit a classifier per narrative
that has enough (models/judged.py), measure every narrative on the held-out judgments, store that quality."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from extractors.identity import text_hash
from flows.classify_step import NarrativeModel
from flows.judgments_step import read_judgments
from models.judged import (
    HELD_OUT_SHARE,
    JudgedExample,
    NarrativeFit,
    Quality,
    fit_narratives,
    judged_examples,
    judgments_hash,
    quality,
)
from models.narratives import ClassifierParams, classify
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JudgedFit:
    """The parameters with the judged classifiers, what each narrative got, and its held-out quality."""

    params: ClassifierParams
    fits: list[NarrativeFit]
    quality: list[Quality]
    judgments: int
    examples: int
    hash: str


def example_vectors(writer: Writer, model_id: str, texts: Sequence[str],
                    encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """The texts' stored passage vectors of `model_id`; texts without one (passage gone, model changed) encoded."""
    hashes = [text_hash(t) for t in texts]
    with writer.transaction() as con:
        found = {h: np.asarray(v, dtype=np.float32) for h, v in con.execute(
            load_sql("queries/judged_vectors"), {"model_id": model_id, "hashes": hashes}).fetchall()}
    missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in found}.items())
    if missing:
        found |= dict(zip([h for h, _ in missing], encode([t for _, t in missing]), strict=True))
        log.info("encoded %d judged texts without a stored vector", len(missing))
    return np.stack([found[h] for h in hashes]).astype(np.float32) if hashes else np.zeros((0, 0), dtype=np.float32)


def exemplar_vectors(model: NarrativeModel) -> dict[str, np.ndarray]:
    """Each narrative's exemplar vectors, both sides (the judged classifier's built-in positives)."""
    p = model.prototypes
    return {nid: np.vstack([p.claim_vectors[p.claim_owner == j], p.rebuttal_vectors[p.rebuttal_owner == j]])
            for j, nid in enumerate(model.catalogue.ids)}


def predicted(examples: Sequence[JudgedExample], vectors: np.ndarray, model: NarrativeModel,
              params: ClassifierParams) -> list[set[str]]:
    """The narratives `params` gives each example, as classification would."""
    if not examples:
        return []
    found = classify(vectors, [e.text for e in examples], model.catalogue, model.prototypes, params)
    return [{a.narrative_id for a in f} for f in found]


def fit_judgments(writer: Writer, model: NarrativeModel, encode: Callable[[list[str]], np.ndarray]) -> JudgedFit:
    """Fit the judged classifiers on the stored judgments' training part and measure on the held-out part."""
    judgments = read_judgments(writer)
    examples = judged_examples(judgments)
    vectors = example_vectors(writer, model.model_id, [e.text for e in examples], encode)
    fits = fit_narratives(examples, vectors, model.catalogue.ids, exemplar_vectors(model)) if examples else [
        NarrativeFit(nid, 0, 0, 0, None, "exemplar rule kept: no judgments") for nid in model.catalogue.ids]
    weights = {f.narrative_id: f.weights for f in fits if f.weights is not None}
    h = judgments_hash(judgments)
    params = replace(model.params, judged_weights=weights, judgments_fitted={
        "judgments": len(judgments), "examples": len(examples), "hash": h, "held_out_share": HELD_OUT_SHARE})
    measured = quality(examples, predicted(examples, vectors, model, params), model.catalogue.ids, set(weights))
    log.info("fitted on %d judgments (%s): %d narratives decided by judged classifiers", len(judgments), h, len(weights))
    return JudgedFit(params, fits, measured, len(judgments), len(examples), h)


def store_quality(writer: Writer, fit: JudgedFit) -> None:
    """Replace the warehouse's narrative_quality with this fit's."""
    rows = [q.row() for q in fit.quality]
    with writer.transaction() as con:
        con.execute("DELETE FROM narrative_quality")
        if rows:
            con.execute(load_sql("queries/replace_narrative_quality"),
                        {k: [r[k] for r in rows] for k in rows[0]} | {"params_hash": fit.params.hash,
                                                                     "judgments_hash": fit.hash})
