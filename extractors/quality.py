"""Extraction quality: token-shingle precision, recall and F1 against gold text, as the Zyte benchmark scores them.

Mirrors `evaluate.py` of scrapinghub/article-extraction-benchmark: tokens are `\\w+` runs, a page's text becomes a
multiset of n-token shingles (n=4 there; n=1 is a plain bag of words), and matches are counted per shingle.
`macro` is the benchmark's own figure (per-page precision and recall averaged over pages, F1 of the two means);
`micro` pools the counts of all pages, so long articles weigh more.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

ZYTE_NGRAM = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Counts:
    """Shingle matches on one page."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Share of predicted shingles that are gold (1.0 when both texts are empty)."""
        return _ratio(self.tp, self.fp, self.fn)

    @property
    def recall(self) -> float:
        """Share of gold shingles that were predicted (1.0 when both texts are empty)."""
        return _ratio(self.tp, self.fn, self.fp)


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 over a set of pages."""

    precision: float
    recall: float
    f1: float


def tokenize(text: str) -> list[str]:
    """Word tokens of a text: runs of Unicode word characters, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = ZYTE_NGRAM) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles; a text shorter than n tokens is one shingle."""
    tokens = tokenize(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def match(gold: str, predicted: str, n: int = ZYTE_NGRAM) -> Counts:
    """Count shingle matches of a predicted text against the gold text."""
    want, got = shingles(gold, n), shingles(predicted, n)
    tp = sum((want & got).values())
    return Counts(tp=tp, fp=sum(got.values()) - tp, fn=sum(want.values()) - tp)


def macro(pages: Iterable[Counts]) -> Scores:
    """Zyte's score: precision over pages with a prediction, recall over pages with gold text, F1 of the means."""
    pages = list(pages)
    precisions = [c.precision for c in pages if c.tp + c.fp > 0]
    recalls = [c.recall for c in pages if c.tp + c.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    return Scores(precision, recall, _f1(precision, recall))


def micro(pages: Iterable[Counts]) -> Scores:
    """Scores of the counts pooled over all pages."""
    pooled = Counts(0, 0, 0)
    for c in pages:
        pooled = Counts(pooled.tp + c.tp, pooled.fp + c.fp, pooled.fn + c.fn)
    precision, recall = pooled.precision, pooled.recall
    return Scores(precision, recall, _f1(precision, recall))


def _ratio(tp: int, wrong: int, other: int) -> float:
    if wrong == other == 0:
        return 1.0
    return tp / (tp + wrong) if tp + wrong else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
