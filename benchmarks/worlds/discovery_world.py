"""Real-text worlds for discovery: a narrative the catalogue does not name emerges at several outlets.

Built on benchmarks/worlds/realworld.py (SemEval-2025 T10 English articles, made-up outlets, served over local HTTP, ingested
by the real `daily_ingest`). Before `emerge_week` no article carries the removed label; from it on, every SemEval
article whose gold labels carry it is published by one of `emerging_outlets` outlets, spread over the last weeks.
The other slots hold articles without that label at the usual pace.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from benchmarks.worlds.realworld import OUTLET_PACE, OUTLETS, Doc, Posting, World

# The most frequent gold labels, each tied to its catalogue narrative id (config/narratives.yaml labels).
REMOVABLE = {
    "URW: Discrediting the West, Diplomacy": "urw_discrediting_the_west_diplomacy",
    "URW: Amplifying war-related fears": "urw_amplifying_war_fears",
    "CC: Criticism of institutions and authorities": "cc_criticism_of_institutions",
    "URW: Discrediting Ukraine": "urw_discrediting_ukraine",
    "URW: Blaming the war on others rather than the invader": "urw_blaming_the_war_on_others",
}


def plan_emerging_world(docs: list[Doc], seed: int, label: str, weeks: int = 6, emerge_week: int = 3,
                        emerging_outlets: int = 6, start: date = date(2026, 6, 1)) -> World:
    """16 outlets at 1-2 articles a week; the articles carrying `label` all land from `emerge_week` on."""
    rng = random.Random(seed)
    world = World(seed, True, start, weeks, list(OUTLETS))
    carrying = [d for d in docs if label in d.labels]
    rest = [d for d in docs if label not in d.labels]
    rng.shuffle(carrying)
    rng.shuffle(rest)
    slots = []
    for week in range(weeks):
        for name, camp in world.outlets:
            for weekday in sorted(rng.sample(range(7), OUTLET_PACE[camp])):
                slots.append((name, _when(rng, start + timedelta(weeks=week, days=weekday))))
    if len(slots) > len(rest):
        raise RuntimeError(f"world needs {len(slots)} documents without {label!r}, the folder has {len(rest)}")
    world.postings = [Posting(name, doc, when) for (name, when), doc in zip(slots, rest, strict=False)]
    pushers = rng.sample([name for name, _ in world.outlets], emerging_outlets)
    days = (weeks - emerge_week) * 7
    for i, doc in enumerate(carrying):
        day = start + timedelta(weeks=emerge_week, days=rng.randrange(days))
        world.postings.append(Posting(pushers[i % len(pushers)], doc, _when(rng, day)))
    world.postings.sort(key=lambda p: p.published)
    return world


def _when(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(6, 22), rng.randrange(60), tzinfo=UTC)


def without_last_day(world: World) -> World:
    """The same world with its last day's postings left out (to add that day later)."""
    return World(world.seed, world.planted, world.start, world.weeks, world.outlets,
                 [p for p in world.postings if p.published.date() < world.last_day])


def lost_ids(week: str, before: list, after: list) -> tuple[set[str], set[str], dict[str, Counter], set[str]]:
    """(ids before, ids after, fate, dissolved) of `week`'s clusters across a recomputation, from
    (week, passage_id, cluster_id) member rows before and after: fate says where each lost cluster's passages went
    (None: unclustered); dissolved are the lost ones with half or more of their passages unclustered."""
    old_members = {p: c for w, p, c in before if w == week}
    new_members = {p: c for w, p, c in after if w == week}
    old_ids, new_ids = set(old_members.values()), set(new_members.values())
    fate = {c: Counter(new_members.get(p) for p, cc in old_members.items() if cc == c) for c in old_ids - new_ids}
    dissolved = {c for c, where in fate.items() if where[None] * 2 >= sum(where.values())}
    return old_ids, new_ids, fate, dissolved


def catalogue_without(source: Path, narrative_id: str, out: Path) -> Path:
    """A copy of the catalogue with one narrative removed (the entry's lines cut, comments kept)."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["narratives"] = [n for n in data["narratives"] if n["id"] != narrative_id]
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def doc_of_url(url: str) -> str:
    """The SemEval document id in an article URL of a world (the last path segment, lower-cased)."""
    return re.sub(r"[?#].*$", "", url).rstrip("/").rsplit("/", 1)[-1]


def gold_by_article(world: World, rows: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Gold labels per article_id, from (article_id, url) rows of the world's warehouse."""
    labels = {p.doc.doc_id.lower(): p.doc.labels for p in world.postings}
    return {a: labels.get(doc_of_url(u), frozenset()) for a, u in rows}


def cluster_quality(db: Path, world: World, label: str) -> list[dict]:
    """Per cluster (emerging_clusters): purity and recall of `label` among its articles, and its majority label."""
    from benchmarks.worlds.realworld import query

    gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
    carrying = {a for a, labels in gold.items() if label in labels}
    members: dict[str, set[str]] = {}
    for cluster_id, article_id in query(db, "SELECT DISTINCT cluster_id, article_id FROM emerging_cluster_passages"):
        members.setdefault(cluster_id, set()).add(article_id)
    nearest = {c: (n, s) for c, n, s in query(db, "SELECT cluster_id, nearest_narrative, similarity FROM emerging_clusters")}
    out = []
    for cluster_id, articles in sorted(members.items()):
        counts: dict[str, int] = {}
        for a in articles:
            for lab in gold.get(a, frozenset()):
                counts[lab] = counts.get(lab, 0) + 1
        majority = max(sorted(counts), key=lambda k: counts[k]) if counts else None
        out.append({"cluster_id": cluster_id, "articles": len(articles),
                    "purity": len(articles & carrying) / len(articles),
                    "recall": len(articles & carrying) / max(len(carrying), 1),
                    "majority": majority, "majority_purity": counts.get(majority, 0) / len(articles) if majority else 0.0,
                    "nearest_narrative": nearest.get(cluster_id, (None, None))[0],
                    "nearest_similarity": nearest.get(cluster_id, (None, None))[1]})
    return out


def base_rates(db: Path, world: World, max_score: float) -> dict[str, float]:
    """Chance: each gold label's share among the articles of the passages discovery may cluster (no catalogue
    narrative scoring `max_score` or more)."""
    from benchmarks.worlds.realworld import query

    gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
    arts = [a for (a,) in query(db, "SELECT DISTINCT pc.article_id FROM passage_classifications pc WHERE NOT EXISTS "
                                    "(SELECT 1 FROM passage_narratives pn WHERE pn.passage_id = pc.passage_id "
                                    "AND pn.score >= ?)", [max_score])]
    counts: dict[str, int] = {}
    for a in arts:
        for lab in gold.get(a, frozenset()):
            counts[lab] = counts.get(lab, 0) + 1
    return {k: v / max(len(arts), 1) for k, v in counts.items()}


def judged_clusters(db: Path, world: World, label: str, max_score: float, alpha: float = 0.05) -> tuple[list[dict], dict[str, float]]:
    """(every cluster with `above_chance`, `p` and `chance`, the base rates): one-sided binomial p of its majority gold
    label's count under that label's base rate, above chance below alpha / (clusters x labels)."""
    from scipy.stats import binom

    rates = base_rates(db, world, max_score)
    clusters = cluster_quality(db, world, label)
    tests = max(len(clusters) * max(len(rates), 1), 1)
    judged = []
    for c in clusters:
        if c["majority"] in (None, "Other") or not c["articles"]:
            judged.append(c | {"above_chance": False, "p": None, "chance": None})
            continue
        chance = rates.get(c["majority"], 0.0)
        p = float(binom.sf(round(c["majority_purity"] * c["articles"]) - 1, c["articles"], chance))
        judged.append(c | {"above_chance": p < alpha / tests, "p": p, "chance": rates.get(c["majority"])})
    return judged, rates


def clusters_above_chance(db: Path, world: World, label: str, max_score: float) -> tuple[list[dict], list[dict], dict[str, float]]:
    """(every cluster, those whose majority gold label is above chance, the base rates); see `judged_clusters`."""
    judged, rates = judged_clusters(db, world, label, max_score)
    return judged, [c for c in judged if c["above_chance"]], rates


def majority_clusters(db: Path, world: World, label: str) -> tuple[list[set[str]], set[str]]:
    """(the article sets of the clusters in which most articles carry `label`, the world's articles carrying it)."""
    from benchmarks.worlds.realworld import query

    gold = gold_by_article(world, query(db, "SELECT article_id, coalesce(canonical_url, url) FROM articles"))
    with_label = {a for a, labels in gold.items() if label in labels}
    members: dict[str, set[str]] = {}
    for cluster_id, article_id in query(db, "SELECT DISTINCT cluster_id, article_id FROM emerging_cluster_passages"):
        members.setdefault(cluster_id, set()).add(article_id)
    return [arts for arts in members.values() if 2 * len(arts & with_label) > len(arts)], with_label
