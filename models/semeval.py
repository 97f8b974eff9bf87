"""SemEval-2025 Task 10 subtask 2 data (narrative classification): reading and the organisers' measures."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

OTHER = "Other"


@dataclass(frozen=True)
class LabelledDocument:
    doc_id: str
    language: str
    text: str
    narratives: frozenset[str]  # coarse labels, e.g. "URW: Discrediting Ukraine", or {"Other"}


def _documents_dir(root: Path) -> Path:
    for name in ("raw-documents", "subtask-2-documents"):
        if (root / name).is_dir():
            return root / name
    raise FileNotFoundError(f"{root}: no raw-documents/ or subtask-2-documents/ folder")


def read_annotated(root: str | Path, language: str | None = None) -> list[LabelledDocument]:
    """Documents of one language folder with their coarse narratives from subtask-2-annotations.txt."""
    root = Path(root)
    annotations = root / "subtask-2-annotations.txt"
    if not annotations.is_file():
        raise FileNotFoundError(f"{root}: no subtask-2-annotations.txt")
    docs_dir = _documents_dir(root)
    lang = language or root.name
    out = []
    for line in annotations.read_text(encoding="utf-8").splitlines():
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2 or not parts[0].strip():
            continue
        path = docs_dir / parts[0].strip()
        if not path.is_file():
            continue
        labels = frozenset(label.strip() for label in parts[1].split(";") if label.strip()) or frozenset({OTHER})
        text = without_repeated_paragraphs(path.read_text(encoding="utf-8", errors="replace"))
        out.append(LabelledDocument(parts[0].strip(), lang, text, labels))
    return out


def without_repeated_paragraphs(text: str) -> str:
    """Drop a paragraph that repeats the one before it.

    The organisers' files often repeat the title as the first body paragraph; a web page carrying that text
    comes out of trafilatura with one copy, so the evaluation reads what the pipeline would store.
    """
    lines, previous = [], None
    for line in text.split("\n"):
        key = line.strip()
        if key and key == previous:
            continue
        if key:
            previous = key
        lines.append(line)
    return "\n".join(lines)


def language_dirs(root: str | Path) -> list[Path]:
    """`root` itself when it holds annotations, else its subfolders that do."""
    root = Path(root)
    if (root / "subtask-2-annotations.txt").is_file():
        return [root]
    return sorted(p for p in root.iterdir() if (p / "subtask-2-annotations.txt").is_file())


def document_f1(gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]]) -> list[float]:
    """F1 between the label sets of each document; an empty prediction counts as {Other}."""
    scores = []
    for g, p in zip(gold, predicted, strict=True):
        g, p = set(g) or {OTHER}, set(p) or {OTHER}
        tp = len(g & p)
        scores.append(0.0 if tp == 0 else 2 * tp / (len(g) + len(p)))
    return scores


def f1_samples(gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]]) -> float:
    """Per-document F1 between label sets, averaged over documents; an empty prediction counts as {Other}."""
    scores = document_f1(gold, predicted)
    return sum(scores) / len(scores) if scores else 0.0


def bootstrap_interval(values: Sequence[float], level: float = 0.95, resamples: int = 4000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-document values (documents resampled with replacement).

    On 50 held-out documents one document moves F1-samples by up to 0.02, so a figure is quoted with its interval;
    for a paired comparison pass the per-document differences of two systems on the same documents."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) == 0:
        return 0.0, 0.0
    means = v[np.random.default_rng(seed).integers(0, len(v), size=(resamples, len(v)))].mean(axis=1)
    tail = (1 - level) / 2
    return round(float(np.quantile(means, tail)), 4), round(float(np.quantile(means, 1 - tail)), 4)


def pair_scores(gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]]) -> dict[str, float]:
    """Precision, recall and F1 of the (document, narrative) pairs with Other left out: how well narratives are
    named, which F1-samples blurs (it scores Other as a label, and about half the English articles are Other)."""
    gold_sets, pred_sets = [set(g) - {OTHER} for g in gold], [set(p) - {OTHER} for p in predicted]
    tp = sum(len(g & p) for g, p in zip(gold_sets, pred_sets, strict=True))
    named, carried = sum(map(len, pred_sets)), sum(map(len, gold_sets))
    precision, recall = tp / max(named, 1), tp / max(carried, 1)
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / max(precision + recall, 1e-9), 4)}


def macro_f1(gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], labels: Iterable[str]) -> float:
    """F1 per label over documents, averaged over labels that occur in gold or predictions."""
    gold_sets = [set(g) or {OTHER} for g in gold]
    pred_sets = [set(p) or {OTHER} for p in predicted]
    values = []
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold_sets, pred_sets, strict=True))
        fp = sum(label not in g and label in p for g, p in zip(gold_sets, pred_sets, strict=True))
        fn = sum(label in g and label not in p for g, p in zip(gold_sets, pred_sets, strict=True))
        if tp + fp + fn:
            values.append(2 * tp / (2 * tp + fp + fn))
    return sum(values) / len(values) if values else 0.0


def fingerprint(docs: Sequence[LabelledDocument]) -> str:
    """Identifies the training data a fitted artefact came from (ids, labels and text hashes)."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: (d.language, d.doc_id)):
        h.update(f"{d.language}\t{d.doc_id}\t{';'.join(sorted(d.narratives))}\t".encode())
        h.update(hashlib.sha256(d.text.encode()).digest())
    return h.hexdigest()[:16]


HELD_OUT_FRACTION = 0.25


def held_out_names(names: Iterable[str], fraction: float = HELD_OUT_FRACTION) -> set[str]:
    """A fixed held-out part of a folder: the `fraction` of file names with the smallest SHA-256.

    Depends on the names only, so it never moves when the classifier changes; nothing is tuned on it.
    """
    ranked = sorted(set(names), key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    return set(ranked[: round(len(ranked) * fraction)])


def write_split(folder: str | Path, out: str | Path, fraction: float = HELD_OUT_FRACTION) -> tuple[Path, Path]:
    """Copy one annotated language folder into `out`/train/<LANG> and `out`/test/<LANG> in the organisers'
    layout (raw-documents/ and subtask-2-annotations.txt); the test part is `held_out_names`."""
    folder, out = Path(folder), Path(out)
    lines = [line for line in (folder / "subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines()
             if line.split("\t")[0].strip()]
    held_out = held_out_names([line.split("\t")[0].strip() for line in lines], fraction)
    docs_dir = _documents_dir(folder)
    parts = {}
    for part in ("train", "test"):
        target = out / part / folder.name
        (target / "raw-documents").mkdir(parents=True, exist_ok=True)
        chosen = [line for line in lines if (line.split("\t")[0].strip() in held_out) == (part == "test")]
        for line in chosen:
            name = line.split("\t")[0].strip()
            if (docs_dir / name).is_file():
                shutil.copyfile(docs_dir / name, target / "raw-documents" / name)
        (target / "subtask-2-annotations.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")
        parts[part] = target
    return parts["train"], parts["test"]
