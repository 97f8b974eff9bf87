"""Could the labelled training articles name passages directly, by their nearest training passages, and so tell
discovery which passages the catalogue already covers? Measured, not shipped.

    .venv/bin/python benchmarks/discovery_passage_knn.py --results discovery.json [--work /tmp/radar-discovery]
        [--cache /tmp/semeval-vectors.duckdb] [--k 10] [--bars 0.3 0.5 0.7 0.9]

Like benchmarks/discovery_head_explained.py and discovery_passage_head.py (same worlds, clusters of interest and
reading), but local: a world passage counts as named when, among its `k` nearest passages of the SemEval training
articles (cosine of passage vectors), the share from articles whose gold labels carry some catalogued narrative X
reaches a bar (the best X counts). Out-of-fold: for a training article, only the training articles of the other 4
folds are neighbours; for an unlabelled test article, all 200. In a removed-narrative world the removed label is
dropped from the gold sets, as an analyst's labelled data for that catalogue would not name it.
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
from models.doc_head import _folds
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.passage_memory import PassageMemory, neighbour_shares
from models.semeval import read_annotated

BARS = (0.3, 0.5, 0.7, 0.9)


def main() -> None:
    parser = world_arguments(__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--bars", type=float, nargs="+", default=list(BARS))
    args = parser.parse_args()
    train = read_annotated(SEMEVAL / "data" / "train_data" / "EN", "EN")
    cache = EmbeddingCache(Embedder(), args.cache)
    semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
    embedded = embed_documents(train, cache)
    fold = _folds(len(train), 5, 0)
    memory_groups = np.concatenate([np.full(len(v), fold[i]) for i, v in enumerate(embedded.vectors)])
    doc_fold = {Path(d.doc_id).stem.lower(): int(fold[i]) for i, d in enumerate(train)}

    results = json.loads(args.results.read_text())["results"]
    rows = []
    for label, narrative_id in REMOVABLE.items():
        if not any(r["label"] == label for r in results):
            continue
        for kind, r, cluster_id, mine in clusters_of_interest(results, args.work, label, narrative_id):
            removed = label if kind == "radar" else None
            memory = PassageMemory.of_documents(embedded.vectors, embedded.gold,
                                                [n.label for n in semeval.narratives if n.label != removed], "")
            groups = np.array([doc_fold.get(doc_of_url(m[2]), -1) for m in mine])
            best = [float(b) for b in neighbour_shares(np.asarray([m[3] for m in mine], dtype=np.float32), memory,
                                                         args.k, groups=groups, memory_groups=memory_groups)]
            rows.append(candidates_row(kind, label, r, cluster_id, best, args.bars)
                        | {"median_best": round(float(np.median(best)), 3) if best else None})
            print(json.dumps(rows[-1]), flush=True)
    print_shares(rows, args.bars)
    below = {bar: {w: sum(r[f"candidates_at_{bar}"] < 6 for r in rows if r["world"] == w) for w in ("removed", "control")}
             for bar in args.bars}
    print(json.dumps({"clusters_left_below_min_cluster_size": below}))


if __name__ == "__main__":
    main()
