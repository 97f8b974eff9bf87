"""Test worlds of real news text: SemEval-2025 T10 English articles published by made-up outlets at a real pace.

A world is a list of outlets (with camps) and of articles (a SemEval document, its outlet and publication time),
served over local HTTP as one RSS feed per outlet plus one page per article, and ingested by the real
`daily_ingest`. A *planted* world hides known facts; a *null* world has the same outlets and pace and nothing
planted:

* divergence: from `event_week` on, the russia_friendly camp writes only about the Ukraine war (UA documents)
  and the china_friendly camp only about climate (CC documents); before it every outlet draws from one mix;
* crossing: one china_friendly outlet writes like the russia_friendly camp from `crossing_week` on;
* spike: `spike_articles` extra articles whose gold labels carry `spike_label` land on the last day.

A world's *rhythm* is how its outlets publish (`RHYTHMS`): `random` (1-2 random days a week each, the default),
`synchronized` (every outlet on the same two weekdays, the rhythm of weekly columns and newsletters), `weekdays`
(weekends a fifth as likely as weekdays), `backfill` (five outlets' feeds down for 14 days, their missed articles
then all dated on the day the feeds come back, a burst) and `filler` (each outlet also posts one off-topic article
a week: real news pages of the Zyte extraction benchmark). Every world begins with a first week of history.

The texts are read from the shared fixtures folder at run time, never copied into the repository.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
SHARED = ROOT.parent / "shared" / "fixtures"  # the shared fixtures folder beside the repository
SEMEVAL = SHARED / "narratives" / "semeval2025-task10"
ZYTE = SHARED / "pages" / "zyte-benchmark" / "ground-truth.json"
RHYTHMS = ("random", "synchronized", "weekdays", "backfill", "filler")
BACKFILL_OUTLETS = 5
BACKFILL_DAYS = 14
SPIKE_LABEL = "URW: Amplifying war-related fears"
SPIKE_NARRATIVE = "urw_amplifying_war_fears"
OUTLETS = [
    ("Volga Wire", "russia_friendly"), ("Neva Herald", "russia_friendly"), ("Ural Review", "russia_friendly"),
    ("Steppe Courier", "russia_friendly"), ("Kama Dispatch", "russia_friendly"), ("Don Monitor", "russia_friendly"),
    ("Jade Daily", "china_friendly"), ("Yangtze Post", "china_friendly"), ("Silk Road Times", "china_friendly"),
    ("Pearl River News", "china_friendly"), ("Lotus Observer", "china_friendly"), ("Great Wall Weekly", "china_friendly"),
    ("Axis Voice", "resistance"), ("Levant Tribune", "resistance"), ("Harbour Gazette", "western_mainstream"),
    ("Capital Ledger", "western_mainstream"),
]
CROSSING_OUTLET = "Pearl River News"


@dataclass(frozen=True)
class Doc:
    """One SemEval document: title (its first line), body, topic from its file name, gold coarse labels."""

    doc_id: str
    title: str
    body: str
    topic: str  # "UA" or "CC", or "FILLER" for off-topic news
    labels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Posting:
    outlet: str
    doc: Doc
    published: datetime


@dataclass
class World:
    seed: int
    planted: bool
    start: date
    weeks: int
    outlets: list[tuple[str, str]]
    postings: list[Posting] = field(default_factory=list)
    event_week: int = 4  # 0-based week index from which the camps diverge
    crossing_week: int = 6
    spike_day: date | None = None
    rhythm: str = "random"

    def iso_week(self, index: int) -> str:
        return (self.start + timedelta(weeks=index)).strftime("%G-W%V")

    @property
    def last_day(self) -> date:
        return self.start + timedelta(weeks=self.weeks) - timedelta(days=1)


def available() -> bool:
    return (SEMEVAL / "data" / "train_data" / "EN" / "raw-documents").is_dir()


def load_docs(root: Path = SEMEVAL) -> list[Doc]:
    """Every English SemEval document (training ones with gold labels, test ones without), longest texts kept whole."""
    gold: dict[str, frozenset[str]] = {}
    annotations = root / "data" / "train_data" / "EN" / "subtask-2-annotations.txt"
    for line in annotations.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            gold[parts[0]] = frozenset(x.strip() for x in parts[1].split(";") if x.strip())
    files = sorted((root / "data" / "train_data" / "EN" / "raw-documents").glob("*.txt"))
    files += sorted((root / "test_data" / "EN" / "subtask-2-documents").glob("*.txt"))
    docs = []
    for path in files:
        lines = [x.strip() for x in path.read_text(encoding="utf-8", errors="replace").splitlines() if x.strip()]
        if len(lines) < 2:
            continue
        # training files are EN_UA_* / EN_CC_*, test files RU_TEST_* (the Ukraine war) / CC_TEST_*
        prefix = path.name.split("_")[:2]
        topic = "UA" if "UA" in prefix or prefix[0] == "RU" else "CC"
        docs.append(Doc(path.stem, lines[0][:200], "\n".join(lines[1:]), topic, gold.get(path.name, frozenset())))
    return docs


def load_filler(path: Path = ZYTE, min_words: int = 150) -> list[Doc]:
    """Off-topic real news (the Zyte benchmark's gold article bodies), title = first sentence."""
    import json

    docs = []
    for key, record in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        body = (record.get("articleBody") or "").strip()
        if len(body.split()) < min_words:
            continue
        title = body.split(". ")[0][:120]
        docs.append(Doc(f"zyte_{key[:16]}", title, body, "FILLER"))
    return docs


OUTLET_PACE = {"russia_friendly": 2, "china_friendly": 2, "resistance": 1, "western_mainstream": 1}
WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.2)  # Monday first


def _weekdays(rng: random.Random, rhythm: str, pace: int, shared: list[int]) -> list[int]:
    """The days of one week an outlet publishes on, by the world's rhythm."""
    if rhythm == "synchronized":
        return shared[:pace]
    if rhythm == "weekdays":
        days: list[int] = []
        while len(days) < pace:
            day = rng.choices(range(7), WEEKDAY_WEIGHTS)[0]
            if day not in days:
                days.append(day)
        return sorted(days)
    return sorted(rng.sample(range(7), pace))


def plan_world(docs: list[Doc], seed: int, planted: bool, weeks: int = 10, start: date = date(2026, 6, 1),
               spike_articles: int = 10, rhythm: str = "random", filler: list[Doc] | None = None) -> World:
    """Outlets publishing 1-2 articles a week each on days set by `rhythm`; the planted facts when `planted`.

    Topic slots (UA or CC) are filled first from their own pools, the untopical slots from what remains, so
    a planted world never runs out of Ukraine-war or climate documents. The `filler` rhythm needs `filler` docs.
    """
    if rhythm not in RHYTHMS:
        raise ValueError(f"rhythm must be one of {RHYTHMS}, got {rhythm!r}")
    rng = random.Random(seed)
    world = World(seed, planted, start, weeks, list(OUTLETS), rhythm=rhythm)
    shared = sorted(random.Random(seed + 7919).sample(range(5), 2))  # the synchronized rhythm's two weekdays
    pools = {t: [d for d in docs if d.topic == t] for t in ("UA", "CC")}
    for pool in pools.values():
        rng.shuffle(pool)
    spike_docs = [d for d in pools["UA"] if SPIKE_LABEL in d.labels][:spike_articles] if planted else []
    taken = {d.doc_id for d in spike_docs}
    slots: list[tuple[str, datetime, str | None]] = []
    for week in range(weeks):
        for name, camp in world.outlets:
            topic = None
            if planted and week >= world.event_week:
                if camp == "russia_friendly" or (name == CROSSING_OUTLET and week >= world.crossing_week):
                    topic = "UA"
                elif camp == "china_friendly":
                    topic = "CC"
            for weekday in _weekdays(rng, rhythm, OUTLET_PACE[camp], shared):
                day = start + timedelta(weeks=week, days=weekday)
                when = datetime(day.year, day.month, day.day, rng.randrange(6, 22), rng.randrange(60), tzinfo=UTC)
                slots.append((name, when, topic))
    chosen: list[Doc | None] = [None] * len(slots)
    for topic in ("UA", "CC"):
        free = [d for d in pools[topic] if d.doc_id not in taken]
        wanted = [i for i, (_, _, t) in enumerate(slots) if t == topic]
        if len(wanted) > len(free):
            raise RuntimeError(f"world needs {len(wanted)} {topic} documents, the folder has {len(free)}")
        for i, doc in zip(wanted, free, strict=False):
            chosen[i] = doc
            taken.add(doc.doc_id)
    rest = [d for d in pools["UA"] + pools["CC"] if d.doc_id not in taken]
    rng.shuffle(rest)
    untopical = [i for i, (_, _, t) in enumerate(slots) if t is None]
    if len(untopical) > len(rest):
        raise RuntimeError(f"world needs {len(untopical)} more documents, the folder has {len(rest)}")
    for i, doc in zip(untopical, rest, strict=False):
        chosen[i] = doc
    world.postings = [Posting(name, doc, when) for (name, when, _), doc in zip(slots, chosen, strict=True) if doc]
    if rhythm == "filler":
        world.postings += _filler_postings(world, filler or [], random.Random(seed + 104729))
    if rhythm == "backfill":
        world.postings = _backfilled(world, random.Random(seed + 15485863))
    if planted:
        world.spike_day = world.last_day
        for i, doc in enumerate(spike_docs):
            name = world.outlets[i % len(world.outlets)][0]
            day = world.spike_day
            world.postings.append(Posting(name, doc, datetime(day.year, day.month, day.day, 8 + i, 15, tzinfo=UTC)))
    return world


def _filler_postings(world: World, filler: list[Doc], rng: random.Random) -> list[Posting]:
    """One off-topic article a week per outlet, on a random day."""
    pool = list(filler)
    rng.shuffle(pool)
    wanted = world.weeks * len(world.outlets)
    if len(pool) < wanted:
        raise RuntimeError(f"filler rhythm needs {wanted} off-topic documents, found {len(pool)} at {ZYTE}")
    out = []
    for week in range(world.weeks):
        for name, _ in world.outlets:
            day = world.start + timedelta(weeks=week, days=rng.randrange(7))
            when = datetime(day.year, day.month, day.day, rng.randrange(6, 22), rng.randrange(60), tzinfo=UTC)
            out.append(Posting(name, pool.pop(), when))
    return out


def _backfilled(world: World, rng: random.Random) -> list[Posting]:
    """`BACKFILL_OUTLETS` outlets' feeds down for `BACKFILL_DAYS` ending two weeks before the last day: what they
    published meanwhile arrives on the day they come back, dated that day (entries that lost their own dates)."""
    back = world.last_day - timedelta(days=14)
    outage = {name for name, _ in rng.sample(world.outlets, BACKFILL_OUTLETS)}
    out = []
    for post in world.postings:
        day = post.published.date()
        if post.outlet in outage and back - timedelta(days=BACKFILL_DAYS) <= day < back:
            post = Posting(post.outlet, post.doc, post.published.replace(year=back.year, month=back.month,
                                                                         day=back.day))
        out.append(post)
    return out


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _page(title: str, body: str, url: str, published: datetime) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n"))
    return (
        f'<!doctype html><html lang="en"><head><title>{html.escape(title)}</title>'
        f'<link rel="canonical" href="{html.escape(url)}">'
        f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
        f'<body><nav><a href="/">Home</a></nav><article><h1>{html.escape(title)}</h1>{paragraphs}</article>'
        f"<footer>World test site.</footer></body></html>"
    ).encode()


def _feed(name: str, base: str, items: list[tuple[str, str, datetime, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link><guid>{html.escape(u)}</guid>"
        f"<pubDate>{format_datetime(p)}</pubDate><description>{html.escape(s)}</description></item>"
        for t, u, p, s in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{html.escape(name)}</title>'
            f"<link>{base}/</link><description>test outlet</description>{entries}</channel></rss>").encode()


def serve_world(httpserver, world: World, sources_path: Path) -> Path:
    """Register every outlet's feed and article pages on `httpserver`; write the sources file; return its path."""
    base = httpserver.url_for("").rstrip("/")
    routes: dict[str, tuple[bytes, str]] = {}
    by_outlet: dict[str, list[tuple[str, str, datetime, str]]] = {}
    for post in world.postings:
        path = f"/{_slug(post.outlet)}/{post.published:%Y/%m/%d}/{post.doc.doc_id.lower()}"
        routes[path] = (_page(post.doc.title, post.doc.body, base + path, post.published), "text/html; charset=utf-8")
        summary = post.doc.body.split("\n")[0][:300]
        by_outlet.setdefault(post.outlet, []).append((post.doc.title, base + path, post.published, summary))
    lines = ["sources:"]
    for name, camp in world.outlets:
        feed_path = f"/feeds/{_slug(name)}.xml"
        items = sorted(by_outlet.get(name, []), key=lambda x: x[2], reverse=True)
        routes[feed_path] = (_feed(name, base, items), "application/rss+xml")
        lines.append(f"  - {{name: {name}, feed_url: '{base}{feed_path}', camp: {camp}, language: en, "
                     f"homepage: '{base}/'}}")
    for path, (body, ctype) in routes.items():
        httpserver.expect_request(path).respond_with_data(body, content_type=ctype)
    sources_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sources_path


VECTOR_TABLES = ("embeddings", "exemplar_embeddings")


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """One read-only query on a world's warehouse."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def share_vectors(db: Path, cache: Path, direction: str) -> None:
    """Copy stored vectors between a world's warehouse and the shared cache file ("in" before a run, "out" after).

    Worlds built from the same texts then encode each passage and exemplar once, and the real flow runs with
    its own embedder (which loads the model only when something is missing) instead of one passed in.
    """
    import duckdb

    from warehouse.writer import Writer

    Writer(db)  # migrated
    if not cache.exists():
        Writer(cache)
    con = duckdb.connect(str(db))
    try:
        con.execute("ATTACH ? AS cache", [str(cache)])
        for table in VECTOR_TABLES:
            source, target = ("cache", "main") if direction == "in" else ("main", "cache")
            con.execute(f"INSERT OR IGNORE INTO {target}.{table} SELECT * FROM {source}.{table}")
    finally:
        con.close()


def ingest_world(world: World, workdir: Path, httpserver, settings, cache: Path) -> Path:
    """Serve `world` on `httpserver` and run the real daily_ingest (classify and analyze included) into a new DB,
    with the vectors of earlier worlds from `cache` (and this world's new ones added to it)."""
    from flows.ingest import daily_ingest

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "radar.duckdb"
    sources = serve_world(httpserver, world, workdir / "sources.yaml")
    share_vectors(db, cache, "in")
    daily_ingest(str(sources), str(db), settings=settings.model_copy(update={"db": db}))
    share_vectors(db, cache, "out")
    return db


def ingest_world_served(world: World, workdir: Path, settings, cache: Path) -> Path:
    """`ingest_world` on a local HTTP server of its own (127.0.0.1, a free port), stopped afterwards."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        return ingest_world(world, workdir, server, settings, cache)
    finally:
        server.stop()


def add_world_arguments(parser, seeds: int, first_seed: int, workdir: Path) -> None:
    """The options of a benchmark over many worlds: how many seeds from which, where the worlds and the shared
    vector cache live, where the JSON goes."""
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--first-seed", type=int, default=first_seed)
    parser.add_argument("--workdir", type=Path, default=workdir)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/radar-calibration/vectors.duckdb"))
    parser.add_argument("--out", type=Path, default=None)
