"""The fitted document head in the pipeline: article labels from stored vectors, relabelling after a head change,
the passage rule back when no head is configured."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import duckdb
import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from extractors.identity import text_hash
from flows.classify_step import (
    ArticleHead,
    NarrativeModel,
    classify_pending,
    embed_pending,
    label_articles,
    load_head,
    with_head,
)
from flows.cli import app
from flows.rollup_step import first_changed_day, mark_analyzed
from models.catalogue import load_catalogue
from models.doc_head import DecisionRule, DocumentHead, HeadError, document_features, fit_head, label_documents
from models.evaluation import SEMEVAL_FAMILIES
from models.narratives import ClassifierParams, build_prototypes
from models.semeval import OTHER
from warehouse.writer import Writer

CATALOGUE = ROOT / "config" / "narratives.yaml"

# Our own sentences: two articles per topic, and one article about something else.
ARTICLES = {
    "climate": [
        ("The wind farms that were sold as the future keep failing: turbines stand idle in calm weeks, and the "
         "electric cars that were supposed to replace petrol need batteries mined at an enormous ecological cost."),
        "Solar panels end up in landfills after twenty years, and nobody has a plan for recycling them.",
    ],
    "ukraine": [
        ("Kyiv's government is riddled with corruption: aid money from Western taxpayers disappears into the "
         "pockets of officials while the army at the front runs short of shells."),
        "Ukrainian officials bought villas abroad with the military aid, according to the report.",
    ],
    "detente": [
        "Washington and Moscow are finally normalising relations, and the thaw brings sanctions relief and new trade.",
    ],
    "sports": [
        "The volleyball team from the harbour town won the regional cup after a five-set final on Sunday evening.",
    ],
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


@pytest.fixture(scope="module")
def part_protos(catalogue, embedder):
    return build_prototypes(catalogue.only(SEMEVAL_FAMILIES), embedder.encode)


@pytest.fixture(scope="module")
def plain_model(catalogue, embedder) -> NarrativeModel:
    return NarrativeModel.prepare(catalogue, embedder)


@pytest.fixture(scope="module")
def small_head(catalogue, embedder, part_protos) -> DocumentHead:
    """A head fitted on the catalogue's own exemplars: each narrative's claims form one labelled document."""
    part = catalogue.only(SEMEVAL_FAMILIES)
    protos = part_protos
    docs = [list(n.claims) for n in part.narratives]
    gold = [{n.label} for n in part.narratives]
    docs += [ARTICLES["sports"], ["The city council approved a new timetable for the harbour ferries."]]
    gold += [{OTHER}, {OTHER}]
    features = np.stack([document_features(embedder.encode(d), protos) for d in docs])
    head = fit_head(features, gold, [n.label for n in part.narratives] + [OTHER], inner_folds=2)
    head.catalog_hash, head.model_id, head.families = part.hash, embedder.model_id, SEMEVAL_FAMILIES
    return head


def seed(db, articles: dict[str, list[str]]) -> None:
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("INSERT INTO sources (source_id, name, feed_url, camp, language, homepage) VALUES ('s', 'Outlet', 'http://127.0.0.1/rss', 'resistance', 'en', 'http://127.0.0.1/')")
        for article_id, texts in articles.items():
            con.execute("INSERT INTO articles (article_id, source_id, url, fetched_at, published_at, status) "
                        "VALUES (?, 's', ?, now(), now(), 'ok')", [article_id, f"http://127.0.0.1/{article_id}"])
            for i, t in enumerate(texts):
                con.execute("INSERT INTO passages VALUES (?, ?, ?, ?, ?, 0, ?)",
                            [f"{article_id}-{i}", article_id, i, t, text_hash(t), len(t)])


def view(db) -> dict[tuple[str, str], tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT article_id, narrative_id, label_source, stance, passages FROM article_narratives").fetchall()
    finally:
        con.close()
    return {(a, n): (src, stance, passages) for a, n, src, stance, passages in rows}


def query(db, sql: str) -> set[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute(sql).fetchall())
    finally:
        con.close()


RULE_ROWS = "SELECT passage_id, narrative_id, score, stance FROM passage_narratives"


def assert_one_label_set(db, head_ids: set[str]) -> None:
    """Every analytic's source rows (passage_narratives) carry exactly the article labels of article_narratives:
    the head's for the narratives it decides, the rule's for the others; each head label has a passage."""
    counted = query(db, "SELECT DISTINCT article_id, narrative_id FROM passage_narratives")
    assert counted == query(db, "SELECT article_id, narrative_id FROM article_narratives")
    given = query(db, "SELECT article_id, narrative_id FROM article_labels")
    assert {(a, n) for a, n in counted if n in head_ids} == given


def test_passage_labels_follow_the_heads_article_labels(small_head, part_protos, plain_model, tmp_path, embedder,
                                                        catalogue, db_path):
    """With a head, the passage rows every analytic counts agree with its article labels (rule rows it overruled
    set aside, its most similar passage tagged where the rule tagged none); a changed head, a reclassification
    and removing the head each start from the rule's rows, and mark the days for re-analysis."""
    # One article on both topics: the rule tags a climate and a Ukraine narrative, a strict head keeps one.
    articles = ARTICLES | {"mixed": [ARTICLES["climate"][0], ARTICLES["ukraine"][0]]}
    seed(db_path, articles)
    writer = Writer(db_path)
    embed_pending(writer, embedder)
    classify_pending(writer, plain_model)
    rule = query(db_path, RULE_ROWS)
    part = catalogue.only(SEMEVAL_FAMILIES)
    head_ids = set(part.ids)
    mark_analyzed(writer, datetime.now(UTC))
    assert first_changed_day(writer) is None

    def labelled(rule_of_head: DecisionRule, params: ClassifierParams | None = None) -> NarrativeModel:
        head = ArticleHead(dataclasses.replace(small_head, rule=rule_of_head), part, part_protos, None)
        return dataclasses.replace(plain_model, head=head, params=params or plain_model.params)

    # Generous: every narrative that beats Other; the rule tagged no passage with most of them.
    generous = labelled(DecisionRule(0.0, 0.0))
    assert label_articles(writer, generous) == len(articles)
    assert_one_label_set(db_path, head_ids)
    evidence = query(db_path, "SELECT passage_id, narrative_id FROM passage_narratives WHERE origin = 'head'")
    assert evidence and not {(p, n) for p, n, *_ in rule} & evidence
    assert query(db_path, RULE_ROWS + " WHERE origin = 'rule'") <= rule
    assert first_changed_day(writer) is not None  # relabelled articles: their days are analysed again
    mark_analyzed(writer, datetime.now(UTC))

    # Strict: the best label only; the rule's other SemEval rows are overruled, kept aside as what the rule said.
    strict = labelled(DecisionRule(0.99, 0.0))
    assert label_articles(writer, strict) == len(articles)
    assert_one_label_set(db_path, head_ids)
    overruled = query(db_path, "SELECT passage_id, narrative_id, score, stance FROM overruled_passage_narratives")
    assert overruled and overruled <= rule
    assert query(db_path, RULE_ROWS + " WHERE origin = 'rule'") | overruled == rule
    assert first_changed_day(writer) is not None
    mark_analyzed(writer, datetime.now(UTC))

    # No head: the rule's own rows back, exactly, and the days analysed again.
    assert classify_pending(writer, plain_model) == (0, 0)
    assert label_articles(writer, plain_model) == 0
    assert query(db_path, RULE_ROWS) == rule
    assert query(db_path, "SELECT count(*) FROM overruled_passage_narratives") == {(0,)}
    assert_one_label_set(db_path, set())
    assert first_changed_day(writer) is not None

    # New decision parameters with the head: the rule reclassifies every passage, the head labels every article again.
    assert label_articles(writer, strict) == len(articles)
    params = dataclasses.replace(plain_model.params, default_threshold=0.45)
    assert classify_pending(writer, labelled(DecisionRule(0.99, 0.0), params))[0] > 0
    assert query(db_path, "SELECT count(*) FROM article_classifications") == {(0,)}
    assert_one_label_set(db_path, set())  # until the head labels them again, the rule labels both
    assert label_articles(writer, labelled(DecisionRule(0.99, 0.0), params)) == len(articles)
    assert_one_label_set(db_path, head_ids)


def test_saved_head_decides_like_the_fitted_one(small_head, tmp_path, embedder, part_protos):
    path = tmp_path / "head.json"
    small_head.save(path)
    loaded = DocumentHead.load(path)
    assert loaded.fingerprint == small_head.fingerprint
    protos = part_protos
    vectors = [embedder.encode(texts) for texts in ARTICLES.values()]
    before, scores_before = label_documents(small_head, vectors, protos)
    after, scores_after = label_documents(loaded, vectors, protos)
    assert before == after and np.array_equal(scores_before, scores_after)
    assert before[0] != before[1]  # climate and Ukraine articles get different labels
    changed = dataclasses.replace(small_head, rule=DecisionRule(0.9, 0.0))
    assert changed.fingerprint != small_head.fingerprint


def test_head_labels_articles_and_relabels_from_stored_vectors(
    small_head, part_protos, plain_model, tmp_path, embedder, catalogue, db_path,
):
    seed(db_path, {name: texts for name, texts in ARTICLES.items()})
    writer = Writer(db_path)
    embed_pending(writer, embedder)
    part = catalogue.only(SEMEVAL_FAMILIES)
    model = dataclasses.replace(plain_model, head=ArticleHead(small_head, part, part_protos, str(tmp_path / "head.json")))
    classify_pending(writer, model)
    assert label_articles(writer, model) == len(ARTICLES)
    assert label_articles(writer, model) == 0  # idempotent

    labels = view(db_path)
    head_ids = set(model.head.narrative_ids)
    # Every SemEval-family label comes from the head; narratives it does not know stay with the passage rule.
    assert {src for (_, n), (src, _, _) in labels.items() if n in head_ids} == {"head"}
    assert labels[("detente", "us_russia_new_detente")][0] == "passages"
    assert {a for (a, n) in labels if n in head_ids} >= {"climate", "ukraine"}
    assert all(n.startswith("cc_") for (a, n) in labels if a == "climate")
    assert any(n.startswith("urw_") for (a, n) in labels if a == "ukraine")
    # `radar outlets` reads the same article labels: the head's where it decides, the passage rule's elsewhere
    shown = CliRunner().invoke(app, ["outlets", "--db", str(db_path), "--outlet", "Outlet", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    decided = {r["narrative_id"]: r["decided_by"] for r in json.loads(shown.output) if r["narrative_id"]}
    assert decided == {n: src for (_, n), (src, _, _) in labels.items()}
    con = duckdb.connect(str(db_path), read_only=True)
    stored = con.execute("SELECT DISTINCT model_id, head_fingerprint, catalog_hash FROM article_classifications").fetchall()
    other = con.execute("SELECT count(*) FROM article_labels WHERE article_id = 'sports'").fetchone()[0]
    con.close()
    assert stored == [(embedder.model_id, small_head.fingerprint, catalogue.only(SEMEVAL_FAMILIES).hash)]
    assert other == 0  # labelled Other: classified, with no narrative

    # A changed head relabels every article from the stored vectors: nothing is embedded again.
    strict = dataclasses.replace(small_head, rule=DecisionRule(0.99, 0.0))
    relabel = dataclasses.replace(model, head=dataclasses.replace(model.head, head=strict))
    before = embedder.encoded_texts
    assert embed_pending(writer, embedder) == 0
    assert classify_pending(writer, relabel) == (0, 0)  # same catalogue and params: passages stay
    assert label_articles(writer, relabel) == len(ARTICLES)
    assert embedder.encoded_texts == before
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT DISTINCT head_fingerprint FROM article_labels").fetchall() == [(strict.fingerprint,)]
    con.close()

    # No head: the passage rule labels every article again.
    assert label_articles(writer, plain_model) == 0
    assert {src for src, _, _ in view(db_path).values()} == {"passages"}


def test_a_head_that_does_not_fit_the_catalogue_or_model_is_refused(small_head, plain_model, tmp_path, embedder):
    stale = dataclasses.replace(small_head, catalog_hash="0000000000000000")
    with pytest.raises(HeadError, match="refit"):
        with_head(plain_model, stale, embedder.encode)
    other_model = dataclasses.replace(small_head, model_id="some/other-model")
    with pytest.raises(HeadError, match="other-model"):
        with_head(plain_model, other_model, embedder.encode)
    with pytest.raises(HeadError, match="does not exist"):
        load_head(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(HeadError, match="not a narrative head"):
        load_head(tmp_path / "bad.json")
    assert load_head(None) is None
