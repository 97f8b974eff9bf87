"""Narrative classification with the real model: the founding analysis, and reclassification without re-embedding."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import ROOT, SHARED

from extractors.identity import text_hash
from extractors.passages import split_passages, split_sentences
from flows.classify_step import NarrativeModel, classify_pending, embed_pending
from models.catalogue import load_catalogue
from models.narratives import aggregate_article, classify
from warehouse.writer import Writer

ANALYSIS = SHARED / "narratives" / "new-detente-analysis.txt"
CATALOGUE = ROOT / "config" / "narratives.yaml"


@pytest.fixture(scope="module")
def model(embedder):
    return NarrativeModel.prepare(load_catalogue(CATALOGUE), embedder)


@pytest.mark.skipif(not ANALYSIS.exists(), reason=f"shared fixture {ANALYSIS} is not present")
def test_passages_are_whole_sentences():
    """Passages group sentences without cutting one: a passage's sentences, in order, are the text's."""
    text = ANALYSIS.read_text(encoding="utf-8")
    passages = split_passages(text)
    assert [s for p in passages for s in split_sentences(p.text)] == split_sentences(text)
    assert split_sentences("They met in Riyadh. Did they agree?\n\nA new paragraph") == [
        "They met in Riyadh.", "Did they agree?", "A new paragraph"]


@pytest.mark.skipif(not ANALYSIS.exists(), reason=f"shared fixture {ANALYSIS} is not present")
def test_new_detente_analysis_rebuts_sold_out_and_claims_detente(model, embedder):
    passages = split_passages(ANALYSIS.read_text(encoding="utf-8"))
    texts = [p.text for p in passages]
    found = classify(embedder.encode(texts), texts, model.catalogue, model.prototypes, model.params)
    article = aggregate_article(found)
    assert article["russia_sold_out_china"].stance == "rebuttal"
    assert article["us_russia_new_detente"].stance == "claim"


def test_stance_of_plain_sentences(model, embedder):
    texts = [
        "Moscow stabbed Beijing in the back: the Kremlin traded its Chinese partner away for a handshake with Washington.",
        "Talk of Russia betraying China is baseless nonsense; the partnership has never been stronger.",
    ]
    found = classify(embedder.encode(texts), texts, model.catalogue, model.prototypes, model.params)
    assert found[0][0].narrative_id == "russia_sold_out_china" and found[0][0].stance == "claim"
    assert found[1][0].narrative_id == "russia_sold_out_china" and found[1][0].stance == "rebuttal"


def seed_passages(db: Path, texts: list[str]) -> None:
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s', 'Outlet', 'http://127.0.0.1/rss', 'resistance', 'en', 'http://127.0.0.1/')")
        con.execute("INSERT INTO articles (article_id, source_id, url, fetched_at, status) VALUES ('a', 's', 'http://127.0.0.1/a', now(), 'ok')")
        for i, t in enumerate(texts):
            con.execute("INSERT INTO passages VALUES (?, 'a', ?, ?, ?, 0, ?)", [f"p{i}", i, t, text_hash(t), len(t)])


def test_reclassify_after_catalogue_edit_uses_stored_vectors_only(tmp_path, embedder, db_path):
    texts = [
        "Washington and Moscow are finally normalising relations, and the thaw brings sanctions relief and new trade.",
        "Europe deindustrialised itself with sanctions on Russian gas, and its factories are now closing one by one.",
        "Washington and Moscow are finally normalising relations, and the thaw brings sanctions relief and new trade.",
    ]
    seed_passages(db_path, texts)
    writer = Writer(db_path)
    # Two passages share a text hash: they are embedded once.
    assert embed_pending(writer, embedder) == 2
    first = NarrativeModel.prepare(load_catalogue(CATALOGUE), embedder)
    assert classify_pending(writer, first)[0] == 3
    assert classify_pending(writer, first) == (0, 0)  # idempotent

    edited = yaml.safe_load(CATALOGUE.read_text())
    edited["narratives"].append({
        "id": "arctic_energy_bonanza", "label": "Arctic energy bonanza", "family": "new_detente",
        "description": "Joint US-Russian Arctic energy projects will make both countries rich.",
        "claims": ["American and Russian firms will drill the Arctic together and share enormous profits."],
        "rebuttals": ["Joint Arctic drilling by US and Russian companies is a fantasy that will never happen."],
    })
    path = tmp_path / "narratives.yaml"
    path.write_text(yaml.safe_dump(edited, allow_unicode=True))
    catalogue = load_catalogue(path)
    before = embedder.encoded_texts
    model = NarrativeModel.prepare(catalogue, embedder)
    exemplar_texts = embedder.encoded_texts - before
    assert embed_pending(writer, embedder) == 0
    assert classify_pending(writer, model)[0] == 3
    assert embedder.encoded_texts - before == exemplar_texts  # only the catalogue's exemplars were encoded

    con = duckdb.connect(str(db_path), read_only=True)
    hashes = {r[0] for r in con.execute("SELECT DISTINCT catalog_hash FROM passage_narratives").fetchall()}
    top = dict(con.execute("SELECT passage_id, arg_max(narrative_id, score) FROM passage_narratives GROUP BY 1").fetchall())
    con.close()
    assert hashes == {catalogue.hash}
    assert top["p0"] == "us_russia_new_detente" and top["p1"] == "europe_decline"
