"""Encoder backends side by side in one run: passages/s and SemEval train/test F1 with each (torch, onnx, onnx-int8).

    .venv/bin/radar eval split ../shared/fixtures/narratives/semeval2025-task10/data/train_data/EN --out /tmp/semeval-split
    .venv/bin/python -m benchmarks.encoder_backends --train /tmp/semeval-split/train/EN --test /tmp/semeval-split/test/EN

For each backend: the distinct passage texts of both folders are encoded twice in turn with the others (rounds
interleave the backends, so a change of machine load hits them alike; the best round counts), then the head is
fitted on --train and scored on --test with vectors from that backend, exactly as `radar eval semeval` does.
Prints one JSON object: per backend passages/s, speed-up over torch, mean cosine to the torch vectors and F1.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import flows  # noqa: F401  (offline model environment)
from extractors.passages import split_passages
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.evaluation import evaluate_train_test
from models.onnx_backend import BACKENDS
from models.semeval import read_annotated


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    settings = Settings()
    docs = read_annotated(args.train) + read_annotated(args.test)
    texts = sorted({p.text for d in docs for p in split_passages(d.text)})
    embedders = {b: settings.model_copy(update={"encoder_backend": b}).embedder() for b in BACKENDS}
    for embedder in embedders.values():
        embedder.encode(texts[:64])  # load (and export on first use) outside the timing
    best = dict.fromkeys(BACKENDS, float("inf"))
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for backend, embedder in embedders.items():
            start = time.perf_counter()
            vectors[backend] = embedder.encode(texts)
            best[backend] = min(best[backend], time.perf_counter() - start)
    catalogue = load_catalogue(settings.narratives)
    result: dict[str, object] = {"passages": len(texts), "rounds": args.rounds}
    for backend, embedder in embedders.items():
        scored = evaluate_train_test(args.train, args.test, embedder, catalogue)
        result[backend] = {
            "model_id": embedder.model_id,
            "passages_per_s": round(len(texts) / best[backend], 1),
            "speedup_vs_torch": round(best["torch"] / best[backend], 2),
            "mean_cosine_to_torch": round(float((vectors[backend] * vectors["torch"]).sum(axis=1).mean()), 4),
            "f1_samples": scored["classifier"]["f1_samples"],
            "exemplar_classifier_f1": scored["prototypes_zero_shot"]["f1_samples"],
        }
        print(json.dumps({backend: result[backend]}), flush=True)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
