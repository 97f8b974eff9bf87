"""Stance measures shared by tests and benchmarks: accuracy on the demo corpus, measured per labelled narrative
paragraph, and accuracy with per-class recall on our own labelled stance set.

Each demo ground-truth paragraph that carries a narrative is classified alone, as a passage; among those whose
strongest assignment is the true narrative, the share whose stance matches the ground truth.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import yaml

from models.narratives import StanceEvidence, classify

ROOT = Path(__file__).resolve().parents[2]  # the repository
DEMO = ROOT / "demo"
STANCE_SET = yaml.safe_load((ROOT / "tests" / "fixtures" / "stance" / "stance_set.yaml").read_text())["items"]
CLASSES = ("claim", "rebuttal", "mention")
_ARTICLE = re.compile(r"<article>(.*?)</article>", re.DOTALL)
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def demo_paragraphs() -> list[tuple[str, str, str]]:
    """(text, narrative_id, stance) of every narrative paragraph of the demo's ground truth."""
    out = []
    for line in (DEMO / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        page = DEMO / "corpus" / truth["url"].replace("{{BASE}}/", "")
        if not page.is_file():
            continue
        body = _ARTICLE.search(page.read_text(encoding="utf-8"))
        texts = [html.unescape(p) for p in _PARAGRAPH.findall(body.group(1))] if body else []
        for para in truth["paragraphs"]:
            if not para["narrative"]:
                continue
            match = next((t for t in texts if para["starts_with"] in t), None)
            if match:
                out.append((match, para["narrative"], para["stance"]))
    return out


def demo_stance_accuracy(embedder, models: list, every: int = 1) -> list[tuple[float, int]]:
    """Per model, (stance accuracy, paragraphs scored) over every `every`-th narrative paragraph."""
    rows = demo_paragraphs()[::every]
    texts = [t for t, _, _ in rows]
    vectors = embedder.encode(texts)
    out = []
    for model in models:
        found = classify(vectors, texts, model.catalogue, model.prototypes, model.params)
        scored = [(f[0].stance, s) for f, (_, nid, s) in zip(found, rows, strict=True) if f and f[0].narrative_id == nid]
        out.append((sum(a == b for a, b in scored) / len(scored), len(scored)))
    return out


def stance_scores(model, embedder, items: list[dict]) -> tuple[float, dict[str, float]]:
    """Accuracy and per-class recall of the stance towards each item's own narrative (`embedder`: anything with
    `encode`, e.g. a vector cache)."""
    texts = [i["text"] for i in items]
    evidence = StanceEvidence.of(embedder.encode(texts), texts, model.prototypes, model.params)
    ids = model.catalogue.ids
    predicted = [evidence.stance(k, ids.index(i["narrative"]), model.params) for k, i in enumerate(items)]
    hits = [p == i["stance"] for p, i in zip(predicted, items, strict=True)]
    recall = {c: float(np.mean([h for h, i in zip(hits, items, strict=True) if i["stance"] == c])) for c in CLASSES}
    return float(np.mean(hits)), recall
