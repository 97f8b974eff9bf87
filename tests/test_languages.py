"""Articles in a language the embedding model does not read are stored, never embedded or classified.

Measured before this rule (`radar eval semeval --train <EN train part> --test <RU train_data>`): on 133 Russian
SemEval articles, every one carrying a narrative, the head and the exemplar classifier both answer "Other" for all
133 (F1-samples 0.0): the English MiniLM gives Russian text no narrative, so a Russian outlet's passages only
diluted its camp's shares and fed discovery a pool of unlabelled passages.
"""

from __future__ import annotations

import copy
import html
import json
import logging

import duckdb
import pytest
from typer.testing import CliRunner

from benchmarks.worlds import realworld
from flows.classify import classify_flow
from flows.cli import app
from flows.ingest import daily_ingest
from models.embedder import Embedder

pytestmark = [
    pytest.mark.usefixtures("prefect_backend"),
    pytest.mark.skipif(not realworld.available(), reason=f"SemEval-2025 T10 texts not found at {realworld.SEMEVAL}"),
]
DOCS = realworld.SEMEVAL / "data" / "train_data"


def test_the_model_reads_its_languages_only():
    english = Embedder(languages=("en",))
    assert [english.reads(x) for x in ("en", "en-US", "EN_gb", None)] == [True] * 4
    assert [english.reads(x) for x in ("ru", "")] == [False, False]
    assert Embedder().reads("ru")  # "*": a multilingual model reads everything


def page(text: str, lang: str, title: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())
    return (f'<!doctype html><html lang="{lang}"><head><title>{html.escape(title)}</title>'
            '<meta property="article:published_time" content="2026-01-05T08:00:00Z"></head>'
            f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>").encode()


def test_a_russian_article_is_stored_but_not_classified_until_the_model_reads_russian(
        httpserver, tmp_path, settings, embedder, caplog):
    english_text = min((DOCS / "EN" / "raw-documents").glob("*.txt")).read_text(encoding="utf-8")
    russian_text = min((DOCS / "RU" / "raw-documents").glob("*.txt")).read_text(encoding="utf-8")
    httpserver.expect_request("/en").respond_with_data(page(english_text, "en", "English"), content_type="text/html")
    httpserver.expect_request("/ru").respond_with_data(page(russian_text, "ru", "Русский"), content_type="text/html")
    items = "".join(f"<item><title>{t}</title><link>{httpserver.url_for(p)}</link>"
                    f"<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate></item>" for t, p in (("E", "/en"), ("R", "/ru")))
    httpserver.expect_request("/feed.xml").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>',
        content_type="application/rss+xml")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: Mixed, feed_url: '{httpserver.url_for('/feed.xml')}', "
                       "camp: russia_friendly, language: en, homepage: 'http://127.0.0.1/'}\n")
    reads_english = copy.copy(embedder)  # the loaded model, reading English only (the shipped setting)
    reads_english.languages = ("en",)
    with caplog.at_level(logging.WARNING):
        daily_ingest(str(sources), str(settings.db), settings=settings, embedder=reads_english)

    def per_language() -> dict[str, tuple[int, int, int]]:
        con = duckdb.connect(str(settings.db), read_only=True)
        try:
            return {lang: (passages, embedded, classified) for lang, passages, embedded, classified in con.execute(
                "SELECT a.language, count(*), count(e.text_hash), count(c.passage_id) FROM passages p "
                "JOIN articles a USING (article_id) LEFT JOIN embeddings e ON e.text_hash = p.text_hash "
                "LEFT JOIN passage_classifications c ON c.passage_id = p.passage_id GROUP BY 1").fetchall()}
        finally:
            con.close()

    counts = per_language()
    assert set(counts) == {"en", "ru"} and counts["en"][0] > 0 and counts["ru"][0] > 0
    assert counts["en"][1:] == (counts["en"][0], counts["en"][0])  # every English passage embedded and classified
    assert counts["ru"][1:] == (0, 0)
    assert any("Mixed: 1 new articles in 'ru' stored but not classified" in r.getMessage() for r in caplog.records)
    listed = CliRunner().invoke(app, ["outlets", "--db", str(settings.db), "--format", "json"])
    [row] = json.loads(listed.output)
    assert (row["articles"], row["classified"]) == (2, 1)

    # a multilingual model (here the same one, told it reads everything) picks them up from the stored text
    classify_flow(db_path=str(settings.db), settings=settings.model_copy(update={"model_languages": "*"}))
    counts = per_language()
    assert counts["ru"][1:] == (counts["ru"][0], counts["ru"][0])
