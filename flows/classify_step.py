"""Embedding and classification steps over the warehouse, as plain functions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np

from flows.settings import Settings
from models.catalogue import Catalogue
from models.doc_head import DocumentHead, HeadError, label_documents
from models.embedder import Embedder
from models.narratives import ClassifierParams, Prototypes, StanceEvidence, build_prototypes, classify
from models.semeval import OTHER
from warehouse.db import load_sql
from warehouse.label_sync import agree_with_head, clear_head_labels, forget_head_labels, restore_rule_labels
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def pending_texts(writer: Writer, model_id: str, limit: int, languages: tuple[str, ...] = ("*",)) -> list[tuple[str, str]]:
    """(text hash, text) of passages without a vector for `model_id`, of articles in `languages`, at most `limit`."""
    with writer.transaction() as con:
        return con.execute(load_sql("queries/pending_embeddings"),
                           {"model_id": model_id, "limit": limit, "languages": list(languages)}).fetchall()


def store_vectors(writer: Writer, model_id: str, hashes: list[str], vectors: np.ndarray) -> None:
    with writer.transaction() as con:
        con.execute(
            load_sql("queries/insert_embeddings"),
            {"hashes": hashes, "model_id": model_id, "dim": int(vectors.shape[1]), "vectors": vectors.tolist()},
        )


def embed_pending(writer: Writer, embedder: Embedder, chunk: int = 512, progress: bool = False,
                  on_encoded: Callable[[int], None] | None = None) -> int:
    """Embed every passage text that has no vector for this model yet; returns how many were encoded.

    Reads a chunk, encodes it with no database connection open, writes it in one short transaction; `on_encoded`
    hears each chunk's size (the run's progress).
    """
    total = 0
    while rows := pending_texts(writer, embedder.model_id, chunk, embedder.languages):
        store_vectors(writer, embedder.model_id, [r[0] for r in rows], embedder.encode([r[1] for r in rows], progress=progress))
        total += len(rows)
        if on_encoded is not None:
            on_encoded(len(rows))
        log.info("embedded %d passage texts (%d so far) with %s", len(rows), total, embedder.model_id)
    return total


@dataclass
class ArticleHead:
    """A fitted document head checked against the configured model and catalogue, with its exemplar features."""

    head: DocumentHead
    catalogue: Catalogue  # the part of the catalogue the head decides (its families)
    prototypes: Prototypes
    path: str | None = None

    @property
    def fingerprint(self) -> str:
        return self.head.fingerprint

    @property
    def narrative_ids(self) -> list[str]:
        return self.catalogue.ids

    @classmethod
    def prepare(
        cls, head: DocumentHead, catalogue: Catalogue, model_id: str, encode: Callable[[list[str]], np.ndarray],
        path: str | None = None,
    ) -> ArticleHead:
        """Raises HeadError when the head was fitted on another model or another version of the catalogue."""
        if head.model_id and head.model_id != model_id:
            raise HeadError(f"narrative head {path or ''} was fitted on vectors of {head.model_id}, "
                            f"but the configured model is {model_id}: refit it with `radar narratives fit`")
        part = catalogue.only(head.families)
        if head.catalog_hash and head.catalog_hash != part.hash:
            raise HeadError(f"narrative head {path or ''} was fitted on catalogue {head.catalog_hash}, but the "
                            f"{'/'.join(head.families)} narratives are now {part.hash}: refit it with `radar narratives fit`")
        unknown = sorted(set(head.labels) - set(part.by_label()) - {OTHER})
        if unknown:
            raise HeadError(f"narrative head {path or ''} has labels missing from the catalogue: {', '.join(unknown)}")
        return cls(head, part, build_prototypes(part, encode), path)


@dataclass
class NarrativeModel:
    """Everything classification needs, prepared once per run (exemplars embedded once)."""

    catalogue: Catalogue
    params: ClassifierParams
    prototypes: Prototypes
    model_id: str
    head: ArticleHead | None = None  # article labels for the narratives it knows; None = passage rule only
    languages: tuple[str, ...] = ("*",)  # the embedder's: articles in other languages are not classified

    @classmethod
    def prepare(
        cls, catalogue: Catalogue, embedder: Embedder, params: ClassifierParams | None = None,
        head: DocumentHead | None = None, head_path: str | Path | None = None,
    ) -> NarrativeModel:
        model = cls(catalogue, params or ClassifierParams(), build_prototypes(catalogue, embedder.encode), embedder.model_id,
                    languages=embedder.languages)
        return with_head(model, head, embedder.encode, head_path)


def with_head(
    model: NarrativeModel, head: DocumentHead | None, encode: Callable[[list[str]], np.ndarray],
    path: str | Path | None = None,
) -> NarrativeModel:
    """The model with the fitted head attached (checked against its catalogue and model), or without one."""
    if head is None:
        return replace(model, head=None)
    return replace(model, head=ArticleHead.prepare(head, model.catalogue, model.model_id, encode, str(path) if path else None))


def load_head(path: str | Path | None) -> DocumentHead | None:
    """The fitted head at `path` (RADAR_NARRATIVE_HEAD); None when no head is configured."""
    if path is None or str(path) == "":
        return None
    if not Path(path).is_file():
        raise HeadError(f"narrative head {path} does not exist (write it with `radar narratives fit --out {path}`)")
    return DocumentHead.load(path)


def load_params(settings: Settings) -> ClassifierParams:
    """The fitted parameters when the artefact exists, else the defaults."""
    path = settings.narrative_params
    return ClassifierParams.load(path) if path and Path(path).exists() else ClassifierParams()


def sync_narratives(writer: Writer, catalogue: Catalogue) -> None:
    """Make the `narratives` table mirror the catalogue."""
    with writer.transaction() as con:
        for n in catalogue.narratives:
            con.execute(load_sql("queries/upsert_narrative"), [n.narrative_id, n.label, n.family, n.description, catalogue.hash])
        con.execute(load_sql("queries/drop_removed_narratives"), {"ids": catalogue.ids})


def classify_pending(writer: Writer, model: NarrativeModel, chunk: int = 2000) -> tuple[int, int]:
    """Classify passages not yet classified under this catalogue and model, from stored vectors only.

    Returns (passages classified, narrative assignments written).
    """
    sync_narratives(writer, model.catalogue)
    key = {"model_id": model.model_id, "catalog_hash": model.catalogue.hash, "params_hash": model.params.hash}
    passages = assignments = 0
    while True:
        with writer.transaction() as con:
            got = con.execute(load_sql("queries/pending_classification"),
                              key | {"limit": chunk, "languages": list(model.languages)}).fetchnumpy()
        if len(got["passage_id"]) == 0:
            break
        ids = [str(x) for x in got["passage_id"]]
        vectors = np.stack(list(got["vector"])).astype(np.float32)
        results = classify(vectors, [str(t) for t in got["text"]], model.catalogue, model.prototypes, model.params)
        rows = [(pid, a.narrative_id, a.score, a.stance) for pid, found in zip(ids, results, strict=True) for a in found]
        with writer.transaction() as con:
            # The head labels these articles again after this (label_articles), from the rule's new rows.
            forget_head_labels(con, ids, sorted({str(a) for a in got["article_id"]}))
            con.execute(load_sql("queries/replace_passage_narratives"), {"passage_ids": ids})
            if rows:
                con.execute(
                    load_sql("queries/insert_passage_narratives"),
                    key | {
                        "passage_ids": [r[0] for r in rows], "narrative_ids": [r[1] for r in rows],
                        "scores": [r[2] for r in rows], "stances": [r[3] for r in rows],
                    },
                )
            con.execute(load_sql("queries/mark_classified"), key | {"passage_ids": ids})
        passages += len(ids)
        assignments += len(rows)
        log.info("classified %d passages (%d narrative assignments)", len(ids), len(rows))
    return passages, assignments


def _spans(article_of: list[str], ids: list[str]) -> list[tuple[int, int]]:
    """(start, end) rows of each article in rows sorted by article."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, a in enumerate(article_of):
        first.setdefault(a, i)
        last[a] = i + 1
    return [(first[a], last[a]) for a in ids]


@dataclass(frozen=True)
class HeadDecisions:
    """The head's labels of a chunk of articles, and the passage each label rests on."""

    labels: list[tuple[str, str, float, str, str | None]]  # article, narrative, probability, stance, evidence passage
    evidence: list[tuple[str, str, float, str]]  # passage, narrative, the rule's score for it, stance
    passages: list[int]  # passages per article


def decide_articles(model: NarrativeModel, head: ArticleHead, ids: list[str], got: dict[str, np.ndarray]) -> HeadDecisions:
    """The head's decisions for articles `ids` from their passages' rows (`queries/head_article_passages`)."""
    by_label = {n.label: n.narrative_id for n in head.catalogue.narratives}
    # Evidence for a head label: the article's passage most similar to that narrative under the passage rule.
    column = {nid: model.catalogue.ids.index(nid) for nid in head.narrative_ids if nid in model.catalogue.ids}
    passage_ids = [str(p) for p in got["passage_id"]]
    vectors = np.stack(list(got["vector"])).astype(np.float32)
    spans = _spans([str(a) for a in got["article_id"]], ids)
    decisions, scores = label_documents(head.head, [vectors[s:e] for s, e in spans], head.prototypes)
    evidence = StanceEvidence.of(vectors, [str(t) for t in got["text"]], model.prototypes, model.params)
    relevance = np.maximum(evidence.claim, evidence.rebut)
    out = HeadDecisions([], [], [e - s for s, e in spans])
    for article_id, (s, e), labels, row in zip(ids, spans, decisions, scores, strict=True):
        for label in sorted(labels - {OTHER}):
            nid = by_label[label]
            probability = float(row[head.head.labels.index(label)])
            if nid not in column:
                out.labels.append((article_id, nid, probability, "mention", None))
                continue
            best = s + int(np.argmax(relevance[s:e, column[nid]]))
            stance = evidence.stance(best, column[nid], model.params)
            out.labels.append((article_id, nid, probability, stance, passage_ids[best]))
            out.evidence.append((passage_ids[best], nid, float(relevance[best, column[nid]]), stance))
    return out


def store_decisions(con: duckdb.DuckDBPyConnection, model: NarrativeModel, head: ArticleHead, ids: list[str],
                    decided: HeadDecisions) -> None:
    """Replace the articles' head labels and make their passage labels agree with them."""
    key = {"model_id": model.model_id, "head_fingerprint": head.fingerprint, "catalog_hash": head.catalogue.hash}
    restore_rule_labels(con, ids)  # the previous head's changes undone: this head decides from the rule's rows
    con.execute(load_sql("queries/replace_article_labels"), {"article_ids": ids})
    rows = decided.labels
    if rows:
        con.execute(load_sql("queries/insert_article_labels"), key | {
            "article_ids": [r[0] for r in rows], "narrative_ids": [r[1] for r in rows],
            "scores": [r[2] for r in rows], "stances": [r[3] for r in rows], "evidence": [r[4] for r in rows],
        })
    agree_with_head(con, ids, head.narrative_ids, head.fingerprint, decided.evidence, {
        "model_id": model.model_id, "catalog_hash": model.catalogue.hash, "params_hash": model.params.hash})
    con.execute(load_sql("queries/mark_articles_classified"), key | {"article_ids": ids, "passages": decided.passages})


def label_articles(writer: Writer, model: NarrativeModel, chunk: int = 500) -> int:
    """Article labels from the fitted head, for articles not labelled under this model, head and catalogue; their
    passage labels made to agree (`warehouse.label_sync`), so the analytics count the head's labels.

    Reads stored vectors only. Without a head, any head labels are dropped and the rule's passage rows restored, so
    the passage rule labels every article again. Returns the number of articles labelled.
    """
    if model.head is None:
        with writer.transaction() as con:
            clear_head_labels(con)
        return 0
    head = model.head
    key = {"model_id": model.model_id, "head_fingerprint": head.fingerprint, "catalog_hash": head.catalogue.hash}
    with writer.transaction() as con:
        con.execute(load_sql("queries/upsert_narrative_head"), key | {
            "narrative_ids": head.narrative_ids, "training_fingerprint": head.head.training_fingerprint, "path": head.path,
        })
    done = 0
    while True:
        with writer.transaction() as con:
            ids = [r[0] for r in con.execute(load_sql("queries/pending_head_articles"),
                                             key | {"limit": chunk, "languages": list(model.languages)}).fetchall()]
            if not ids:
                break
            got = con.execute(load_sql("queries/head_article_passages"),
                              {"model_id": model.model_id, "article_ids": ids}).fetchnumpy()
        decided = decide_articles(model, head, ids, got)
        with writer.transaction() as con:
            store_decisions(con, model, head, ids, decided)
        done += len(ids)
        log.info("head %s labelled %d articles (%d narrative labels)", head.fingerprint, len(ids), len(decided.labels))
    return done
