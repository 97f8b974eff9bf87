"""Could the labelled passages name whole clusters, not only passages? After the passage rule
(benchmarks/discovery_knn_rediscover.py --keep leaves its rediscovered warehouses), each cluster gets a *vote*: the
mean over its passages of the share of their nearest labelled passages whose articles carry a narrative, for the
narrative with the largest mean. A cluster voted at or above a bar would count as a catalogued narrative's and not be
surfaced. Measured per bar, without reclustering: control worlds still failing (an above-chance cluster left, with
the Bonferroni count over the clusters left) and removed worlds whose best cluster survives.

    .venv/bin/python benchmarks/discovery_cluster_votes.py --results discovery.json --work /tmp/radar-discovery \
        [--cache /tmp/semeval-vectors.duckdb] [--k 10] [--floor 0.4] [--bars 0.2 0.25 0.3 0.35 0.4 0.45 0.5]

Out-of-fold as in discovery_knn_rediscover.py (never a passage's own article's fold); in a removed world the removed
label is not in the memory. First line: how many of each removable narrative's articles carry no other catalogued
narrative (SemEval articles carry several; an article-level classifier names the rest by their companions).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from discovery_head_explained import world_arguments
from discovery_knn_rediscover import LabelledNeighbours
from benchmarks.worlds.discovery_world import REMOVABLE, cluster_quality, doc_of_url, gold_by_article, plan_emerging_world
from benchmarks.worlds.realworld import load_docs, query
from scipy.stats import binom

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache
from models.passage_memory import label_shares

MEMBERS = """SELECT DISTINCT m.cluster_id, m.passage_id, m.article_id, e.vector
FROM emerging_cluster_passages m JOIN passages p USING (passage_id)
JOIN passage_classifications pc USING (passage_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id"""
CANDIDATES = """SELECT pc.article_id, e.vector FROM passage_classifications pc JOIN passages p USING (passage_id)
JOIN embeddings e ON e.text_hash = p.text_hash AND e.model_id = pc.model_id
WHERE pc.source_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM passage_narratives pn
  WHERE pn.passage_id = pc.passage_id AND pn.score >= ?)"""


def votes(db: Path, neighbours: LabelledNeighbours, labels: list[str], docs_of: dict[str, str]) -> dict[str, tuple[float, str]]:
    """Per cluster: (its vote, the narrative voted for)."""
    rows = query(db, MEMBERS)
    by_cluster: dict[str, list[int]] = {}
    for i, (cluster_id, *_rest) in enumerate(rows):
        by_cluster.setdefault(cluster_id, []).append(i)
    if not rows:
        return {}
    vectors = np.asarray([r[3] for r in rows], dtype=np.float32)
    groups = np.array([neighbours.doc_fold.get(docs_of.get(r[2], ""), -1) for r in rows])
    shares = label_shares(vectors, neighbours.memory(labels), neighbours.k, neighbours.floor, groups,
                          neighbours.memory_groups)
    out = {}
    for cluster_id, idx in by_cluster.items():
        mean = shares[idx].mean(axis=0)
        out[cluster_id] = (float(mean.max()), labels[int(mean.argmax())])
    return out


def kept_rates(db: Path, neighbours: LabelledNeighbours, labels: list[str], docs_of: dict[str, str], world,
               max_score: float) -> dict[str, float]:
    """Chance as discovery_knn_rediscover.py has it: gold label shares among the articles with a candidate passage
    the passage rule keeps."""
    rows = query(db, CANDIDATES, [max_score])
    vectors = np.asarray([r[1] for r in rows], dtype=np.float32)
    named = neighbours.named(vectors, [docs_of.get(r[0], "") for r in rows], labels)
    kept = {r[0] for r, n in zip(rows, named, strict=True) if not n}
    gold = gold_by_article(world, list(docs_of.items()))
    counts: dict[str, int] = {}
    for a in kept:
        for lab in gold.get(a, frozenset()):
            counts[lab] = counts.get(lab, 0) + 1
    return {lab: n / max(len(kept), 1) for lab, n in counts.items()}


def control_failing(clusters: list[dict], rates: dict[str, float], vote: dict[str, tuple[float, str]], bar: float,
                    alpha: float = 0.05) -> list[dict]:
    """The above-chance clusters among those voted below `bar` (Bonferroni over those clusters × labels)."""
    left = [c for c in clusters if vote.get(c["cluster_id"], (0.0, ""))[0] < bar]
    tests = max(len(left) * max(len(rates), 1), 1)
    failing = []
    for c in left:
        if c["majority"] in (None, "Other") or not c["articles"]:
            continue
        n = c["articles"]
        p = float(binom.sf(round(c["majority_purity"] * n) - 1, n, rates.get(c["majority"], 0.0)))
        if p < alpha / tests:
            failing.append(c)
    return failing


def companions(docs: list, catalogued: list[str]) -> dict[str, dict[str, float]]:
    """Per removable narrative: its articles, how many carry no other catalogued narrative (all an article-level
    classifier could leave to discovery in a removed world), and the other catalogued narratives per article."""
    out = {}
    for label in REMOVABLE:
        carrying = [d for d in docs if label in d.labels]
        others = [len(d.labels & (set(catalogued) - {label})) for d in carrying]
        out[label] = {"articles": len(carrying), "no_other_catalogued": sum(n == 0 for n in others),
                      "other_catalogued_mean": round(float(np.mean(others)), 2)}
    return out


def main() -> None:
    parser = world_arguments(__doc__.splitlines()[0])
    shipped = Settings()
    parser.add_argument("--k", type=int, default=shipped.discovery_neighbour_k)
    parser.add_argument("--floor", type=float, default=shipped.discovery_neighbour_min_similarity)
    parser.add_argument("--bars", type=float, nargs="+", default=[0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5])
    args = parser.parse_args()
    neighbours = LabelledNeighbours(EmbeddingCache(Embedder(), args.cache), args.k, shipped.discovery_neighbour_share,
                                    args.floor)
    semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
    docs = load_docs()
    print(json.dumps({"companions": companions(docs, [n.label for n in semeval.narratives])}))
    bars = [*args.bars, float("inf")]
    totals = {b: {"control_failing": 0, "best_kept": 0, "majority_found": 0} for b in bars}
    for r in json.loads(args.results.read_text())["results"]:
        label, seed = r["label"], r["seed"]
        workdir = args.work / f"{REMOVABLE[label]}-{seed}"
        world = plan_emerging_world(docs, seed, label)
        row: dict = {"label": label, "seed": seed}
        for kind in ("radar", "control"):
            db = workdir / f"knn-{kind}.duckdb"
            docs_of = {a: doc_of_url(u) for a, u in query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles")}
            labels = [n.label for n in semeval.narratives if kind == "control" or n.label != label]
            vote = votes(db, neighbours, labels, docs_of)
            clusters = cluster_quality(db, world, label)
            if kind == "radar":
                best = max(clusters, key=lambda c: (c["purity"] * c["recall"], c["purity"]), default=None)
                row["best_vote"] = round(vote[best["cluster_id"]][0], 3) if best else None
                row["best_purity"] = round(best["purity"], 3) if best else None
                for b in bars:
                    left = [c for c in clusters if vote[c["cluster_id"]][0] < b]
                    after = max(left, key=lambda c: (c["purity"] * c["recall"], c["purity"]), default=None)
                    totals[b]["best_kept"] += bool(best and after and after["cluster_id"] == best["cluster_id"])
                    totals[b]["majority_found"] += bool(after and after["purity"] > 0.5)
            else:
                rates = kept_rates(db, neighbours, labels, docs_of, world, shipped.discovery_max_score)
                failing = control_failing(clusters, rates, vote, float("inf"))
                row["control_failing"] = [{"articles": c["articles"], "majority": c["majority"],
                                           "majority_purity": round(c["majority_purity"], 2),
                                           "vote": [round(vote[c["cluster_id"]][0], 3), vote[c["cluster_id"]][1]]}
                                          for c in failing]
                others = sorted(v for c, (v, _) in vote.items() if c not in {f["cluster_id"] for f in failing})
                row["control_other_votes"] = [round(v, 3) for v in others]
                for b in bars:
                    totals[b]["control_failing"] += bool(control_failing(clusters, rates, vote, b))
        print(json.dumps(row), flush=True)
    print(json.dumps({"bar " + ("none" if b == float("inf") else str(b)): t for b, t in totals.items()}))


if __name__ == "__main__":
    main()
