"""Passage → narratives with a score and a stance, from stored embeddings and the catalogue's exemplars."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from models.catalogue import Catalogue
from models.judged import judged_scores

# Wording that rejects a claim, in four groups whose weights the stance head learns. MiniLM barely encodes
# negation, so the stance decision adds this lexical evidence to the exemplar similarity. One count of all cues
# read "the so-called New Detente ... is hollow" as a claim: rejection words and plain negation weigh differently.
_STANCE_CUES = (
    # the claim called false, empty or early: "absurd", "a myth", "hollow", "premature", "overblown"
    re.compile(
        r"\b(absurd\w*|baseless|false(ly|hood)?|myths?|debunk\w*|nonsense|groundless|unfounded|fantas(y|ies)|"
        r"fabricat\w*|ridiculous|mislead\w*|misled|wrong|refut\w*|untrue|lies|lying|hoax\w*|illusion\w*|illusory|mirage|hollow|"
        r"premature\w*|overblown|exaggerat\w*|theat(re|er)|spin|conspiracy theor\w*|disinformation|propaganda|fake|"
        r"distort\w*|fiction\w*|far-fetched|preposterous|pretext|smokescreen|charade|wishful)\b", re.IGNORECASE),
    # distance from the claim's own words: "so-called", "supposed", "much-touted". Not quotation marks: a quoted name
    # ("the “New Détente”") is no scare quote, and counting them gained nothing measurable (docs/narratives.md)
    re.compile(
        r"\b(so-called|supposed(ly)?|alleged(ly)?|allegations?|purported(ly)?|much[- ](advertised|touted|vaunted|hyped)|"
        r"touted|self-styled|claims? (of|that))\b", re.IGNORECASE),
    # denial of a premise: "there is no", "no evidence", "does not amount to", "far from"
    re.compile(
        # "there is no doubt / no other way to read it" affirms
        r"\b(no (evidence|proof|real|genuine|actual|sign|basis|such)|there (is|are|was|were|has been) no(?! (other|doubt|"
        r"question|alternative))|not a single|"
        r"nothing (of substance|concrete|has changed|new)|(does|do|did) not (make|amount|mean|prove|exist)|far from|"
        r"contrary to|unlike what|ignores|deny|denies|denied|reject\w*|dismiss\w*|not true|no longer|never)\b",
        re.IGNORECASE),
    # plain negation
    re.compile(r"\b(not|no|never|nothing|none|neither|nor|without)\b|n[’']t\b", re.IGNORECASE),
)
_CUE_SCALE = 0.3  # keeps each cue count on the scale of unit-vector components

# Words that mark a claim as someone else's, reported or predicted rather than made: "critics say",
# "some have claimed that", "they'd sensationally claim", "allegedly", "according to". Such a passage
# mentions the narrative unless it also rejects it.
_ATTRIBUTION_CUES = re.compile(
    r"\b(claim(s|ed|ing)? that|(have|has|had|would|might|may|could|will|to) (\w+ly )?(claim|allege|argue|insist|suggest|assert)(ed|s)?|"
    r"(critics|commentators|observers|analysts|bloggers|pundits|opponents|officials|experts|diplomats|columnists|some|others|many|they)"
    # only auxiliaries between speaker and verb: "critics who call it a mirage are wrong" rejects the critics
    r"( (have|has|had|will|would|might|may|could|also|often|now|even|repeatedly))? "
    r"(say|said|claim(ed)?|allege[sd]?|argue[sd]?|insist(ed)?|suggest(ed)?|describe[sd]?|call(ed)?|expect(ed)?)|"
    r"alleg(es|ed|edly|ing)|reportedly|according to|sensationally|fearmonger\w*|(it is|it's|it’s) (entirely |quite |also )?possible|"
    r"they[’']d|accus(e|es|ed|ing)|is expected to|are expected to|might soon|would follow|told reporters)\b",
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
    stance_margin: float = 0.05
    max_per_passage: int = 3
    secondary_margin: float = 0.03  # a second narrative must score within this of the passage's best
    # Per narrative, how far being closer to its rebuttal exemplars than to its claims moves the stance
    # towards rebuttal (counter-evidence without rejection words). Off: 0.5-3 lowered demo stance accuracy
    # (rebuttal recall 0.53 -> 0.48-0.50) and did not change the held-out stance set.
    counter_weight: float = 0.0
    reported_is_mention: bool = True  # a reported or predicted claim ("critics say ...") is a mention
    claim_lead_only: bool = True  # a passage claims only its strongest narrative; near-ties beside it are mentions
    training_fingerprint: str | None = None
    notes: str = ""
    # Narratives decided by a classifier fitted on analyst judgments (models/judged.py): weights then intercept. It
    # decides only passages at least `judged_floor` close to the narrative's exemplars, where its judgments lie.
    judged_weights: dict[str, list[float]] = field(default_factory=dict)
    judged_floor: float = 0.40
    judgments_fitted: dict[str, object] = field(default_factory=dict)  # count and hash of the judgments read
    # The stance head refitted on the exemplars and the judged claims and rebuttals (replaces the prototypes' one).
    judged_stance_weights: list[float] | None = None

    @property
    def hash(self) -> str:
        """Identifies the decision parameters stored with each classification."""
        import hashlib

        values = asdict(self)
        if not self.judged_weights and self.judged_stance_weights is None:
            # Nothing learnt from judgments decides anything: the hash stays what it was before they existed, so
            # upgrading (or a fit that changed nothing) relabels nothing.
            for name in ("judged_weights", "judged_floor", "judgments_fitted", "judged_stance_weights"):
                values.pop(name)
        return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:16]

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
    stance_weights: np.ndarray  # logistic stance head: embedding dims + cue counts, then intercept


def claim_side_texts(catalogue: Catalogue) -> list[tuple[int, str]]:
    """(narrative index, text) of every claim-side exemplar, in the order the prototypes hold them. The description
    is a claim-side exemplar too: it anchors narratives with few exemplars."""
    return [(i, t) for i, n in enumerate(catalogue.narratives) for t in (*n.claims, n.description)]


def rebuttal_side_texts(catalogue: Catalogue) -> list[tuple[int, str]]:
    """(narrative index, text) of every rebuttal exemplar, in the order the prototypes hold them."""
    return [(i, t) for i, n in enumerate(catalogue.narratives) for t in n.rebuttals]


def build_prototypes(catalogue: Catalogue, encode) -> Prototypes:
    """Embed every exemplar once; `encode` maps a list of texts to unit vectors."""
    claim_side, rebuttal_side = claim_side_texts(catalogue), rebuttal_side_texts(catalogue)
    claims, rebuttals = [t for _, t in claim_side], [t for _, t in rebuttal_side]
    claim_owner, rebuttal_owner = [i for i, _ in claim_side], [i for i, _ in rebuttal_side]
    vectors = encode(claims + rebuttals)
    return Prototypes(
        claim_vectors=vectors[: len(claims)],
        claim_owner=np.array(claim_owner),
        rebuttal_vectors=vectors[len(claims) :],
        rebuttal_owner=np.array(rebuttal_owner),
        n_narratives=len(catalogue.narratives),
        stance_weights=fit_stance_head(vectors, claims + rebuttals, len(claims)),
    )


def claim_vectors_by_label(catalogue: Catalogue, protos: Prototypes) -> dict[str, np.ndarray]:
    """Each narrative's claim-side exemplar vectors (its claims and description), keyed by its label."""
    return {n.label: protos.claim_vectors[protos.claim_owner == i] for i, n in enumerate(catalogue.narratives)}


def _stance_features(vectors: np.ndarray, texts: list[str]) -> np.ndarray:
    cues = np.array([[_CUE_SCALE * min(n, 3) for n in stance_cues(t)] for t in texts], dtype=np.float32)
    return np.hstack([vectors, cues.reshape(len(texts), len(_STANCE_CUES))])


def fit_stance_head(vectors: np.ndarray, texts: list[str], n_claims: int, strength: float = 3.0) -> np.ndarray:
    """Logistic regression claim (0) vs rebuttal (1) on the first `n_claims` texts against the rest.

    Rejection shares vocabulary across narratives ("absurd", "no evidence", "so-called"), so one
    head learnt from every narrative's exemplars carries over to passages of any of them. `strength` is the
    inverse regularisation (sklearn's C).
    """
    from sklearn.linear_model import LogisticRegression

    labels = np.r_[np.zeros(n_claims), np.ones(len(texts) - n_claims)]
    if len(set(labels)) < 2:
        return np.zeros(vectors.shape[1] + len(_STANCE_CUES) + 1, dtype=np.float32)
    head = LogisticRegression(C=strength, max_iter=3000).fit(_stance_features(vectors, texts), labels)
    return np.r_[head.coef_[0], head.intercept_].astype(np.float32)


def rebuttal_probability(vectors: np.ndarray, texts: list[str], weights: np.ndarray) -> np.ndarray:
    z = _stance_features(vectors, texts) @ weights[:-1] + weights[-1]
    return 1.0 / (1.0 + np.exp(-z))


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


def passage_relevance(vectors: np.ndarray, protos: Prototypes, k: int) -> np.ndarray:
    """Passages × narratives: the closer side (claim or rebuttal) of each passage to each narrative's exemplars, the
    score the assignment bar is applied to."""
    return np.maximum(*side_scores(vectors, protos, k))


def stance_cues(text: str) -> list[int]:
    """Counts of rejection, distancing, premise-denial and negation wording in `text`."""
    return [len(pattern.findall(text)) for pattern in _STANCE_CUES]


def stance_of(p_rebuttal: float, params: ClassifierParams) -> str:
    """Near 0.5 the head cannot tell: the passage mentions the narrative without a clear side."""
    if p_rebuttal >= 0.5 + params.stance_margin:
        return "rebuttal"
    if p_rebuttal <= 0.5 - params.stance_margin:
        return "claim"
    return "mention"


def attribution_cues(text: str) -> int:
    return len(_ATTRIBUTION_CUES.findall(text))


@dataclass(frozen=True)
class StanceEvidence:
    """What the stance of a passage towards each narrative is decided from."""

    p_rebuttal: np.ndarray  # passages: the stance head's probability that the passage rejects a claim
    reported: np.ndarray  # passages: the claim is attributed to someone else or predicted
    claim: np.ndarray  # passages × narratives: similarity to the claim exemplars
    rebut: np.ndarray  # passages × narratives: similarity to the rebuttal exemplars

    @classmethod
    def of(cls, vectors: np.ndarray, texts: list[str], protos: Prototypes, params: ClassifierParams) -> StanceEvidence:
        claim, rebut = side_scores(vectors, protos, params.top_k)
        reported = np.array([attribution_cues(t) > 0 for t in texts], dtype=bool)
        weights = protos.stance_weights if params.judged_stance_weights is None else np.asarray(
            params.judged_stance_weights, dtype=np.float32)
        return cls(rebuttal_probability(vectors, texts, weights), reported, claim, rebut)

    def stance(self, row: int, narrative: int, params: ClassifierParams) -> str:
        """Rejection first; a reported claim, or a narrative the passage only touches beside its main one,
        is a mention; counter-evidence leans towards rebuttal."""
        p = float(self.p_rebuttal[row]) + params.counter_weight * float(self.rebut[row, narrative] - self.claim[row, narrative])
        if p >= 0.5 + params.stance_margin:
            return "rebuttal"
        if params.reported_is_mention and self.reported[row]:
            return "mention"
        lead = int(np.argmax(np.maximum(self.claim[row], self.rebut[row])))
        if params.claim_lead_only and narrative != lead:
            return "mention"
        return stance_of(p, params)


def classify(
    vectors: np.ndarray,
    texts: list[str],
    catalogue: Catalogue,
    protos: Prototypes,
    params: ClassifierParams,
) -> list[list[Assignment]]:
    """Zero or more narratives per passage, strongest first."""
    evidence = StanceEvidence.of(vectors, texts, protos, params)
    relevance = np.maximum(evidence.claim, evidence.rebut)
    thresholds = np.array([params.threshold(i) for i in catalogue.ids], dtype=np.float32)
    passes = relevance >= thresholds
    judged = judged_hits(vectors, relevance, catalogue.ids, params)
    if judged is not None:  # a judged classifier's decision replaces the bar; the ranking below stays the same
        columns = sorted(judged_columns(catalogue.ids, params))
        passes[:, columns] = judged[:, columns]
    results: list[list[Assignment]] = []
    for row, text in enumerate(texts):
        hits = np.flatnonzero(passes[row])
        hits = hits[np.argsort(-relevance[row, hits])][: params.max_per_passage]
        if len(hits):
            # Neighbouring narratives share vocabulary; only near-ties are kept as genuine co-occurrence.
            hits = hits[relevance[row, hits] >= relevance[row, hits[0]] - params.secondary_margin]
        results.append([Assignment(catalogue.ids[j], float(relevance[row, j]), evidence.stance(row, int(j), params)) for j in hits])
    return results


def judged_columns(narrative_ids: list[str], params: ClassifierParams) -> set[int]:
    """Columns of the narratives a classifier fitted on judgments decides (the rule decides the rest)."""
    return {j for j, nid in enumerate(narrative_ids) if nid in params.judged_weights}


def judged_hits(vectors: np.ndarray, relevance: np.ndarray, narrative_ids: list[str],
                params: ClassifierParams) -> np.ndarray | None:
    """Passages × narratives: where a judged classifier says yes (probability >= 0.5, relevance >= the floor)."""
    if not params.judged_weights:
        return None
    p = judged_scores(vectors, params.judged_weights, narrative_ids)
    return (np.nan_to_num(p, nan=0.0) >= 0.5) & (relevance >= params.judged_floor)


def aggregate_article(passages: list[list[Assignment]]) -> dict[str, Assignment]:
    """Article-level narratives: each one found, with the stance of its strongest passage.

    Same rule as the `article_narratives` view, for callers that classify text outside the warehouse.
    """
    best: dict[str, Assignment] = {}
    for found in passages:
        for a in found:
            if a.narrative_id not in best or a.score > best[a.narrative_id].score:
                best[a.narrative_id] = a
    return dict(sorted(best.items(), key=lambda kv: -kv[1].score))
