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
    wilson,
)
from models.narratives import (
    ClassifierParams,
    StanceEvidence,
    claim_side_texts,
    classify,
    fit_stance_head,
    rebuttal_side_texts,
)
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
    stance: str  # what stance learnt, and its agreement with the held-out stance judgments


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


MIN_STANCES = 10  # judged claims and judged rebuttals each, in the training part, before the stance head is refitted


def fit_stance(examples: Sequence[JudgedExample], vectors: np.ndarray, model: NarrativeModel) -> tuple[list[float] | None, str]:
    """The stance head refitted on the exemplars plus the training part's judged claims and rebuttals (mentions
    carry no side), when there are MIN_STANCES of each; else None and why."""
    claims = [i for i, e in enumerate(examples) if not e.held_out and e.stance == "claim"]
    rebuttals = [i for i, e in enumerate(examples) if not e.held_out and e.stance == "rebuttal"]
    if len(claims) < MIN_STANCES or len(rebuttals) < MIN_STANCES:
        return None, (f"stance head kept (the exemplars'): {len(claims)} judged claims and {len(rebuttals)} judged "
                      f"rebuttals to learn from, needs {MIN_STANCES} of each")
    p = model.prototypes
    claim_texts = [t for _, t in claim_side_texts(model.catalogue)] + [examples[i].text for i in claims]
    rebuttal_texts = [t for _, t in rebuttal_side_texts(model.catalogue)] + [examples[i].text for i in rebuttals]
    stacked = np.vstack([p.claim_vectors, vectors[claims], p.rebuttal_vectors, vectors[rebuttals]])
    weights = fit_stance_head(stacked, claim_texts + rebuttal_texts, len(claim_texts))
    return [round(float(w), 6) for w in weights], (f"stance head refitted on the exemplars and {len(claims)} judged "
                                                   f"claims and {len(rebuttals)} judged rebuttals")


def stance_agreement(examples: Sequence[JudgedExample], vectors: np.ndarray, model: NarrativeModel,
                     params: ClassifierParams) -> tuple[int, int]:
    """(agreeing, judged) over the held-out passages judged a narrative with a stance: the stance `params` gives
    the passage towards the judged narrative, against the judged one."""
    rows = [i for i, e in enumerate(examples) if e.held_out and e.narrative_id in model.catalogue.ids and e.stance]
    if not rows:
        return 0, 0
    evidence = StanceEvidence.of(vectors[rows], [examples[i].text for i in rows], model.prototypes, params)
    agree = sum(evidence.stance(k, model.catalogue.ids.index(str(examples[i].narrative_id)), params) == examples[i].stance
                for k, i in enumerate(rows))
    return agree, len(rows)


def fit_judgments(writer: Writer, model: NarrativeModel, encode: Callable[[list[str]], np.ndarray]) -> JudgedFit:
    """Fit the judged classifiers on the stored judgments' training part and measure on the held-out part."""
    judgments = read_judgments(writer)
    examples = judged_examples(judgments)
    vectors = example_vectors(writer, model.model_id, [e.text for e in examples], encode)
    fits = fit_narratives(examples, vectors, model.catalogue.ids, exemplar_vectors(model)) if examples else [
        NarrativeFit(nid, 0, 0, 0, None, "exemplar rule kept: no judgments") for nid in model.catalogue.ids]
    weights = {f.narrative_id: f.weights for f in fits if f.weights is not None}
    h = judgments_hash(judgments)
    stance_weights, stance = fit_stance(examples, vectors, model) if examples else (None, "no judgments")
    params = replace(model.params, judged_weights=weights, judged_stance_weights=stance_weights, judgments_fitted={
        "judgments": len(judgments), "examples": len(examples), "hash": h, "held_out_share": HELD_OUT_SHARE})
    measured = quality(examples, predicted(examples, vectors, model, params), model.catalogue.ids, set(weights))
    agree, judged = stance_agreement(examples, vectors, model, params) if examples else (0, 0)
    if judged:
        low, high = wilson(agree, judged) or (0.0, 0.0)
        stance += f"; held out, the stance agrees with {agree} of {judged} judged ({agree / judged:.2f} [{low:.2f}, {high:.2f}])"
    log.info("fitted on %d judgments (%s): %d narratives decided by judged classifiers", len(judgments), h, len(weights))
    return JudgedFit(params, fits, measured, len(judgments), len(examples), h, stance)


def store_quality(writer: Writer, fit: JudgedFit) -> None:
    """Replace the warehouse's narrative_quality with this fit's."""
    rows = [q.row() for q in fit.quality]
    with writer.transaction() as con:
        con.execute(load_sql("queries/clear_narrative_quality"))
        if rows:
            con.execute(load_sql("queries/replace_narrative_quality"),
                        {k: [r[k] for r in rows] for k in rows[0]} | {"params_hash": fit.params.hash,
                                                                     "judgments_hash": fit.hash})
