"""The SemEval annotators' explanations as extra claim exemplars of the exemplar (passage) classifier. Measured, not
shipped.

    .venv/bin/python benchmarks/explanation_exemplars.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb]

The organisers' `subtask-3-annotations.txt` (read from the shared fixtures, never copied) gives, for some English
training articles, a free-text explanation of why the article carries its dominant narrative. Only the explanations of
the training part's articles join the catalogue, each as a claim exemplar of its narrative; nothing is tuned. Printed:
the classifier as `radar eval semeval` scores it (an article carries every narrative its passages are assigned),
F1-samples with 95% bootstrap intervals and the paired difference, on the training part (in-sample: its own
explanations are exemplars) and on the held-out part; and per narrative the share of carrying held-out articles in
which some passage gets the narrative at the discovery candidate bar 0.55, with the article-narrative pairs named.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from narrative_bars import paired_comparison

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.catalogue import Catalogue, load_catalogue
from models.evaluation import SEMEVAL_FAMILIES, EmbeddedDocs, EmbeddingCache, embed_documents, prototype_zero_shot
from models.narratives import ClassifierParams, Prototypes, build_prototypes, classify
from models.semeval import read_annotated

ANNOTATIONS = (Path(__file__).resolve().parents[2] / "shared/fixtures/narratives/semeval2025-task10/data/train_data/EN"
               / "subtask-3-annotations.txt")
BAR = 0.55


def explanations(path: Path, documents: set[str]) -> dict[str, list[str]]:
    """{coarse narrative label: explanations} for the given documents (file names)."""
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if len(row) >= 4 and row[0] in documents and row[3].strip():
                out.setdefault(row[1].strip(), []).append(row[3].strip())
    return out


def with_claims(catalogue: Catalogue, extra: dict[str, list[str]]) -> Catalogue:
    """The catalogue with `extra` ({narrative id: sentences}) appended to each narrative's claims."""
    unknown = set(extra) - set(catalogue.ids)
    if unknown:
        raise KeyError(f"not in the catalogue: {sorted(unknown)}")
    return Catalogue(tuple(replace(n, claims=(*n.claims, *extra.get(n.narrative_id, ()))) for n in catalogue.narratives))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    semeval = load_catalogue(settings.narratives).only(SEMEVAL_FAMILIES)
    cache = EmbeddingCache(settings.embedder(), args.cache)
    train_docs, test_docs = read_annotated(args.train), read_annotated(args.test)
    extra = explanations(ANNOTATIONS, {Path(d.doc_id).name for d in train_docs})
    print(json.dumps({"explanations": {k: len(v) for k, v in sorted(extra.items())}}), flush=True)
    ids = {n.label: n.narrative_id for n in semeval.narratives}
    enriched = with_claims(semeval, {ids[label]: texts for label, texts in extra.items() if label in ids})
    train, test = embed_documents(train_docs, cache), embed_documents(test_docs, cache)
    params = ClassifierParams()
    protos = {"shipped": build_prototypes(semeval, cache.encode), "explanations": build_prototypes(enriched, cache.encode)}
    catalogues = {"shipped": semeval, "explanations": enriched}
    for name, part in (("train (in-sample)", train), ("held-out", test)):
        before, after = (prototype_zero_shot(part, catalogues[k], protos[k], params) for k in ("shipped", "explanations"))
        print(json.dumps(paired_comparison(name, part.gold, before, after, ("shipped", "with_explanations"))), flush=True)
    recall, pairs = naming_recall(test, semeval, catalogues, protos, params)
    print(json.dumps({"held_out_article_recall_at_0.55": recall, "pairs_named": pairs}), flush=True)


def naming_recall(data: EmbeddedDocs, semeval: Catalogue, catalogues: dict[str, Catalogue], protos: dict[str, Prototypes],
                  params: ClassifierParams) -> tuple[dict, dict]:
    """Per narrative, the share of the articles carrying it in which some passage gets it at BAR, under each
    catalogue; and the article-narrative pairs so named, of all carrying pairs."""
    recall: dict[str, dict] = {}
    pairs = {key: 0 for key in catalogues} | {"of": 0}
    for key, cat in catalogues.items():
        named = []
        for texts, vectors in zip(data.passages, data.vectors, strict=True):
            found = classify(vectors, texts, cat, protos[key], params)
            named.append({cat.narratives[cat.ids.index(a.narrative_id)].label for f in found for a in f if a.score >= BAR})
        for n in semeval.narratives:
            carrying = [i for i, g in enumerate(data.gold) if n.label in g]
            if carrying:
                hits = sum(n.label in named[i] for i in carrying)
                recall.setdefault(n.label, {"carrying": len(carrying)})[key] = round(hits / len(carrying), 2)
                pairs[key] += hits
    pairs["of"] = sum(r["carrying"] for r in recall.values())
    return recall, pairs

if __name__ == "__main__":
    main()
