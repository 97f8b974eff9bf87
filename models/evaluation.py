"""`radar eval semeval`: score the classifier on SemEval-2025 T10 subtask-2 data next to two baselines."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from extractors.identity import text_hash
from extractors.passages import split_passages
from models.catalogue import Catalogue
from models.doc_head import DocumentHead, cross_validate, document_features, fit_head, label_documents
from models.embedder import Embedder
from models.narratives import ClassifierParams, Prototypes, build_prototypes, claim_vectors_by_label, classify
from models.passage_memory import PassageMemory
from models.semeval import (
    OTHER,
    LabelledDocument,
    bootstrap_interval,
    document_f1,
    f1_samples,
    fingerprint,
    language_dirs,
    macro_f1,
    pair_scores,
    read_annotated,
)

log = logging.getLogger(__name__)
SEMEVAL_FAMILIES = ("ukraine_war", "climate")


class EmbeddingCache:
    """Passage vectors keyed by (text hash, model id) in a DuckDB file, so repeated evaluations encode once."""

    def __init__(self, embedder: Embedder, path: Path | None) -> None:
        self.embedder = embedder
        self.con = duckdb.connect(str(path)) if path else duckdb.connect()
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS cache (text_hash VARCHAR, model_id VARCHAR, vector FLOAT[], PRIMARY KEY (text_hash, model_id))"
        )

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [text_hash(t) for t in texts]
        known = dict(self.con.execute(
            "SELECT text_hash, vector FROM cache WHERE model_id = ? AND text_hash IN (SELECT unnest(?::VARCHAR[]))",
            [self.embedder.model_id, sorted(set(hashes))],
        ).fetchall())
        missing = sorted({h: t for h, t in zip(hashes, texts, strict=True) if h not in known}.items())
        if missing:
            vectors = self.embedder.encode([t for _, t in missing], progress=len(missing) > 200)
            self.con.execute(
                "INSERT INTO cache SELECT unnest(?::VARCHAR[]), ?, unnest(?::FLOAT[][]) ON CONFLICT DO NOTHING",
                [[h for h, _ in missing], self.embedder.model_id, vectors.tolist()],
            )
            known.update({h: v for (h, _), v in zip(missing, vectors.tolist(), strict=True)})
        return np.array([known[h] for h in hashes], dtype=np.float32)

    def close(self) -> None:
        self.con.close()


@dataclass
class EmbeddedDocs:
    docs: list[LabelledDocument]
    passages: list[list[str]]
    vectors: list[np.ndarray]

    @property
    def gold(self) -> list[set[str]]:
        return [set(d.narratives) for d in self.docs]

    def features(self, protos: Prototypes | None = None) -> np.ndarray:
        return np.stack([document_features(v, protos) for v in self.vectors])


def document_passages(docs: Sequence[LabelledDocument]) -> list[list[str]]:
    """Each document's passage texts as the pipeline splits them (a document with none: its opening, or a marker)."""
    return [[p.text for p in split_passages(d.text)] or [d.text[:2000] or "(empty)"] for d in docs]


def embed_documents(docs: list[LabelledDocument], cache: EmbeddingCache) -> EmbeddedDocs:
    passages = document_passages(docs)
    flat = [t for ps in passages for t in ps]
    vectors = cache.encode(flat)
    out, start = [], 0
    for ps in passages:
        out.append(vectors[start : start + len(ps)])
        start += len(ps)
    return EmbeddedDocs(docs, passages, out)


def scores(gold: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]) -> dict[str, Any]:
    """F1-samples, macro F1, F1-samples on the articles that carry a narrative, and precision / recall / F1 of the
    (article, narrative) pairs: about half of the SemEval English articles are gold "Other", which F1-samples
    rewards, so labelling every article Other scores about 0.5."""
    bearing = [i for i, g in enumerate(gold) if set(g) - {OTHER}]
    return {"f1_samples": round(f1_samples(gold, predicted), 4), "macro_f1": round(macro_f1(gold, predicted, labels), 4),
            "f1_samples_narrative_articles": round(f1_samples([gold[i] for i in bearing], [predicted[i] for i in bearing]), 4),
            "narrative_pairs": pair_scores(gold, predicted)}


def all_other_baseline(gold: Sequence[set[str]], labels: Sequence[str]) -> dict:
    """The trivial labelling (every article Other) and the share of gold-Other articles: the floor F1-samples must
    clear to mean anything."""
    return scores(gold, [{OTHER} for _ in gold], labels) | {
        "gold_other_share": round(sum(not (set(g) - {OTHER}) for g in gold) / max(len(gold), 1), 4)}


def scores_with_interval(gold: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]) -> dict:
    """`scores` plus the 95% bootstrap interval of F1-samples over the documents."""
    return scores(gold, predicted, labels) | {"f1_samples_95ci": bootstrap_interval(document_f1(gold, predicted))}


def keyword_baseline(docs: Sequence[LabelledDocument], catalogue: Catalogue, min_hits: int = 2) -> list[set[str]]:
    """Labels whose catalogue keywords occur at least `min_hits` times in the document."""
    out = []
    for d in docs:
        text = d.text.lower()
        hits = {n.label: sum(len(re.findall(r"\b" + re.escape(k) + r"\b", text)) for k in n.keywords) for n in catalogue.narratives}
        chosen = {label for label, h in hits.items() if h >= min_hits}
        out.append(chosen or {OTHER})
    return out


def description_baseline(embedded: EmbeddedDocs, catalogue: Catalogue, cache: EmbeddingCache, floor: float = 0.3) -> list[set[str]]:
    """The single label whose "label: description" is most similar to the document's mean vector."""
    anchors = cache.encode([f"{n.label}: {n.description}" for n in catalogue.narratives])
    out = []
    for v in embedded.vectors:
        mean = v.mean(axis=0)
        sims = anchors @ (mean / (np.linalg.norm(mean) + 1e-9))
        best = int(np.argmax(sims))
        out.append({catalogue.narratives[best].label} if sims[best] >= floor else {OTHER})
    return out


def prototype_zero_shot(embedded: EmbeddedDocs, catalogue: Catalogue, protos: Prototypes,
                        params: ClassifierParams | None = None) -> list[set[str]]:
    """Our untrained exemplar classifier: a document carries every narrative found in one of its passages (with the
    default decision parameters unless `params` is given)."""
    params = params or ClassifierParams()
    out = []
    for texts, vectors in zip(embedded.passages, embedded.vectors, strict=True):
        found = classify(vectors, texts, catalogue, protos, params)
        out.append({catalogue.narratives[catalogue.ids.index(a.narrative_id)].label for f in found for a in f} or {OTHER})
    return out


def evaluate(
    root: Path, embedder: Embedder, catalogue: Catalogue, language: str | None = None, folds: int = 5,
    cache_path: Path | None = None, train_other_languages: bool = False, repeats: int = 3,
) -> list[dict]:
    """One result per language folder under `root` (or `root` itself)."""
    semeval = catalogue.only(SEMEVAL_FAMILIES)
    labels = [n.label for n in semeval.narratives] + [OTHER]
    dirs = [d for d in language_dirs(root) if language is None or d.name.upper() == language.upper()]
    if not dirs:
        raise FileNotFoundError(f"{root}: no SemEval subtask-2 folder" + (f" for language {language}" if language else ""))
    cache = EmbeddingCache(embedder, cache_path)
    try:
        embedded = {d.name: embed_documents(read_annotated(d), cache) for d in dirs}
        protos = build_prototypes(semeval, cache.encode)
        results = []
        for name, data in embedded.items():
            gold = data.gold
            extra = None
            if train_other_languages and len(embedded) > 1:
                others = [e for n, e in embedded.items() if n != name]
                extra = (np.vstack([e.features(protos) for e in others]), [g for e in others for g in e.gold])
            features = data.features(protos)
            # CV on 200 documents moves by about ±0.02 with the fold split, so the split is repeated.
            predictions = [cross_validate(features, gold, labels, folds=folds, seed=seed, extra=extra)
                           for seed in range(repeats)]
            runs = [scores(gold, p, labels) for p in predictions]
            # each document's F1 averaged over the splits, then resampled: the interval of the repeated-CV figure
            per_document = np.mean([document_f1(gold, p) for p in predictions], axis=0)
            exemplar = prototype_zero_shot(data, semeval, protos)
            results.append({
                "language": name,
                "documents": len(data.docs),
                "passages": sum(len(p) for p in data.passages),
                "model_id": embedder.model_id,
                "classifier_cv": {
                    "f1_samples": round(float(np.mean([r["f1_samples"] for r in runs])), 4),
                    "macro_f1": round(float(np.mean([r["macro_f1"] for r in runs])), 4),
                    "f1_samples_per_split": [r["f1_samples"] for r in runs],
                    "f1_samples_narrative_articles": round(float(np.mean([r["f1_samples_narrative_articles"] for r in runs])), 4),
                    "narrative_pairs": {k: round(float(np.mean([r["narrative_pairs"][k] for r in runs])), 4)
                                        for k in ("precision", "recall", "f1")},
                    "f1_samples_95ci": bootstrap_interval(per_document),
                    "folds": folds, "repeats": repeats,
                    "recipe": "logreg on mean+max passage vectors + exemplar similarities, rule tuned by inner CV",
                },
                "prototypes_zero_shot": scores_with_interval(gold, exemplar, labels),
                "baseline_keywords": scores(gold, keyword_baseline(data.docs, semeval), labels),
                "baseline_description_cosine": scores(gold, description_baseline(data, semeval, cache), labels),
                "baseline_all_other": all_other_baseline(gold, labels),
            })
            log.info("%s: %s", name, results[-1])
        return results
    finally:
        cache.close()


def fit_semeval_head(docs: list[LabelledDocument], embedder: Embedder, catalogue: Catalogue, cache: EmbeddingCache,
                     embedded: EmbeddedDocs | None = None) -> DocumentHead:
    """The shipped recipe, as `radar narratives fit` writes it: the head the pipeline loads (`embedded`: `docs`
    already embedded)."""
    semeval = catalogue.only(SEMEVAL_FAMILIES)
    labels = [n.label for n in semeval.narratives] + [OTHER]
    embedded = embedded or embed_documents(docs, cache)
    protos = build_prototypes(semeval, cache.encode)
    head = fit_head(embedded.features(protos), embedded.gold, labels, fingerprint=fingerprint(docs))
    head.catalog_hash, head.model_id, head.families = semeval.hash, embedder.model_id, SEMEVAL_FAMILIES
    return head


def head_passage_memory(embedded: EmbeddedDocs, head: DocumentHead, catalogue: Catalogue, cache: EmbeddingCache,
                        share: float = 1.0) -> PassageMemory:
    """The head's training passages (as it was fitted on them) with their articles' narrative labels (Other left
    out), for discovery; below `share` 1, each label only on that share of its article's passages most like the
    label's exemplars (`PassageMemory.attributed`)."""
    labels = [lab for lab in head.labels if lab != OTHER]
    if share >= 1:
        return PassageMemory.of_documents(embedded.vectors, embedded.gold, labels, head.model_id or "")
    semeval = catalogue.only(SEMEVAL_FAMILIES)
    exemplars = claim_vectors_by_label(semeval, build_prototypes(semeval, cache.encode))
    return PassageMemory.attributed(embedded.vectors, embedded.gold, labels, exemplars, share, head.model_id or "")


def evaluate_train_test(
    train: Path, test: Path, embedder: Embedder, catalogue: Catalogue, language: str | None = None,
    cache_path: Path | None = None,
) -> dict:
    """Fit the head on the `train` folder and score it, the exemplar classifier and both baselines on `test`."""
    semeval = catalogue.only(SEMEVAL_FAMILIES)
    labels = [n.label for n in semeval.narratives] + [OTHER]

    def folders(root: Path) -> list[Path]:
        dirs = [d for d in language_dirs(root) if language is None or d.name.upper() == language.upper()
                or root == d]
        if not dirs:
            raise FileNotFoundError(f"{root}: no SemEval subtask-2 folder" + (f" for language {language}" if language else ""))
        return dirs

    train_docs = [doc for d in folders(train) for doc in read_annotated(d, language)]
    test_docs = [doc for d in folders(test) for doc in read_annotated(d, language)]
    cache = EmbeddingCache(embedder, cache_path)
    try:
        head = fit_semeval_head(train_docs, embedder, catalogue, cache)
        data = embed_documents(test_docs, cache)
        protos = build_prototypes(semeval, cache.encode)
        predicted, _ = label_documents(head, data.vectors, protos)
        gold = data.gold
        exemplar = prototype_zero_shot(data, semeval, protos)
        gain = [a - b for a, b in zip(document_f1(gold, predicted), document_f1(gold, exemplar), strict=True)]
        result = {
            "language": language or test.name,
            "train_documents": len(train_docs),
            "documents": len(test_docs),
            "passages": sum(len(p) for p in data.passages),
            "model_id": embedder.model_id,
            "classifier": scores_with_interval(gold, predicted, labels) | {
                "minus_exemplar_classifier": {"f1_samples": round(float(np.mean(gain)), 4) if gain else 0.0,
                                              "95ci": bootstrap_interval(gain)},
                "protocol": "fit on train, scored on test",
                "head_fingerprint": head.fingerprint,
                "training_fingerprint": head.training_fingerprint,
                "rule": vars(head.rule),
                "recipe": "logreg on mean+max passage vectors + exemplar similarities, rule tuned by inner CV",
            },
            "prototypes_zero_shot": scores_with_interval(gold, exemplar, labels),
            "baseline_keywords": scores(gold, keyword_baseline(data.docs, semeval), labels),
            "baseline_description_cosine": scores(gold, description_baseline(data, semeval, cache), labels),
            "baseline_all_other": all_other_baseline(gold, labels),
            "predictions": {d.doc_id: sorted(p) for d, p in zip(test_docs, predicted, strict=True)},
        }
        log.info("train/test %s: %s", result["language"], {k: v for k, v in result.items() if k != "predictions"})
        return result
    finally:
        cache.close()
