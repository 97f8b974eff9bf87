"""Stance on real claim / rebuttal pairs we did not write: EUvsDisinfo cases (a disinformation claim's summary and the
EUvsDisinfo team's disproof of it), read from the shared fixtures (never copied).

    .venv/bin/python benchmarks/stance_euvsdisinfo.py [--cases ../shared/fixtures/narratives/euvsdisinfo/kalkun-full_dataset_formatted.csv]
        [--cache /tmp/radar-euvsdisinfo-vectors.duckdb] [--limit N]

A case is in the catalogue's scope when its summary is assigned some narrative (relevance above that narrative's
threshold); both texts are then judged towards the summary's strongest narrative, as the pipeline judges a passage:
the summary should come out `claim`, the disproof `rebuttal`. URLs are removed (pages rarely carry them in the
text). Cases are split in two halves by a hash of their title: `tune` for choosing anything, `test` to report.
Printed per rule variant and half: the stance distribution of summaries and of disproofs. With `--fit-head`, also a
stance head fitted on the tune half (beside the catalogue's exemplars), and what it does to the demo's stance
accuracy and to our own stance set (tests/fixtures/stance/stance_set.yaml).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

import flows  # noqa: F401  (environment defaults)
from flows.classify_step import NarrativeModel
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.evaluation import EmbeddingCache
from models.narratives import StanceEvidence, fit_stance_head

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from stance_measure import demo_stance_accuracy

STANCE_SET = yaml.safe_load((ROOT / "tests" / "fixtures" / "stance" / "stance_set.yaml").read_text())["items"]
CASES = ROOT.parent / "shared" / "fixtures" / "narratives" / "euvsdisinfo" / "kalkun-full_dataset_formatted.csv"
_URL = re.compile(r"\(?https?://\S+\)?")


def read_cases(path: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cases = []
    for r in rows:
        summary, disproof = (" ".join(_URL.sub(" ", r[k] or "").split()) for k in ("summary", "disproof"))
        if len(summary.split()) >= 8 and len(disproof.split()) >= 5:
            half = "tune" if int(hashlib.sha256(r["title"].encode()).hexdigest(), 16) % 2 == 0 else "test"
            cases.append({"title": r["title"], "summary": summary, "disproof": disproof, "half": half})
    return cases


def stance_set_accuracy(model: NarrativeModel, cache: EmbeddingCache, part: str) -> float:
    """Accuracy on one part of our own labelled stance set (tests/fixtures/stance/stance_set.yaml)."""
    items = [i for i in STANCE_SET if i["part"] == part]
    texts = [i["text"] for i in items]
    evidence = StanceEvidence.of(cache.encode(texts), texts, model.prototypes, model.params)
    ids = model.catalogue.ids
    hits = [evidence.stance(k, ids.index(i["narrative"]), model.params) == i["stance"] for k, i in enumerate(items)]
    return round(sum(hits) / len(hits), 3)


def _share(counts: Counter, key: str) -> float | None:
    total = sum(counts.values())
    return round(counts[key] / total, 3) if total else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-euvsdisinfo-vectors.duckdb"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--counter-weights", type=float, nargs="*", default=[1.0, 2.0])
    parser.add_argument("--fit-head", action="store_true", help="also a stance head fitted on the tune half")
    args = parser.parse_args()
    cases = read_cases(args.cases)[: args.limit or None]
    cache = EmbeddingCache(Embedder(), args.cache)
    shipped = NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), cache.embedder)
    texts = [c["summary"] for c in cases] + [c["disproof"] for c in cases]
    vectors = cache.encode(texts)
    n = len(cases)
    variants = {"shipped": shipped.params,
                "stance head alone": dataclasses.replace(shipped.params, reported_is_mention=False, claim_lead_only=False)}
    variants |= {f"counter_weight {w}": dataclasses.replace(shipped.params, counter_weight=w) for w in args.counter_weights}
    protos = {name: shipped.prototypes for name in variants}
    if args.fit_head:
        # A stance head fitted on the tune half's summaries (claim) and disproofs (rebuttal) beside the catalogue's
        # exemplars, with the shipped rules around it; judged on the test half only.
        tune = [i for i, c in enumerate(cases) if c["half"] == "tune"]
        ex_claims = [t for nar in shipped.catalogue.narratives for t in (*nar.claims, nar.description)]
        exemplars = ex_claims + [t for nar in shipped.catalogue.narratives for t in nar.rebuttals]
        ex_vectors = cache.encode(exemplars)
        n_ex_claims = len(ex_claims)
        fit_texts = [texts[i] for i in tune] + exemplars[:n_ex_claims] + [texts[n + i] for i in tune] + exemplars[n_ex_claims:]
        fit_vectors = np.vstack([vectors[tune], ex_vectors[:n_ex_claims], vectors[[n + i for i in tune]], ex_vectors[n_ex_claims:]])
        weights = fit_stance_head(fit_vectors, fit_texts, len(tune) + n_ex_claims)
        variants["stance head fitted on the tune half"] = shipped.params
        protos["stance head fitted on the tune half"] = dataclasses.replace(shipped.prototypes, stance_weights=weights)
        fitted = dataclasses.replace(shipped, prototypes=protos["stance head fitted on the tune half"])
        demo = demo_stance_accuracy(cache.embedder, [shipped, fitted])
        print(json.dumps({"demo_stance_accuracy": {"shipped": round(demo[0][0], 3), "fitted head": round(demo[1][0], 3)},
                          "stance_set": {part: {"shipped": stance_set_accuracy(shipped, cache, part),
                                                "fitted head": stance_set_accuracy(fitted, cache, part)}
                                         for part in ("dev", "test")}}), flush=True)
    for name, params in variants.items():
        evidence = StanceEvidence.of(vectors, texts, protos[name], params)
        relevance = np.maximum(evidence.claim[:n], evidence.rebut[:n])
        for half in ("tune", "test"):
            summary, disproof = Counter(), Counter()
            for i, case in enumerate(cases):
                if case["half"] != half:
                    continue
                j = int(relevance[i].argmax())
                if relevance[i, j] < params.threshold(shipped.catalogue.ids[j]):
                    continue
                summary[evidence.stance(i, j, params)] += 1
                disproof[evidence.stance(n + i, j, params)] += 1
            scoped = sum(summary.values())
            print(json.dumps({
                "variant": name, "half": half, "cases": sum(c["half"] == half for c in cases), "in_scope": scoped,
                "summary": {k: _share(summary, k) for k in ("claim", "mention", "rebuttal")},
                "disproof": {k: _share(disproof, k) for k in ("rebuttal", "mention", "claim")},
                "accuracy": round((summary["claim"] + disproof["rebuttal"]) / (2 * scoped), 3) if scoped else None,
            }), flush=True)


if __name__ == "__main__":
    main()
