"""Stance judged on real claim / rebuttal pairs: EUvsDisinfo cases, a disinformation claim's summary and the
EUvsDisinfo team's disproof of it (read from wherever the user keeps the scrape; never copied into the repository)."""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.catalogue import Catalogue
from models.narratives import ClassifierParams, Prototypes, StanceEvidence

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


def pair_stances(vectors: np.ndarray, pairs: list[StancePair], catalogue: Catalogue, protos: Prototypes,
                 params: ClassifierParams) -> tuple[Counter[str], Counter[str]]:
    """Stances of the claims and of the rebuttals of the pairs in the catalogue's scope (the claim is assigned some
    narrative), both judged towards the claim's strongest narrative as the pipeline judges a passage. `vectors`
    holds the claims' vectors, then the rebuttals'."""
    n = len(pairs)
    texts = [p.claim for p in pairs] + [p.rebuttal for p in pairs]
    evidence = StanceEvidence.of(vectors, texts, protos, params)
    relevance = np.maximum(evidence.claim[:n], evidence.rebut[:n])
    claims: Counter[str] = Counter()
    rebuttals: Counter[str] = Counter()
    for i in range(n):
        j = int(relevance[i].argmax())
        if relevance[i, j] >= params.threshold(catalogue.ids[j]):
            claims[evidence.stance(i, j, params)] += 1
            rebuttals[evidence.stance(n + i, j, params)] += 1
    return claims, rebuttals
