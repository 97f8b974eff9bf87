"""Could the document head tell discovery which passages the catalogue already explains? Measured, not shipped.

    .venv/bin/python benchmarks/discovery_head_explained.py --results discovery.json [--work /tmp/radar-discovery]
        [--cache /tmp/semeval-vectors.duckdb]

Reads the worlds and the `--out` JSON of `benchmarks/discovery_quality.py`. Candidate rule: a passage is explained
when its article carries a head label whose claim exemplars and description it resembles (mean of its two highest
cosines at least a bar), so it would leave discovery's candidates. Head labels: for the SemEval training articles
out-of-fold (5 folds, the shipped recipe), so no article is labelled by a head fitted on it; for the unlabelled
SemEval test articles the head fitted on all 200. In a removed-narrative world the head never sees the removed
label (dropped from the gold sets), as an analyst's head fitted on that catalogue would not.

Printed per cluster of interest (the best cluster of each removed world; each above-chance cluster of each
full-catalogue control): its passages and how many would stay candidates at each bar. A useful rule keeps the
first and empties the second (below `min_cluster_size`). Approximation: the clusters are not recomputed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.discovery_world import REMOVABLE, doc_of_url
from benchmarks.worlds.realworld import SEMEVAL

import flows  # noqa: F401  (environment defaults)
from models.catalogue import load_catalogue
from models.doc_head import cross_validate, fit_head
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes
from models.semeval import OTHER, LabelledDocument, read_annotated, without_repeated_paragraphs

BARS = (0.2, 0.3, 0.4, 0.5)
MEMBERS = """SELECT DISTINCT m.cluster_id, m.passage_id, coalesce(a.canonical_url, a.url), e.vector
FROM emerging_cluster_passages m JOIN articles a USING (article_id) JOIN passages p USING (passage_id)
JOIN passage_classifications pc USING (passage_id) JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE m.cluster_id IN (SELECT unnest(?::VARCHAR[]))"""


def main() -> None:
    args = world_arguments(__doc__.splitlines()[0]).parse_args()
    train = read_annotated(SEMEVAL / "data" / "train_data" / "EN", "EN")
    test = [LabelledDocument(p.name, "EN", without_repeated_paragraphs(p.read_text(encoding="utf-8", errors="replace")),
                             frozenset()) for p in sorted((SEMEVAL / "test_data" / "EN" / "subtask-2-documents").glob("*.txt"))]
    cache = EmbeddingCache(Embedder(), args.cache)
    catalogue = load_catalogue(ROOT / "config" / "narratives.yaml")
    semeval = catalogue.only(SEMEVAL_FAMILIES)
    protos = build_prototypes(semeval, cache.encode)
    train_x = embed_documents(train, cache).features(protos)
    test_x = embed_documents(test, cache).features(protos)
    by_label = {n.label: n.narrative_id for n in catalogue.narratives}
    exemplars = {n.narrative_id: cache.encode([*n.claims, n.description]) for n in catalogue.narratives}

    def head_labels(removed: str | None) -> dict[str, set[str]]:
        labels = [n.label for n in semeval.narratives if n.label != removed] + [OTHER]
        gold = [set(d.narratives) - {removed} or {OTHER} for d in train]
        out = dict(zip([Path(d.doc_id).stem.lower() for d in train], cross_validate(train_x, gold, labels), strict=True))
        out |= dict(zip([Path(d.doc_id).stem.lower() for d in test], fit_head(train_x, gold, labels).predict(test_x),
                        strict=True))
        return {doc: {by_label[lab] for lab in labs if lab in by_label} for doc, labs in out.items()}

    results = json.loads(args.results.read_text())["results"]
    rows = []
    for label, narrative_id in REMOVABLE.items():
        if not any(r["label"] == label for r in results):
            continue
        heads = {"radar": head_labels(label), "control": head_labels(None)}
        for kind, r, cluster_id, mine in clusters_of_interest(results, args.work, label, narrative_id):
            v = np.asarray([m[3] for m in mine], dtype=np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            best = [max((float(np.sort(exemplars[n] @ v[i])[::-1][:2].mean())
                         for n in heads[kind].get(doc_of_url(m[2]), ())), default=-1.0) for i, m in enumerate(mine)]
            rows.append(candidates_row(kind, label, r, cluster_id, best, BARS))
            print(json.dumps(rows[-1]), flush=True)
    print_shares(rows, BARS)


def world_arguments(description: str) -> argparse.ArgumentParser:
    """--results (the --out JSON of discovery_quality.py), --work (its worlds) and --cache (SemEval vectors)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--results", type=Path, required=True, help="the --out JSON of discovery_quality.py")
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-discovery"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/semeval-vectors.duckdb"))
    return parser


def clusters_of_interest(results: list[dict], work: Path, label: str, narrative_id: str) -> Iterator[tuple[str, dict, str, list]]:
    """(kind, world result, cluster id, member rows) for the best cluster of each world where `label` was removed
    (kind "radar") and each above-chance cluster of its full-catalogue control (kind "control")."""
    for r in (r for r in results if r["label"] == label):
        flagged = {"radar": [r["best"]["cluster_id"]] if r["best"] else [],
                   "control": [c["cluster_id"] for c in r.get("control", {}).get("detail", []) if c["above_chance"]]}
        for kind, clusters in flagged.items():
            if not clusters:
                continue
            with duckdb.connect(str(work / f"{narrative_id}-{r['seed']}" / f"{kind}.duckdb"), read_only=True) as con:
                members = con.execute(MEMBERS, [clusters]).fetchall()
            for cluster_id in clusters:
                yield kind, r, cluster_id, [m for m in members if m[0] == cluster_id]


def candidates_row(kind: str, label: str, r: dict, cluster_id: str, best: list[float], bars: Sequence[float]) -> dict:
    """How many of a cluster's passages would stay candidates at each bar (those whose best evidence is below it)."""
    return {"world": "removed" if kind == "radar" else "control", "label": label, "seed": r["seed"],
            "cluster_id": cluster_id, "passages": len(best)} | {f"candidates_at_{bar}": sum(b < bar for b in best) for bar in bars}


def print_shares(rows: list[dict], bars: Sequence[float]) -> None:
    for world in ("removed", "control"):
        mine = [r for r in rows if r["world"] == world]
        kept = {bar: round(sum(r[f"candidates_at_{bar}"] for r in mine) / max(sum(r["passages"] for r in mine), 1), 2)
                for bar in bars}
        print(json.dumps({"world": world, "clusters": len(mine), "share_of_passages_still_candidates": kept}))

if __name__ == "__main__":
    main()
