"""Contrastive (SetFit-style) fine-tuning of the encoder for the document head, judged by cross-validation on the
SemEval training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/setfit_candidates.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--pairs 1600] [--lr 2e-5] [--folds 5] [--held-out]

Per fold: the packaged MiniLM is fine-tuned on passage pairs of the fold's training documents (target cosine =
Jaccard of the two documents' narrative sets), every passage is re-encoded with it, and the shipped head recipe
is fitted on the same training documents. The base encoder runs through the same folds. One JSON line per
fold and a summary line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.doc_head import _folds, document_features, fit_head
from models.embedder import default_model_path
from models.evaluation import SEMEVAL_FAMILIES, document_passages
from models.narratives import build_prototypes
from models.semeval import OTHER, f1_samples, read_annotated


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def make_pairs(passages: Sequence[Sequence[str]], gold: Sequence[set[str]], n: int, seed: int) -> list[tuple[str, str, float]]:
    """Half the pairs from documents sharing a narrative, half from random documents; target = label Jaccard."""
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, g in enumerate(gold):
        for label in g:
            by_label.setdefault(label, []).append(i)
    pairs = []
    for k in range(n):
        i = rng.randrange(len(gold))
        if k % 2 == 0 and gold[i]:
            j = rng.choice(by_label[rng.choice(sorted(gold[i]))])
        else:
            j = rng.randrange(len(gold))
        pairs.append((rng.choice(passages[i]), rng.choice(passages[j]), jaccard(gold[i], gold[j])))
    return pairs


def fine_tune(pairs: list[tuple[str, str, float]], seed: int, batch: int = 16, lr: float = 2e-5, max_len: int = 128):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    model = SentenceTransformer(default_model_path(), device="cpu")
    model.max_seq_length = max_len
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    for start in range(0, len(pairs), batch):
        chunk = pairs[start:start + batch]
        a = model(model.preprocess([p[0] for p in chunk]))["sentence_embedding"]
        b = model(model.preprocess([p[1] for p in chunk]))["sentence_embedding"]
        target = torch.tensor([p[2] for p in chunk], dtype=torch.float32)
        loss = torch.nn.functional.mse_loss(torch.nn.functional.cosine_similarity(a, b), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    model.max_seq_length = 256
    return model


def encode_all(model, passages: Sequence[Sequence[str]]) -> list[np.ndarray]:
    flat = [t for ps in passages for t in ps]
    vectors = model.encode(flat, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    out, start = [], 0
    for ps in passages:
        out.append(vectors[start:start + len(ps)])
        start += len(ps)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=1600)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--held-out", action="store_true", help="also fine-tune on all training docs and score the held-out part")
    args = parser.parse_args()
    from sentence_transformers import SentenceTransformer

    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    labels = [n.label for n in semeval.narratives] + [OTHER]
    train_docs, test_docs = read_annotated(args.train), read_annotated(args.test)
    gold = [set(d.narratives) for d in train_docs]
    passages = document_passages(train_docs)

    def features(model, vectors: list[np.ndarray]) -> np.ndarray:
        protos = build_prototypes(semeval, lambda texts: model.encode(list(texts), batch_size=64, normalize_embeddings=True))
        return np.stack([document_features(v, protos) for v in vectors])

    base = SentenceTransformer(default_model_path(), device="cpu")
    X_base = features(base, encode_all(base, passages))
    fold = _folds(len(gold), args.folds, args.seed)
    pred_base: list[set[str]] = [set() for _ in gold]
    pred_tuned: list[set[str]] = [set() for _ in gold]
    for k in range(args.folds):
        tr, va = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        t0 = time.perf_counter()
        tuned = fine_tune(make_pairs([passages[i] for i in tr], [gold[i] for i in tr], args.pairs, args.seed + k), k, lr=args.lr)
        t1 = time.perf_counter()
        X_tuned = features(tuned, encode_all(tuned, passages))
        t2 = time.perf_counter()
        for X, pred in ((X_base, pred_base), (X_tuned, pred_tuned)):
            head = fit_head(X[tr], [gold[i] for i in tr], labels, seed=k + 1)
            for i, p in zip(va, head.predict(X[va]), strict=True):
                pred[i] = p
        print(json.dumps({"fold": k, "base": round(f1_samples([gold[i] for i in va], [pred_base[i] for i in va]), 4),
                          "tuned": round(f1_samples([gold[i] for i in va], [pred_tuned[i] for i in va]), 4),
                          "tune_s": round(t1 - t0, 1), "encode_s": round(t2 - t1, 1)}), flush=True)
    summary = {"pairs": args.pairs, "lr": args.lr, "cv_base": round(f1_samples(gold, pred_base), 4),
               "cv_tuned": round(f1_samples(gold, pred_tuned), 4)}
    if args.held_out:
        test_gold = [set(d.narratives) for d in test_docs]
        test_passages = document_passages(test_docs)
        tuned = fine_tune(make_pairs(passages, gold, args.pairs, args.seed + 99), 99, lr=args.lr)
        for name, model in (("base", base), ("tuned", tuned)):
            X_tr = features(model, encode_all(model, passages))
            X_te = features(model, encode_all(model, test_passages))
            head = fit_head(X_tr, gold, labels, seed=0)
            summary[f"held_out_{name}"] = round(f1_samples(test_gold, head.predict(X_te)), 4)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
