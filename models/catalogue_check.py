"""Catalogue lint: exemplars that sit closer to another narrative than to their own, each narrative's nearest
neighbour, and exemplar texts given twice. Pure functions over the catalogue and its exemplar vectors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from models.catalogue import Catalogue
from models.narratives import Prototypes, claim_side_texts, rebuttal_side_texts


@dataclass(frozen=True)
class Confusion:
    """An exemplar whose best other narrative scores above its own (leave-one-out, the classifier's top-k mean)."""

    narrative_id: str
    side: str  # claim | rebuttal (the description counts as a claim, as in classification)
    text: str
    own: float
    other_id: str
    other: float


@dataclass(frozen=True)
class NarrativeSummary:
    narrative_id: str
    family: str
    claims: int
    rebuttals: int
    nearest_id: str | None  # the narrative whose claim-side centroid is closest
    nearest_cosine: float | None
    confusable: int  # its exemplars (both sides) closer to another narrative
    exemplars: int


def leave_one_out_scores(vectors: np.ndarray, owner: np.ndarray, n: int, k: int) -> np.ndarray:
    """Exemplars × narratives: the mean of the k highest similarities to each narrative's exemplars of the same side,
    the exemplar itself left out (NaN where a narrative has no other exemplar on that side)."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    out = np.full((len(vectors), n), np.nan)
    for j in range(n):
        cols = np.sort(sims[:, owner == j], axis=1)
        if cols.shape[1] == 0:
            continue
        available = np.where(owner == j, cols.shape[1] - 1, cols.shape[1])
        for kk in np.unique(np.minimum(k, available)):
            rows = np.minimum(k, available) == kk
            if kk > 0:
                out[rows, j] = cols[rows, -kk:].mean(axis=1)
    return out


def confusions(catalogue: Catalogue, protos: Prototypes, k: int) -> list[Confusion]:
    """Every exemplar closer to another narrative's exemplars than to its own siblings', largest gap first."""
    ids = catalogue.ids
    found = []
    sides = (("claim", protos.claim_vectors, protos.claim_owner, [t for _, t in claim_side_texts(catalogue)]),
             ("rebuttal", protos.rebuttal_vectors, protos.rebuttal_owner, [t for _, t in rebuttal_side_texts(catalogue)]))
    for side, vectors, owner, texts in sides:
        if len(vectors) == 0:
            continue
        scores = leave_one_out_scores(vectors, owner, protos.n_narratives, k)
        for row, (own_index, text) in enumerate(zip(owner, texts, strict=True)):
            own = scores[row, own_index]
            others = scores[row].copy()
            others[own_index] = np.nan
            if np.all(np.isnan(others)) or np.isnan(own):
                continue
            best = int(np.nanargmax(others))
            if others[best] > own:
                found.append(Confusion(ids[own_index], side, text, float(own), ids[best], float(others[best])))
    return sorted(found, key=lambda c: c.own - c.other)


def summaries(catalogue: Catalogue, protos: Prototypes, found: list[Confusion]) -> list[NarrativeSummary]:
    """Per narrative: exemplar counts, its nearest narrative by claim-side centroid, its confusable exemplars."""
    centroids = np.stack([protos.claim_vectors[protos.claim_owner == j].mean(axis=0) for j in range(protos.n_narratives)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    cosines = centroids @ centroids.T
    np.fill_diagonal(cosines, -np.inf)
    counts: dict[str, int] = defaultdict(int)
    for c in found:
        counts[c.narrative_id] += 1
    out = []
    for j, n in enumerate(catalogue.narratives):
        near = int(np.argmax(cosines[j])) if protos.n_narratives > 1 else None
        out.append(NarrativeSummary(
            n.narrative_id, n.family, len(n.claims), len(n.rebuttals),
            catalogue.ids[near] if near is not None else None,
            float(cosines[j, near]) if near is not None else None,
            counts[n.narrative_id], len(n.claims) + 1 + len(n.rebuttals)))
    return out


def text_problems(catalogue: Catalogue) -> list[str]:
    """Exemplar texts given twice: in two narratives, or on both sides of one."""
    where: dict[str, list[str]] = defaultdict(list)
    for n in catalogue.narratives:
        for side, texts in (("claim", n.claims), ("rebuttal", n.rebuttals)):
            for text in texts:
                where[" ".join(text.split()).casefold()].append(f"{n.narrative_id} ({side})")
    return [f"the same exemplar in {' and '.join(places)}: {text[:80]!r}"
            for text, places in where.items() if len(places) > 1]
