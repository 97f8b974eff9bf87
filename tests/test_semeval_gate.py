"""Quality gate: cross-validated coarse-narrative F1 on SemEval-2025 T10 (English) must not drop below the pinned floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, SHARED
from models.catalogue import load_catalogue
from models.evaluation import evaluate

TRAIN = SHARED / "narratives" / "semeval2025-task10" / "data" / "train_data"
FLOOR = json.loads((Path(__file__).parent / "semeval_floor.json").read_text())


@pytest.mark.slow
@pytest.mark.skipif(not (TRAIN / FLOOR["language"]).is_dir(), reason=f"SemEval data not present at {TRAIN}")
def test_cross_validated_f1_stays_above_floor_and_beats_baselines(embedder):
    [result] = evaluate(TRAIN, embedder, load_catalogue(ROOT / "config" / "narratives.yaml"),
                        language=FLOOR["language"], folds=FLOOR["folds"], repeats=FLOOR["repeats"])
    ours = result["classifier_cv"]["f1_samples"]
    assert ours >= FLOOR["floor_f1_samples"], result
    assert ours > result["baseline_keywords"]["f1_samples"] + 0.15
    assert ours > result["baseline_description_cosine"]["f1_samples"] + 0.15
    assert result["documents"] >= 150
