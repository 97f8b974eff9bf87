"""Real-text worlds for text reuse and narrative lead-lag (SemEval-2025 T10 English articles, made-up outlets).

One world, over `weeks` weeks:

* **Origin Daily** (china_friendly, state) publishes `originals` articles on random days;
* **Mirror Net** (alt_independent, tier `aggregator`) republishes `copies` of them a day (20-30 hours) later under
  its own URLs, on pages with its own title, navigation and footer;
* **Rewrite Hub** (alt_independent, `aggregator`) publishes deterministic paraphrases of `paraphrases` of them
  (some also republished by Mirror Net) two days later: sentences reordered, some dropped, some merged, words
  swapped from a small synonym list, openings changed (no LLM here; `paraphrase` below);
* **Kremlin Wire** (russia_friendly, state) and three `alt` outlets of the russia_friendly camp: in a *planted*
  world the state outlet publishes articles whose gold label is `LEAD_LABEL` on `lead_days` random days and two
  of the alt outlets publish other such articles exactly 2 days later; in a *null* world the same articles fall on
  independent random days;
* two mainstream outlets and every outlet above also publish independent articles (other SemEval documents, the
  same two topics: the Ukraine war and climate), so same-topic pairs that are not copies abound.

Texts are read from the shared fixtures folder at run time, never copied into the repository.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from benchmarks.worlds.realworld import Doc, _feed, _slug, share_vectors

LEAD_LABEL = "URW: Amplifying war-related fears"
LEAD_NARRATIVE = "urw_amplifying_war_fears"
ORIGIN, MIRROR, REWRITER, STATE = "Origin Daily", "Mirror Net", "Rewrite Hub", "Kremlin Wire"
ALTS = ("Echo Blog", "Samizdat Now", "Truth Digest")
MAINSTREAM = ("Harbour Gazette", "Capital Ledger")
OUTLETS = [  # name, camp, tier
    (ORIGIN, "china_friendly", "state"), (MIRROR, "alt_independent", "aggregator"),
    (REWRITER, "alt_independent", "aggregator"), (STATE, "russia_friendly", "state"),
    *((name, "russia_friendly", "alt") for name in ALTS),
    *((name, "western_mainstream", "mainstream") for name in MAINSTREAM),
]


@dataclass(frozen=True)
class Item:
    outlet: str
    doc: Doc
    published: datetime
    kind: str = "independent"  # original | copy | paraphrase | lead | follow | independent
    of: str | None = None  # the original's doc_id for a copy or paraphrase


@dataclass
class ReuseWorld:
    seed: int
    planted: bool
    start: date
    weeks: int
    items: list[Item] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]


def _when(rng: random.Random, day: date, hours: tuple[int, int] = (6, 20)) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randrange(*hours), rng.randrange(60), tzinfo=UTC)


_SHARING: dict[int, frozenset[str]] = {}


def sharing_text(docs: list[Doc]) -> frozenset[str]:
    """Documents with a passage (12 words or more) found verbatim in another document: the corpus's own reuse
    (a source site's promo block or footer in two of its articles). They would be real copies between two
    made-up outlets, so a world never gives them to outlets as independent articles."""
    from extractors.passages import split_passages

    key = hash(tuple(d.doc_id for d in docs))
    if key not in _SHARING:
        seen: dict[str, set[str]] = {}
        for d in docs:
            for p in split_passages(d.body):
                if len(p.text.split()) >= 12:
                    seen.setdefault(" ".join(p.text.lower().split()), set()).add(d.doc_id)
        _SHARING[key] = frozenset(x for ids in seen.values() if len(ids) > 1 for x in ids)
    return _SHARING[key]


def plan_reuse_world(docs: list[Doc], seed: int, planted: bool = True, weeks: int = 6, start: date = date(2026, 3, 2),
                     originals: int = 8, copies: int = 6, paraphrases: int = 4, lead_days: int = 7,
                     independent_per_week: int = 1) -> ReuseWorld:
    """The world of the module docstring; every document is used once (copies and paraphrases aside)."""
    rng = random.Random(seed)
    world = ReuseWorld(seed, planted, start, weeks)
    days = weeks * 7
    shared = sharing_text(docs)
    lead_pool = [d for d in docs if LEAD_LABEL in d.labels and d.doc_id not in shared]
    rest = [d for d in docs if LEAD_LABEL not in d.labels and len(d.body.split()) >= 150 and d.doc_id not in shared]
    rng.shuffle(lead_pool)
    rng.shuffle(rest)
    # lead: the state outlet on lead_days days (none in the last 2 days, so every follow-up fits in the world)
    lead_dates = sorted(rng.sample(range(days - 2), lead_days))
    needed = lead_days * 3
    if len(lead_pool) < needed:
        raise RuntimeError(f"the world needs {needed} documents labelled {LEAD_LABEL!r}, the folder has {len(lead_pool)}")
    for d in lead_dates:
        day = start + timedelta(days=d)
        world.items.append(Item(STATE, lead_pool.pop(), _when(rng, day), "lead"))
        for alt in rng.sample(ALTS, 2):
            follow_day = start + timedelta(days=d + 2) if planted else start + timedelta(days=rng.randrange(days))
            world.items.append(Item(alt, lead_pool.pop(), _when(rng, follow_day), "follow"))
    # originals, their copies a day later and paraphrases two days later
    for _ in range(originals):
        day = start + timedelta(days=rng.randrange(days - 3))
        world.items.append(Item(ORIGIN, rest.pop(), _when(rng, day), "original"))
    originals_list = world.of_kind("original")
    copied = rng.sample(originals_list, copies)
    for item in copied:
        later = item.published + timedelta(hours=rng.randrange(20, 31))
        world.items.append(Item(MIRROR, item.doc, later, "copy", item.doc.doc_id))
    # paraphrase half of them among the copied ones, the rest among the others
    both = rng.sample(copied, paraphrases // 2)
    others = [i for i in originals_list if i not in copied]
    only = rng.sample(others, min(len(others), paraphrases - len(both)))
    for item in both + only:
        rewritten = Doc(item.doc.doc_id + "-rw", paraphrase(item.doc.title, seed), paraphrase(item.doc.body, seed + 1),
                        item.doc.topic, item.doc.labels)
        world.items.append(Item(REWRITER, rewritten, item.published + timedelta(hours=rng.randrange(44, 55)),
                                "paraphrase", item.doc.doc_id))
    # independent articles of every outlet (the same two topics)
    for name, _, _ in OUTLETS:
        for week in range(weeks):
            for _ in range(independent_per_week):
                day = start + timedelta(weeks=week, days=rng.randrange(7))
                world.items.append(Item(name, rest.pop(), _when(rng, day)))
    world.items.sort(key=lambda i: i.published)
    return world


# -- deterministic paraphrase -------------------------------------------------------------------------------
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "government": "administration", "country": "nation",
    "countries": "nations", "people": "citizens", "war": "conflict", "also": "additionally", "however": "yet",
    "many": "numerous", "important": "significant", "help": "assist", "show": "demonstrate", "shows": "demonstrates",
    "use": "employ", "used": "employed", "big": "large", "new": "fresh", "president": "head of state",
    "military": "armed forces", "forces": "troops", "attack": "strike", "attacks": "strikes", "killed": "slain",
    "began": "started", "start": "begin", "started": "began", "end": "finish", "ended": "concluded",
    "about": "regarding", "because": "since", "but": "though", "very": "highly", "large": "sizeable",
    "world": "globe", "global": "worldwide", "against": "versus", "support": "backing", "supported": "backed",
    "claimed": "asserted", "claims": "assertions", "according": "as per", "officials": "authorities",
    "official": "representative", "minister": "secretary", "week": "seven days", "year": "twelve months",
    "years": "yrs", "today": "this day", "now": "at present", "after": "following", "before": "prior to",
    "during": "throughout", "while": "whereas", "announced": "declared", "plan": "scheme", "plans": "schemes",
    "weapons": "arms", "money": "funds", "billion": "bn", "million": "mn", "percent": "per cent",
    "leaders": "heads", "leader": "head", "whether": "if", "several": "a number of", "including": "among them",
    "increase": "rise", "decrease": "fall", "problem": "issue", "problems": "issues", "climate": "climatic",
    "energy": "power", "report": "study", "reported": "noted", "would": "could", "will": "shall", "could": "might",
    "should": "ought to", "must": "has to", "make": "create", "made": "created", "take": "seize",
    "continue": "keep on", "continued": "kept on", "believe": "think", "know": "understand", "want": "wish",
    "need": "require", "needs": "requires", "first": "initial", "last": "final", "major": "key", "main": "chief",
    "like": "such as", "other": "different", "is": "remains", "are": "remain",
    "was": "had been", "were": "had been", "has": "holds", "have": "hold", "this": "that", "these": "those",
}
OPENINGS = ("Reports indicate that", "It is understood that", "Observers note that", "By all accounts,",
            "Notably,", "In short,")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def _swap(word: str) -> str:
    core = word.strip(".,;:!?\"'()")
    repl = SYNONYMS.get(core.lower())
    if repl is None:
        return word
    if core[:1].isupper():
        repl = repl[:1].upper() + repl[1:]
    return word.replace(core, repl, 1)


def paraphrase(text: str, seed: int) -> str:
    """A rewrite of `text` close in meaning and far in wording (see the module docstring)."""
    rng = random.Random(seed * 7919 + len(text))
    sentences = [s.strip() for para in text.split("\n") for s in _SENTENCE.split(para) if s.strip()]
    if len(sentences) <= 1:
        return " ".join(_swap(w) for w in text.split())
    kept = [s for i, s in enumerate(sentences) if i == 0 or rng.random() > 0.15]
    for i in range(0, len(kept) - 1, 3):  # swap neighbours in every run of three
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    merged: list[str] = []
    for s in kept:
        if merged and len(s.split()) < 14 and len(merged[-1].split()) < 18 and rng.random() < 0.5:
            merged[-1] = merged[-1].rstrip(".!?") + "; " + s[:1].lower() + s[1:]
        else:
            merged.append(s)
    out = []
    for s in merged:
        words = [_swap(w) for w in s.split()]
        if rng.random() < 0.35 and words:
            words[0] = words[0][:1].lower() + words[0][1:] if not words[0][:2].isupper() else words[0]
            words = [*rng.choice(OPENINGS).split(), *words]
        out.append(" ".join(words))
    paragraphs = [" ".join(out[i:i + 3]) for i in range(0, len(out), 3)]
    return "\n".join(paragraphs)


# -- serving ------------------------------------------------------------------------------------------------
def _page(outlet: str, title: str, body: str, url: str, published: datetime) -> bytes:
    """An article page with the outlet's own title, navigation and footer around the text."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n"))
    site = html.escape(outlet)
    return (
        f'<!doctype html><html lang="en"><head><title>{html.escape(title)} | {site}</title>'
        f'<link rel="canonical" href="{html.escape(url)}">'
        f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
        f'<body><header><a href="/">{site}</a></header><nav><a href="/">Home</a> <a href="/world">World</a> '
        f'<a href="/about">About {site}</a></nav><article><h1>{html.escape(title)}</h1>{paragraphs}</article>'
        f"<footer>&copy; {site}. All rights reserved.</footer></body></html>"
    ).encode()


def item_path(item: Item) -> str:
    return f"/{_slug(item.outlet)}/{item.published:%Y/%m/%d}/{_slug(item.doc.doc_id.lower())}"


def serve_reuse_world(httpserver, world: ReuseWorld, sources_path: Path) -> Path:
    """Register every outlet's feed and pages on `httpserver`; write the sources file (with tiers)."""
    base = httpserver.url_for("").rstrip("/")
    routes: dict[str, tuple[bytes, str]] = {}
    by_outlet: dict[str, list[tuple[str, str, datetime, str]]] = {}
    for item in world.items:
        path = item_path(item)
        routes[path] = (_page(item.outlet, item.doc.title, item.doc.body, base + path, item.published),
                        "text/html; charset=utf-8")
        by_outlet.setdefault(item.outlet, []).append(
            (item.doc.title, base + path, item.published, item.doc.body.split("\n")[0][:300]))
    lines = ["sources:"]
    for name, camp, tier in OUTLETS:
        feed_path = f"/feeds/{_slug(name)}.xml"
        items = sorted(by_outlet.get(name, []), key=lambda x: x[2], reverse=True)
        routes[feed_path] = (_feed(name, base, items), "application/rss+xml")
        lines.append(f"  - {{name: {name}, feed_url: '{base}{feed_path}', camp: {camp}, language: en, "
                     f"homepage: '{base}/', tier: {tier}}}")
    for path, (body, ctype) in routes.items():
        httpserver.expect_request(path).respond_with_data(body, content_type=ctype)
    sources_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sources_path


def ingest_reuse_world(world: ReuseWorld, workdir: Path, httpserver, settings, cache: Path) -> Path:
    """Serve `world` and run the real daily_ingest (classify and analyze included) into a new warehouse."""
    from flows.ingest import daily_ingest

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "radar.duckdb"
    sources = serve_reuse_world(httpserver, world, workdir / "sources.yaml")
    share_vectors(db, cache, "in")
    daily_ingest(str(sources), str(db), settings=settings.model_copy(update={"db": db}))
    share_vectors(db, cache, "out")
    return db


def url_of(httpserver, item: Item) -> str:
    return httpserver.url_for(item_path(item))
