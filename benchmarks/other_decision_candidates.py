"""How the document head decides "Other". About half of the SemEval English articles are gold Other, and F1-samples
scores Other as a label, so that one decision weighs as much as all the narratives. The shipped rule says Other
when the Other model outscores every narrative. Candidates, each tuned jointly with the shipped rule's threshold and
relative bar on the same inner out-of-fold scores: `weight` (the Other score multiplied by w in 0.5-2 before the
rule) and `gate` (Other exactly when its own score reaches a bar tau, otherwise the rule over the narratives only).
And a different rule altogether, `expected-f1`: per article the label set with the highest expected F1 given the
label probabilities (softened by a temperature tuned on the same inner scores), and `expected-f1-other`, the same
with Other exclusive (worth its own probability against the narratives' expected F1).
Judged by repeated cross-validation on the training part; the held-out part is scored once, with `--held-out`.

    .venv/bin/python benchmarks/other_decision_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0] \
        [--variants shipped weight gate expected-f1 expected-f1-other] [--held-out]
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import load_split, scorer_row, split_arguments
from regularisation_candidates import linear_scorer

import flows  # noqa: F401  (environment defaults)
from models.doc_head import DecisionRule, tune_rule
from models.semeval import OTHER, f1_samples

WEIGHTS = (0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0)
GATES = tuple(round(float(x), 2) for x in np.arange(0.1, 0.91, 0.05))


@dataclass
class WeightedOther(DecisionRule):
    weight: float = 1.0

    def decide(self, scores: np.ndarray, labels: Sequence[str]) -> set[str]:
        scaled = scores.copy()
        scaled[list(labels).index(OTHER)] *= self.weight
        return super().decide(scaled, labels)


@dataclass
class GatedOther(DecisionRule):
    gate: float = 0.5

    def decide(self, scores: np.ndarray, labels: Sequence[str]) -> set[str]:
        other = list(labels).index(OTHER)
        if scores[other] >= self.gate:
            return {OTHER}
        scaled = scores.copy()
        scaled[other] = 0.0
        return super().decide(scaled, labels)


TEMPERATURES = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass
class ExpectedF1(DecisionRule):
    """Per article, the top-k label set with the highest expected F1 under independent label probabilities
    (the plug-in approximation 2 * sum of the chosen p / (k + sum of all p); Jansche 2007, Nan et al. 2012), the
    scores first softened by a temperature (logit / T: the fitted models are overconfident on 120 documents).
    Other as in the shipped rule: alone when it is the best label, dropped otherwise."""

    temperature: float = 1.0

    def softened(self, scores: np.ndarray) -> np.ndarray:
        clipped = np.clip(scores.astype(np.float64), 1e-6, 1 - 1e-6)
        return 1.0 / (1.0 + np.exp(-np.log(clipped / (1 - clipped)) / self.temperature))

    def decide(self, scores: np.ndarray, labels: Sequence[str]) -> set[str]:
        p = self.softened(scores)
        order = np.argsort(-p)
        gains = 2 * np.cumsum(p[order]) / (np.arange(1, len(p) + 1) + p.sum())
        chosen = {labels[int(i)] for i in order[:int(np.argmax(gains)) + 1]}
        if OTHER in chosen and len(chosen) > 1:
            chosen = {OTHER} if labels[int(order[0])] == OTHER else chosen - {OTHER}
        return chosen


@dataclass
class ExpectedF1Other(ExpectedF1):
    """As ExpectedF1, with Other exclusive: {Other} is worth its probability p_o (right exactly when the article is
    Other), a set of narratives (1 - p_o) x the plug-in expected F1 over the narratives alone."""

    def decide(self, scores: np.ndarray, labels: Sequence[str]) -> set[str]:
        p = self.softened(scores)
        other = list(labels).index(OTHER)
        narratives = np.array([i for i in range(len(labels)) if i != other])
        q = p[narratives]
        order = np.argsort(-q)
        gains = (1 - p[other]) * 2 * np.cumsum(q[order]) / (np.arange(1, len(q) + 1) + q.sum())
        if p[other] >= gains.max():
            return {OTHER}
        return {labels[int(narratives[i])] for i in order[:int(np.argmax(gains)) + 1]}


def tuner_over_temperatures(make):
    """A `tune` for tuned_rule: the temperature with the best F1-samples on the inner out-of-fold scores."""
    def tune(scores: np.ndarray, gold: Sequence[set[str]], labels: Sequence[str]) -> DecisionRule:
        rules = [make(t) for t in TEMPERATURES]
        return max(rules, key=lambda r: f1_samples(gold, [r.decide(s, labels) for s in scores]))
    return tune


def grid_tuner(make, values):
    """A `tune` for tuned_rule: the best F1-samples over the shipped grid x `values` of the candidate's parameter."""
    return lambda scores, gold, labels: tune_rule(scores, gold, labels, values, make)


TUNERS = {
    "shipped": tune_rule,
    "weight": grid_tuner(lambda t, r, w: WeightedOther(t, r, False, w), WEIGHTS),
    "gate": grid_tuner(lambda t, r, g: GatedOther(t, r, False, g), GATES),
    "expected-f1": tuner_over_temperatures(lambda t: ExpectedF1(temperature=t)),
    "expected-f1-other": tuner_over_temperatures(lambda t: ExpectedF1Other(temperature=t)),
}


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=list(TUNERS))
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    X = np.vstack([Xtr, Xte])
    Y = np.array([[label in g for label in labels] for g in train.gold + test.gold], dtype=int)
    scorer = linear_scorer(X, Y)
    for variant in args.variants:
        print(scorer_row(variant, scorer, train.gold, test.gold, labels, args, TUNERS[variant]), flush=True)


if __name__ == "__main__":
    main()
