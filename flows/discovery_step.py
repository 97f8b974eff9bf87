"""Emerging-narrative discovery over the warehouse: each changed ISO week's window clustered, ids carried over,
the tables rewritten for that week, alerts of kind 'emerging' stored. Incremental and idempotent: a week whose
window input is unchanged (same candidate passages, catalogue and model) is not recomputed."""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from extractors.identity import text_hash
from flows.alert_kinds import EmergingEvidence
from flows.alert_step import alert_id_for, store_alert
from flows.discovery_relevance import (
    RelevanceRule,
    read_muted_topics,
    relevance_fingerprint,
    relevance_rule,
    relevance_text,
)
from flows.settings import Settings
from models.catalogue import Catalogue, CatalogueError, load_catalogue
from models.discovery import (
    DiscoveryParams,
    Previous,
    boilerplate_mask,
    cluster_labels,
    clusters_novelty,
    describe_clusters,
    match_clusters,
    nearest_narrative,
    novelty_share,
    retain_clusters,
    retain_size,
    spanning,
    status_of,
    unit,
    unmerge_clusters,
)
from models.passage_memory import PassageMemory, PassageMemoryError, memory_path, named_by_neighbours
from models.relevance import Relevance
from models.weeks import iso_week, week_start, weeks_between
from warehouse.db import load_sql, run_script
from warehouse.writer import Writer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeekResult:
    week: str
    candidates: int
    clusters: int
    new_alerts: int
    skipped: bool
    error: str | None = None  # the week's discovery failed; its rows are from an earlier run


@dataclass(frozen=True)
class Window:
    """The candidate passages of one window, in passage order."""

    passage_ids: list[str]
    article_ids: list[str]
    source_ids: list[str]
    days: list[date]
    texts: list[str]
    vectors: np.ndarray

    def take(self, keep: np.ndarray) -> Window:
        """The passages at positions `keep`, in order."""
        return Window([self.passage_ids[i] for i in keep], [self.article_ids[i] for i in keep],
                      [self.source_ids[i] for i in keep], [self.days[i] for i in keep], [self.texts[i] for i in keep],
                      self.vectors[keep])


def window_span(week: str, window_weeks: int) -> tuple[date, date]:
    end = week_start(week) + timedelta(days=6)
    return end - timedelta(days=7 * window_weeks - 1), end


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class CandidateMemory:
    """The head's labelled passages and the rule that names candidate passages by them."""

    memory: PassageMemory
    k: int
    share: float
    min_similarity: float

    @property
    def fingerprint(self) -> str:
        return f"{self.memory.fingerprint}:{self.k}:{self.share}:{self.min_similarity}"


def load_candidate_memory(settings: Settings) -> CandidateMemory | None:
    """The memory beside the configured head, when there is one; discovery goes on without it otherwise."""
    if settings.narrative_head is None or not settings.discovery_head_passages:
        return None
    path = memory_path(settings.narrative_head)
    if not path.exists():
        log.info("discovery: no labelled passages beside the head (%s); refit it with `radar narratives fit` to "
                 "leave the passages they name out of discovery", path)
        return None
    try:
        memory = PassageMemory.load(path)
    except PassageMemoryError as exc:
        log.warning("discovery goes on without the head's labelled passages: %s", exc)
        return None
    return CandidateMemory(memory, settings.discovery_neighbour_k, settings.discovery_neighbour_share,
                           settings.discovery_neighbour_min_similarity)


def without_named(window: Window, memory: CandidateMemory, span: str) -> Window:
    """The window without the passages the labelled passages name (see models/passage_memory.py)."""
    named = named_by_neighbours(window.vectors, memory.memory, memory.k, memory.share, memory.min_similarity)
    if not named.any():
        return window
    log.info("discovery %s: %d of %d candidate passages named by the head's labelled passages, left out", span,
             int(named.sum()), len(named))
    return window.take(np.flatnonzero(~named))


def load_window(writer: Writer, start: date, end: date, max_score: float,
                memory: CandidateMemory | None = None) -> Window:
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/discovery_window"),
                           {"start": start, "end": end, "max_score": max_score}).fetchnumpy()
    raw = list(rows["vector"])
    if not raw:
        return Window([], [], [], [], [], np.zeros((0, 0), dtype=np.float32))
    # a vector of another width or with non-finite values is bad input: dropped and logged, the window goes on
    width = max(set(map(len, raw)), key=[len(v) for v in raw].count)
    good = [i for i, v in enumerate(raw) if len(v) == width and np.isfinite(np.asarray(v, dtype=np.float32)).all()]
    if len(good) < len(raw):
        bad = sorted(set(range(len(raw))) - set(good))
        log.warning("discovery %s..%s: %d passages with unusable vectors left out (e.g. %s)", start, end, len(bad),
                    rows["passage_id"][bad[0]])
    if not good:
        return Window([], [], [], [], [], np.zeros((0, 0), dtype=np.float32))
    vectors = np.stack([np.asarray(raw[i], dtype=np.float32) for i in good]).astype(np.float32)

    def pick(column: str) -> list:
        values = rows[column].tolist()
        return [values[i] for i in good]

    window = Window(pick("passage_id"), pick("article_id"), pick("source_id"), [_as_date(d) for d in pick("day")],
                    pick("text"), vectors)
    return without_named(window, memory, f"{start}..{end}") if memory else window


def read_catalogue(catalogue_path: Path) -> Catalogue | None:
    """The catalogue discovery describes against (nearest narratives, promoted clusters); None, logged, when unreadable."""
    try:
        return load_catalogue(catalogue_path)
    except CatalogueError as exc:
        log.warning("discovery: no nearest narrative and no promoted clusters: %s", exc)
        return None


def narrative_vectors(writer: Writer, catalogue: Catalogue | None, model_id: str) -> dict[str, np.ndarray]:
    """Each catalogue narrative's cached claim-exemplar vectors (and description); empty when not cached yet."""
    if catalogue is None:
        return {}
    texts = {n.narrative_id: [*n.claims, n.description] for n in catalogue.narratives}
    hashes = sorted({text_hash(t) for ts in texts.values() for t in ts})
    with writer.transaction() as con:
        found = {h: np.asarray(v, dtype=np.float32) for h, v in con.execute(
            load_sql("queries/exemplar_vectors"), {"model_id": model_id, "hashes": hashes}).fetchall()}
    out = {}
    for narrative_id, ts in texts.items():
        vs = [found[text_hash(t)] for t in ts if text_hash(t) in found]
        if vs:
            out[narrative_id] = np.stack(vs)
    return out


def _fingerprint(writer: Writer, start: date, end: date, settings: Settings, params: DiscoveryParams,
                 promoted: set[str], memory: CandidateMemory | None, relevance: str) -> str:
    with writer.transaction() as con:
        n, h = con.execute(load_sql("queries/discovery_fingerprint"),
                           {"start": start, "end": end, "max_score": settings.discovery_max_score}).fetchone() or (0, 0)
    with writer.transaction() as con:
        ref = con.execute(load_sql("queries/discovery_fingerprint"), {
            "start": start - timedelta(weeks=settings.discovery_reference_weeks), "end": start - timedelta(days=1),
            "max_score": settings.discovery_max_score}).fetchone() or (0, 0)
    text = json.dumps([n, int(h), int(ref[0]), int(ref[1]), vars(params), settings.discovery_window_weeks,
                       settings.discovery_reference_weeks, settings.discovery_max_score, str(settings.narratives)]
                      + ([sorted(promoted)] if promoted else [])  # none promoted: the fingerprints of before
                      + ([memory.fingerprint] if memory else [])  # no memory: likewise
                      + [relevance],
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _model_id(writer: Writer, start: date, end: date) -> str | None:
    with writer.transaction() as con:
        row = con.execute(load_sql("queries/discovery_window_model"), {"start": start, "end": end}).fetchone()
    return row[0] if row else None


def compute_discovery(writer: Writer, settings: Settings, since: date | None = None) -> list[WeekResult]:
    """Cluster every week from `since`'s (all weeks when None) whose window input changed; rebuild the summary."""
    params = settings.discovery_params()
    with writer.transaction() as con:
        first, last = con.execute(load_sql("queries/discovery_weeks")).fetchone() or (None, None)
        sources = {s: (name, camp) for s, name, camp in con.execute(load_sql("queries/discovery_sources")).fetchall()}
    if first is None or last is None:
        return []
    start_week = iso_week(max(first, since) if since else first)
    results = []
    failed = []
    vectors_cache: dict[str, dict[str, np.ndarray]] = {}
    catalogue = read_catalogue(settings.narratives)
    memory = load_candidate_memory(settings)
    topics = read_muted_topics(settings.muted_topics)
    judged = Judged(relevance_fingerprint(topics, settings.discovery_relevance_min), {},
                    lambda model_id: relevance_rule(writer, catalogue, vectors_cache[model_id], topics, model_id,
                                                    settings.discovery_relevance_min, settings.embedder))
    for week in weeks_between(start_week, iso_week(last)):
        try:
            results.append(_discover_week(writer, settings, params, week, sources, vectors_cache, catalogue, memory,
                                          judged))
        except Exception as exc:  # noqa: BLE001 (one bad week (odd vectors, a failed clustering) must not fail the analysis)
            error = f"{type(exc).__name__}: {exc}"
            log.error("discovery of %s failed, skipped: %s", week, error)
            record_failure(writer, week, error)
            results.append(WeekResult(week, 0, 0, 0, False, error))
            failed.append(week)
    try:
        with writer.transaction() as con:
            run_script(con, "queries/discovery_rebuild")
    except Exception as exc:  # noqa: BLE001 (as a failed week: the analysis goes on, the old summary stays)
        log.error("discovery: emerging_clusters not rebuilt, previous summary kept: %s: %s", type(exc).__name__, exc)
    done = [r for r in results if not r.skipped and r.error is None]
    log.log(logging.WARNING if failed else logging.INFO,
            "discovery: %d weeks clustered (%d unchanged), %d clusters, %d new alerts%s", len(done),
            len(results) - len(done), sum(r.clusters for r in done), sum(r.new_alerts for r in done),
            f"; FAILED, previous results kept: {', '.join(failed)}" if failed else "")
    return results


def record_failure(writer: Writer, week: str, error: str) -> None:
    """Note the failed week in `emerging_week_failures` (queryable: its clusters are stale until it succeeds)."""
    try:
        with writer.transaction() as con:
            con.execute(load_sql("queries/discovery_record_failure"), {"week": week, "error": error[:2000]})
    except Exception as exc:  # noqa: BLE001 (the warehouse itself may be what failed; the log line stays)
        log.error("discovery of %s: the failure could not be recorded: %s: %s", week, type(exc).__name__, exc)


@dataclass(frozen=True)
class Judged:
    """The relevance rule of a run: its fingerprint, and its rule per model (built on first use)."""

    fingerprint: str
    rules: dict[str, RelevanceRule]
    build: Callable[[str], RelevanceRule]

    def rule(self, model_id: str) -> RelevanceRule:
        if model_id not in self.rules:
            self.rules[model_id] = self.build(model_id)
        return self.rules[model_id]


@dataclass
class Clustered:
    """What clustering one week's window found: its clusters with their novelty tests, the earlier clusters kept
    by hysteresis, the merges split back, and which passages were boilerplate."""

    clusters: list = field(default_factory=list)
    novelty: list[tuple[int, int, float]] = field(default_factory=list)
    retained: dict[str, float] = field(default_factory=dict)
    unmerged: list[list[str]] = field(default_factory=list)
    boiler: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


def _discover_week(writer: Writer, settings: Settings, params: DiscoveryParams, week: str,
                   sources: dict[str, tuple[str, str]], vectors_cache: dict[str, dict[str, np.ndarray]],
                   catalogue: Catalogue | None, memory: CandidateMemory | None, judged: Judged) -> WeekResult:
    """A promoted cluster keeps its id (what the catalogue's new narrative leaves unlabelled still matches it)
    but is marked `promoted`: never kept by hysteresis, never alerted again."""
    promoted = catalogue.promoted_clusters if catalogue else set()
    start, end = window_span(week, settings.discovery_window_weeks)
    window_model = _model_id(writer, start, end)
    if memory and memory.memory.model_id != (window_model or memory.memory.model_id):
        log.warning("discovery %s: the head's labelled passages were embedded with %s, the window with another model; "
                    "not used (refit the head)", week, memory.memory.model_id)
        memory = None
    fingerprint = _fingerprint(writer, start, end, settings, params, promoted, memory, judged.fingerprint)
    if _week_unchanged(writer, week, fingerprint):
        return WeekResult(week, 0, 0, 0, True)
    window = load_window(writer, start, end, settings.discovery_max_score, memory)
    previous, older = _previous_clusters(writer, week, settings)
    found = Clustered(boiler=np.zeros(len(window.passage_ids), dtype=bool))
    if len(window.passage_ids):
        found = _cluster_window(writer, settings, params, week, window, start, memory, previous, promoted)
    matching = match_clusters([c.centroid for c in found.clusters],
                              [window.passage_ids[c.central[0]] for c in found.clusters], week, previous,
                              params.match_similarity,
                              [[window.passage_ids[i] for i in c.members] for c in found.clusters], window.passage_ids,
                              params.match_overlap)
    model_id = window_model or ""
    if model_id not in vectors_cache:
        vectors_cache[model_id] = narrative_vectors(writer, catalogue, model_id)
    rule = judged.rule(model_id) if found.clusters else None
    weekly, members, alerts = _cluster_rows(writer, settings, params, week, window, found, matching, older, promoted,
                                            sources, vectors_cache[model_id], rule)
    with writer.transaction() as con:
        _store_week(con, week, fingerprint, len(window.passage_ids), found, matching, previous, weekly, members)
        new_alerts = _store_alerts(con, week, alerts, settings)
    log_off_topic(week, weekly)
    return WeekResult(week, len(window.passage_ids), len(weekly), new_alerts, False)


def _week_unchanged(writer: Writer, week: str, fingerprint: str) -> bool:
    """Whether the week was computed from this input already; an earlier failure of it is then stale."""
    with writer.transaction() as con:
        row = con.execute(load_sql("queries/discovery_week_fingerprint"), {"week": week}).fetchone()
        unchanged = row is not None and row[0] == fingerprint
        if unchanged:
            con.execute(load_sql("queries/discovery_clear_week_failure"), {"week": week})
    return unchanged


def _previous_clusters(writer: Writer, week: str, settings: Settings) -> tuple[list[Previous], dict[str, str]]:
    """The clusters of the memory's weeks before `week` (to match and keep), and each cluster's first week."""
    first_memory = iso_week(week_start(week) - timedelta(weeks=settings.discovery_memory_weeks))
    with writer.transaction() as con:
        prev_rows = con.execute(load_sql("queries/discovery_previous"), {"first": first_memory, "week": week}).fetchall()
        prev_members = dict(con.execute(load_sql("queries/discovery_previous_members"),
                                        {"first": first_memory, "week": week}).fetchall())
        older = {c: w for c, w in con.execute(
            load_sql("queries/discovery_first_weeks"), {"week": week}).fetchall()}
    previous = [Previous(c, np.asarray(v, dtype=np.float32), int(p), frozenset(prev_members.get(c, ())), last)
                for c, v, p, _, last in prev_rows]
    return previous, older


def _cluster_window(writer: Writer, settings: Settings, params: DiscoveryParams, week: str, window: Window, start: date,
                    memory: CandidateMemory | None, previous: list[Previous], promoted: set[str]) -> Clustered:
    """Cluster the window's novel passages (against the reference period before it), keep and split back earlier
    clusters, and keep the clusters denser than the reference period explains."""
    boiler = boilerplate_mask(window.source_ids, window.article_ids, window.vectors,
                              params.boilerplate_min_articles, params.boilerplate_similarity)
    ref = load_window(writer, start - timedelta(weeks=settings.discovery_reference_weeks),
                      start - timedelta(days=1), settings.discovery_max_score, memory)
    reference = ref.vectors
    share = novelty_share(window.vectors, window.article_ids, reference, params.novelty_k, params.max_points,
                          params.dims, params.seed, window.passage_ids, ref.passage_ids)
    novel = ~boiler & (share >= params.novelty_share)  # NaN (no reference period yet) is never novel
    keep = np.flatnonzero(novel)
    labels = np.full(len(window.passage_ids), -1, dtype=int)
    labels[keep] = cluster_labels(window.vectors[keep], params, [window.passage_ids[i] for i in keep])
    labels = spanning(labels, window.source_ids, params.min_outlets)
    keepable = [p for p in previous if p.cluster_id not in promoted]  # promoted: neither kept nor split back
    labels, retained, gone = retain_clusters(labels, ~boiler & (share >= params.retain_share), window.passage_ids,
                                             keepable, retain_size(params), params.match_overlap)
    if retained:
        log.info("discovery %s: %d clusters kept by hysteresis: %s", week, len(retained), ", ".join(sorted(retained)))
    if gone:
        log.info("discovery %s: %d earlier clusters not continued (passages in the window: in other clusters, "
                 "unclustered, of those novel enough to keep): %s", week, len(gone),
                 "; ".join(f"{c} {n}: {o}, {u}, {f}" for c, (n, o, u, f) in sorted(gone.items())))
    unmerged: list[list[str]] = []
    if params.unmerge:
        labels, unmerged = unmerge_clusters(labels, window.vectors, window.passage_ids, window.source_ids, keepable,
                                            week, retain_size(params), params.min_outlets, params.match_overlap)
        for ids in unmerged:
            log.info("discovery %s: a cluster joining %s split back into them", week, ", ".join(ids))
    clusters = describe_clusters(window.vectors, labels, window.texts, params, window.source_ids)
    tested = len(clusters)
    novelty = clusters_novelty([c.centroid for c in clusters],
                               [float(np.percentile(c.centrality, params.neighbourhood)) for c in clusters],
                               window.vectors, window.article_ids, reference, ref.article_ids)
    kept_tests = [(c, t) for c, t in zip(clusters, novelty, strict=True)
                  if params.alpha >= 1 or t[2] <= params.alpha / max(tested, 1)]
    if tested and params.alpha < 1:
        log.info("discovery %s: %d of %d clusters denser than the reference period explains", week,
                 len(kept_tests), tested)
    if len(reference) == 0:
        log.info("discovery %s: no reference period before %s yet, nothing clustered", week, start)
    return Clustered([c for c, _ in kept_tests], [t for _, t in kept_tests], retained, unmerged, boiler)


def _cluster_rows(writer: Writer, settings: Settings, params: DiscoveryParams, week: str, window: Window, found: Clustered,
                  matching, older: dict[str, str], promoted: set[str], sources: dict[str, tuple[str, str]],
                  narrative_vecs: dict[str, np.ndarray], rule: RelevanceRule | None
                  ) -> tuple[list[dict], list[dict], list[tuple[dict, date, int]]]:
    """The week's cluster rows (with status, evidence and relevance), their member rows, and the alerts due."""
    monday = week_start(week)
    articles_meta = _article_meta(writer, sorted({window.article_ids[i] for c in found.clusters for i in c.central}))
    weekly: list[dict] = []
    members: list[dict] = []
    alerts: list[tuple[dict, date, int]] = []
    for cluster, cluster_id, sim, (near_window, near_reference, novelty_p) in zip(
            found.clusters, matching.ids, matching.similarity, found.novelty, strict=True):
        idx = cluster.members
        arts = {window.article_ids[i] for i in idx}
        this_week = len({window.article_ids[i] for i in idx if window.days[i] >= monday})
        before = len({window.article_ids[i] for i in idx if monday - timedelta(days=7) <= window.days[i] < monday})
        status = "promoted" if cluster_id in promoted else status_of(cluster_id not in older, this_week, before,
                                                                      params.growth_ratio)
        outlet_ids = sorted({window.source_ids[i] for i in idx})
        outlets = sorted({sources.get(s, (s, "?"))[0] for s in outlet_ids})
        camps = sorted({sources.get(s, (s, "?"))[1] for s in outlet_ids})
        narrative, similarity = nearest_narrative(cluster.centroid, narrative_vecs)
        verdict = rule.judge(cluster.centroid) if rule else None
        central = [{"passage_id": window.passage_ids[i], "text": window.texts[i],
                    "outlet": articles_meta.get(window.article_ids[i], {}).get("outlet"),
                    "url": articles_meta.get(window.article_ids[i], {}).get("url"),
                    "title": articles_meta.get(window.article_ids[i], {}).get("title"),
                    "day": window.days[i].isoformat()} for i in cluster.central]
        weekly.append({"cluster_id": cluster_id, "week": week, "passages": len(idx), "articles": len(arts),
                       "week_articles": this_week, "previous_articles": before, "outlets": outlets, "camps": camps,
                       "keywords": cluster.keywords, "nearest_narrative": narrative, "similarity": similarity,
                       "match_similarity": sim, "status": status, "central": json.dumps(central),
                       "centroid": cluster.centroid.astype(np.float32).tolist(), "window_neighbours": near_window,
                       "reference_neighbours": near_reference, "novelty_p": novelty_p}
                      | relevance_columns(verdict))
        members.extend({"cluster_id": cluster_id, "passage_id": window.passage_ids[i], "week": week,
                        "article_id": window.article_ids[i], "source_id": window.source_ids[i], "day": window.days[i],
                        "centrality": float(c)} for i, c in zip(idx, cluster.centrality, strict=True))
        week_outlets = {window.source_ids[i] for i in idx if window.days[i] >= monday}
        if (status in ("new", "growing") and len(week_outlets) >= settings.discovery_alert_min_outlets
                and not weekly[-1]["off_topic"]  # outside the monitored domains: listed, never alerted
                and novelty_p <= settings.discovery_alert_alpha and (sim is not None or not settings.discovery_alert_continued)):
            alerts.append((weekly[-1], max(window.days[i] for i in idx), len(week_outlets)))
    return weekly, members, alerts


def _store_week(con, week: str, fingerprint: str, n: int, found: Clustered, matching, previous: list[Previous],
                weekly: list[dict], members: list[dict]) -> None:
    """Replace the week's clusters, members and events, and record what it was computed from."""
    run_script(con, "queries/discovery_clear_week", {"week": week})
    if weekly:
        con.executemany(load_sql("queries/discovery_insert_weekly"), weekly)
        # one statement over list parameters: tens of thousands of rows at scale, executemany would crawl
        con.execute(load_sql("queries/discovery_insert_members"),
                    {k: [m[k] for m in members] for k in ("cluster_id", "passage_id", "article_id", "source_id",
                                                          "day", "centrality")} | {"week": week})
    centroids = {p.cluster_id: p.centroid for p in previous}
    kept_apart = [("kept_apart", c, ids[0], float((unit(centroids[c]) @ unit(centroids[ids[0]]).T)[0, 0]))
                  for ids in found.unmerged for c in ids[1:] if c in matching.ids and ids[0] in matching.ids]
    for kind, cluster_id, other, sim in [*matching.events, *(("retained", c, c, r) for c, r in found.retained.items()
                                                               if c in matching.ids), *kept_apart]:
        con.execute(load_sql("queries/discovery_insert_event"),
                    {"week": week, "kind": kind, "cluster_id": cluster_id, "other": other, "similarity": sim})
    con.execute(load_sql("queries/discovery_record_week"),
                {"week": week, "fingerprint": fingerprint, "passages": n, "boilerplate": int(found.boiler.sum()),
                 "members": len(members), "clusters": len(weekly)})
    con.execute(load_sql("queries/discovery_clear_week_failure"), {"week": week})


def relevance_columns(verdict: Relevance | None) -> dict[str, object]:
    """A cluster-week's relevance columns (all NULL when not judged: no catalogue exemplars cached)."""
    if verdict is None:
        return {"off_topic": None, "nearest_family": None, "family_similarity": None, "muted_topic": None,
                "muted_similarity": None}
    return {"off_topic": verdict.off_topic, "nearest_family": verdict.family,
            "family_similarity": verdict.family_similarity, "muted_topic": verdict.topic,
            "muted_similarity": verdict.topic_similarity}


def log_off_topic(week: str, weekly: list[dict]) -> None:
    """One line per week naming the clusters judged off-topic (never alerted) and why."""
    off = [w for w in weekly if w["off_topic"]]
    if off:
        log.info("discovery %s: %d of %d clusters off-topic, not alerted: %s", week, len(off), len(weekly),
                 ", ".join(f"{w['cluster_id']} ({relevance_text(w)})" for w in off))


def alert_order(alert: tuple[dict, date, int]) -> tuple:
    """The weekly cap keeps the least explicable clusters first: lowest novelty p, then most outlets this week, then
    most articles this week."""
    row, _, n_outlets = alert
    return row["novelty_p"], -n_outlets, -row["week_articles"], row["cluster_id"]


def _store_alerts(con, week: str, alerts: list[tuple[dict, date, int]], settings: Settings) -> int:
    """Stores the week's alerts in `alert_order` until the weekly cap (counting the week's alerts stored by earlier
    runs, e.g. earlier days on the daily path) is reached; returns how many were new."""
    cap = settings.discovery_alert_max_per_week
    stored = con.execute(load_sql("queries/discovery_week_alerts"), {"week": week}).fetchone()[0] if cap else 0
    new_alerts, held_back = 0, 0
    for alert_row, day, n_outlets in sorted(alerts, key=alert_order):
        if cap and stored >= cap:
            held_back += not _alerted_recently(con, alert_row["cluster_id"], day, settings.discovery_alert_cooldown_days)
            continue
        added = _store_alert(con, alert_row, day, n_outlets, settings.discovery_alert_cooldown_days)
        new_alerts += added
        stored += added
    if held_back:
        log.warning("discovery %s: %d emerging alert(s) held back by the weekly cap of %d (the lowest novelty p kept; "
                    "`radar discover` lists every cluster)", week, held_back, cap)
    return new_alerts


def _article_meta(writer: Writer, article_ids: list[str]) -> dict[str, dict[str, str]]:
    if not article_ids:
        return {}
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/discovery_urls"), {"ids": article_ids}).fetchall()
    return {a: {"outlet": name, "url": url, "title": title} for a, name, url, title in rows}


def _alerted_recently(con, cluster_id: str, day: date, cooldown_days: int) -> bool:
    """An alert for the cluster within the cooldown, or on the same day (the same alert id)."""
    recent = con.execute(load_sql("queries/emerging_alerted_recently"), {
        "key": f"emerging:{cluster_id}", "after": day - timedelta(days=cooldown_days), "day": day}).fetchone()
    return bool(recent and recent[0])


def _store_alert(con, row: dict, day: date, n_outlets: int, cooldown_days: int) -> int:
    """One alert of kind 'emerging' per cluster per cooldown; returns 1 when a new one was stored."""
    if _alerted_recently(con, row["cluster_id"], day, cooldown_days):
        return 0
    alert = EmergingEvidence(
        row["cluster_id"], row["week"], day.isoformat(), row["status"], row["keywords"], row["outlets"], row["camps"],
        row["passages"], row["articles"], row["week_articles"], row["previous_articles"], n_outlets,
        row["window_neighbours"], row["reference_neighbours"], row["novelty_p"], row["nearest_narrative"],
        row["similarity"], json.loads(row["central"])).row()
    inserted = store_alert(con, alert_id_for(alert.subject, "*", day), alert)
    if inserted:
        log.warning("EMERGING cluster %s (%s) in %s: %d articles this week (%d the week before) from %d outlets, "
                    "novelty p %.3g: %s", row["cluster_id"], row["status"], row["week"], row["week_articles"],
                    row["previous_articles"], n_outlets, row["novelty_p"], ", ".join(row["keywords"][:6]))
    return int(bool(inserted))


def cluster_passage_rows(writer: Writer) -> dict[str, list[str]]:
    """Passage ids per cluster (all weeks), for tests and promotion."""
    out: dict[str, list[str]] = defaultdict(list)
    with writer.transaction() as con:
        for cluster_id, passage_id in con.execute(
                load_sql("queries/discovery_cluster_passages")).fetchall():
            out[cluster_id].append(passage_id)
    return dict(out)
