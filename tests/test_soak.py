"""A month of daily runs with faults on known days ends with the same warehouse as the month without them.

A local site of five outlets publishes two short articles a day (our own synthetic text, no dates in pages or
URLs); each feed carries its last 7 days of entries. The simulated clock is the one the ingest code reads
(`flows.feed_step.now`, re-exported by `flows.ingest`): day d runs at 12:00 UTC. Faults: one feed answers 503
for 5 days, one feed is stuck (the same body, so 304) for 5 days while its site keeps publishing, the warehouse
is held by another process's write connection during one run, one run (a separate process) is SIGKILLed
half-way, the alert webhook answers 503 for 3 days starting on the day of a narrative spike, and one feed dates
its entries 400 days ahead for two days.
"""

from __future__ import annotations

import hashlib
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import duckdb
import pytest
from processes import new_probe, wait_until_gone
from test_kill_and_rerun import stored_articles
from werkzeug import Request, Response

import flows.feed_step
import flows.ingest
from flows.report_html import write_report
from flows.settings import Settings
from warehouse.db import WarehouseBusy

D0 = datetime(2026, 9, 1, tzinfo=UTC)
DAYS = 24
WINDOW = 7  # days of entries in a feed
OUTLETS = [("Harbour Herald", "russia_friendly"), ("Steppe Courier", "russia_friendly"),
           ("Jade Gazette", "china_friendly"), ("Silk Road Post", "china_friendly"),
           ("Valley Voice", "alt_independent")]
FAILING, SILENT, FUTURE = "Steppe Courier", "Jade Gazette", "Silk Road Post"
FAILING_DAYS = range(3, 8)    # 503 on every fetch
STUCK_DAYS = range(9, 14)     # the feed shows day 8's entries
# The spike comes after the spike cold start (every outlet watched a whole baseline, 14 days here to keep the
# month short: the first feeds reach back to day -6, so days from 8 on are judged), the webhook is down from it,
# then a run is killed.
BASELINE_DAYS = 14
LOCKED_DAY, KILLED_DAY, SPIKE_DAY = 10, 18, 15
WEBHOOK_DOWN = range(15, 18)
FUTURE_DAYS = range(20, 22)
# What the rules of feed_health (defaults: failing after 3 failures; silent after max(4 x 1 day, 3 days) quiet)
# make of these faults: the 3rd failure is on day 5; the stuck feed's newest article is day 8 09:00, and silence
# is measured up to the newest article of any feed (the data clock, not the run's noon), which passes 4 days after
# that only on day 13. Both clear on the first run after recovery.
EXPECTED_FLAGS = {(FAILING, d, "failing") for d in (5, 6, 7)} | {(SILENT, 13, "silent")}

TOWNS = ["Korvel", "Amstead", "Lorne Bay", "Pellham", "Ostrava Mills", "Dunmere", "Castelo", "Brightwater"]
NEUTRAL = [
    "The council of {town} approved a new budget for road repairs after a debate that lasted {n} hours.",
    "Farmers near {town} reported a late harvest this year, blaming a cold spring and {n} days of heavy rain.",
    "The regional library in {town} extended its opening hours and added {n} new reading rooms for students.",
    "Local football fans in {town} celebrated as their club won its {n}th match of the season at home.",
    "Engineers started work on a footbridge across the river in {town}, due to open in {n} months.",
    "The bakery cooperative of {town} hired {n} apprentices and plans a second shop near the station.",
    "Teachers in {town} asked for smaller classes, saying that some rooms now hold more than {n} pupils.",
    "A choir festival brought {n} singers to the old market hall of {town} over the weekend.",
    "The bus company serving {town} added an early route after {n} commuters signed a petition.",
    "Volunteers planted {n} trees along the canal path in {town}, replacing those lost in last winter's storms.",
    "The hospital in {town} opened a children's ward with {n} beds, financed by a local charity appeal.",
    "Fishermen in {town} said the catch was steady this month, with prices holding at about {n} crowns a crate.",
]
SPIKE = [
    ("Commentators in Beijing now say openly that the Kremlin has betrayed China, trading its loyal partnership "
    "for a quick bargain with Washington."),
    ("Moscow abandoned its Chinese partner the moment the White House offered sanctions relief, leaving Beijing "
    "alone against American tariffs."),
    ("Chinese officials call the Russian turn toward Washington a stab in the back after Beijing kept the Russian "
    "economy alive through the sanctions years."),
    ("The no-limits friendship turned out to be a bargaining chip that Putin sold to Trump at the first chance, "
    "a betrayal Beijing will not forget."),
]


def slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def article_text(outlet: str, day: int, k: int) -> list[str]:
    """Three paragraphs of our own synthetic text; on the spike day two of them push one narrative."""
    rng = random.Random(f"{outlet}|{day}|{k}")

    def paragraph(pool: list[str]) -> str:
        return " ".join(s.format(town=rng.choice(TOWNS), n=rng.randint(3, 90)) for s in rng.sample(pool, 4))

    if day == SPIKE_DAY:
        return [paragraph(NEUTRAL), paragraph(SPIKE), paragraph(SPIKE)]
    return [paragraph(NEUTRAL) for _ in range(3)]


@dataclass
class World:
    """The site's state: the simulated day, whether faults are on, and what the webhook received."""

    faults: bool
    day: int = 0
    page_delay: float = 0.0
    deliveries: list[tuple[int, str, int]] = field(default_factory=list)  # (day, alert_id, HTTP status)

    def feed(self, outlet: str, base: str) -> bytes | None:
        """The outlet's feed today; None when it answers 503."""
        shown = self.day
        if self.faults and outlet == FAILING and self.day in FAILING_DAYS:
            return None
        if self.faults and outlet == SILENT and self.day in STUCK_DAYS:
            shown = STUCK_DAYS.start - 1
        items = []
        for day in range(shown, shown - WINDOW, -1):
            for k in (1, 0):
                published = D0 + timedelta(days=day, hours=7 + 2 * k)
                if self.faults and outlet == FUTURE and day in FUTURE_DAYS:
                    published += timedelta(days=400)
                n = 2 * (day + WINDOW) + k
                url = f"{base}/a/{slug(outlet)}/{n}.html"
                items.append(f"<item><title>{outlet} story {n}</title><link>{url}</link><guid>{url}</guid>"
                             f"<pubDate>{format_datetime(published)}</pubDate>"
                             f"<description>{article_text(outlet, day, k)[0]}</description></item>")
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{outlet}</title>"
                f"<link>{base}/</link>{''.join(items)}</channel></rss>").encode()

    def handle(self, request: Request, base: str) -> Response:
        parts = request.path.strip("/").split("/")
        if parts[0] == "hook":
            status = 503 if self.faults and self.day in WEBHOOK_DOWN else 200
            self.deliveries.append((self.day, request.get_json()["alert_id"], status))
            return Response("down" if status == 503 else "ok", status=status)
        if parts[0] == "feeds":
            outlet = next(o for o, _ in OUTLETS if f"{slug(o)}.xml" == parts[1])
            body = self.feed(outlet, base)
            if body is None:
                return Response("unavailable", status=503)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
            return Response(body, content_type="application/rss+xml", headers={"ETag": etag})
        if parts[0] == "a":
            outlet = next(o for o, _ in OUTLETS if slug(o) == parts[1])
            n = int(parts[2].removesuffix(".html"))
            time.sleep(self.page_delay)
            paragraphs = "".join(f"<p>{p}</p>" for p in article_text(outlet, n // 2 - WINDOW, n % 2))
            return Response(f"<html lang='en'><head><title>{outlet} story {n}</title></head><body><article>"
                            f"<h1>{outlet} story {n}</h1>{paragraphs}</article></body></html>",
                            content_type="text/html; charset=utf-8")
        return Response("not found", status=404)


def write_sources(path: Path, base: str) -> Path:
    lines = ["sources:"] + [
        f"  - {{name: {o}, feed_url: '{base}/feeds/{slug(o)}.xml', camp: {camp}, language: en, homepage: '{base}/'}}"
        for o, camp in OUTLETS]
    path.write_text("\n".join(lines) + "\n")
    return path


def clock(day: int) -> datetime:
    return D0 + timedelta(days=day, hours=12)


def health(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute("SELECT name, health FROM feed_health").fetchall())
    finally:
        con.close()


def rows(db: Path) -> dict[str, set]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "articles": set(con.execute("SELECT article_id, source_id, content_hash, status FROM articles").fetchall()),
            "passages": set(con.execute("SELECT passage_id, text_hash FROM passages").fetchall()),
            "entry_urls": set(con.execute("SELECT url, article_id FROM entry_urls").fetchall()),
            "dates": set(con.execute("SELECT article_id, published_at, date_source, fetched_at FROM articles").fetchall()),
            "alerts": set(con.execute("SELECT alert_id, kind, day, delivered_at IS NOT NULL, delivery_attempts "
                                      "FROM alerts").fetchall()),
        }
    finally:
        con.close()


# The killed run is a process of its own (SIGKILL cannot be sent to a function); it reads the same clock.
KILLED_RUN = """
import sys
from datetime import datetime
import flows.feed_step, flows.ingest
from flows.settings import Settings
at = datetime.fromisoformat(sys.argv[3])
flows.feed_step.now = flows.ingest.now = lambda: at
flows.ingest.daily_ingest(sys.argv[1], sys.argv[2], settings=Settings(db=sys.argv[2], concurrency=2), classify=False)
"""
HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
time.sleep(120)
"""


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_backend")
def test_a_month_of_faults_loses_nothing_and_flags_the_right_feeds(httpserver, tmp_path, embedder, monkeypatch,
                                                                    capsys):
    from fastapi.encoders import ENCODERS_BY_TYPE
    from prefect.settings import PREFECT_API_URL

    from models.embedder import Embedder

    # Prefect records flow parameters with FastAPI's jsonable_encoder, which walks a loaded model's tensors
    # (gigabytes, then the OOM killer); the run record needs only the model's name.
    monkeypatch.setitem(ENCODERS_BY_TYPE, Embedder, lambda e: f"<Embedder {e.model_id}>")
    base = httpserver.url_for("").rstrip("/")
    world = World(faults=False)
    httpserver.expect_request(__import__("re").compile(r"^/.*")).respond_with_handler(
        lambda request: world.handle(request, base))
    sources = write_sources(tmp_path / "sources.yaml", base)
    probe = new_probe()
    started = time.monotonic()

    def settings(db: Path) -> Settings:
        # The shipped delivery settings: an alert due while the webhook is down for 3 days is sent when it is back.
        return Settings(db=db, concurrency=4, fetch_retries=1, fetch_backoff_seconds=0.05, fetch_read_timeout=5,
                        alert_webhook=f"{base}/hook", write_wait_seconds=3, spike_baseline_days=BASELINE_DAYS)

    def run(db: Path, day: int, classify: bool = True) -> dict:
        world.day = day
        monkeypatch.setattr(flows.feed_step, "now", lambda: clock(day))
        monkeypatch.setattr(flows.ingest, "now", lambda: clock(day))
        return flows.ingest.daily_ingest(str(sources), str(db), settings=settings(db), classify=classify,
                                         embedder=embedder)

    # The month without faults (no classification: it is compared on articles and passages).
    calm = tmp_path / "calm.duckdb"
    calm_flags = set()
    for day in range(DAYS):
        run(calm, day, classify=False)
        calm_flags |= {(name, day, h) for name, h in health(calm).items() if h != "ok"}
    calm_seconds = time.monotonic() - started

    # The same month with faults.
    world.faults = True
    db = tmp_path / "faults.duckdb"
    flags, runs, failed_runs = set(), 0, []
    for day in range(DAYS):
        runs += 1
        if day == LOCKED_DAY:
            holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True,
                                      env=__import__("os").environ | probe)
            try:
                assert holder.stdout.readline().strip() == "held"
                with pytest.raises(WarehouseBusy, match="locked by another process"):
                    run(db, day)
            finally:
                holder.kill()
                holder.wait()
                holder.stdout.close()
            failed_runs.append((day, "warehouse locked by another process"))
            continue
        if day == KILLED_DAY:
            world.day, world.page_delay = day, 0.4
            before = stored_articles(db)
            env = __import__("os").environ | probe | {"PREFECT_API_URL": PREFECT_API_URL.value()}
            proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(sources), str(db), clock(day).isoformat()],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 120
            while stored_articles(db) <= before and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.1)
            assert proc.poll() is None, "the run to kill finished first"
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            world.page_delay = 0.0
            partial = stored_articles(db)
            assert before < partial < before + 2 * len(OUTLETS)
            failed_runs.append((day, f"SIGKILLed after {partial - before} of {2 * len(OUTLETS)} new articles"))
            continue
        run(db, day)
        flags |= {(name, day, h) for name, h in health(db).items() if h != "ok"}
        if day == STUCK_DAYS[-1]:
            report = tmp_path / "report.html"
            write_report(db, report)
            row = next(r for r in report.read_text().split("<tr") if f">{SILENT}</td>" in r)
            assert "<td>silent</td>" in row

    calm_rows, fault_rows = rows(calm), rows(db)
    # Nothing lost, nothing twice.
    for table in ("articles", "passages", "entry_urls"):
        assert fault_rows[table] == calm_rows[table], table
    # Dates: the same, except the future-dated entries, stored at their fetch time with the reason.
    calm_dates = {a: (p, s) for a, p, s, _ in calm_rows["dates"]}
    moved = {a: (p, s, f) for a, p, s, f in fault_rows["dates"] if (p, s) != calm_dates[a]}
    assert len(moved) == 2 * len(FUTURE_DAYS)
    assert all(s == "fetch:future" and p == f for p, s, f in moved.values())
    # Flags on the right days, cleared after recovery; none in the calm month.
    assert calm_flags == set()
    assert flags == EXPECTED_FLAGS
    # Every alert delivered exactly once, the spike's after the webhook came back.
    alerts = fault_rows["alerts"]
    delivered = Counter(alert_id for _, alert_id, status in world.deliveries if status == 200)
    assert any(day == (D0 + timedelta(days=SPIKE_DAY)).date() and kind == "spike" for _, kind, day, _, _ in alerts)
    assert all(done for _, _, _, done, _ in alerts)
    assert delivered == Counter({alert_id: 1 for alert_id, *_ in alerts})
    spike_attempts = [n for _, kind, day, _, n in alerts if kind == "spike" and day == (D0 + timedelta(SPIKE_DAY)).date()]
    # one of the spike's alerts was tried on each day the webhook was down and once more; the others waited for it
    assert sorted(spike_attempts) == [1] * (len(spike_attempts) - 1) + [len(WEBHOOK_DOWN) + 1]
    # Nothing of the lock holder or the killed run is left running.
    assert wait_until_gone(*probe.values()) == {}

    summary = [
        f"soak: {DAYS} simulated days, {runs} runs with faults ({len(failed_runs)} failed as intended: "
        + "; ".join(f"day {d}: {why}" for d, why in failed_runs) + ") + "
        + f"{DAYS} runs without ({calm_seconds:.0f} s); {time.monotonic() - started:.0f} s in all",
        (f"faults: 503 on {FAILING} days {FAILING_DAYS.start}-{FAILING_DAYS[-1]}, {SILENT} stuck days "
        f"{STUCK_DAYS.start}-{STUCK_DAYS[-1]}, webhook down days {WEBHOOK_DOWN.start}-{WEBHOOK_DOWN[-1]}, "
        f"{FUTURE} dated +400 days on days {FUTURE_DAYS.start}-{FUTURE_DAYS[-1]}"),
        (f"rows compared with the calm month: {len(fault_rows['articles'])} articles, {len(fault_rows['passages'])} "
        f"passages, {len(fault_rows['entry_urls'])} entry URLs: identical; {len(moved)} future-dated articles "
        "stored at fetch time"),
        "flags: " + ", ".join(f"{n} {h} day {d}" for n, d, h in sorted(flags, key=lambda f: (f[0], f[1]))),
        (f"alerts: {len(alerts)} stored, {sum(delivered.values())} delivered once each, "
        f"{sum(1 for *_, s in world.deliveries if s != 200)} refused deliveries retried"),
    ]
    with capsys.disabled():
        print("\n" + "\n".join(summary))
