"""The organisers' measures and the bootstrap interval quoted beside them (pure functions, no model)."""

from __future__ import annotations

import numpy as np

from models.semeval import OTHER, bootstrap_interval, document_f1, f1_samples


def test_document_f1_counts_an_empty_prediction_as_other():
    gold = [{"A", "B"}, {OTHER}, {"C"}]
    predicted = [{"A"}, set(), {"D"}]
    assert document_f1(gold, predicted) == [2 / 3, 1.0, 0.0]
    assert f1_samples(gold, predicted) == (2 / 3 + 1.0) / 3


def test_bootstrap_interval_holds_the_mean_and_narrows_with_more_documents():
    rng = np.random.default_rng(7)
    small = rng.uniform(0, 1, 50)
    large = np.tile(small, 16)  # same mean and spread, 16x the documents
    low, high = bootstrap_interval(small)
    assert low < small.mean() < high
    assert bootstrap_interval(small) == (low, high)  # seeded: the same figure on every run
    large_low, large_high = bootstrap_interval(large)
    # about the normal interval of a mean (3.92 standard errors), which falls with the root of the documents
    assert abs((high - low) / (3.92 * small.std() / np.sqrt(50)) - 1) < 0.15
    assert abs((large_high - large_low) / ((high - low) / 4) - 1) < 0.15
    assert bootstrap_interval([]) == (0.0, 0.0)
    assert bootstrap_interval([0.5] * 10) == (0.5, 0.5)
