"""Could the labels of a cluster's neighbours tell discovery that the catalogue already names it? Measured, not shipped.

    .venv/bin/python benchmarks/discovery_neighbour_labels.py --results discovery.json [--work /tmp/radar-discovery]

Reads the worlds and the `--out` JSON of `benchmarks/discovery_quality.py`. Idea: a cluster of passages the
classifier missed, inside a catalogued narrative, sits among passages the classifier did label with that narrative;
an uncatalogued narrative's cluster does not. Per cluster: for each member, its 10 nearest passages of other articles
in the warehouse (cosine, stored vectors); `labelled` = share of those neighbours carrying any catalogue narrative,
`top` = share carrying the most frequent one (named). Printed for the best cluster of each removed world and for every
cluster of each full-catalogue control (flagged when above chance); a useful rule separates the first from the
flagged ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.discovery_world import REMOVABLE

PASSAGES = """SELECT p.passage_id, p.article_id, e.vector,
       list(pn.narrative_id) FILTER (WHERE pn.narrative_id IS NOT NULL)
FROM passages p JOIN passage_classifications pc USING (passage_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
LEFT JOIN passage_narratives pn USING (passage_id)
GROUP BY ALL"""
MEMBERS = "SELECT DISTINCT cluster_id, passage_id FROM emerging_cluster_passages"


def neighbour_labels(db: Path, k: int = 10) -> dict[str, dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(PASSAGES).fetchall()
        members = con.execute(MEMBERS).fetchall()
    index = {r[0]: i for i, r in enumerate(rows)}
    articles = np.array([r[1] for r in rows])
    vectors = np.asarray([r[2] for r in rows], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = [set(r[3] or ()) for r in rows]
    out: dict[str, dict] = {}
    for cluster_id in sorted({c for c, _ in members}):
        mine = [index[p] for c, p in members if c == cluster_id and p in index]
        sims = vectors[mine] @ vectors.T
        sims[articles[None, :] == articles[mine][:, None]] = -2.0  # neighbours from other articles only
        near = np.argsort(-sims, axis=1)[:, :k]
        found = [labels[j] for row in near for j in row]
        counts = Counter(label for f in found for label in f)
        top, top_n = counts.most_common(1)[0] if counts else (None, 0)
        out[cluster_id] = {"passages": len(mine), "labelled": round(sum(bool(f) for f in found) / len(found), 3),
                           "top": top, "top_share": round(top_n / len(found), 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True, help="the --out JSON of discovery_quality.py")
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-discovery"))
    args = parser.parse_args()
    rows = []
    for r in json.loads(args.results.read_text())["results"]:
        world = args.work / f"{REMOVABLE[r['label']]}-{r['seed']}"
        if r["best"]:
            measured = neighbour_labels(world / "radar.duckdb")[r["best"]["cluster_id"]]
            rows.append({"world": "removed best", "label": r["label"], "seed": r["seed"], "cluster_id": r["best"]["cluster_id"]} | measured)
            print(json.dumps(rows[-1]), flush=True)
        if "control" in r:
            measured_all = neighbour_labels(world / "control.duckdb")
            for c in r["control"]["detail"]:
                if c["cluster_id"] in measured_all:
                    rows.append({"world": "control above chance" if c["above_chance"] else "control other", "label": r["label"],
                                 "seed": r["seed"], "cluster_id": c["cluster_id"], "majority": c["majority"]} | measured_all[c["cluster_id"]])
                    if c["above_chance"]:
                        print(json.dumps(rows[-1]), flush=True)
    for kind in ("removed best", "control above chance", "control other"):
        mine = [x for x in rows if x["world"] == kind]
        if mine:
            print(json.dumps({"world": kind, "clusters": len(mine), **{
                f"{m}_quartiles": [round(float(q), 3) for q in np.quantile([x[m] for x in mine], [0.25, 0.5, 0.75])]
                for m in ("labelled", "top_share")}}))


if __name__ == "__main__":
    main()
