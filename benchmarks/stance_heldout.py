"""Stance on a held-out set of real sentences: claim and rebuttal precision and recall with 95% intervals.

    .venv/bin/python -m benchmarks.stance_heldout [--cases ../shared/fixtures/narratives/euvsdisinfo/kalkun-full_dataset_formatted.csv]
        [--cache /tmp/radar-stance-vectors.duckdb] [--resamples 2000] [--limit N]

The real set is the EUvsDisinfo cases (a disinformation claim's summary and the EUvsDisinfo team's disproof), read
from the shared fixtures, never copied. Cases are split by a hash of their title (models/stance_pairs.py): the `tune`
half is the only one anything was chosen or fitted on; the held-out set is the `test` half without the cases sharing
a text with the tune half. A case counts when its summary is assigned a narrative; both texts are judged towards that
narrative as the pipeline judges a passage: the summary should read `claim`, the disproof `rebuttal` (a `mention` is
neither). Claim precision counts disproofs read as claims against summaries read as claims. Two stance heads: the
shipped one (the catalogue's exemplars and cue counts), and the same beside the tune half's pairs
(RADAR_STANCE_PAIRS). Also printed: our own stance set's test part and the demo's stance per narrative paragraph.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds.stance_measure import STANCE_SET, demo_paragraphs, stance_scores
from flows.classify_step import NarrativeModel
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.evaluation import EmbeddingCache
from models.narratives import classify
from models.stance_pairs import held_out, judged_pairs, read_pairs, scoped_pairs, stance_rates, with_pair_head

ROOT = Path(__file__).resolve().parents[1]

CASES = ROOT.parent / "shared" / "fixtures" / "narratives" / "euvsdisinfo" / "kalkun-full_dataset_formatted.csv"


def demo_stance(model: NarrativeModel, cache: EmbeddingCache) -> dict:
    """Stance accuracy per demo narrative paragraph, and the China-friendly paragraphs on the detente by stance."""
    rows = demo_paragraphs()
    china = {p["starts_with"] for line in (ROOT / "demo" / "ground_truth.jsonl").read_text().splitlines()
             if (t := json.loads(line))["camp"] == "china_friendly" for p in t["paragraphs"]}
    texts = [t for t, _, _ in rows]
    found = classify(cache.encode(texts), texts, model.catalogue, model.prototypes, model.params)
    scored = [(f[0].stance, s, t) for f, (t, nid, s) in zip(found, rows, strict=True) if f and f[0].narrative_id == nid]
    detente = Counter(a.stance for f, (t, _, _) in zip(found, rows, strict=True) for a in f
                      if a.narrative_id == "us_russia_new_detente" and any(s in t for s in china))
    return {"accuracy": round(sum(a == b for a, b, _ in scored) / len(scored), 3), "paragraphs": len(scored),
            "china_friendly_detente": dict(detente)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-stance-vectors.duckdb"))
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=0, help="at most this many cases of each half (0: all)")
    args = parser.parse_args(argv)
    pairs = read_pairs(args.cases)
    cache = EmbeddingCache(Embedder(), args.cache)
    shipped = NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), cache.embedder)
    tune, test = [p for p in pairs if p.half == "tune"], held_out(pairs)
    if args.limit:
        tune, test = tune[: args.limit], test[: args.limit]
    with_pairs = NarrativeModel(shipped.catalogue, shipped.params, with_pair_head(
        shipped.catalogue, shipped.prototypes, tune, cache.encode, shipped.params), shipped.model_id)
    scoped, vectors = scoped_pairs(test, shipped.catalogue, shipped.prototypes, shipped.params, cache.encode)
    own = [i for i in STANCE_SET if i["part"] == "test"]
    for name, model in {"exemplars (shipped)": shipped, "exemplars + tune-half pairs": with_pairs}.items():
        judged = judged_pairs(vectors, scoped, model.catalogue, model.prototypes, model.params)
        accuracy, recall = stance_scores(model, cache, own)
        print(json.dumps({"head": name, "held_out_cases": len(test), "in_scope": len(judged),
                          **stance_rates(judged, args.resamples),
                          "stance_set_test": {"accuracy": round(accuracy, 3), "recall": recall},
                          "demo": demo_stance(model, cache)}), flush=True)


if __name__ == "__main__":
    main()
