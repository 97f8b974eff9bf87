"""Spike alerts replayed over many worlds from labels the real flow stored once per document.

A document's labels do not depend on the world it is posted in (the classifier reads one passage at a time), so
one *library* world, every SemEval English document and every filler page posted once and run through the real
`daily_ingest`, gives each document's carrying passages per narrative and its classified passages. A planned world
is then its postings' labels summed per camp and day exactly as `queries/spike_counts` and `spike_totals` sum them,
judged by the flow's own `alert_step.spikes_of` with the cold start of `queries/spike_scope_start`: hundreds of worlds in seconds. A test
compares the replay with what the real flow stored for whole worlds (tests/test_spike_rhythms.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.worlds.realworld import OUTLETS, Doc, Posting, World, ingest_world_served, query
from flows.alert_step import cold_start_ends, spikes_of
from models.spikes import DayPoint, SpikeParams


@dataclass(frozen=True)
class DocLabels:
    """What the real flow stored for one document: classified passages, carrying passages per narrative."""

    passages: int
    narratives: dict[str, int]


def library_world(docs: list[Doc], start: date = date(2025, 1, 6), per_day: int = 24) -> World:
    """Every document posted once, spread over the outlets and over days (one feed must not exceed the run's cap)."""
    world = World(0, False, start, weeks=len(docs) // (per_day * 7) + 1, outlets=list(OUTLETS))
    for i, doc in enumerate(docs):
        day = start + timedelta(days=i // per_day)
        when = datetime(day.year, day.month, day.day, 6 + i % 16, i % 60, tzinfo=UTC)
        world.postings.append(Posting(OUTLETS[i % len(OUTLETS)][0], doc, when))
    return world


def library_labels(docs: list[Doc], workdir: Path, settings, cache: Path) -> dict[str, DocLabels]:
    """Run the library world through the real flow once; each document's stored labels by doc_id."""
    db, done = workdir / "radar.duckdb", workdir / "library.done"
    if not done.exists():  # a run that died half-way is redone whole
        db.unlink(missing_ok=True)
        ingest_world_served(library_world(docs), workdir, settings, cache)
        done.touch()
    by_slug = {d.doc_id.lower(): d.doc_id for d in docs}
    totals = query(db, """SELECT a.url, count(*) FROM passage_classifications pc JOIN articles a USING (article_id)
                          GROUP BY ALL""")
    hits = query(db, """SELECT a.url, pn.narrative_id, count(*) FROM passage_narratives pn
                        JOIN articles a USING (article_id) GROUP BY ALL""")
    narratives: dict[str, dict[str, int]] = defaultdict(dict)
    for url, narrative_id, n in hits:
        narratives[by_slug[url.rsplit("/", 1)[-1]]][narrative_id] = int(n)
    return {by_slug[url.rsplit("/", 1)[-1]]: DocLabels(int(n), narratives.get(by_slug[url.rsplit("/", 1)[-1]], {}))
            for url, n in totals}


def world_series(world: World, labels: dict[str, DocLabels]) -> tuple[dict, dict[str, date]]:
    """The spike series of `world` as `alert_step.load_series` reads them, and each scope's first outlet day."""
    camp_of = dict(world.outlets)
    totals: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    counts: dict[tuple[str, str], dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    first_day: dict[str, date] = {}
    for post in world.postings:
        doc = labels.get(post.doc.doc_id)
        if doc is None or doc.passages == 0:
            continue  # stored but not classified: in no series
        day = post.published.astimezone(UTC).date()
        first_day[post.outlet] = min(first_day.get(post.outlet, day), day)
        for scope in (camp_of[post.outlet], "*"):
            totals[scope][day][0] += doc.passages
            totals[scope][day][1] += 1
            for narrative_id, n in doc.narratives.items():
                cell = counts[(scope, narrative_id)][day]
                cell[0] += n
                cell[1] += 1
                cell[2] += n * n
    series = {}
    for (scope, narrative_id), days in counts.items():
        points = []
        for d, (total, articles) in sorted(totals[scope].items()):
            n, hit_articles, sum_sq = days.get(d, (0, 0, 0))
            points.append(DayPoint(d, n, total, articles=articles, hit_articles=hit_articles, count_sq=sum_sq))
        series[(scope, narrative_id)] = points
    began: dict[str, date] = {}
    for outlet, day in first_day.items():
        for scope in (camp_of[outlet], "*"):
            began[scope] = max(began.get(scope, day), day)
    return series, began


def replay_alerts(world: World, labels: dict[str, DocLabels], params: SpikeParams) -> list[tuple[str, str, date]]:
    """(camp or '*', narrative, day) of every spike alert the real flow would store for `world`, sorted."""
    series, began = world_series(world, labels)
    return sorted((camp, narrative_id, spike.day)
                  for camp, narrative_id, spike in spikes_of(series, cold_start_ends(began, params), params))


def rates(outcomes: list[tuple[bool, list[tuple[str, str, date]], World]], narrative: str) -> dict[str, object]:
    """Worlds with any alert (null), the planted spike found on its day for all camps (planted), alerts in the
    first week of history, over a list of (planted, alerts, world)."""
    null = [(a, w) for p, a, w in outcomes if not p]
    planted = [(a, w) for p, a, w in outcomes if p]
    first_week = sum(any(d < w.start + timedelta(days=7) for _, _, d in a) for _, a, w in outcomes)
    found = sum(("*", narrative, w.spike_day) in set(a) for a, w in planted)
    other = sum(any(d != w.spike_day for _, _, d in a) for a, w in planted)
    kinds = Counter(n for a, _ in null for _, n, _ in a)
    return {"null_worlds": len(null), "null_with_alert": sum(bool(a) for a, _ in null),
            "planted_worlds": len(planted), "planted_found": found, "planted_with_other_alerts": other,
            "alerts_in_first_week": first_week, "null_alert_narratives": dict(kinds)}
