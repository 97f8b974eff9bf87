"""The labelled-neighbour rule of benchmarks/discovery_passage_knn.py applied for real: discovery rerun on copies of
each world's removed-narrative and control warehouses with the rule removing passages from its candidates (window and
reference period), then judged as benchmarks/discovery_quality.py judges them. The rule is the shipped one
(`models.passage_memory.named_by_neighbours`, which discovery applies with the memory `radar narratives fit` writes
beside RADAR_NARRATIVE_HEAD); here it is patched into `flows.discovery_step.load_window` with out-of-fold memories,
since the worlds' articles are the labelled articles themselves.

    .venv/bin/python benchmarks/discovery_knn_rediscover.py --results discovery.json --work /tmp/radar-discovery \
        [--cache /tmp/semeval-vectors.duckdb] [--k 10] [--bar 0.6] [--floor 0.4] [--attribute 1] [--offtopic] [--keep]

A candidate passage is dropped when, among its `k` nearest passages of the SemEval training articles (out-of-fold:
never its own article's fold; all 200 for an unlabelled test article), at least `bar` of them come from articles
whose gold labels carry one catalogued narrative (the removed label dropped in the removed world). Chance for the
control's judgement: the base rates among the articles with a passage left as candidate.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from benchmarks.worlds import discovery_world
from discovery_head_explained import world_arguments
from discovery_quality import rediscover
from benchmarks.worlds.discovery_world import (
    REMOVABLE,
    cluster_quality,
    doc_of_url,
    gold_by_article,
    judged_clusters,
    plan_emerging_world,
)
from benchmarks.worlds.realworld import SEMEVAL, load_docs, query

import flows  # noqa: F401  (environment defaults)
import flows.discovery_step as step
from flows.settings import Settings
from models.catalogue import load_catalogue
from models.doc_head import _folds
from models.embedder import Embedder
from models.evaluation import SEMEVAL_FAMILIES, EmbeddingCache, embed_documents
from models.narratives import build_prototypes, claim_vectors_by_label
from models.passage_memory import PassageMemory, named_by_neighbours
from models.semeval import read_annotated

ORIGINAL_LOAD_WINDOW = step.load_window


class LabelledNeighbours:
    """The training passages as the shipped memory, with their articles' folds (out-of-fold naming)."""

    def __init__(self, cache: EmbeddingCache, k: int, bar: float, floor: float, attribute: float | None = None) -> None:
        self.train = read_annotated(SEMEVAL / "data" / "train_data" / "EN", "EN")
        self.embedded = embed_documents(self.train, cache)
        self.model_id = cache.embedder.model_id
        fold = _folds(len(self.train), 5, 0)
        self.memory_groups = np.concatenate([np.full(len(v), fold[i]) for i, v in enumerate(self.embedded.vectors)])
        self.doc_fold = {Path(d.doc_id).stem.lower(): int(fold[i]) for i, d in enumerate(self.train)}
        self.k, self.bar, self.floor = k, bar, floor
        self.memories: dict[tuple[str, ...], PassageMemory] = {}
        self.attribute = Settings().head_passage_share if attribute is None else attribute
        self.exemplars: dict[str, np.ndarray] = {}  # none needed at share 1: every passage carries its labels
        if self.attribute < 1:
            semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
            self.exemplars = claim_vectors_by_label(semeval, build_prototypes(semeval, cache.encode))

    def memory(self, labels: list[str]) -> PassageMemory:
        """The training passages labelled with `labels` (built once per label set)."""
        if tuple(labels) not in self.memories:
            self.memories[tuple(labels)] = PassageMemory.attributed(self.embedded.vectors, self.embedded.gold, labels,
                                                                   self.exemplars, self.attribute, self.model_id)
        return self.memories[tuple(labels)]

    def named(self, vectors: np.ndarray, docs: list[str], labels: list[str]) -> np.ndarray:
        """Per passage: whether its labelled neighbours (never of its own article's fold) name one of `labels`."""
        memory = self.memory(labels)
        groups = np.array([self.doc_fold.get(d, -1) for d in docs])
        return named_by_neighbours(vectors, memory, self.k, self.bar, self.floor, groups, self.memory_groups)


def patched(neighbours: LabelledNeighbours, docs_of: dict[str, str] | None, labels: list[str], kept_articles: set[str]):
    """`load_window` with the rule applied out-of-fold; `docs_of` (article id -> SemEval document id) is read from the
    warehouse at each call when None (worlds still being ingested)."""
    def load_window(writer, start, end, max_score, memory=None):
        window = ORIGINAL_LOAD_WINDOW(writer, start, end, max_score, memory)
        if docs_of is None:
            with writer.transaction() as con:
                docs = {a: doc_of_url(u) for a, u in
                        con.execute("SELECT article_id, coalesce(canonical_url, url) FROM articles").fetchall()}
        else:
            docs = docs_of
        drop = neighbours.named(window.vectors, [docs.get(a, "") for a in window.article_ids], labels)
        keep = np.flatnonzero(~drop)
        kept_articles.update(window.article_ids[i] for i in keep)
        return window.take(keep)
    return load_window


def offtopic_named(neighbours: LabelledNeighbours, labels: list[str], cache_path: Path) -> dict:
    """The share of the passages of the 181 off-topic news articles (benchmarks/discovery_offtopic.py) that the
    memory of all 200 labelled articles would name: what a topic far from every labelled one loses."""
    from discovery_offtopic import zyte_docs

    from extractors.passages import split_passages

    texts = [p.text for d in zyte_docs() for p in split_passages(d.body)]
    vectors = EmbeddingCache(Embedder(), cache_path).encode(texts)
    named = named_by_neighbours(vectors, neighbours.memory(labels), neighbours.k, neighbours.bar, neighbours.floor)
    return {"offtopic_passages": len(texts), "named_share": round(float(named.mean()), 3), "floor": neighbours.floor}


def main() -> None:
    parser = world_arguments(__doc__.splitlines()[0])
    shipped = Settings()
    parser.add_argument("--k", type=int, default=shipped.discovery_neighbour_k)
    parser.add_argument("--bar", type=float, default=shipped.discovery_neighbour_share)
    parser.add_argument("--floor", type=float, default=shipped.discovery_neighbour_min_similarity,
                        help="neighbours below this cosine do not count (-1: all count)")
    parser.add_argument("--offtopic", action="store_true",
                        help="only the share of the Zyte benchmark's off-topic news passages the rule would name")
    parser.add_argument("--attribute", type=float, default=shipped.head_passage_share,
                        help="an article's label carried only by this share of its passages most like its exemplars "
                             "(RADAR_HEAD_PASSAGE_SHARE of radar narratives fit; 1: all)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the rediscovered warehouses (knn-radar.duckdb, knn-control.duckdb in each world)")
    args = parser.parse_args()
    neighbours = LabelledNeighbours(EmbeddingCache(Embedder(), args.cache), args.k, args.bar, args.floor, args.attribute)
    semeval = load_catalogue(ROOT / "config" / "narratives.yaml").only(SEMEVAL_FAMILIES)
    if args.offtopic:
        print(json.dumps(offtopic_named(neighbours, [n.label for n in semeval.narratives], args.cache)))
        return
    docs = load_docs()
    results = json.loads(args.results.read_text())["results"]
    rows = []
    for r in results:
        label, seed = r["label"], r["seed"]
        narrative_id = REMOVABLE[label]
        workdir = args.work / f"{narrative_id}-{seed}"
        world = plan_emerging_world(docs, seed, label)
        row = {"label": label, "seed": seed}
        for kind in ("radar", "control"):
            db = workdir / f"knn-{kind}.duckdb"
            shutil.copy(workdir / f"{kind}.duckdb", db)
            docs_of = {a: doc_of_url(u) for a, u in query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles")}
            labels = [n.label for n in semeval.narratives if kind == "control" or n.label != label]
            kept: set[str] = set()
            step.load_window = patched(neighbours, docs_of, labels, kept)
            catalogue = workdir / "narratives.yaml" if kind == "radar" else ROOT / "config" / "narratives.yaml"
            settings = Settings(narratives=catalogue, db=db)
            try:
                rediscover(db, settings)
            finally:
                step.load_window = ORIGINAL_LOAD_WINDOW
            if kind == "radar":
                clusters = cluster_quality(db, world, label)
                best = max(clusters, key=lambda c: (c["purity"] * c["recall"], c["purity"]), default=None)
                row |= {"clusters": len(clusters), "best": {k: best[k] for k in ("articles", "purity", "recall", "majority")}
                        if best else None}
            else:
                gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
                counts: dict[str, int] = {}
                for a in kept:
                    for lab in gold.get(a, frozenset()):
                        counts[lab] = counts.get(lab, 0) + 1
                rates = {lab: n / max(len(kept), 1) for lab, n in counts.items()}
                original, discovery_world.base_rates = discovery_world.base_rates, lambda *_, rates=rates: rates
                try:
                    judged, _ = judged_clusters(db, world, "", settings.discovery_max_score)
                finally:
                    discovery_world.base_rates = original
                row["control"] = {"clusters": len(judged), "above_chance": sum(c["above_chance"] for c in judged),
                                  "detail": [{k: c[k] for k in ("articles", "majority", "majority_purity", "p")}
                                             for c in judged if c["above_chance"]]}
            if not args.keep:
                db.unlink()
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {"worlds": len(rows),
               "purity_mean": round(float(np.mean([r["best"]["purity"] if r["best"] else 0 for r in rows])), 3),
               "recall_mean": round(float(np.mean([r["best"]["recall"] if r["best"] else 0 for r in rows])), 3),
               "majority_purity_found": sum(bool(r["best"] and r["best"]["purity"] > 0.5) for r in rows),
               "control_worlds_with_above_chance_cluster": sum(bool(r["control"]["above_chance"]) for r in rows)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
