"""The daily path as a user runs it: `radar ingest` of real recorded pages over local HTTP, then again with nothing new.

    nice -n 10 .venv/bin/python -m benchmarks.daily_path [--articles 181] [--runs 2] [--server]

Serves real article pages (the shared fixtures: Zyte benchmark pages first, then trafilatura's evaluation pages,
then SemEval-2025 documents wrapped in HTML) as 12 RSS feeds on 127.0.0.1 with ETags, runs the real `radar ingest`
command in a fresh process each time (imports, temporary Prefect server and all), and times the whole command.
Run 1 ingests everything; later runs find every feed answering 304. Then it encodes the stored passage texts with
bare `SentenceTransformer.encode` in this process. Prints one JSON object: seconds per run, the no-op share
(last run / first run, target <= 0.15), the end-to-end ratio (bare encode / first run, target >= 0.8) and the time
split each run logged. The pages are read from the fixtures folder at run time, never copied into the repository.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
CAMPS = ("russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream")


def real_pages(limit: int) -> list[tuple[str, bytes]]:
    """(slug, HTML) of up to `limit` real pages, in a fixed order."""
    pages = list(itertools.islice(_all_pages(), limit))
    if len(pages) < limit:
        sys.exit(f"only {len(pages)} pages under {FIXTURES}; asked for {limit}")
    return pages


def _all_pages() -> Iterator[tuple[str, bytes]]:
    for path in sorted((FIXTURES / "pages" / "zyte-benchmark" / "html").glob("*.html.gz")):
        yield f"z-{path.name[:16]}", gzip.decompress(path.read_bytes())
    for path in sorted((FIXTURES / "pages" / "trafilatura-eval" / "cache").glob("*.htm*")):
        yield f"t-{hashlib.sha1(path.name.encode()).hexdigest()[:16]}", path.read_bytes()
    semeval = FIXTURES / "narratives" / "semeval2025-task10" / "data" / "train_data"
    for lang in ("EN", "BG", "PT", "RU", "HI"):
        for path in sorted((semeval / lang / "raw-documents").glob("*.txt")):
            title, _, body = path.read_text(encoding="utf-8", errors="replace").strip().partition("\n")
            paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in body.split("\n") if p.strip())
            page = (f"<html><head><title>{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}"
                    f"</h1>{paragraphs}</article></body></html>")
            yield f"s-{lang.lower()}-{path.stem}", page.encode()


def build_site(pages: list[tuple[str, bytes]], base: str, feeds: int = 12) -> tuple[dict[str, bytes], list[dict]]:
    """Every page at /a/<slug>.html and `feeds` RSS feeds listing them; returns (path -> body, sources)."""
    site = {f"/a/{slug}.html": body for slug, body in pages}
    newest = datetime(2026, 2, 20, 8, tzinfo=UTC)
    sources = []
    for f in range(feeds):
        items = []
        for i, (slug, body) in enumerate(pages[f::feeds]):
            title = re.search(rb"<title[^>]*>(.*?)</title>", body, re.DOTALL | re.IGNORECASE)
            text = html.escape(title.group(1).decode("utf-8", "replace").strip()[:200]) if title else slug
            url = f"{base}/a/{slug}.html"
            # Two weeks of publication days, so analysis has days and a baseline to work on.
            items.append(f"<item><title>{text}</title><link>{url}</link><guid>{url}</guid>"
                         f"<pubDate>{format_datetime(newest - timedelta(hours=7 * i + f))}</pubDate></item>")
        site[f"/feeds/{f}.xml"] = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet {f}</title>'
            f"<link>{base}/</link><description>bench</description>{''.join(items)}</channel></rss>"
        ).encode()
        sources.append({"name": f"Outlet {f}", "feed_url": f"{base}/feeds/{f}.xml", "camp": CAMPS[f % len(CAMPS)],
                        "language": "en", "homepage": f"{base}/"})
    return site, sources


def serve(site: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """A local server for `site` that answers a matching If-None-Match with 304."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            etag = '"' + hashlib.sha1(body).hexdigest() + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def time_split(stderr: str) -> dict[str, float]:
    """The `time split:` line the run logs at its end, as {phase: seconds}."""
    found = re.findall(r"time split: (.*)", stderr)
    return {k: float(v) for k, v in re.findall(r"(\w+) ([\d.]+)s", found[-1])} if found else {}


def bare_encode_seconds(db: Path) -> tuple[int, float]:
    """Bare SentenceTransformer.encode of the passage texts the run embedded (warm model), in this process: not
    those of articles in a language the model does not read (RADAR_MODEL_LANGUAGES), which the run stores only."""
    import duckdb

    import flows  # noqa: F401  (offline model environment)
    from models.embedder import Embedder

    con = duckdb.connect(str(db), read_only=True)
    texts = [r[0] for r in con.execute("SELECT any_value(p.text) FROM passages p JOIN embeddings e USING (text_hash) "
                                       "GROUP BY p.text_hash").fetchall()]
    con.close()
    embedder = Embedder()
    embedder.model.encode(["warm-up"] * 64, batch_size=embedder.batch_size)
    start = time.perf_counter()
    embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
    return len(texts), time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=181, help="pages served (181 = the Zyte benchmark pages)")
    parser.add_argument("--runs", type=int, default=2, help="runs of `radar ingest`; run 2 on is the no-op case")
    parser.add_argument("--log", type=Path, help="append each run's stderr here")
    parser.add_argument("--server", action="store_true",
                        help="one Prefect server for all runs (PREFECT_API_URL), as a scheduled setup has")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site: dict[str, bytes] = {}
        httpd, base = serve(site)  # filled below, once the port (part of every URL) is known
        pages_site, sources = build_site(real_pages(args.articles), base)
        site.update(pages_site)
        sources_file = work / "sources.yaml"
        sources_file.write_text(yaml.safe_dump({"sources": sources}))
        db = work / "bench.duckdb"
        os.environ["PREFECT_HOME"] = str(work / "prefect-home")
        os.environ.pop("PREFECT_API_URL", None)
        server = None
        if args.server:
            from flows.runtime import TemporaryPrefectServer

            server = TemporaryPrefectServer.start()  # sets PREFECT_API_URL for the runs
            server.wait_ready()
        env = dict(os.environ) | {"RADAR_FETCH_ALLOW": "127.0.0.1"}  # the site is served locally
        cmd = [str(ROOT / ".venv" / "bin" / "radar"), "ingest", "--sources", str(sources_file), "--db", str(db)]
        runs = []
        for i in range(args.runs):
            start = time.perf_counter()
            proc = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True, cwd=work)
            seconds = time.perf_counter() - start
            if args.log:
                with args.log.open("a") as log:
                    log.write(f"--- run {i + 1}: {seconds:.1f}s, exit {proc.returncode}\n{proc.stderr}\n")
            if proc.returncode != 0:
                sys.exit(f"run {i + 1} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
            runs.append({"seconds": round(seconds, 2), "split": time_split(proc.stderr)})
        httpd.shutdown()
        if server is not None:
            server.stop()
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        articles, ok = con.execute("SELECT count(*), count(*) FILTER (status = 'ok') FROM articles").fetchone()
        passages = con.execute("SELECT count(*) FROM passages").fetchone()[0]
        languages = dict(con.execute("SELECT coalesce(language, '?'), count(*) FROM articles "
                                     "WHERE status IN ('ok', 'feed_only') GROUP BY 1 ORDER BY 2 DESC").fetchall())
        con.close()
        texts, encode_s = bare_encode_seconds(db)

    first, last = runs[0]["seconds"], runs[-1]["seconds"]
    print(json.dumps({
        "prefect_server": "one for all runs" if args.server else "temporary, per run",
        "articles": articles, "articles_ok": ok, "article_languages": languages, "passages": passages,
        "passage_texts_embedded": texts,
        "runs": runs, "noop_share": round(last / first, 3) if args.runs > 1 else None,
        "bare_encode_s": round(encode_s, 2), "end_to_end_ratio": round(encode_s / first, 3),
    }, indent=1))


if __name__ == "__main__":
    main()
