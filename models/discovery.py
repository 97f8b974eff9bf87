"""Emerging-narrative discovery: density clusters of the passages no catalogue narrative names, with stable ids.

Pure functions over vectors and texts (no DuckDB, no Prefect). One ISO week is judged on a trailing window:

1. boilerplate is dropped: a passage whose near-identical text (cosine >= `boilerplate_similarity`) recurs in at
   least `boilerplate_min_articles` articles of the same outlet (footers, disclaimers, newsletter plugs);
2. novelty: what the catalogue does not name is mostly the steady background of every topic, so only passages
   denser in the window than in the reference period before it are kept: among a passage's `novelty_k` nearest
   neighbours in an equal-sized pool of window and reference passages (its own article left out), the share
   from the window must reach `novelty_share` (0.5 expected when nothing changed);
3. the rest is clustered with scikit-learn's HDBSCAN on unit vectors reduced by PCA; a window larger than
   `max_points` is clustered on a seeded sample and the other passages join the nearest cluster when they are
   as close to its centroid as the sample's members were;
   a cluster is kept only when its neighbourhood (cosine to its centroid at least that of 90% of its members)
   holds more window articles than the reference period explains: one-sided binomial test of the window's share
   of the articles in it against the window's share of all articles, at `alpha` divided by the clusters tested
   (a random 'novel' subsample of a steady topic fails it);
4. each cluster is described: class-based TF-IDF keywords against the window's other passages, the most central
   passages, the nearest catalogue narrative;
5. identity: a cluster first takes the id of the previous cluster whose members (those still in the window) it
   holds most of (at least `match_overlap`, one to one), then by centroid (cosine >= `match_similarity`). Windows
   overlap, so members carry identity where a moved centroid or a new most-central passage would not. A second
   new cluster matching a taken id is a split, a previous cluster matching a cluster that took another id is
   merged into it.
6. hysteresis: a previous cluster that this window's clustering lost (most of its members still in the window
   unclustered, none of this window's clusters holding more than `match_overlap` of them) is formed again from those
   members when they are not boilerplate, at novelty share `retain_share` or more (0.5, below `novelty_share`:
   as dense as in the reference period) and span `min_outlets` outlets: a cluster, once found, lasts while half of
   its passages are in the window, unclaimed and not thinner than before, so one day's density shift or a passage
   joining a neighbour does not dissolve it. Likewise, when a week is computed again with one more day, a cluster
   that holds most of two or more of that week's earlier clusters is split back into them (`unmerge`) when each
   part keeps `min_outlets` outlets and the hysteresis size: a day more of passages often tips the clustering
   into joining neighbours it kept apart the day before. Across weeks, merges happen and are recorded.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

STATUSES = ("new", "growing", "stable", "fading")
_TOKEN = re.compile(r"[a-z][a-z'\-]{2,}")
# A short English stop list: function words only, so that topic words are never dropped.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each even few for from further had has have having he her here hers
herself him himself his how however i if in into is it its itself just more most much must my myself no nor not now
of off on once one only or other our ours ourselves out over own per said same say says she should so some such than
that the their theirs them themselves then there these they this those through to too under until up upon us very
was we were what when where which while who whom why will with would you your yours yourself also new like many
may might since still two three well year years told according including another every made make get got way
""".split())  # noqa: SIM905 (a word list reads better as text)


@dataclass(frozen=True)
class DiscoveryParams:
    """Thresholds of one discovery run (the settings `discovery_*`)."""

    min_cluster_size: int = 6
    min_samples: int | None = 3
    min_outlets: int = 2            # a cluster must span this many outlets to be kept
    boilerplate_min_articles: int = 3
    boilerplate_similarity: float = 0.95
    match_similarity: float = 0.8
    match_overlap: float = 0.5      # share of a previous cluster's members (still in the window) for its id
    retain_share: float = 0.5       # novelty share a lost cluster's passages need to keep it (hysteresis)
    unmerge: bool = True            # a week computed again: split a cluster holding most of several of its earlier clusters
    novelty_k: int = 10
    novelty_share: float = 0.65
    alpha: float = 1.0              # cluster novelty test, Bonferroni over the window's clusters (1 = off)
    neighbourhood: float = 10.0     # percentile of members' cosine to the centroid bounding the tested neighbourhood
    selection: str = "leaf"         # HDBSCAN cluster_selection_method: eom (larger clusters) or leaf (finer)
    growth_ratio: float = 1.5
    max_points: int = 12_000
    dims: int = 32
    central: int = 5
    keywords: int = 8
    seed: int = 0


@dataclass(frozen=True)
class Cluster:
    """One cluster of a window: member indices into the window's arrays, centroid and description."""

    members: np.ndarray             # indices into the clustered window
    centroid: np.ndarray            # unit vector
    central: list[int]              # indices of the most central members, most central first
    keywords: list[str]
    centrality: np.ndarray          # cosine of each member to the centroid (same order as `members`)


@dataclass(frozen=True)
class Previous:
    """A cluster already known: its id, centroid, size and member passage ids, for matching."""

    cluster_id: str
    centroid: np.ndarray
    size: int
    members: frozenset[str] = frozenset()
    last_seen: str = ""             # the latest week it was found in


@dataclass
class Matching:
    """Ids given to a window's clusters, and the merges and splits seen."""

    ids: list[str]
    similarity: list[float | None]  # to the matched previous cluster; None for a new one
    events: list[tuple[str, str, str, float]] = field(default_factory=list)  # (kind, cluster_id, other_id, cosine)


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)


def boilerplate_mask(source_ids: Sequence[str], article_ids: Sequence[str], vectors: np.ndarray,
                     min_articles: int = 3, similarity: float = 0.95, block: int = 2048) -> np.ndarray:
    """True for passages whose near-duplicate recurs in at least `min_articles` articles of the same outlet."""
    n = len(source_ids)
    mask = np.zeros(n, dtype=bool)
    if n == 0 or min_articles < 2:
        return mask
    v = unit(vectors)
    by_outlet: dict[str, list[int]] = {}
    for i, s in enumerate(source_ids):
        by_outlet.setdefault(s, []).append(i)
    for rows in by_outlet.values():
        if len(rows) < min_articles:
            continue
        idx = np.asarray(rows)
        arts = np.unique(np.asarray([article_ids[i] for i in rows]), return_inverse=True)[1]
        if arts.max() + 1 < min_articles:
            continue
        sub = v[idx]
        for start in range(0, len(idx), block):
            near = sub[start:start + block] @ sub.T >= similarity
            # distinct articles among each passage's near-duplicates (itself included)
            for k, row in enumerate(near):
                if len(np.unique(arts[row])) >= min_articles:
                    mask[idx[start + k]] = True
    return mask


def _reduce(v: np.ndarray, dims: int, seed: int, fit_rows: np.ndarray | None = None) -> np.ndarray:
    fit = v if fit_rows is None else v[fit_rows]
    if dims <= 0 or v.shape[1] <= dims or fit.shape[0] <= dims:  # too few rows to fit `dims` components
        return v
    from sklearn.decomposition import PCA

    pca = PCA(n_components=dims, random_state=seed, svd_solver="randomized")
    pca.fit(fit)
    return pca.transform(v).astype(np.float32)  # not re-normalised: an off-topic passage stays far from clusters


def stable_pick(n: int, m: int, seed: int, keys: Sequence[str] | None = None) -> np.ndarray:
    """`m` of `n` rows, sorted: with `keys`, the m whose keys hash lowest, so that adding rows displaces only a few
    picks (a window that grows by a day keeps almost the same sample); without keys, a seeded random choice."""
    if m >= n:
        return np.arange(n)
    if keys is None:
        return np.sort(np.random.default_rng(seed).choice(n, m, replace=False))
    ranks = [hashlib.blake2b(f"{seed}\x00{k}".encode(), digest_size=8).digest() for k in keys]
    return np.sort(np.argsort(np.asarray(ranks, dtype="S8"), kind="stable")[:m])


def novelty_share(window: np.ndarray, window_articles: Sequence[str], reference: np.ndarray, k: int = 10,
                  max_points: int = 12_000, dims: int = 32, seed: int = 0, window_keys: Sequence[str] | None = None,
                  reference_keys: Sequence[str] | None = None) -> np.ndarray:
    """Per window passage: the share of its `k` nearest neighbours that come from the window, in a pool of equally
    many window and reference passages (neighbours from its own article left out). About 0.5 where the window
    is as dense as the reference period; near 1 where something new gathers. NaN without a reference.
    With passage ids as keys the pool is picked by hash, stable when the window grows."""
    n = len(window)
    out = np.full(n, np.nan)
    if n == 0 or len(reference) == 0:
        return out
    m = min(n, len(reference), max_points)
    w_pick = stable_pick(n, m, seed, window_keys)
    r_pick = stable_pick(len(reference), m, seed + 1, reference_keys)
    both = unit(np.vstack([window, reference[r_pick]]))
    reduced = _reduce(both, dims, seed, np.r_[w_pick, n + np.arange(m)])
    pool = np.vstack([reduced[w_pick], reduced[n:]])
    from_window = np.r_[np.ones(m, dtype=bool), np.zeros(m, dtype=bool)]
    codes = {a: i for i, a in enumerate(dict.fromkeys(window_articles))}
    art = np.asarray([codes[a] for a in window_articles])
    pool_art = np.r_[art[w_pick], np.full(m, -1)]
    sq = (pool ** 2).sum(axis=1)
    kk = min(k, len(pool) - 1)
    for start in range(0, n, 2048):
        rows = np.arange(start, min(start + 2048, n))
        x = reduced[rows]
        d = (x ** 2).sum(axis=1)[:, None] + sq[None, :] - 2 * x @ pool.T
        d[art[rows][:, None] == pool_art[None, :]] = np.inf  # itself and its own article
        near = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        out[rows] = from_window[near].mean(axis=1)
    return out


def cluster_labels(vectors: np.ndarray, params: DiscoveryParams, keys: Sequence[str] | None = None) -> np.ndarray:
    """HDBSCAN labels (-1 = outlier) of the rows of `vectors`; deterministic for the same rows and seed. Above
    `max_points` rows the fit sample is picked by `keys` (passage ids) when given, stable when the window grows."""
    from sklearn.cluster import HDBSCAN

    n = len(vectors)
    labels = np.full(n, -1, dtype=int)
    if n < max(params.min_cluster_size, 2):
        return labels
    v = unit(vectors)
    sample = stable_pick(n, params.max_points, params.seed, keys)
    reduced = _reduce(v, params.dims, params.seed, sample)
    model = HDBSCAN(min_cluster_size=params.min_cluster_size, min_samples=params.min_samples,
                    metric="euclidean", cluster_selection_method=params.selection, copy=True)
    labels[sample] = model.fit_predict(reduced[sample])
    if len(sample) < n:
        _assign_rest(v, labels, sample)
    return labels


def _assign_rest(v: np.ndarray, labels: np.ndarray, sample: np.ndarray) -> None:
    """Passages outside the sample join the nearest cluster when at least as close to its centroid as the
    5th percentile of its sampled members."""
    found = sorted(set(labels[sample].tolist()) - {-1})
    if not found:
        return
    cents = unit(np.stack([v[sample[labels[sample] == c]].mean(axis=0) for c in found]))
    floors = np.array([np.percentile(v[sample[labels[sample] == c]] @ cents[k], 5) for k, c in enumerate(found)])
    rest = np.setdiff1d(np.arange(len(v)), sample)
    for start in range(0, len(rest), 8192):
        rows = rest[start:start + 8192]
        sims = v[rows] @ cents.T
        best = sims.argmax(axis=1)
        ok = sims[np.arange(len(rows)), best] >= floors[best]
        labels[rows[ok]] = np.asarray(found)[best[ok]]


def tokens(text: str) -> list[str]:
    """Lower-case words of three letters or more, stop words removed."""
    return [t.strip("'-") for t in _TOKEN.findall(text.lower()) if t.strip("'-") not in STOP_WORDS]


def ctfidf_keywords(cluster_texts: Sequence[Sequence[str]], background: Sequence[str], top: int = 8,
                    min_clusters_docs: int = 2) -> list[list[str]]:
    """Class-based TF-IDF (as in BERTopic): each cluster is one class, the window's other passages one more.

    weight(t, c) = tf(t, c) / |c| * log(1 + A / f(t)), A the mean words per class, f(t) the term's count over all
    classes. A keyword must occur in at least `min_clusters_docs` passages of its cluster (so one long passage
    cannot name a cluster).
    """
    classes = [list(texts) for texts in cluster_texts] + [list(background)]
    counts = [Counter(t for text in texts for t in tokens(text)) for texts in classes]
    docfreq = [Counter(t for text in texts for t in set(tokens(text))) for texts in classes]
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    words = [sum(c.values()) for c in counts]
    mean_words = sum(words) / max(len([w for w in words if w]), 1)
    out = []
    for k in range(len(cluster_texts)):
        size = max(words[k], 1)
        scored = [(cnt / size * math.log(1 + mean_words / total[t]), t) for t, cnt in counts[k].items()
                  if docfreq[k][t] >= min(min_clusters_docs, len(classes[k]))]
        scored.sort(key=lambda x: (-x[0], x[1]))
        out.append([t for _, t in scored[:top]])
    return out


def spanning(labels: np.ndarray, source_ids: Sequence[str], min_outlets: int) -> np.ndarray:
    """Labels with every cluster of fewer than `min_outlets` outlets made noise (-1): one outlet repeating itself is
    not a narrative. Applied before hysteresis too, so that such a cluster never counts as continuing another."""
    out = labels.copy()
    for label in set(out.tolist()) - {-1}:
        members = np.flatnonzero(out == label)
        if len({source_ids[int(i)] for i in members}) < min_outlets:
            out[members] = -1
    return out


def describe_clusters(vectors: np.ndarray, labels: np.ndarray, texts: Sequence[str], params: DiscoveryParams,
                      source_ids: Sequence[str] | None = None) -> list[Cluster]:
    """Clusters (ordered by size, then most central passage) with centroid, central passages and keywords.

    Clusters spanning fewer than `params.min_outlets` outlets are dropped (one outlet repeating itself is not a
    narrative).
    """
    v = unit(vectors)
    if source_ids is not None:
        labels = spanning(labels, source_ids, params.min_outlets)
    groups = []
    for label in sorted(set(labels.tolist()) - {-1}):
        members = np.flatnonzero(labels == label)
        centroid = unit(v[members].mean(axis=0))[0]
        centrality = v[members] @ centroid
        order = np.lexsort((members, -centrality))
        groups.append((members, centroid, [int(members[i]) for i in order[:params.central]], centrality))
    in_cluster = np.zeros(len(texts), dtype=bool)
    for members, *_ in groups:
        in_cluster[members] = True
    background = [texts[int(i)] for i in np.flatnonzero(~in_cluster)]
    keywords = ctfidf_keywords([[texts[int(i)] for i in g[0]] for g in groups], background, params.keywords)
    clusters = [Cluster(m, c, central, kw, cen) for (m, c, central, cen), kw in zip(groups, keywords, strict=True)]
    clusters.sort(key=lambda c: (-len(c.members), int(c.central[0])))
    return clusters


def clusters_novelty(centroids: Sequence[np.ndarray], floors: Sequence[float], window: np.ndarray,
                     window_articles: Sequence[str], reference: np.ndarray,
                     reference_articles: Sequence[str]) -> list[tuple[int, int, float]]:
    """Per cluster, (window articles, reference articles, p-value) in the neighbourhood cosine >= its floor of its
    centroid.

    Under no change an article near the centroid comes from the window with probability window articles / all
    articles; the p-value is the binomial chance of at least the observed window count. One matrix product for all
    clusters (a product per cluster took seconds at scale).
    """
    from scipy.stats import binom

    if not len(centroids):
        return []
    c = unit(np.asarray(centroids, dtype=np.float32)).T
    bars = np.asarray(floors, dtype=np.float32)
    near_window = unit(window) @ c >= bars if len(window) else np.zeros((0, len(bars)), dtype=bool)
    near_reference = unit(reference) @ c >= bars if len(reference) else np.zeros((0, len(bars)), dtype=bool)
    total_w, total_r = len(set(window_articles)), len(set(reference_articles))
    out = []
    for k in range(len(bars)):
        near_w = {window_articles[int(i)] for i in np.flatnonzero(near_window[:, k])}
        near_r = {reference_articles[int(i)] for i in np.flatnonzero(near_reference[:, k])}
        if not near_w or total_r == 0:
            out.append((len(near_w), len(near_r), 1.0))
            continue
        p0 = total_w / (total_w + total_r)
        out.append((len(near_w), len(near_r), float(binom.sf(len(near_w) - 1, len(near_w) + len(near_r), p0))))
    return out


def retain_size(params: DiscoveryParams) -> int:
    """Passages a lost cluster needs to be kept: as few as can span `min_outlets` outlets (at least 2). A bar like a
    new cluster's left 3-passage leftovers to dissolve when one passage joined a neighbour."""
    return max(2, params.min_outlets)


def members_in_window(previous: Previous, index: dict[str, int]) -> np.ndarray:
    """Window positions (sorted) of a previous cluster's members still in the window; `index`: passage id -> position."""
    return np.asarray(sorted(index[m] for m in previous.members if m in index), dtype=int)


def retain_clusters(labels: np.ndarray, eligible: np.ndarray, passage_ids: Sequence[str],
                    previous: Sequence[Previous], min_size: int,
                    overlap: float) -> tuple[np.ndarray, dict[str, float], dict[str, tuple[int, int, int, int]]]:
    """Hysteresis: labels with each previous cluster this clustering lost formed again from its free members.

    Lost: no cluster of `labels` holds more than `overlap` of its members still in the window, and at least `overlap` of
    them are unclustered (-1) and `eligible`. Formed again when those free members are at least `min_size`; member
    matching then gives the new label the previous id. Returns the labels, {previous id: share kept} and, for the
    lost ones not formed again, {previous id: (members in the window, in other clusters, unclustered, free)}: why an
    analyst's cluster is gone.
    """
    out = labels.copy()
    index = {p: i for i, p in enumerate(passage_ids)}
    fresh = int(out.max()) + 1 if len(out) else 0
    kept: dict[str, float] = {}
    gone: dict[str, tuple[int, int, int, int]] = {}
    for p in sorted(previous, key=lambda q: (-q.size, q.cluster_id)):
        alive = members_in_window(p, index)
        if len(alive) == 0:
            continue
        held = Counter(out[alive][out[alive] >= 0].tolist())
        if held and max(held.values()) > overlap * len(alive):
            continue  # continued by a cluster of this window: member matching carries the id
        free = alive[(out[alive] == -1) & eligible[alive]]
        if len(free) >= min_size and len(free) >= overlap * len(alive):
            out[free] = fresh
            fresh += 1
            kept[p.cluster_id] = len(free) / len(alive)
        else:
            gone[p.cluster_id] = (len(alive), sum(held.values()), int((out[alive] == -1).sum()), len(free))
    return out, kept, gone


def unmerge_clusters(labels: np.ndarray, vectors: np.ndarray, passage_ids: Sequence[str], source_ids: Sequence[str],
                     previous: Sequence[Previous], week: str, min_size: int, min_outlets: int,
                     overlap: float) -> tuple[np.ndarray, list[list[str]]]:
    """Labels with each cluster that holds most of two or more of `week`'s clusters of an earlier run (the same week
    before a day was added) split back along their lines.

    Only the same week's clusters count: across weeks clusters may merge (and the merge is recorded), but one more
    day of passages should not undo what the week's last run kept apart. A cluster holds previous j when more
    than `overlap` of j's members still in the window are in it. When it holds several, its members that belonged
    to one of them go back to that group, the others to the group whose previous centroid is nearest; it is split
    only when every group keeps `min_size` passages and `min_outlets` outlets, so the previous ids carry on. One more day of passages often tips HDBSCAN into joining two neighbouring clusters
    that the day before kept apart; the ids, and the analyst's notes on them, should not depend on that.
    Returns the labels and, per split cluster, the previous ids it was split into.
    """
    out = labels.copy()
    index = {p: i for i, p in enumerate(passage_ids)}
    fresh = int(out.max()) + 1 if len(out) else 0
    previous = [p for p in previous if p.last_seen == week]
    alive = [members_in_window(p, index) for p in previous]
    events: list[list[str]] = []
    for label in sorted(set(out.tolist()) - {-1}):
        members = np.flatnonzero(out == label)
        held = [j for j, a in enumerate(alive) if len(a) and np.isin(a, members).sum() > overlap * len(a)]
        if len(held) < 2:
            continue
        held.sort(key=lambda j: (-previous[j].size, previous[j].cluster_id))
        group = np.full(len(members), -1)
        for g, j in enumerate(held):
            group[np.isin(members, alive[j]) & (group == -1)] = g
        rest = group == -1
        if rest.any():
            centroids = unit(np.stack([previous[j].centroid for j in held]))
            group[rest] = np.argmax(unit(vectors[members[rest]]) @ centroids.T, axis=1)
        parts = [members[group == g] for g in range(len(held))]
        if any(len(part) < min_size or len({source_ids[int(i)] for i in part}) < min_outlets for part in parts):
            continue
        for part in parts[1:]:
            out[part] = fresh
            fresh += 1
        events.append([previous[j].cluster_id for j in held])
    return out, events


def new_cluster_id(week: str, founding_passage: str) -> str:
    """A new cluster's id: a hash of the week it was first seen and its most central passage."""
    return "em-" + hashlib.sha256(f"{week}\x00{founding_passage}".encode()).hexdigest()[:10]


def _unused_id(week: str, founder: str, used: set[str]) -> str:
    """`new_cluster_id`, unless a cluster of this week's earlier run was founded by the same passage and its id went
    to another cluster (by members): then the next free variant. Adds the id to `used`."""
    cluster_id, k = new_cluster_id(week, founder), 0
    while cluster_id in used:
        k += 1
        cluster_id = new_cluster_id(week, f"{founder}\x00{k}")
    used.add(cluster_id)
    return cluster_id


def _overlaps(members: Sequence[Sequence[str]], previous: Sequence[Previous], window: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """(kept, origin): share of previous j's members still in the window that cluster i holds, and share of i from j."""
    kept = np.zeros((len(members), len(previous)))
    origin = np.zeros_like(kept)
    for j, p in enumerate(previous):
        alive = p.members & window
        if not alive:
            continue
        for i, m in enumerate(members):
            shared = len(alive.intersection(m))
            kept[i, j], origin[i, j] = shared / len(alive), shared / max(len(m), 1)
    return kept, origin


def match_clusters(centroids: Sequence[np.ndarray], founders: Sequence[str], week: str,
                   previous: Sequence[Previous], threshold: float, members: Sequence[Sequence[str]] | None = None,
                   window: Sequence[str] = (), overlap: float = 0.5) -> Matching:
    """Ids for this window's clusters against `previous`, one to one and greedy: first by members (cluster i holds
    at least `overlap` of previous j's members still in `window`), then by centroid cosine (>= threshold).

    A cluster whose best previous match was taken by another is new and recorded as a split of it; a previous
    cluster matching a cluster that took another id is recorded as merged into that id.
    """
    n = len(centroids)
    ids: list[str | None] = [None] * n
    sims: list[float | None] = [None] * n
    events: list[tuple[str, str, str, float]] = []
    if n == 0:
        return Matching([], [], events)
    used = {p.cluster_id for p in previous}
    if not previous:
        return Matching([_unused_id(week, f, used) for f in founders], sims, events)
    s = unit(np.stack(centroids)) @ unit(np.stack([p.centroid for p in previous])).T
    kept, origin = _overlaps(members or [[] for _ in range(n)], previous, set(window))
    by_members = sorted(((float(kept[i, j]), -previous[j].size, i, j) for i in range(n) for j in range(len(previous))
                         if kept[i, j] >= overlap), key=lambda x: (-x[0], x[1], x[2], x[3]))
    by_centroid = sorted(((float(s[i, j]), -previous[j].size, i, j) for i in range(n) for j in range(len(previous))
                          if s[i, j] >= threshold), key=lambda x: (-x[0], x[1], x[2], x[3]))
    taken: set[int] = set()
    for _, _, i, j in by_members + by_centroid:
        if ids[i] is None and j not in taken:
            ids[i], sims[i] = previous[j].cluster_id, float(s[i, j])
            taken.add(j)
    related = np.maximum(s, np.where(np.maximum(kept, origin) >= overlap, 1.0, -1.0))  # either rule relates them
    used |= {str(x) for x in ids if x is not None}
    for i in range(n):
        if ids[i] is None:
            ids[i] = _unused_id(week, founders[i], used)
            best = int(related[i].argmax())
            if related[i, best] >= threshold:
                events.append(("split", str(ids[i]), previous[best].cluster_id, float(s[i, best])))
    for j in set(range(len(previous))) - taken:
        best = int(related[:, j].argmax())
        if related[best, j] >= threshold:
            events.append(("merge", previous[j].cluster_id, str(ids[best]), float(s[best, j])))
    return Matching([str(x) for x in ids], sims, events)


def nearest_narrative(centroid: np.ndarray, narratives: dict[str, np.ndarray]) -> tuple[str | None, float | None]:
    """The catalogue narrative whose claim exemplars are closest to the centroid: mean of the two highest cosines."""
    best: tuple[str | None, float | None] = (None, None)
    c = unit(centroid)[0]
    for narrative_id, exemplars in sorted(narratives.items()):
        if len(exemplars) == 0:
            continue
        sims = np.sort(unit(exemplars) @ c)[::-1][:2]
        score = float(sims.mean())
        if best[1] is None or score > best[1]:
            best = (narrative_id, score)
    return best


def status_of(is_new: bool, this_week: int, previous_week: int, growth_ratio: float) -> str:
    """new (first seen this week), growing (articles this week >= growth_ratio x the week before, and more),
    fading (at most the week before / growth_ratio, and fewer), else stable."""
    if is_new:
        return "new"
    if this_week > previous_week and this_week >= growth_ratio * max(previous_week, 1):
        return "growing"
    if this_week < previous_week and this_week * growth_ratio <= previous_week:
        return "fading"
    return "stable"
