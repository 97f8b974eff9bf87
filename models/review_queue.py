"""The review queue: which passages an analyst should judge next, and why (issue #36).

First the evidence passages of the newest alerts (newest first), then passages where the trained head and the
exemplar rule disagree, then the rest; within the last two, narratives take turns, the one with the fewest
judgments first, each offering its least sure passage (score nearest its threshold) next. A text already judged,
or already queued, is never offered again: the same text hash, or a vector at cosine >= `duplicate_cosine`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DUPLICATE_COSINE = 0.95  # the copy detector's cosine (models/reuse.py): nearer than this is the same text
NEAREST = 5  # other narratives offered by number in a review
STANCE_KEYS = {"c": "claim", "r": "rebuttal", "m": "mention"}


@dataclass(frozen=True)
class Candidates:
    """One row per passage that could be queued, with its proposed narrative."""

    text_hash: Sequence[str]
    narrative: Sequence[str]
    score: np.ndarray                       # the proposal's score
    threshold: np.ndarray                   # the narrative's decision threshold
    disagreement: Sequence[str | None]      # how the head and the rule disagree on it, or None
    alert_rank: np.ndarray                  # 0 = evidence of the newest alert, 1 the next...; -1 = none
    alert: Sequence[str | None]             # that alert in words
    vectors: np.ndarray | None = None       # (n, d) passage vectors, for near-duplicates

    def __len__(self) -> int:
        return len(self.text_hash)


@dataclass(frozen=True)
class QueueItem:
    index: int     # the candidate's row
    reason: str


def review_queue(c: Candidates, judged_per_narrative: Mapping[str, int], judged_hashes: set[str],
                 judged_vectors: np.ndarray | None = None, limit: int = 50,
                 duplicate_cosine: float = DUPLICATE_COSINE) -> list[QueueItem]:
    """The next `limit` passages to judge, in order, each with why it was chosen."""
    margin = np.abs(np.asarray(c.score, float) - np.asarray(c.threshold, float))
    alert_rank = np.asarray(c.alert_rank)
    on_alert = [i for i in range(len(c)) if alert_rank[i] >= 0]
    on_alert.sort(key=lambda i: (alert_rank[i], margin[i], c.text_hash[i]))
    rest = [i for i in range(len(c)) if alert_rank[i] < 0]
    disagree = [i for i in rest if c.disagreement[i]]
    unsure = [i for i in rest if not c.disagreement[i]]
    order = on_alert + _turns(disagree, c, margin, judged_per_narrative) + _turns(unsure, c, margin, judged_per_narrative)
    unit = _unit(c.vectors)
    taken = _unit(judged_vectors) if judged_vectors is not None and len(judged_vectors) else None
    seen = set(judged_hashes)
    queue: list[QueueItem] = []
    for i in order:
        if len(queue) >= limit:
            break
        if c.text_hash[i] in seen:
            continue
        if unit is not None:
            if taken is not None and float(np.max(taken @ unit[i])) >= duplicate_cosine:
                continue
            taken = unit[i][None, :] if taken is None else np.vstack([taken, unit[i]])
        seen.add(c.text_hash[i])
        queue.append(QueueItem(i, _reason(c, i, judged_per_narrative)))
    return queue


def _turns(rows: list[int], c: Candidates, margin: np.ndarray, judged: Mapping[str, int]) -> list[int]:
    """Narratives take turns, fewest judgments first; each gives its least sure passage next."""
    by_narrative: dict[str, list[int]] = defaultdict(list)
    for i in sorted(rows, key=lambda i: (margin[i], c.text_hash[i])):
        by_narrative[c.narrative[i]].append(i)
    narratives = sorted(by_narrative, key=lambda n: (judged.get(n, 0), n))
    out: list[int] = []
    for depth in range(max((len(v) for v in by_narrative.values()), default=0)):
        out.extend(by_narrative[n][depth] for n in narratives if depth < len(by_narrative[n]))
    return out


def _unit(vectors: np.ndarray | None) -> np.ndarray | None:
    if vectors is None:
        return None
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1.0, norms)


def _reason(c: Candidates, i: int, judged: Mapping[str, int]) -> str:
    n = judged.get(c.narrative[i], 0)
    sure = f"score {c.score[i]:.2f} against threshold {c.threshold[i]:.2f}"
    count = f"{c.narrative[i]} has {n} judgment{'' if n == 1 else 's'}"
    if c.alert_rank[i] >= 0:
        return f"evidence of {c.alert[i]}; {sure}"
    if c.disagreement[i]:
        return f"{c.disagreement[i]}; {count}"
    return f"least sure: {sure}; {count}"


def nearest_narratives(vector: np.ndarray | None, vectors: dict[str, np.ndarray], besides: str,
                       order: list[str]) -> list[str]:
    """The NEAREST narratives to a passage other than its proposal: by the passage's cosine to each narrative's
    nearest exemplar when the vectors are cached, else in catalogue order."""
    candidates = [n for n in order if n != besides]
    if vector is None or not vectors:
        return candidates[:NEAREST]
    unit = vector / (np.linalg.norm(vector) or 1.0)

    def closeness(n: str) -> float:
        v = vectors.get(n)
        return -1.0 if v is None else float(np.max(v @ unit / np.maximum(np.linalg.norm(v, axis=1), 1e-9)))

    return sorted(candidates, key=closeness, reverse=True)[:NEAREST]


@dataclass(frozen=True)
class Answer:
    """One reply to a queued passage: a narrative (None = none of these) and stance, or skip or quit."""

    action: str                      # judge | skip | quit
    narrative_id: str | None = None
    stance: str | None = None


def parse_answer(keys: str, proposed: str, stance: str, others: list[str]) -> Answer | None:
    """The answer typed (one key, or a digit and a stance key) in the terminal or on the review page; None when it
    means nothing."""
    keys = keys.strip().lower()
    if keys in ("q", "s"):
        return Answer("quit" if keys == "q" else "skip")
    if keys == "y":
        return Answer("judge", proposed, stance)
    if keys == "n":
        return Answer("judge", None, None)
    if keys in STANCE_KEYS:
        return Answer("judge", proposed, STANCE_KEYS[keys])
    if keys[:1] in tuple("123456789") and int(keys[0]) <= len(others) and (len(keys) == 1 or keys[1:] in STANCE_KEYS):
        return Answer("judge", others[int(keys[0]) - 1], STANCE_KEYS.get(keys[1:], stance))
    return None
