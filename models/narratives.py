"""Passage → narratives with a score and a stance, from stored embeddings and the catalogue's exemplars."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from models.catalogue import Catalogue

# Words that mark a sentence as reporting a claim in order to reject it. MiniLM barely encodes
# negation, so the stance decision adds this lexical evidence to the exemplar similarity.
_REBUTTAL_CUES = re.compile(
    r"\b(absurd|baseless|false(ly)?|myth|debunk\w*|nonsense|groundless|unfounded|fantasy|fabricat\w*|"
    r"disinformation|propaganda|no evidence|not true|isn[’']t|aren[’']t|wasn[’']t|doesn[’']t|don[’']t|"
    r"never|contrary to|unlike what|so-called|claims? (of|that)|allegations?|ridiculous|misleading|"
    r"wrong|refute\w*|reject\w*|deny|denies|denied|dismiss\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Assignment:
    narrative_id: str
    score: float
    stance: str  # claim | rebuttal | mention


@dataclass
class ClassifierParams:
    """Learned or default decision parameters; saved as a small JSON artefact."""

    default_threshold: float = 0.50
    thresholds: dict[str, float] = field(default_factory=dict)
    top_k: int = 2  # exemplar similarities averaged per side
    stance_margin: float = 0.02
    cue_weight: float = 0.04
    max_per_passage: int = 3
    training_fingerprint: str | None = None
    notes: str = ""

    def threshold(self, narrative_id: str) -> float:
        return self.thresholds.get(narrative_id, self.default_threshold)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ClassifierParams:
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Prototypes:
    """Exemplar vectors per narrative: claims and rebuttals stacked, with their owners."""

    claim_vectors: np.ndarray
    claim_owner: np.ndarray
    rebuttal_vectors: np.ndarray
    rebuttal_owner: np.ndarray
    n_narratives: int


def build_prototypes(catalogue: Catalogue, encode) -> Prototypes:
    """Embed every exemplar once; `encode` maps a list of texts to unit vectors."""
    claims, claim_owner, rebuttals, rebuttal_owner = [], [], [], []
    for i, n in enumerate(catalogue.narratives):
        # The description is a claim-side exemplar too: it anchors narratives with few exemplars.
        for text in (*n.claims, n.description):
            claims.append(text)
            claim_owner.append(i)
        for text in n.rebuttals:
            rebuttals.append(text)
            rebuttal_owner.append(i)
    vectors = encode(claims + rebuttals)
    return Prototypes(
        claim_vectors=vectors[: len(claims)],
        claim_owner=np.array(claim_owner),
        rebuttal_vectors=vectors[len(claims) :],
        rebuttal_owner=np.array(rebuttal_owner),
        n_narratives=len(catalogue.narratives),
    )


def _top_k_mean(sims: np.ndarray, owner: np.ndarray, n: int, k: int) -> np.ndarray:
    """Per narrative, the mean of the k highest similarities among its exemplars."""
    out = np.full((sims.shape[0], n), -1.0, dtype=np.float32)
    for j in range(n):
        cols = sims[:, owner == j]
        if cols.shape[1] == 0:
            continue
        kk = min(k, cols.shape[1])
        out[:, j] = np.sort(cols, axis=1)[:, -kk:].mean(axis=1)
    return out


def side_scores(vectors: np.ndarray, protos: Prototypes, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(claim, rebuttal) similarity matrices of shape passages × narratives."""
    claim = _top_k_mean(vectors @ protos.claim_vectors.T, protos.claim_owner, protos.n_narratives, k)
    rebut = _top_k_mean(vectors @ protos.rebuttal_vectors.T, protos.rebuttal_owner, protos.n_narratives, k)
    return claim, rebut


def rebuttal_cues(text: str) -> int:
    return len(_REBUTTAL_CUES.findall(text))


def stance_of(claim_sim: float, rebuttal_sim: float, cues: int, params: ClassifierParams) -> str:
    lean = (rebuttal_sim - claim_sim) + params.cue_weight * min(cues, 3)
    if lean > params.stance_margin:
        return "rebuttal"
    if lean < -params.stance_margin:
        return "claim"
    return "mention"


def classify(
    vectors: np.ndarray,
    texts: list[str],
    catalogue: Catalogue,
    protos: Prototypes,
    params: ClassifierParams,
) -> list[list[Assignment]]:
    """Zero or more narratives per passage, strongest first."""
    claim, rebut = side_scores(vectors, protos, params.top_k)
    relevance = np.maximum(claim, rebut)
    thresholds = np.array([params.threshold(i) for i in catalogue.ids], dtype=np.float32)
    results: list[list[Assignment]] = []
    for row, text in enumerate(texts):
        hits = np.flatnonzero(relevance[row] >= thresholds)
        hits = hits[np.argsort(-relevance[row, hits])][: params.max_per_passage]
        cues = rebuttal_cues(text) if len(hits) else 0
        results.append(
            [
                Assignment(
                    catalogue.ids[j],
                    float(relevance[row, j]),
                    stance_of(float(claim[row, j]), float(rebut[row, j]), cues, params),
                )
                for j in hits
            ]
        )
    return results
