"""Learning from analyst judgments (issue #36 items 4-5): a passage classifier per narrative fitted on judged passages
and its exemplars, which replaces the exemplar rule's decision for that narrative once it has enough judgments, and
each narrative's precision and recall on a held-out share of the judgments, with Wilson intervals.

How a judgment enters: the latest answer of each analyst on a passage is one example. For narrative X a positive is
a passage judged X (any stance) and X's exemplars (claims, description, rebuttals: a rebuttal of X is about X, as
the rule labels it); a negative is a passage the model proposed as X that the analyst answered otherwise ("none of
these" or another narrative), and any passage judged "none of these" (it names no narrative of the catalogue). A
passage judged Y that was proposed as Y says nothing about X and is left out of X's examples. The other narratives'
exemplars are negatives too, so the classifier learns X against its neighbours, not only against the few judged
negatives.

The split is by text hash (HELD_OUT_SHARE of the texts), so copies of one text never sit on both sides; the
classifier is fitted on the training part only, and the held-out part measures the decision that is shipped (the
classifier's where it exists, else the exemplar rule's).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from extractors.identity import text_hash
from models.judgments import Judgment

HELD_OUT_SHARE = 0.25
MIN_JUDGMENTS = 20  # judgments naming X or answering a proposal of X, both parts, before X gets a classifier
MIN_POSITIVES = 5  # judged X, in the training part
MIN_NEGATIVES = 5  # judged not X, in the training part
STRENGTH = 10.0  # inverse regularisation (sklearn's C)
EXEMPLAR_WEIGHT = 0.3  # one exemplar sentence against one judged passage
Z95 = 1.959964


@dataclass(frozen=True)
class JudgedExample:
    """One analyst's latest answer on one passage text."""

    text: str
    narrative_id: str | None  # None: none of these
    stance: str | None
    proposed_id: str | None
    held_out: bool


def held_out(text: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether a text belongs to the held-out part: a fixed function of its hash, so the split never moves."""
    return int(text_hash(text)[:8], 16) % 10_000 < share * 10_000


def judged_examples(judgments: Iterable[Judgment]) -> list[JudgedExample]:
    """Each analyst's latest passage judgment per passage, oldest first (as `models.judgments.training_records`)."""
    latest: dict[tuple[str, str | None, str], Judgment] = {}
    for j in sorted(judgments, key=lambda j: j.judged_at):
        if j.target == "passage":
            latest[(j.article_id, j.text_hash, j.analyst)] = j
    return [JudgedExample(j.text, j.narrative_id, j.stance, j.proposed_narrative_id, held_out(j.text))
            for j in latest.values()]


def judgments_hash(judgments: Iterable[Judgment]) -> str:
    """Identifies the set of judgments a fit read (their ids, order-free)."""
    ids = sorted(j.judgment_id for j in judgments)
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def involves(e: JudgedExample, narrative_id: str) -> bool:
    return narrative_id in (e.narrative_id, e.proposed_id)


def is_negative(e: JudgedExample, narrative_id: str) -> bool:
    return e.narrative_id != narrative_id and (e.narrative_id is None or e.proposed_id == narrative_id)


@dataclass(frozen=True)
class NarrativeFit:
    """What a fit decided for one narrative: its classifier (weights then intercept) or why it keeps the rule."""

    narrative_id: str
    judgments: int  # judgments involving it, both parts
    positives: int  # training part
    negatives: int  # training part
    weights: list[float] | None
    reason: str


def fit_narratives(examples: Sequence[JudgedExample], vectors: np.ndarray, narrative_ids: Sequence[str],
                   exemplars: dict[str, np.ndarray]) -> list[NarrativeFit]:
    """Per narrative, a class-balanced logistic regression on the training part's vectors and its exemplars' vectors,
    where there are enough judgments; `vectors` are the examples' unit vectors, in their order."""
    from sklearn.linear_model import LogisticRegression

    out = []
    for nid in narrative_ids:
        n = sum(involves(e, nid) for e in examples)
        pos = [i for i, e in enumerate(examples) if not e.held_out and e.narrative_id == nid]
        neg = [i for i, e in enumerate(examples) if not e.held_out and is_negative(e, nid)]
        short = [f"{n} judgments (needs {MIN_JUDGMENTS})" if n < MIN_JUDGMENTS else "",
                 f"{len(pos)} judged positives to learn from (needs {MIN_POSITIVES})" if len(pos) < MIN_POSITIVES else "",
                 f"{len(neg)} judged negatives to learn from (needs {MIN_NEGATIVES})" if len(neg) < MIN_NEGATIVES else ""]
        if any(short):
            out.append(NarrativeFit(nid, n, len(pos), len(neg), None,
                                    "exemplar rule kept: " + ", ".join(s for s in short if s)))
            continue
        own = exemplars.get(nid, np.zeros((0, vectors.shape[1]), dtype=np.float32))
        others = [v for other, v in exemplars.items() if other != nid]
        rest = np.vstack(others) if others else np.zeros((0, vectors.shape[1]), dtype=np.float32)
        x = np.vstack([vectors[pos], own, vectors[neg], rest])
        y = np.r_[np.ones(len(pos) + len(own)), np.zeros(len(neg) + len(rest))]
        # An analyst's answer outweighs an exemplar: the exemplars anchor the classifier where few are judged, and
        # the other narratives' exemplars together weigh as much as the judged negatives.
        weight = np.r_[np.ones(len(pos)), np.full(len(own), EXEMPLAR_WEIGHT), np.ones(len(neg)),
                       np.full(len(rest), len(neg) / max(len(rest), 1))]
        weight[y == 1] *= weight[y == 0].sum() / weight[y == 1].sum()  # the two classes weigh the same
        model = LogisticRegression(C=STRENGTH, max_iter=3000).fit(x, y, sample_weight=weight)
        weights = [round(float(w), 6) for w in (*model.coef_[0], model.intercept_[0])]
        out.append(NarrativeFit(nid, n, len(pos), len(neg), weights,
                                f"classifier on {len(pos)} judged positives and its {len(own)} exemplars against "
                                f"{len(neg)} judged negatives and {len(rest)} exemplars of the other narratives"))
    return out


def judged_scores(vectors: np.ndarray, weights: dict[str, list[float]], narrative_ids: Sequence[str]) -> np.ndarray:
    """Passages × narratives: each judged classifier's probability; NaN for narratives without one."""
    out = np.full((len(vectors), len(narrative_ids)), np.nan, dtype=np.float32)
    for j, nid in enumerate(narrative_ids):
        w = weights.get(nid)
        if w is not None and len(vectors):
            z = vectors @ np.asarray(w[:-1], dtype=np.float32) + w[-1]
            out[:, j] = 1.0 / (1.0 + np.exp(-z))
    return out


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of k successes in n trials; None when n is 0."""
    if n == 0:
        return None
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Quality:
    """One narrative's labelling quality on the held-out judgments."""

    narrative_id: str
    decided_by: str  # judgments | exemplars
    judgments: int  # judgments involving it, both parts
    held_out: int  # held-out judgments involving it
    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float | None:
        n = self.true_positive + self.false_positive
        return self.true_positive / n if n else None

    @property
    def recall(self) -> float | None:
        n = self.true_positive + self.false_negative
        return self.true_positive / n if n else None

    @property
    def precision_interval(self) -> tuple[float, float] | None:
        return wilson(self.true_positive, self.true_positive + self.false_positive)

    @property
    def recall_interval(self) -> tuple[float, float] | None:
        return wilson(self.true_positive, self.true_positive + self.false_negative)

    def row(self) -> dict[str, object]:
        p, r = self.precision_interval, self.recall_interval
        return {"narrative_id": self.narrative_id, "decided_by": self.decided_by, "judgments": self.judgments,
                "held_out": self.held_out, "true_positive": self.true_positive,
                "false_positive": self.false_positive, "false_negative": self.false_negative,
                "precision": self.precision, "precision_low": p[0] if p else None, "precision_high": p[1] if p else None,
                "recall": self.recall, "recall_low": r[0] if r else None, "recall_high": r[1] if r else None}


def quality(examples: Sequence[JudgedExample], predicted: Sequence[set[str]], narrative_ids: Sequence[str],
            judged: set[str]) -> list[Quality]:
    """Per narrative, the shipped decision (`predicted`: each example's narratives) against the held-out judgments
    that involve it; `judged`: the narratives a judged classifier decides."""
    out = []
    for nid in narrative_ids:
        rows = [(e, p) for e, p in zip(examples, predicted, strict=True) if e.held_out and involves(e, nid)]
        tp = sum(e.narrative_id == nid and nid in p for e, p in rows)
        fp = sum(e.narrative_id != nid and nid in p for e, p in rows)
        fn = sum(e.narrative_id == nid and nid not in p for e, p in rows)
        out.append(Quality(nid, "judgments" if nid in judged else "exemplars", sum(involves(e, nid) for e in examples),
                           len(rows), tp, fp, fn))
    return out


def quality_line(row: dict[str, object] | None) -> str:
    """One short line for a narrative's quality row (as `Quality.row`), or 'not yet judged'."""
    if not row or not row.get("held_out"):
        n = int(row["judgments"]) if row else 0  # type: ignore[call-overload]
        return f"not yet judged ({n} judgments, none held out)" if n else "not yet judged"

    def part(name: str) -> str:
        value, low, high = row.get(name), row.get(f"{name}_low"), row.get(f"{name}_high")
        if value is None:
            return f"{name} n/a"
        return f"{name} {value:.2f} [{low:.2f}, {high:.2f}]"

    by = "judged classifier" if row.get("decided_by") == "judgments" else "exemplar rule"
    return (f"labelled by the {by}: {part('precision')}, {part('recall')}, on {row['held_out']} held-out of "
            f"{row['judgments']} judgments")
