"""Why a full-catalogue control cluster is above chance: where its majority label's articles fell in the world's
weeks, and how many of their passages the classifier gives that narrative. Measured, not shipped.

    .venv/bin/python benchmarks/discovery_control_causes.py --results discovery.json [--work /tmp/radar-discovery]

Reads the worlds and the `--out` JSON of `benchmarks/discovery_quality.py`. For each above-chance cluster of a control
warehouse, prints one JSON line: the majority label's articles per ISO week in the world (chance concentration shows
as most of them inside the cluster's 2-week window), the share of those articles' passages that carry the label's
catalogue narrative at the discovery candidate bar (`RADAR_DISCOVERY_MAX_SCORE`) and at any score, and which
narratives the cluster's own passages carry. Then, per world, the control clusters whose majority label is the planted
narrative (catalogued in the control) with an uncorrected binomial p below 0.05: how much of the clause's pass rests
on the correction for clusters x labels.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.worlds.discovery_world import REMOVABLE, gold_by_article, plan_emerging_world
from benchmarks.worlds.realworld import load_docs, query

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import load_catalogue

LABEL_SHARE = """SELECT count(DISTINCT p.passage_id),
       count(DISTINCT p.passage_id) FILTER (WHERE pn.narrative_id = $n AND pn.score >= $bar),
       count(DISTINCT p.passage_id) FILTER (WHERE pn.narrative_id = $n)
FROM passages p LEFT JOIN passage_narratives pn USING (passage_id) WHERE list_contains($articles, p.article_id)"""
CLUSTER_NARRATIVES = """SELECT pn.narrative_id, count(DISTINCT m.passage_id) FROM emerging_cluster_passages m
JOIN passage_narratives pn USING (passage_id) WHERE m.cluster_id = ? GROUP BY 1 ORDER BY 2 DESC, 1"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, required=True, help="the --out JSON of discovery_quality.py")
    parser.add_argument("--work", type=Path, default=Path("/tmp/radar-discovery"))
    args = parser.parse_args()
    settings = Settings()
    narrative_of = {n.label: n.narrative_id for n in load_catalogue(ROOT / "config" / "narratives.yaml").narratives}
    docs = load_docs()
    results = json.loads(args.results.read_text())["results"]
    for r in results:
        planted = [(c["articles"], round(c["majority_purity"], 2), round(c["p"], 4)) for c in r.get("control", {}).get("detail", [])
                   if c["majority"] == r["label"] and c["p"] is not None and c["p"] < 0.05]
        print(json.dumps({"world": f"{r['label']} {r['seed']}", "planted_majority_uncorrected_p_below_0.05": planted}))
    for r in results:
        flagged = [c for c in r.get("control", {}).get("detail", []) if c["above_chance"]]
        if not flagged:
            continue
        world = plan_emerging_world(docs, r["seed"], r["label"])
        db = args.work / f"{REMOVABLE[r['label']]}-{r['seed']}" / "control.duckdb"
        gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
        for c in flagged:
            label = c["majority"]
            weeks = Counter(f"W{p.published.isocalendar()[1]}" for p in world.postings if label in p.doc.labels)
            articles = [a for a, g in gold.items() if label in g]
            total, at_bar, any_score = query(db, LABEL_SHARE, {"n": narrative_of.get(label), "bar": settings.discovery_max_score,
                                                               "articles": articles})[0]
            members = query(db, "SELECT min(day), max(day) FROM emerging_cluster_passages WHERE cluster_id = ?", [c["cluster_id"]])[0]
            print(json.dumps({
                "world": f"{r['label']} {r['seed']}", "cluster_id": c["cluster_id"], "articles": c["articles"],
                "majority": label, "majority_purity": round(c["majority_purity"], 2),
                "cluster_days": [str(d) for d in members], "label_articles_per_week": dict(sorted(weeks.items())),
                "label_passages": total, "named_at_bar": at_bar, "named_at_any_score": any_score,
                "cluster_passages_narratives": query(db, CLUSTER_NARRATIVES, [c["cluster_id"]])[:4],
            }), flush=True)


if __name__ == "__main__":
    main()
