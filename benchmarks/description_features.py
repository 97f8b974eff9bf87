"""The organisers' narrative descriptions as extra prototypes for the document head. `narrative-descriptions/` in
the SemEval-2025 T10 fixtures holds hand-written example sentences per narrative and subnarrative (fau-klue); they
are read from that path (never copied) and embedded with the configured encoder. Features per narrative: the max
and mean over the article's passages of the mean of its two highest cosines to the narrative's sentences (as the
catalogue's exemplars give today), and optionally per subnarrative the max over passages of the highest cosine.
Judged by repeated cross-validation on the training part only; the held-out part is scored once, after the choice.

    .venv/bin/python benchmarks/description_features.py --train /tmp/semeval-split/train/EN \
        --test /tmp/semeval-split/test/EN [--cache /tmp/semeval-vectors.duckdb] [--seeds 3] [--first-seed 0]

Variant "none" is the shipped recipe itself (fit_head: inner 5 folds x 3 splits for the decision rule, C = 10).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from head_candidates import cv_score, cv_seeds, head_recipe, load_split, split_arguments, summary

import flows  # noqa: F401  (environment defaults)
from flows.settings import Settings
from models.doc_head import PROTOTYPE_SCALE
from models.evaluation import EmbeddingCache
from models.semeval import f1_samples

DESCRIPTIONS = Path(__file__).resolve().parents[2] / "shared/fixtures/narratives/semeval2025-task10/narrative-descriptions"
FILES = {"URW": "Narrative_Description_War_in_Ukraine-sentences.tsv", "CC": "Narrative_Description_ClimateChange-sentences.tsv"}


def description_sentences(folder: Path, labels: list[str]) -> list[tuple[str, str, str]]:
    """(our label, subnarrative, sentence) for every description row whose narrative is one of `labels`."""
    by_name = {label.lower(): label for label in labels}
    out = []
    for prefix, name in FILES.items():
        with (folder / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if len(row) < 3 or row[0].strip() == "Narrative" or not row[2].strip():
                    continue
                label = by_name.get(f"{prefix}: {' '.join(row[0].split())}".lower())
                if label:
                    out.append((label, f"{label}: {' '.join(row[1].split())}", " ".join(row[2].split())))
    return out


def features(vectors: list[np.ndarray], sentence_vectors: np.ndarray, owners: np.ndarray, n_owners: int,
             top2: bool) -> np.ndarray:
    rows = []
    for v in vectors:
        sims = v @ sentence_vectors.T
        per = np.zeros((len(v), n_owners), dtype=np.float32)
        for j in range(n_owners):
            s = np.sort(sims[:, owners == j], axis=1)
            per[:, j] = s[:, -2:].mean(axis=1) if top2 else s[:, -1]
        rows.append(np.concatenate([per.max(axis=0), per.mean(axis=0)]) if top2 else per.max(axis=0))
    return PROTOTYPE_SCALE * np.stack(rows)


def main() -> None:
    parser = split_arguments(__doc__.splitlines()[0])
    parser.add_argument("--descriptions", type=Path, default=DESCRIPTIONS)
    parser.add_argument("--variants", nargs="*", default=["none", "narrative", "narrative+sub"])
    args = parser.parse_args()
    train, test, labels, Xtr, Xte = load_split(args.train, args.test, args.cache)
    rows = description_sentences(args.descriptions, labels)
    cache = EmbeddingCache(Settings().embedder(), args.cache)
    sv = cache.encode([r[2] for r in rows])
    narr = sorted({r[0] for r in rows})
    subs = sorted({r[1] for r in rows})
    narr_owner = np.array([narr.index(r[0]) for r in rows])
    sub_owner = np.array([subs.index(r[1]) for r in rows])
    blocks = {
        "narrative": lambda docs: features(docs.vectors, sv, narr_owner, len(narr), True),
        "sub": lambda docs: features(docs.vectors, sv, sub_owner, len(subs), False),
    }
    print(json.dumps({"sentences": len(rows), "narratives": len(narr), "subnarratives": len(subs)}), flush=True)
    recipe = head_recipe()
    for variant in args.variants:
        parts = [] if variant == "none" else variant.split("+")
        A = np.hstack([Xtr, *[blocks[p](train) for p in parts]])
        B = np.hstack([Xte, *[blocks[p](test) for p in parts]])
        cv = cv_score(recipe, A, train.gold, labels, cv_seeds(args))
        row = {"variant": variant}
        if args.held_out:
            row["held_out"] = round(f1_samples(test.gold, recipe(A, train.gold, labels, 0)(B)), 4)
        print(summary(row, cv), flush=True)


if __name__ == "__main__":
    main()
