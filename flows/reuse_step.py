"""Where stored passages meet models/reuse and models/leadlag: copies of new articles, weekly lead-lag and influence.

Incremental and idempotent: reuse compares only the passages of articles not yet in `reuse_checked` with the
passages published within the window around them; touched clusters are rebuilt whole and replaced. Lead-lag and
outlet influence are recomputed for the weeks from the first changed day on.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from models.leadlag import LeadLagParams, Posting, daily_series, find_waves, leadlag_pairs, wave_roles
from models.reuse import (
    Cluster,
    CopyLink,
    PassageRef,
    ReuseParams,
    article_copies,
    build_cluster,
    connected_groups,
    find_copies,
)
from models.weeks import iso_week
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)
BATCH_SPAN_DAYS = 14  # new passages spanning more days are compared batch by batch (a back-fill stays bounded)


@dataclass(frozen=True)
class ReuseCounts:
    articles: int
    passages: int
    window_passages: int
    edges: int
    clusters: int
    article_copies: int
    first_day: date | None


def _day(ts: datetime | None) -> date | None:
    return ts.astimezone(UTC).date() if ts is not None else None


def _ts(value: Any) -> datetime | None:
    """numpy datetime64 (from fetchnumpy) or datetime -> an aware UTC datetime; NaT -> None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            return None
        micros = int(value.astype("datetime64[us]").astype(np.int64))
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    return None


def _refs(rows: dict[str, np.ndarray]) -> tuple[list[PassageRef], list[np.ndarray | None]]:
    refs = [PassageRef(str(p), str(a), str(s), _ts(pub), _ts(fet), str(t)) for p, a, s, pub, fet, t in zip(
        rows["passage_id"], rows["article_id"], rows["source_id"], rows["published_at"], rows["fetched_at"],
        rows["text"], strict=True)]
    vectors = [None if v is None or (isinstance(v, float) and np.isnan(v)) else np.asarray(v, dtype=np.float32)
               for v in rows["vector"]]
    return refs, vectors


def _stack(vectors: list[np.ndarray | None]) -> np.ndarray:
    return np.stack([v for v in vectors if v is not None]) if vectors else np.zeros((0, 1), dtype=np.float32)


def detect_reuse(writer: Writer, params: ReuseParams) -> ReuseCounts:
    """Compare the passages of articles not yet checked with their window; store clusters and article copies."""
    with writer.transaction() as con:
        new_rows = con.execute(load_sql("queries/reuse_new_passages")).fetchnumpy()
    if len(new_rows["passage_id"]) == 0:
        return ReuseCounts(0, 0, 0, 0, 0, 0, None)
    refs, vectors = _refs(new_rows)
    models = [str(m) for m in new_rows["model_id"]]
    undated = {r.article_id for r in refs if r.published_at is None}
    if undated:
        log.warning("reuse: %d new articles have no publication date: compared around their fetch day, "
                    "never first publisher, no lag", len(undated))
    edges = []
    clusters: list[Cluster] = []
    copies = 0
    window_total = 0
    for model_id in sorted(set(models)):
        model_edges = []
        idx = [i for i, m in enumerate(models) if m == model_id]
        for batch in _batches([refs[i] for i in idx], [vectors[i] for i in idx]):
            batch_refs, batch_vecs = batch
            days = [_day(r.published_at or r.fetched_at) for r in batch_refs]
            known = [d for d in days if d is not None]
            if not known:
                continue
            first = min(known) - timedelta(days=params.window_days)
            last = max(known) + timedelta(days=params.window_days)
            with writer.transaction() as con:
                pool_rows = con.execute(load_sql("queries/reuse_window_passages"),
                                        {"first": first, "last": last, "model_id": model_id}).fetchnumpy()
            pool_refs, pool_vecs = _refs(pool_rows)
            # new passages are in the window themselves once dated; add the undated ones so they meet each other
            present = {r.passage_id for r in pool_refs}
            for r, v in zip(batch_refs, batch_vecs, strict=True):
                if r.passage_id not in present:
                    pool_refs.append(r)
                    pool_vecs.append(v)
            window_total += len(pool_refs)
            model_edges += find_copies(batch_refs, _stack(batch_vecs), pool_refs, _stack(pool_vecs), params)
        if model_edges:
            built, n_copies = _store_clusters(writer, model_edges, model_id, params)
            clusters += built
            copies += n_copies
        edges += model_edges
    checked = sorted({r.article_id for r in refs})
    now = datetime.now(UTC)
    with writer.transaction() as con:
        con.executemany("INSERT INTO reuse_checked VALUES (?, ?) ON CONFLICT (article_id) DO NOTHING",
                        [(a, now) for a in checked])
    dated = [d for d in (_day(r.published_at or r.fetched_at) for r in refs) if d is not None]
    counts = ReuseCounts(len(checked), len(refs), window_total, len(edges), len(clusters), copies,
                         min(dated) if dated else None)
    log.info("reuse: %d new articles (%d passages) against %d window passages: %d copy pairs, %d clusters "
             "rebuilt, %d copying articles", counts.articles, counts.passages, counts.window_passages, counts.edges,
             counts.clusters, counts.article_copies)
    return counts


def _batches(refs: list[PassageRef], vectors: list[np.ndarray | None]):
    """Runs of new passages (sorted by day) spanning at most BATCH_SPAN_DAYS, vectors present."""
    items = sorted(((r, v) for r, v in zip(refs, vectors, strict=True) if v is not None),
                   key=lambda x: (_day(x[0].published_at or x[0].fetched_at) or date.min, x[0].passage_id))
    batch: list[tuple[PassageRef, np.ndarray]] = []
    start: date | None = None
    for r, v in items:
        day = _day(r.published_at or r.fetched_at)
        if batch and start is not None and day is not None and (day - start).days > BATCH_SPAN_DAYS:
            yield [x[0] for x in batch], [x[1] for x in batch]
            batch, start = [], None
        if start is None:
            start = day
        batch.append((r, v))
    if batch:
        yield [x[0] for x in batch], [x[1] for x in batch]


def _store_clusters(writer: Writer, edges, model_id: str, params: ReuseParams) -> tuple[list[Cluster], int]:
    """Merge the new edges with the stored clusters they touch; replace those clusters and their article copies."""
    ids = sorted({e.a for e in edges} | {e.b for e in edges})
    with writer.transaction() as con:
        stored = con.execute(load_sql("queries/reuse_touched_members"), {"ids": ids}).fetchall()
        seeds = {str(p): str(c) for p, c in stored}
        wanted = sorted(set(ids) | set(seeds))
        rows = con.execute(load_sql("queries/reuse_passages_by_id"), {"ids": wanted, "model_id": model_id}).fetchnumpy()
    refs, vecs = _refs(rows)
    by_id = {r.passage_id: r for r in refs}
    vectors = {r.passage_id: v for r, v in zip(refs, vecs, strict=True) if v is not None}
    clusters = []
    for group in connected_groups(edges, seeds):
        members = [by_id[p] for p in group if p in by_id]
        cluster = build_cluster(members, vectors, params)
        if cluster is not None:
            clusters.append(cluster)
    ties = sum(c.first_tied for c in clusters)
    if ties:
        log.info("reuse: %d clusters have a tied first publication time (broken by fetch time, then outlet id)", ties)
    old_clusters = sorted(set(seeds.values()))
    articles = sorted({m.article_id for c in clusters for m in c.members}
                      | {by_id[p].article_id for p in seeds if p in by_id})
    with writer.transaction() as con:
        con.execute("DELETE FROM reuse_members WHERE cluster_id IN (SELECT unnest($ids))", {"ids": old_clusters})
        con.execute("DELETE FROM reuse_clusters WHERE cluster_id IN (SELECT unnest($ids))", {"ids": old_clusters})
        if clusters:
            con.executemany(
                "INSERT OR REPLACE INTO reuse_clusters (cluster_id, first_passage_id, first_article_id, first_source_id, "
                "first_published_at, first_tied, n_members, n_outlets, first_day, computed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [(c.cluster_id, c.first.passage_id, c.first.article_id, c.first.source_id, c.first.published_at,
                  c.first_tied, len(c.members), c.n_outlets, _day(c.first.published_at)) for c in clusters])
            con.executemany(
                "INSERT OR REPLACE INTO reuse_members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(c.cluster_id, m.passage_id, m.article_id, m.source_id, m.published_at, m.lag_hours,
                  None if np.isnan(m.similarity) else m.similarity, m.jaccard, m.is_first)
                 for c in clusters for m in c.members])
        links = [CopyLink(str(a), str(s), str(p), None if lag is None else float(lag), str(oa), str(os_))
                 for a, s, p, lag, oa, os_ in con.execute(load_sql("queries/reuse_article_links"),
                                                          {"articles": articles}).fetchall()]
        sizes = dict(con.execute(load_sql("queries/reuse_article_passages"), {"articles": articles}).fetchall())
        copies = article_copies(links, {str(k): int(v) for k, v in sizes.items()}, params)
        con.execute("DELETE FROM reuse_article_copies WHERE article_id IN (SELECT unnest($ids))", {"ids": articles})
        if copies:
            con.executemany("INSERT OR REPLACE INTO reuse_article_copies VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [(x.article_id, x.source_id, x.original_article_id, x.original_source_id,
                              x.copied_passages, x.article_passages, x.share, x.whole_article, x.lag_hours)
                             for x in copies])
    return clusters, len({x.article_id for x in copies})


def _week_bounds(week_monday: date) -> tuple[date, date]:
    return week_monday, week_monday + timedelta(days=6)


def compute_leadlag(writer: Writer, params: LeadLagParams, since: date) -> int:
    """Lead-lag per narrative and camp/tier pair, and outlet influence, for every ISO week from `since`'s on."""
    with writer.transaction() as con:
        row = con.execute("SELECT max(day) FROM passage_classifications").fetchone()
    last_day = row[0] if row and row[0] is not None else None
    if last_day is None:
        return 0
    monday = since - timedelta(days=since.weekday())
    weeks = 0
    while monday <= last_day:
        _leadlag_week(writer, params, monday)
        monday += timedelta(days=7)
        weeks += 1
    return weeks


def _leadlag_week(writer: Writer, params: LeadLagParams, monday: date) -> None:
    week = iso_week(monday)
    _, sunday = _week_bounds(monday)
    first = sunday - timedelta(days=params.window_days - 1)
    with writer.transaction() as con:
        series_rows = con.execute(load_sql("queries/leadlag_series"), {"first": first, "last": sunday}).fetchall()
        postings = con.execute(load_sql("queries/leadlag_postings"),
                               {"first": monday - timedelta(days=params.wave_gap_days + params.max_lag),
                                "last": sunday + timedelta(days=params.max_lag)}).fetchall()
        copy_rows = con.execute(load_sql("queries/leadlag_copies_weekly"), {"first": monday, "last": sunday}).fetchall()
        sources = [str(s) for (s,) in con.execute("SELECT source_id FROM sources").fetchall()]
    groupings = {grouping: daily_series([(str(r[0]), str(r[col]), r[3], int(r[4])) for r in series_rows
                                         if r[col] is not None], first, params.window_days)
                 for grouping, col in (("camp", 1), ("tier", 2))}
    results = leadlag_pairs(groupings, params)
    waves = [w for w in find_waves([Posting(str(n), str(s), _ts(t) or datetime.min.replace(tzinfo=UTC))
                                    for n, s, t in postings], params)
             if monday <= w.start.astimezone(UTC).date() <= sunday]
    roles = wave_roles(waves)
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    from_: dict[str, Counter[str]] = defaultdict(Counter)
    by: dict[str, Counter[str]] = defaultdict(Counter)
    for source, original, day, original_day in copy_rows:
        if day is not None and monday <= day <= sunday:  # an undated copy has no week
            made[source] += 1
            from_[source][original] += 1
        if original_day is not None and monday <= original_day <= sunday:
            received[original] += 1
            by[original][source] += 1

    def top(counter: Counter[str]) -> str | None:
        return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0] if counter else None

    influence = [(s, week, *roles.get(s, (0, 0)), made[s], received[s], top(from_[s]), top(by[s]))
                 for s in sources if s in roles or made[s] or received[s]]
    with writer.transaction() as con:
        con.execute("DELETE FROM narrative_leadlag WHERE week = ?", [week])
        con.execute("DELETE FROM outlet_influence WHERE week = ?", [week])
        if results:
            con.executemany(
                "INSERT INTO narrative_leadlag VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [(week, r.narrative_id, r.grouping, r.leader, r.follower, r.lag_days, r.result.correlation,
                  r.result.strength, r.result.ci_low, r.result.ci_high, r.result.p_value, r.result.significant,
                  r.leader_articles, r.follower_articles) for r in results])
        if influence:
            con.executemany("INSERT INTO outlet_influence VALUES (?, ?, ?, ?, ?, ?, ?, ?)", influence)
    significant = [r for r in results if r.result.significant]
    log.info("lead-lag %s: %d pairs tested, %d leads beyond chance; %d waves", week, len(results), len(significant),
             len(waves))
