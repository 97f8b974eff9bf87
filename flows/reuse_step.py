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
from warehouse.db import load_sql, run_script
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
    """A datetime (aware, UTC) from a fetched value; None for NULL."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _times(column: np.ndarray) -> list[datetime | None]:
    """A fetchnumpy timestamp column (datetime64, NaT for NULL) as aware UTC datetimes, converted in one go."""
    if column.dtype.kind != "M":
        return [_ts(v) for v in column.tolist()]
    masked = np.ma.getmaskarray(column)  # fetchnumpy masks NULLs
    micros = np.ma.getdata(column).astype("datetime64[us]")
    missing = np.isnat(micros) | masked
    ints = np.where(missing, 0, micros.astype(np.int64)).tolist()
    return [None if gap else _EPOCH + timedelta(microseconds=us) for us, gap in zip(ints, missing.tolist(), strict=True)]


def _refs(rows: dict[str, np.ndarray]) -> tuple[list[PassageRef], list[np.ndarray | None]]:
    published, fetched = _times(rows["published_at"]), _times(rows["fetched_at"])
    refs = [PassageRef(p, a, s, pub, fet, t) for p, a, s, pub, fet, t in zip(
        rows["passage_id"].tolist(), rows["article_id"].tolist(), rows["source_id"].tolist(), published, fetched,
        rows["text"].tolist(), strict=True)]
    vectors = [v if isinstance(v, np.ndarray) else (None if v is None else np.asarray(v, dtype=np.float32))
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
            batch_edges = find_copies(batch_refs, _stack(batch_vecs), pool_refs, _stack(pool_vecs), params)
            if batch_edges:  # stored batch by batch: a back-fill of months holds one window in memory at a time
                loaded = {r.passage_id: (r, v) for r, v in zip(pool_refs, pool_vecs, strict=True)}
                built, n_copies = _store_clusters(writer, batch_edges, model_id, params, loaded)
                clusters += built
                copies += n_copies
            edges += batch_edges
    checked = sorted({r.article_id for r in refs})
    now = datetime.now(UTC)
    with writer.transaction() as con:
        con.execute(load_sql("queries/reuse_mark_checked"), {"ids": checked, "now": now})
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


def _store_clusters(writer: Writer, edges, model_id: str, params: ReuseParams,
                    loaded: dict[str, tuple[PassageRef, np.ndarray | None]]) -> tuple[list[Cluster], int]:
    """Merge the new edges with the stored clusters they touch; replace those clusters and their article copies.

    `loaded` holds the passages already read (the window and the new ones); only stored members outside it
    (older than the window) are read again.
    """
    ids = sorted({e.a for e in edges} | {e.b for e in edges})
    with writer.transaction() as con:
        stored = con.execute(load_sql("queries/reuse_touched_members"), {"ids": ids}).fetchall()
        seeds = {str(p): str(c) for p, c in stored}
        missing = sorted((set(ids) | set(seeds)) - set(loaded))
        rows = con.execute(load_sql("queries/reuse_passages_by_id"),
                           {"ids": missing, "model_id": model_id}).fetchnumpy() if missing else None
    refs, vecs = _refs(rows) if rows is not None else ([], [])
    by_id = {r.passage_id: r for r in refs}
    vectors = {r.passage_id: v for r, v in zip(refs, vecs, strict=True) if v is not None}
    for pid in set(ids) | set(seeds):
        if pid in loaded:
            ref, vec = loaded[pid]
            by_id[pid] = ref
            if vec is not None:
                vectors[pid] = vec
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
        run_script(con, "queries/reuse_clear_clusters", {"ids": old_clusters})
        if clusters:
            con.executemany(
                load_sql("queries/reuse_insert_clusters"),
                [(c.cluster_id, c.first.passage_id, c.first.article_id, c.first.source_id, c.first.published_at,
                  c.first_tied, len(c.members), c.n_outlets, _day(c.first.published_at)) for c in clusters])
            con.executemany(
                load_sql("queries/reuse_insert_members"),
                [(c.cluster_id, m.passage_id, m.article_id, m.source_id, m.published_at, m.lag_hours,
                  None if np.isnan(m.similarity) else m.similarity, m.jaccard, m.is_first)
                 for c in clusters for m in c.members])
        links = [CopyLink(str(a), str(s), str(p), None if lag is None else float(lag), str(oa), str(os_))
                 for a, s, p, lag, oa, os_ in con.execute(load_sql("queries/reuse_article_links"),
                                                          {"articles": articles}).fetchall()]
        sizes = dict(con.execute(load_sql("queries/reuse_article_passages"), {"articles": articles}).fetchall())
        copies = article_copies(links, {str(k): int(v) for k, v in sizes.items()}, params)
        con.execute(load_sql("queries/reuse_clear_copies"), {"ids": articles})
        if copies:
            con.executemany(load_sql("queries/reuse_insert_copies"),
                            [(x.article_id, x.source_id, x.original_article_id, x.original_source_id,
                              x.copied_passages, x.article_passages, x.share, x.whole_article, x.lag_hours)
                             for x in copies])
    return clusters, len({x.article_id for x in copies})


def _week_bounds(week_monday: date) -> tuple[date, date]:
    return week_monday, week_monday + timedelta(days=6)


def compute_leadlag(writer: Writer, params: LeadLagParams, since: date) -> int:
    """Lead-lag per narrative and camp/tier pair, and outlet influence, for every ISO week from `since`'s on."""
    with writer.transaction() as con:
        row = con.execute(load_sql("queries/classified_day_range")).fetchone()
    if not row or row[1] is None:
        return 0
    first_day, last_day = row
    monday = since - timedelta(days=since.weekday())
    weeks = 0
    while monday <= last_day:
        _leadlag_week(writer, params, monday, first_day, last_day)
        monday += timedelta(days=7)
        weeks += 1
    return weeks


def _leadlag_week(writer: Writer, params: LeadLagParams, monday: date, first_day: date, last_day: date) -> None:
    week = iso_week(monday)
    _, sunday = _week_bounds(monday)
    # The window holds only days the warehouse has data for: empty days before its first article (or after its
    # last) would be shuffled like real quiet days and make chance coincidences look like leads.
    first = max(sunday - timedelta(days=params.window_days - 1), first_day)
    last = min(sunday, last_day)
    days = (last - first).days + 1
    if days < params.min_window_days:
        log.info("lead-lag %s: only %d days of data in its window (needs %d), not judged", week, days,
                 params.min_window_days)
    with writer.transaction() as con:
        series_rows = con.execute(load_sql("queries/leadlag_series"), {"first": first, "last": last}).fetchall() \
            if days >= params.min_window_days else []
        postings = con.execute(load_sql("queries/leadlag_postings"),
                               {"first": monday - timedelta(days=params.wave_gap_days + params.max_lag),
                                "last": sunday + timedelta(days=params.max_lag)}).fetchall()
        copy_rows = con.execute(load_sql("queries/leadlag_copies_weekly"), {"first": monday, "last": sunday}).fetchall()
        sources = [str(s) for (s,) in con.execute(load_sql("queries/source_ids")).fetchall()]
    groupings = {grouping: daily_series([(str(r[0]), str(r[col]), r[3], int(r[4])) for r in series_rows
                                         if r[col] is not None], first, max(days, 1))
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
        run_script(con, "queries/leadlag_clear_week", {"week": week})
        if results:
            con.executemany(
                load_sql("queries/leadlag_insert"),
                [(week, r.narrative_id, r.grouping, r.leader, r.follower, r.lag_days, r.result.correlation,
                  r.result.strength, r.result.ci_low, r.result.ci_high, r.result.p_value, r.result.significant,
                  r.leader_articles, r.follower_articles) for r in results])
        if influence:
            con.executemany(load_sql("queries/influence_insert"), influence)
    significant = [r for r in results if r.result.significant]
    log.info("lead-lag %s: %d pairs tested, %d leads beyond chance; %d waves", week, len(results), len(significant),
             len(waves))
