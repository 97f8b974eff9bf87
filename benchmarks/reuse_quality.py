"""Copy detection and lead detection on real text, over many seeds: the measurements behind the reuse and lead-lag
defaults (README "Who leads and who copies").

Each seed plans the world of benchmarks/worlds/reuse_world.py (SemEval-2025 T10 English articles; an origin outlet, a
republisher a day later, a paraphraser, independent outlets on the same topics, a state outlet leading two alt
outlets by 2 days) and its null twin (the alt articles on independent days). The texts are split into passages
and embedded as `daily_ingest` does (same splitter, same model, same narrative classifier), without the HTTP
round trip, so many seeds fit in a few minutes. Printed, from one run:

* passage pairs by kind: each republished or paraphrased passage with its nearest passage of the original, and
  every pair of independent articles' passages with cosine >= 0.7: their cosine and shingle-Jaccard quantiles,
  the numbers the thresholds are chosen from;
* for a grid of (min cosine, min Jaccard): article-level precision and recall of "this article republished that
  one", paraphrases called copies, independent articles paired, wrong first publisher or lag;
* lead detection: how often the planted 2-day state->alt lead comes out significant with lag 2, and how many
  significant leads the null worlds show (any narrative, any pair, camps and tiers).

    .venv/bin/python -m benchmarks.reuse_quality [--seeds 100-119] [--cache /tmp/reuse-quality-vectors.npz]

The tests use seed 0; calibration uses seeds 100 and up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

import flows  # noqa: F401  (environment defaults)
from benchmarks.worlds import realworld, reuse_world
from extractors.passages import split_passages
from models.leadlag import LeadLagParams, daily_series, leadlag_pairs
from models.reuse import (
    PassageRef,
    ReuseParams,
    article_copies,
    build_cluster,
    connected_groups,
    find_copies,
    jaccard,
    links_of,
    normalized,
    shingles,
)

GRID_COSINE = (0.80, 0.85, 0.90, 0.95)
GRID_JACCARD = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


class Vectors:
    """Encode once: vectors memoised by text hash, kept in an .npz file between runs."""

    def __init__(self, path: Path) -> None:
        from models.embedder import Embedder

        self.path = path
        self.memo: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path)
            self.memo = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        self.model = Embedder()

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.memo}.items())
        if missing:
            vecs = self.model.encode([t for _, t in missing])
            self.memo.update({k: np.asarray(v, dtype=np.float32) for (k, _), v in zip(missing, vecs, strict=True)})
        return np.stack([self.memo[k] for k in keys]) if keys else np.zeros((0, 384), dtype=np.float32)

    def save(self) -> None:
        keys = sorted(self.memo)
        np.savez(self.path, keys=np.array(keys), vectors=np.stack([self.memo[k] for k in keys]))


def passages_of(world) -> tuple[list[PassageRef], list[int]]:
    refs, owner = [], []
    for n, item in enumerate(world.items):
        for p in split_passages(item.doc.body):
            refs.append(PassageRef(f"{n}-{p.position}", str(n), item.outlet, item.published, item.published, p.text))
            owner.append(n)
    return refs, owner


def kind_of(world, a: int, b: int) -> str:
    ia, ib = world.items[a], world.items[b]
    root_a, root_b = ia.of or ia.doc.doc_id, ib.of or ib.doc.doc_id
    if root_a != root_b:
        return "independent"
    return "paraphrase" if "paraphrase" in (ia.kind, ib.kind) else "copy"


def evaluate_reuse(world, refs: list[PassageRef], vecs: np.ndarray, stats: dict, grid: dict) -> None:
    edges = find_copies(refs, vecs, refs, vecs, ReuseParams(min_cosine=0.7, min_jaccard=1e-9))
    by_id = {r.passage_id: r for r in refs}
    for e in edges:
        if kind_of(world, int(by_id[e.a].article_id), int(by_id[e.b].article_id)) == "independent":
            stats["independent"].append((e.cosine, e.jaccard))
    # copies and paraphrases: each passage against its nearest passage of the original
    rows_of: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(refs):
        rows_of[r.article_id].append(k)
    unit = normalized(vecs)
    for n, item in enumerate(world.items):
        if item.kind not in ("copy", "paraphrase"):
            continue
        original = next(k for k, o in enumerate(world.items) if o.kind == "original" and o.doc.doc_id == item.of)
        mine, theirs = rows_of[str(n)], rows_of[str(original)]
        sims = unit[mine] @ unit[theirs].T
        for i, k in enumerate(mine):
            j = theirs[int(np.argmax(sims[i]))]
            stats[item.kind].append((float(sims[i].max()),
                                     jaccard(shingles(refs[k].text), shingles(refs[j].text))))
    truth = {}
    for n, item in enumerate(world.items):
        if item.kind == "copy":
            original = next(k for k, o in enumerate(world.items) if o.kind == "original" and o.doc.doc_id == item.of)
            truth[(str(n), str(original))] = (item.published - world.items[original].published).total_seconds() / 3600
    sizes = Counter(r.article_id for r in refs)
    vectors = {r.passage_id: v for r, v in zip(refs, vecs, strict=True)}
    for cos in GRID_COSINE:
        for jac in GRID_JACCARD:
            params = ReuseParams(min_cosine=cos, min_jaccard=jac)
            kept = [e for e in edges if e.cosine >= cos and e.jaccard >= jac]
            clusters = [c for g in connected_groups(kept)
                        if (c := build_cluster([by_id[p] for p in g], vectors, params)) is not None]
            found = {(c.article_id, c.original_article_id): c for c in article_copies(links_of(clusters), sizes, params)}
            cell = grid[(cos, jac)]
            cell["truth"] += len(truth)
            cell["found"] += len(found)
            cell["hits"] += sum(1 for k, lag in truth.items() if k in found
                                and abs((found[k].lag_hours or 0) - lag) < 0.01 and found[k].whole_article)
            for a, b in found:
                if (a, b) in truth:
                    continue
                cell["paraphrase_fp" if world.items[int(a)].kind == "paraphrase" else "independent_fp"] += 1


def evaluate_leads(world, refs, owner, vecs, classifier, params: LeadLagParams,
                   planted_world: bool) -> tuple[bool, list[tuple], int]:
    """(planted lead found with lag 2 on the full window, every significant pair there, and the number of judged
    weeks (windows of 28, 35 and 42 days from the world's start, as `analyze` judges them) with a significant
    lead (in a planted world, of something other than the planted narrative's state->alt pair)."""
    from models.narratives import classify

    catalogue, protos, cparams = classifier
    labels = classify(vecs, [r.text for r in refs], catalogue, protos, cparams)
    carried: dict[int, set[str]] = defaultdict(set)
    for n, found in zip(owner, labels, strict=True):
        carried[n].update(a.narrative_id for a in found)
    tiers = {name: (camp, tier) for name, camp, tier in reuse_world.OUTLETS}
    rows = {"camp": [], "tier": []}
    for n, item in enumerate(world.items):
        camp, tier = tiers[item.outlet]
        for narrative in carried[n]:
            rows["camp"].append((narrative, camp, item.published.date(), 1))
            rows["tier"].append((narrative, tier, item.published.date(), 1))
    start: date = world.start
    weeks_with_other = 0
    for days in range(params.min_window_days, params.window_days, 7):
        early = leadlag_pairs({g: daily_series(r, start, days) for g, r in rows.items()}, params)
        weeks_with_other += any(x.result.significant and not (planted_world and _is_planted(x)) for x in early)
    results = leadlag_pairs({g: daily_series(r, start, params.window_days) for g, r in rows.items()}, params)
    weeks_with_other += any(x.result.significant and not (planted_world and _is_planted(x)) for x in results)
    planted = any(_is_planted(x) and x.lag_days == 2 and x.result.significant for x in results)
    significant = [(x.narrative_id, x.grouping, x.leader, x.follower, x.lag_days, round(x.result.p_value, 5))
                   for x in results if x.result.significant]
    return planted, significant, weeks_with_other


def _is_planted(x) -> bool:
    return x.narrative_id == reuse_world.LEAD_NARRATIVE and x.grouping == "tier" and {x.leader, x.follower} == {
        "state", "alt"}


def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    q = np.quantile(values, [0, 0.01, 0.5, 0.99, 1])
    return {k: round(float(v), 3) for k, v in zip(("min", "p01", "median", "p99", "max"), q, strict=True)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="100-119")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/reuse-quality-vectors.npz"))
    args = parser.parse_args(argv)
    lo, _, hi = args.seeds.partition("-")
    seeds = list(range(int(lo), int(hi or lo) + 1))
    from flows.settings import Settings
    from models.catalogue import load_catalogue
    from models.narratives import ClassifierParams, build_prototypes

    started = time.perf_counter()
    docs = realworld.load_docs()
    encode = Vectors(args.cache)
    catalogue = load_catalogue(Settings().narratives)
    classifier = (catalogue, build_prototypes(catalogue, encode.model.encode), ClassifierParams())
    lead_params = Settings().leadlag_params()
    stats: dict[str, list[tuple[float, float]]] = defaultdict(list)
    grid: dict[tuple[float, float], Counter] = defaultdict(Counter)
    planted_found, null_leads, planted_other_leads = 0, [], []
    null_weeks: list[int] = []
    for seed in seeds:
        for planted in (True, False):
            world = reuse_world.plan_reuse_world(docs, seed, planted)
            refs, owner = passages_of(world)
            vecs = encode([r.text for r in refs])
            if planted:
                evaluate_reuse(world, refs, vecs, stats, grid)
            found, significant, weeks_other = evaluate_leads(world, refs, owner, vecs, classifier, lead_params, planted)
            if not planted:
                null_weeks.append(weeks_other)
            if planted:
                planted_found += found
                planted_other_leads += [s for s in significant if not (
                    s[0] == reuse_world.LEAD_NARRATIVE and s[1:4] == ("tier", "state", "alt"))]
            else:
                null_leads += [(seed, *s) for s in significant]
        encode.save()
        print(f"seed {seed} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    judged = len(range(lead_params.min_window_days, lead_params.window_days, 7)) + 1
    table = []
    for (cos, jac), c in sorted(grid.items()):
        precision = c["hits"] / c["found"] if c["found"] else 1.0
        table.append({"min_cosine": cos, "min_jaccard": jac, "precision": round(precision, 3),
                      "recall": round(c["hits"] / c["truth"], 3), "paraphrase_fp": c["paraphrase_fp"],
                      "independent_fp": c["independent_fp"], "republished": c["truth"]})
    print(json.dumps({
        "seeds": f"{seeds[0]}-{seeds[-1]}",
        "passage_pairs": {k: {"pairs": len(v), "cosine": quantiles([x[0] for x in v]),
                                            "jaccard": quantiles([x[1] for x in v])} for k, v in sorted(stats.items())},
        "grid": table,
        "lead": {"planted_worlds": len(seeds), "state_leads_alt_by_2_days_found": planted_found,
                 "other_significant_leads_in_planted_worlds": len(planted_other_leads),
                 "other_leads": Counter(s[:5] for s in planted_other_leads).most_common(10),
                 "null_worlds": len(seeds), "significant_leads_in_null_worlds": len(null_leads),
                 "null_worlds_with_a_significant_lead_in_any_judged_week": sum(1 for w in null_weeks if w),
                 "null_judged_weeks_with_a_significant_lead": f"{sum(null_weeks)} of {judged * len(null_weeks)}",
                 "null_leads": null_leads[:20]},
        "seconds": round(time.perf_counter() - started, 1),
    }, indent=1))


if __name__ == "__main__":
    main()
