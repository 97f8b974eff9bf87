"""Could the document head, applied to single passages, tell discovery which passages the catalogue already names?
Measured, not shipped.

    .venv/bin/python benchmarks/discovery_passage_head.py --results discovery.json [--work /tmp/radar-discovery]
        [--cache /tmp/semeval-vectors.duckdb]

Like benchmarks/discovery_head_explained.py (same worlds, same clusters of interest, same reading), but the
candidate rule is passage-level: a passage counts as named when the head, scoring that passage alone as a
one-passage document, gives some catalogued label (not Other) a probability of at least a bar. Heads: for a SemEval
training article, the head of the 5-fold split that left it out (shipped recipe); for an unlabelled test article,
the head fitted on all 200. In a removed-narrative world the heads never see the removed label.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from discovery_head_explained import candidates_row, clusters_of_interest, print_shares, world_arguments
from benchmarks.worlds.discovery_world import REMOVABLE, doc_of_url
from benchmarks.worlds.realworld import SEMEVAL

import flows  # noqa: F401  (environment defaults)
from models.catalogue import load_catalogue
from models.doc_head import DocumentHead, _folds, document_features, fit_head
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes
from models.semeval import OTHER, read_annotated

BARS = (0.3, 0.5, 0.7, 0.9)


def main() -> None:
    args = world_arguments(__doc__.splitlines()[0]).parse_args()
    train = read_annotated(SEMEVAL / "data" / "train_data" / "EN", "EN")
    cache = EmbeddingCache(Embedder(), args.cache)
    semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
    protos = build_prototypes(semeval, cache.encode)
    train_x = embed_documents(train, cache).features(protos)
    doc_ids = [Path(d.doc_id).stem.lower() for d in train]
    fold = _folds(len(train), 5, 0)

    def heads(removed: str | None) -> tuple[dict[str, DocumentHead], DocumentHead]:
        """Per training document the head that never saw it; and the head on all of them (for test articles)."""
        labels = [n.label for n in semeval.narratives if n.label != removed] + [OTHER]
        gold = [set(d.narratives) - {removed} or {OTHER} for d in train]
        per_fold = [fit_head(train_x[fold != k], [g for g, f in zip(gold, fold, strict=True) if f != k], labels)
                    for k in range(5)]
        return {doc: per_fold[int(fold[i])] for i, doc in enumerate(doc_ids)}, fit_head(train_x, gold, labels)

    def named(head: DocumentHead, vector: np.ndarray) -> float:
        scores = head.scores(document_features(vector[None, :], protos)[None, :])[0]
        return max((float(s) for s, label in zip(scores, head.labels, strict=True) if label != OTHER), default=0.0)

    results = json.loads(args.results.read_text())["results"]
    rows = []
    for label, narrative_id in REMOVABLE.items():
        if not any(r["label"] == label for r in results):
            continue
        fitted = {"radar": heads(label), "control": heads(None)}
        for kind, r, cluster_id, mine in clusters_of_interest(results, args.work, label, narrative_id):
            by_doc, on_all = fitted[kind]
            best = [named(by_doc.get(doc_of_url(m[2]), on_all), np.asarray(m[3], dtype=np.float32)) for m in mine]
            rows.append(candidates_row(kind, label, r, cluster_id, best, BARS)
                        | {"median_best": round(float(np.median(best)), 3) if best else None})
            print(json.dumps(rows[-1]), flush=True)
    print_shares(rows, BARS)

if __name__ == "__main__":
    main()
