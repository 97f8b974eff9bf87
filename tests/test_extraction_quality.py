"""Quality gate: the article text we store keeps its F1 against the Zyte benchmark's gold bodies."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from extractors import quality
from extractors.articles import extract_text

FLOOR = Path(__file__).parent / "extraction_floor.json"
ZYTE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pages" / "zyte-benchmark"


def test_tokens_are_word_runs_with_case_kept() -> None:
    assert quality.tokenize("Hello, world! It's 2024.") == ["Hello", "world", "It", "s", "2024"]


def test_shingles_count_repeats_and_short_texts_are_one_shingle() -> None:
    assert quality.shingles("a b a b a b", n=4) == {("a", "b", "a", "b"): 2, ("b", "a", "b", "a"): 1}
    assert quality.shingles("a b", n=4) == {("a", "b"): 1}
    assert quality.shingles(" , ", n=4) == {}


def test_match_counts_multiset_overlap() -> None:
    assert quality.match("a a b c", "a b b", n=1) == quality.Counts(tp=2, fp=1, fn=2)


def test_macro_follows_the_zyte_benchmark() -> None:
    perfect, empty_prediction = quality.Counts(4, 0, 0), quality.Counts(0, 0, 4)
    scores = quality.macro([perfect, empty_prediction])
    # An empty prediction costs recall only: the benchmark averages precision over pages that predicted something.
    assert (scores.precision, scores.recall) == (1.0, 0.5)
    assert scores.f1 == pytest.approx(2 / 3)
    assert quality.Counts(0, 0, 0).precision == quality.Counts(0, 0, 0).recall == 1.0  # both texts empty


def test_micro_pools_counts() -> None:
    scores = quality.micro([quality.Counts(3, 1, 0), quality.Counts(1, 0, 3)])
    assert (scores.precision, scores.recall) == (0.8, 4 / 7)


def test_stored_text_f1_stays_above_pinned_floor() -> None:
    if not (ZYTE / "ground-truth.json").is_file():
        pytest.skip(f"Zyte benchmark pages not found at {ZYTE} (shared fixtures not mounted)")
    gate = json.loads(FLOOR.read_text(encoding="utf-8"))
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    missing = [key for key in gate["pages"] if key not in truth]
    assert not missing, f"gate pages missing from {ZYTE}: {missing}"
    counts = []
    for key in gate["pages"]:
        page = gzip.decompress((ZYTE / "html" / f"{key}.html.gz").read_bytes())
        counts.append(quality.match(truth[key]["articleBody"], extract_text(page, truth[key]["url"])))
    f1 = quality.macro(counts).f1
    assert f1 >= gate["f1_floor"], (
        f"extraction F1 {f1:.4f} on {len(counts)} zyte pages fell below the floor {gate['f1_floor']} "
        f"(measured {gate['measured_f1']}); run benchmarks/extraction_quality.py --experiments to see why"
    )
