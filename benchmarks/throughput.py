"""Pipeline throughput against bare SentenceTransformer.encode on the same passages, in one run.

    .venv/bin/python -m benchmarks.throughput [--articles 120]

Pipeline = extract (trafilatura) → split → embed (with the DuckDB cache) → classify → store, on demo
pages read from disk. Prints passages/second of both and their ratio (target >= 0.8).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import flows  # noqa: F401  (environment defaults: offline model, quiet Prefect)
from extractors.articles import extract_article
from extractors.identity import article_id_for
from extractors.passages import split_passages
from extractors.records import FeedEntry
from flows.classify_step import NarrativeModel, classify_pending, embed_pending
from models.catalogue import load_catalogue
from models.embedder import Embedder
from warehouse import store
from warehouse.writer import Writer

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=120)
    args = parser.parse_args(argv)
    pages = sorted((ROOT / "demo" / "corpus" / "articles").rglob("*.html"))[: args.articles]
    embedder = Embedder()
    model = NarrativeModel.prepare(load_catalogue(ROOT / "config" / "narratives.yaml"), embedder)

    with tempfile.TemporaryDirectory() as tmp:
        writer = Writer(Path(tmp) / "bench.duckdb")
        with writer.transaction() as con:
            con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s', 'Bench', 'http://127.0.0.1/rss', 'resistance', 'en', 'http://127.0.0.1/')")
        embedder.encode(["warm-up"] * 64)  # both measurements start with a warm model
        start = time.perf_counter()
        all_texts: list[str] = []
        batch: list[dict] = []
        for page in pages:
            url = f"http://127.0.0.1/{page.relative_to(ROOT / 'demo')}"
            entry = FeedEntry(url, None, None, None, None, None)
            article = extract_article(page.read_bytes().replace(b"{{BASE}}", b"http://127.0.0.1"), entry, url, datetime.now(UTC))
            passages = split_passages(article.text)
            all_texts += [p.text for p in passages]
            batch.append({
                "article_id": article_id_for(article.canonical_url), "source_id": "s", "entry_url": url, "guid": None,
                "article": article, "passages": passages, "fetched_at": datetime.now(UTC), "status": "ok",
                "error": None, "run_id": "bench",
            })
            if len(batch) == 20 or page == pages[-1]:  # the flow writes in batches of 20 too
                with writer.transaction() as con:
                    store.save_articles(con, batch)
                batch.clear()
        embedded = embed_pending(writer, embedder)
        classified, _ = classify_pending(writer, model)
        pipeline_seconds = time.perf_counter() - start

    start = time.perf_counter()
    embedder.model.encode(all_texts, batch_size=embedder.batch_size, normalize_embeddings=True)
    encode_seconds = time.perf_counter() - start

    n = len(all_texts)
    result = {
        "articles": len(pages), "passages": n, "embedded": embedded, "classified": classified,
        "pipeline_passages_per_s": round(n / pipeline_seconds, 1),
        "encode_passages_per_s": round(n / encode_seconds, 1),
        "ratio": round(encode_seconds / pipeline_seconds, 3),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
