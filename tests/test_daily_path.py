"""Pay only for what is new: a run with nothing new loads no model; catalogue exemplar vectors are cached."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from test_classify import CATALOGUE, seed_passages

from flows.classify import cached_encoder
from flows.demo_server import DEMO_DIR
from flows.ingest import daily_ingest
from models.catalogue import load_catalogue
from models.embedder import Embedder
from warehouse.writer import Writer


def test_exemplar_vectors_are_cached_by_text_and_model(db_path, embedder):
    seed_passages(db_path, ["A passage, so the warehouse exists."])
    writer = Writer(db_path)
    texts = [s for n in load_catalogue(CATALOGUE).narratives for s in n.claims + n.rebuttals]
    before = embedder.encoded_texts
    first = cached_encoder(writer, embedder)(texts)
    assert embedder.encoded_texts - before == len(set(texts))
    np.testing.assert_allclose(first, embedder.encode(texts), atol=1e-5)

    before = embedder.encoded_texts
    again = cached_encoder(writer, embedder)(texts + ["An exemplar added by a catalogue edit."])
    assert embedder.encoded_texts - before == 1  # only the new text
    np.testing.assert_array_equal(again[: len(texts)], first)

    other = Embedder(model=embedder.model_ref)  # same weights under another model id: its own vectors
    other.model_id = "another-model"
    other.__dict__["model"] = embedder.model
    cached_encoder(writer, other)(texts[:3])
    assert other.encoded_texts == 3


def one_feed_site(httpserver, articles: int = 3) -> str:
    """One RSS feed of `articles` demo pages; the feed answers a repeated conditional GET with 304."""
    pages = sorted((DEMO_DIR / "corpus" / "articles").rglob("*.html"))[:articles]
    base = httpserver.url_for("").rstrip("/")
    items = ""
    for i, page in enumerate(pages):
        path = f"/a/{i}.html"
        httpserver.expect_request(path).respond_with_data(
            page.read_bytes().replace(b"{{BASE}}", base.encode()), content_type="text/html; charset=utf-8")
        items += (f"<item><title>Article {i}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
                  f"<pubDate>Mon, 0{i + 1} Jun 2026 08:00:00 GMT</pubDate></item>")
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>One</title>{items}</channel></rss>'
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed, content_type="application/rss+xml", headers={"ETag": '"v1"'})
    return f"{base}/feed.xml"


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_backend")
def test_a_run_with_nothing_new_loads_no_model(httpserver, tmp_path, settings, caplog):
    feed = one_feed_site(httpserver)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: One, feed_url: '{feed}', camp: resistance, language: en, "
                       f"homepage: '{feed}'}}\n")
    # Unloaded embedders: Prefect records a flow's parameters, and walking a loaded model takes minutes.
    first = daily_ingest(str(sources), str(settings.db), settings=settings, embedder=Embedder())
    assert first["new_articles"] == 3 and first["embedded"] > 0
    con = duckdb.connect(str(settings.db), read_only=True)
    cached = con.execute("SELECT count(*) FROM exemplar_embeddings").fetchone()[0]
    con.close()
    assert cached > 50  # every exemplar of the catalogue

    fresh = Embedder()  # not loaded yet: loading it is what a no-op run must not pay for
    with caplog.at_level("INFO"):
        second = daily_ingest(str(sources), str(settings.db), settings=settings, embedder=fresh)
    assert second["feeds_not_modified"] == 1 and second["embedded"] == second["classified"] == 0
    assert "model" not in fresh.__dict__ and fresh.encoded_texts == 0
    split = [r.getMessage() for r in caplog.records if r.getMessage().startswith("time split:")]
    assert split and all(f" {phase} " in split[-1] for phase in ("fetch", "model", "analysis"))


def test_passages_are_encoded_while_the_feeds_are_still_fetched(db_path, embedder):
    """The run's encoder takes the texts the feed steps stored and encodes full batches before the fetch ends."""
    import time

    from flows.encode_stream import StreamingEncoder

    seed_passages(db_path, ["A passage, so the warehouse exists."])
    writer = Writer(db_path)
    texts = [f"Passage number {i} about the talks between Moscow and Washington." for i in range(40)]
    before = embedder.encoded_texts
    with StreamingEncoder(writer, embedder, batch=16) as encoder:
        encoder.offer(texts[:20])
        deadline = time.monotonic() + 120
        while encoder.encoded < 16 and time.monotonic() < deadline:  # a full batch goes without waiting for the end
            time.sleep(0.05)
        assert encoder.encoded == 20
        encoder.offer(texts[20:] + texts[:5])  # repeated texts are not encoded twice
    assert encoder.encoded == 40 and embedder.encoded_texts - before == 40 and encoder.failures == 0
    con = duckdb.connect(str(db_path), read_only=True)
    stored = con.execute("SELECT count(*) FROM embeddings WHERE model_id = ?", [embedder.model_id]).fetchone()[0]
    con.close()
    assert stored == 40

    with StreamingEncoder(writer, embedder, batch=16) as encoder:  # a later run: only what has no vector yet
        encoder.offer(texts + ["One new passage."])
    assert encoder.encoded == 1
