"""Could per-narrative bars keep discovery's candidates free of catalogued narratives the classifier misses? Measured,
not shipped.

    .venv/bin/python benchmarks/discovery_narrative_bars.py --results discovery.json [--work /tmp/radar-discovery] \
        [--cache /tmp/semeval-vectors.duckdb] [--train /tmp/semeval-split/train/EN]

Reads the worlds and the `--out` JSON of `benchmarks/discovery_quality.py`. Candidate rule: a passage leaves
discovery's candidates when its relevance to some narrative of the world's catalogue (SemEval families; the removed
narrative left out in a removed world) reaches that narrative's bar, chosen as in `benchmarks/narrative_bars.py` on the
training part (others 0.55). Printed per cluster of interest (the best cluster of each removed world; each
above-chance cluster of each full-catalogue control): its passages, how many stay candidates under one bar of 0.55 on
the same relevance (close to the shipped rule, which also applies the assignment margins) and under the
per-narrative bars. A useful rule keeps the first kind and empties the second. The clusters are not recomputed, and the
bars were chosen on training articles that the worlds also publish.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from discovery_head_explained import candidates_row, clusters_of_interest, print_shares, world_arguments
from benchmarks.worlds.discovery_world import REMOVABLE
from narrative_bars import choose_bars

import flows  # noqa: F401  (environment defaults)
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes, passage_relevance
from models.semeval import read_annotated

UNIFORM = 0.55


def main() -> None:
    parser = world_arguments(__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=Path("/tmp/semeval-split/train/EN"))
    args = parser.parse_args()
    cache = EmbeddingCache(Embedder(), args.cache)
    semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
    protos = build_prototypes(semeval, cache.encode)
    chosen = choose_bars(embed_documents(read_annotated(args.train), cache), semeval, protos, 3, 2)
    bars = np.array([chosen.get(n, UNIFORM) for n in semeval.ids], dtype=np.float32)
    print(json.dumps({"bars": chosen}), flush=True)
    results = json.loads(args.results.read_text())["results"]
    rows = []
    for label, narrative_id in REMOVABLE.items():
        for kind, r, cluster_id, mine in clusters_of_interest(results, args.work, label, narrative_id):
            v = np.asarray([m[3] for m in mine], dtype=np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            relevance = passage_relevance(v, protos, k=2)
            known = np.array([kind == "control" or n != narrative_id for n in semeval.ids])
            # "evidence" below 1 keeps a passage a candidate: its relevance over the bar, at the best narrative
            uniform = (relevance[:, known] / UNIFORM).max(axis=1).tolist()
            per_narrative = (relevance[:, known] / bars[known]).max(axis=1).tolist()
            row = candidates_row(kind, label, r, cluster_id, uniform, (1.0,))
            row["candidates_per_narrative_bars"] = sum(b < 1.0 for b in per_narrative)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print_shares(rows, (1.0,))
    for world in ("removed", "control"):
        mine = [r for r in rows if r["world"] == world]
        print(json.dumps({"world": world, "share_still_candidates_per_narrative_bars": round(
            sum(r["candidates_per_narrative_bars"] for r in mine) / max(sum(r["passages"] for r in mine), 1), 2)}))


if __name__ == "__main__":
    main()
