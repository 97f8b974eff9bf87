"""Text reuse across outlets: near-duplicate passages, their clusters, the first publisher and every copy's lag.

A pair of passages from two different outlets is a *copy* when their vectors are close (cosine at least
`min_cosine`) **and** they share wording (Jaccard of word 3-shingles at least `min_jaccard`): a paraphrase of
the same story is close in meaning but shares few word triples, so the lexical check tells it apart from copy.
Only new passages are compared, each against the passages published within `window_days` of it (the caller
loads that window), so a day's work grows with the day and the window, never with the warehouse.

Dates: the first publisher is the member with the earliest `published_at`; a member without a date is never
first and has no lag (unless no member has one: then the earliest fetched is first, lags unknown). Members
published at the same instant by different outlets are a tie, broken by fetch time, then source and passage id
(deterministic), and the cluster is marked `first_tied`.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

log = logging.getLogger(__name__)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ReuseParams:
    """Thresholds of the copy test (docs/analytics.md "Who leads and who copies" says how they were measured)."""

    min_cosine: float = 0.95
    min_jaccard: float = 0.85
    shingle_words: int = 3
    window_days: int = 7
    whole_article_share: float = 0.8
    min_words: int = 12  # shorter passages (a byline, a boilerplate line) are too generic to call copies
    chunk_rows: int = 512  # new passages per matrix product (memory: chunk_rows x window x 4 bytes)
    exact_pairs: int = 50_000_000  # up to this many (new x window) pairs every pair is scored; beyond, the index


@dataclass(frozen=True)
class PassageRef:
    """A passage as reuse sees it."""

    passage_id: str
    article_id: str
    source_id: str
    published_at: datetime | None
    fetched_at: datetime | None
    text: str


@dataclass(frozen=True)
class Edge:
    """Two passages judged copies of each other."""

    a: str
    b: str
    cosine: float
    jaccard: float


@dataclass(frozen=True)
class Member:
    passage_id: str
    article_id: str
    source_id: str
    published_at: datetime | None
    lag_hours: float | None
    similarity: float
    jaccard: float
    is_first: bool


@dataclass(frozen=True)
class Cluster:
    cluster_id: str  # the first publisher's passage_id: stable while the first stays first
    first: PassageRef
    first_tied: bool
    members: tuple[Member, ...]

    @property
    def n_outlets(self) -> int:
        return len({m.source_id for m in self.members})


@dataclass(frozen=True)
class ArticleCopy:
    """An article that copied passages of an earlier article of another outlet."""

    article_id: str
    source_id: str
    original_article_id: str
    original_source_id: str
    copied_passages: int
    article_passages: int
    lag_hours: float | None
    whole_article: bool = field(default=False)

    @property
    def share(self) -> float:
        return self.copied_passages / self.article_passages if self.article_passages else 0.0


def shingles(text: str, k: int = 3) -> frozenset[int]:
    """Hashes of the lower-cased word k-grams of `text` (a text shorter than k words is one shingle)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return frozenset({zlib.crc32(" ".join(words).encode())}) if words else frozenset()
    return frozenset(zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(len(words) - k + 1))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def normalized(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), float32."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1, norms)


def close_pairs(new_vecs: np.ndarray, pool_vecs: np.ndarray, min_cosine: float, chunk_rows: int = 512,
                exact_pairs: int = 50_000_000, nprobe: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(new index, pool index, cosine) of the pairs at or above `min_cosine` (unit vectors).

    Up to `exact_pairs` comparisons every pair is scored (in chunks); beyond, an inverted-file index (spherical
    k-means cells over the pool, each new vector probing its `nprobe` nearest cells) scores only the pairs sharing
    a cell, so one day at 10 M passages stays within seconds. Near-duplicates (cosine 0.9 and up) almost always
    share their nearest cell; benchmarks/reuse_scale.py measures what the index misses.
    """
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    if len(new_vecs) == 0 or len(pool_vecs) == 0:
        return empty
    if len(new_vecs) * len(pool_vecs) <= exact_pairs:
        return _exact_pairs(new_vecs, pool_vecs, min_cosine, chunk_rows)
    return _indexed_pairs(new_vecs, pool_vecs, min_cosine, nprobe, np.random.default_rng(seed))


def _exact_pairs(new_vecs: np.ndarray, pool_vecs: np.ndarray, min_cosine: float,
                 chunk_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    pool_t = np.ascontiguousarray(pool_vecs.T)
    for start in range(0, len(new_vecs), chunk_rows):
        block = new_vecs[start:start + chunk_rows] @ pool_t
        i, j = np.nonzero(block >= min_cosine)
        rows.append(i + start)
        cols.append(j)
        sims.append(block[i, j])
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)


def _nearest(vectors: np.ndarray, centroids: np.ndarray, k: int = 1, chunk_rows: int = 8192) -> np.ndarray:
    out = np.empty((len(vectors), k), dtype=np.int64)
    for start in range(0, len(vectors), chunk_rows):
        sims = vectors[start:start + chunk_rows] @ centroids.T
        out[start:start + chunk_rows] = (np.argmax(sims, axis=1)[:, None] if k == 1
                                         else np.argpartition(-sims, k - 1, axis=1)[:, :k])
    return out


def _indexed_pairs(new_vecs: np.ndarray, pool_vecs: np.ndarray, min_cosine: float, nprobe: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_cells = min(int(np.clip(np.sqrt(len(pool_vecs)), 16, 1024)), len(pool_vecs))
    sample = pool_vecs[rng.choice(len(pool_vecs), min(len(pool_vecs), 20 * n_cells), replace=False)]
    centroids = sample[rng.choice(len(sample), n_cells, replace=False)].copy()
    for _ in range(4):  # a few rounds of spherical k-means on the sample
        assign = _nearest(sample, centroids)[:, 0]
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        filled = np.linalg.norm(sums, axis=1) > 0
        centroids[filled] = normalized(sums[filled])
    cell_of_pool = _nearest(pool_vecs, centroids)[:, 0]
    probes = _nearest(new_vecs, centroids, k=min(nprobe, n_cells))
    order = np.argsort(cell_of_pool, kind="stable")
    bounds = np.searchsorted(cell_of_pool[order], np.arange(n_cells + 1))
    probe_rows, probe_cells = np.repeat(np.arange(len(new_vecs)), probes.shape[1]), probes.ravel()
    by_cell = np.argsort(probe_cells, kind="stable")
    cell_bounds = np.searchsorted(probe_cells[by_cell], np.arange(n_cells + 1))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    for cell in range(n_cells):
        members = order[bounds[cell]:bounds[cell + 1]]
        askers = probe_rows[by_cell[cell_bounds[cell]:cell_bounds[cell + 1]]]
        if len(members) == 0 or len(askers) == 0:
            continue
        block = new_vecs[askers] @ pool_vecs[members].T
        i, j = np.nonzero(block >= min_cosine)
        rows.append(askers[i])
        cols.append(members[j])
        sims.append(block[i, j])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)


def find_copies(new: list[PassageRef], new_vecs: np.ndarray, pool: list[PassageRef], pool_vecs: np.ndarray,
                params: ReuseParams) -> list[Edge]:
    """Copy edges between each new passage and the pool (which may include the new passages themselves).

    Pairs of the same outlet or the same article are skipped (an outlet repeating itself is not reuse), as are
    pairs published more than `window_days` apart, and passages under `min_words` words.
    """
    new_unit, pool_unit = normalized(new_vecs), normalized(pool_vecs)
    i_idx, j_idx, sims = close_pairs(new_unit, pool_unit, params.min_cosine, params.chunk_rows, params.exact_pairs)
    # identical texts are always compared, whatever the index probed (verbatim republication is never missed)
    same_text: dict[str, list[int]] = defaultdict(list)
    for j, r in enumerate(pool):
        same_text[r.text].append(j)
    extra = [(i, j) for i, r in enumerate(new) for j in same_text.get(r.text, ())]
    if extra:
        ei, ej = np.array(extra).T
        es = np.einsum("ij,ij->i", new_unit[ei], pool_unit[ej])
        keep = es >= params.min_cosine
        i_idx = np.concatenate([i_idx, ei[keep]])
        j_idx = np.concatenate([j_idx, ej[keep]])
        sims = np.concatenate([sims, es[keep]])
    cache: dict[str, frozenset[int]] = {}

    def sh(ref: PassageRef) -> frozenset[int]:
        if ref.passage_id not in cache:
            cache[ref.passage_id] = shingles(ref.text, params.shingle_words)
        return cache[ref.passage_id]

    window = params.window_days * 86400.0
    edges: dict[tuple[str, str], Edge] = {}
    for i, j, sim in zip(i_idx.tolist(), j_idx.tolist(), sims.tolist(), strict=True):
        a, b = new[i], pool[j]
        if a.source_id == b.source_id or a.article_id == b.article_id:
            continue
        key = (a.passage_id, b.passage_id) if a.passage_id < b.passage_id else (b.passage_id, a.passage_id)
        if key in edges:
            continue
        if a.published_at is not None and b.published_at is not None and \
                abs((a.published_at - b.published_at).total_seconds()) > window:
            continue
        if len(_WORD.findall(a.text)) < params.min_words or len(_WORD.findall(b.text)) < params.min_words:
            continue
        jac = jaccard(sh(a), sh(b))
        if jac >= params.min_jaccard:
            edges[key] = Edge(key[0], key[1], float(min(sim, 1.0)), jac)
    return list(edges.values())


def _order_key(ref: PassageRef) -> tuple:
    published = ref.published_at.timestamp() if ref.published_at else float("inf")
    fetched = ref.fetched_at.timestamp() if ref.fetched_at else float("inf")
    return (published, fetched, ref.source_id, ref.passage_id)


def first_publisher(refs: list[PassageRef]) -> tuple[PassageRef, bool]:
    """The earliest dated member (ties: earliest fetched, then source and passage id) and whether it was tied."""
    ordered = sorted(refs, key=_order_key)
    first = ordered[0]
    tied = first.published_at is not None and any(
        r.published_at == first.published_at and r.source_id != first.source_id for r in ordered[1:])
    return first, tied


def connected_groups(edges: list[Edge], seeds: dict[str, str] | None = None) -> list[list[str]]:
    """Connected passage groups of the copy graph; `seeds` (passage -> existing cluster id) joins stored clusters."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for e in edges:
        union(e.a, e.b)
    for passage, cluster in (seeds or {}).items():
        union(passage, "\0cluster:" + cluster)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in list(parent):
        if not x.startswith("\0cluster:"):
            groups[find(x)].append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def build_cluster(refs: list[PassageRef], vectors: dict[str, np.ndarray], params: ReuseParams) -> Cluster | None:
    """The cluster of `refs` (one connected group): first publisher, and every member's lag and likeness to it.

    None when the group spans a single outlet (e.g. an outlet's own copies linked through another's).
    """
    if len({r.source_id for r in refs}) < 2:
        return None
    first, tied = first_publisher(refs)
    first_vec = vectors.get(first.passage_id)
    first_sh = shingles(first.text, params.shingle_words)
    members = []
    for r in sorted(refs, key=_order_key):
        is_first = r.passage_id == first.passage_id
        if is_first:
            sim, jac = 1.0, 1.0
        else:
            vec = vectors.get(r.passage_id)
            sim = float(np.dot(normalized(first_vec[None])[0], normalized(vec[None])[0])) \
                if first_vec is not None and vec is not None else float("nan")
            jac = jaccard(first_sh, shingles(r.text, params.shingle_words))
        lag = None
        if r.published_at is not None and first.published_at is not None:
            lag = (r.published_at - first.published_at).total_seconds() / 3600.0
        members.append(Member(r.passage_id, r.article_id, r.source_id, r.published_at, lag, sim, jac, is_first))
    return Cluster(first.passage_id, first, tied, tuple(members))


@dataclass(frozen=True)
class CopyLink:
    """A passage of one article in a cluster whose first publisher is another outlet's article."""

    article_id: str
    source_id: str
    passage_id: str
    lag_hours: float | None
    original_article_id: str
    original_source_id: str


def links_of(clusters: list[Cluster]) -> list[CopyLink]:
    """Every non-first member of another outlet than the first publisher, as a link to the first's article."""
    return [CopyLink(m.article_id, m.source_id, m.passage_id, m.lag_hours, c.first.article_id, c.first.source_id)
            for c in clusters for m in c.members if not m.is_first and m.source_id != c.first.source_id]


def article_copies(links: list[CopyLink], article_passages: dict[str, int], params: ReuseParams) -> list[ArticleCopy]:
    """Per (copying article, original article): how many of its passages it took; `whole_article` when at least
    `whole_article_share` of the copying article's passages came from that one original."""
    grouped: dict[tuple[str, str], list[CopyLink]] = defaultdict(list)
    for link in links:
        grouped[(link.article_id, link.original_article_id)].append(link)
    out = []
    for (article, original), items in sorted(grouped.items()):
        passages = {x.passage_id for x in items}
        lags = [x.lag_hours for x in items if x.lag_hours is not None]
        total = max(article_passages.get(article, len(passages)), len(passages))
        out.append(ArticleCopy(article, items[0].source_id, original, items[0].original_source_id, len(passages),
                               total, min(lags) if lags else None,
                               whole_article=len(passages) / total >= params.whole_article_share))
    return out
