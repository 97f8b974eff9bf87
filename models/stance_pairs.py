"""Stance judged on real claim / rebuttal pairs: EUvsDisinfo cases, a disinformation claim's summary and the
EUvsDisinfo team's disproof of it (read from wherever the user keeps the scrape; never copied into the repository)."""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from models.catalogue import Catalogue
from models.narratives import (
    ClassifierParams,
    Prototypes,
    StanceEvidence,
    claim_side_texts,
    fit_stance_head,
    rebuttal_side_texts,
    side_scores,
)

_URL = re.compile(r"\(?https?://\S+\)?")


@dataclass(frozen=True)
class StancePair:
    title: str
    claim: str  # the case's summary of the disinformation claim
    rebuttal: str  # the disproof
    half: str  # "tune" or "test", by a hash of the title: choose on one, report the other


def read_pairs(path: str | Path) -> list[StancePair]:
    """Cases with a summary of 8+ words and a disproof of 5+; URLs removed (article text rarely carries them)."""
    csv.field_size_limit(sys.maxsize)
    with Path(path).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pairs = []
    for r in rows:
        claim, rebuttal = (" ".join(_URL.sub(" ", r.get(k) or "").split()) for k in ("summary", "disproof"))
        if len(claim.split()) >= 8 and len(rebuttal.split()) >= 5:
            half = "tune" if int(hashlib.sha256(r["title"].encode()).hexdigest(), 16) % 2 == 0 else "test"
            pairs.append(StancePair(r["title"], claim, rebuttal, half))
    return pairs


def held_out(pairs: list[StancePair]) -> list[StancePair]:
    """The `test` half without the cases that share a text with the `tune` half (generic disproofs such as
    "Conspiracy theory, no evidence given." recur across cases): a head fitted on tune pairs never saw them."""
    seen = {t for p in pairs if p.half == "tune" for t in (p.claim, p.rebuttal)}
    return [p for p in pairs if p.half == "test" and p.claim not in seen and p.rebuttal not in seen]


def in_scope(claim_vectors: np.ndarray, catalogue: Catalogue, protos: Prototypes,
             params: ClassifierParams) -> list[tuple[int, int]]:
    """(pair index, narrative index) of the pairs whose claim is assigned a narrative, with its strongest one."""
    relevance = np.maximum(*side_scores(claim_vectors, protos, params.top_k))
    lead = relevance.argmax(axis=1) if len(relevance) else np.zeros(0, dtype=int)
    return [(i, int(j)) for i, j in enumerate(lead) if relevance[i, j] >= params.threshold(catalogue.ids[j])]


def judged_pairs(vectors: np.ndarray, pairs: list[StancePair], catalogue: Catalogue, protos: Prototypes,
                 params: ClassifierParams) -> list[tuple[str, str]]:
    """(claim's stance, rebuttal's stance) of each pair in the catalogue's scope, both judged towards the claim's
    strongest narrative as the pipeline judges a passage. `vectors` holds the claims' vectors, then the rebuttals'."""
    n = len(pairs)
    texts = [p.claim for p in pairs] + [p.rebuttal for p in pairs]
    evidence = StanceEvidence.of(vectors, texts, protos, params)
    return [(evidence.stance(i, j, params), evidence.stance(n + i, j, params))
            for i, j in in_scope(vectors[:n], catalogue, protos, params)]


def pair_stances(vectors: np.ndarray, pairs: list[StancePair], catalogue: Catalogue, protos: Prototypes,
                 params: ClassifierParams) -> tuple[Counter[str], Counter[str]]:
    """Stance counts of the claims and of the rebuttals of the pairs in the catalogue's scope (`judged_pairs`)."""
    judged = judged_pairs(vectors, pairs, catalogue, protos, params)
    return Counter(c for c, _ in judged), Counter(r for _, r in judged)


def with_pair_head(catalogue: Catalogue, protos: Prototypes, pairs: list[StancePair], encode,
                   params: ClassifierParams) -> Prototypes:
    """Prototypes whose stance head learnt from real pairs in the catalogue's scope beside the catalogue's exemplars.

    Pairs out of scope are left out: fitted on every pair, the head learnt the scrape's topics and the demo's stance
    accuracy fell to 0.64 (0.83 in scope; measured within the tune half, docs/narratives.md). A weaker fit (C 1, not 3) keeps
    the demo's stance at the exemplar head's level or above.
    """
    claim_vectors = encode([p.claim for p in pairs])
    scoped = [pairs[i] for i, _ in in_scope(claim_vectors, catalogue, protos, params)]
    claims = [t for _, t in claim_side_texts(catalogue)] + [p.claim for p in scoped]
    rebuttals = [t for _, t in rebuttal_side_texts(catalogue)] + [p.rebuttal for p in scoped]
    vectors = encode(claims + rebuttals)
    return replace(protos, stance_weights=fit_stance_head(vectors, claims + rebuttals, len(claims), strength=1.0))


def scoped_pairs(pairs: list[StancePair], catalogue: Catalogue, protos: Prototypes, params: ClassifierParams,
                 encode) -> tuple[list[StancePair], np.ndarray]:
    """The pairs in the catalogue's scope and their vectors (claims, then rebuttals); other rebuttals not encoded."""
    scoped = [pairs[i] for i, _ in in_scope(encode([p.claim for p in pairs]), catalogue, protos, params)]
    return scoped, encode([p.claim for p in scoped] + [p.rebuttal for p in scoped])


def _rates(judged: np.ndarray) -> np.ndarray:
    """Claim precision, claim recall, rebuttal precision, rebuttal recall of (claim's, rebuttal's) stance codes."""
    claim_hit, claim_miss = (judged[:, 0] == 0).sum(), (judged[:, 1] == 0).sum()  # code 0 claim, 1 rebuttal, 2 mention
    rebut_hit, rebut_miss = (judged[:, 1] == 1).sum(), (judged[:, 0] == 1).sum()
    n = len(judged)
    return np.array([claim_hit / max(claim_hit + claim_miss, 1), claim_hit / n,
                     rebut_hit / max(rebut_hit + rebut_miss, 1), rebut_hit / n])


def stance_rates(judged: list[tuple[str, str]], resamples: int = 2000, seed: int = 0) -> dict[str, list[float]]:
    """Claim and rebuttal precision and recall, each [value, low, high] with a 95% bootstrap interval over cases
    (a case's claim and rebuttal are resampled together)."""
    codes = np.array([[("claim", "rebuttal", "mention").index(s) for s in pair] for pair in judged])
    rng = np.random.default_rng(seed)
    draws = np.array([_rates(codes[rng.integers(0, len(codes), len(codes))]) for _ in range(resamples)])
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    names = ("claim_precision", "claim_recall", "rebuttal_precision", "rebuttal_recall")
    return {k: [round(float(v), 3), round(float(lo), 3), round(float(hi), 3)]
            for k, v, lo, hi in zip(names, _rates(codes), low, high, strict=True)}
