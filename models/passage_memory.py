"""The labelled passages behind a fitted head, kept to tell discovery which passages the catalogue already covers.

A passage is *named* when most of its nearest labelled passages come from articles carrying one catalogued narrative:
the exemplar classifier leaves most passages of several SemEval narratives unlabelled (their wording is not the
exemplars'), so discovery found those narratives again as "emerging" (benchmarks/discovery_knn_rediscover.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


class PassageMemoryError(ValueError):
    """A passage memory file that cannot be read."""


@dataclass(frozen=True)
class PassageMemory:
    vectors: np.ndarray  # passages × dims, unit length
    carries: np.ndarray  # passages × labels: the passage's article carries the label
    labels: list[str]
    model_id: str

    @classmethod
    def of_documents(cls, passage_vectors: Sequence[np.ndarray], gold: Sequence[set[str]], labels: Sequence[str],
                     model_id: str) -> PassageMemory:
        vectors = np.vstack(passage_vectors).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        carries = np.array([[label in g for label in labels] for g, v in zip(gold, passage_vectors, strict=True)
                            for _ in range(len(v))], dtype=bool).reshape(len(vectors), len(labels))
        return cls(vectors, carries, list(labels), model_id)

    @classmethod
    def attributed(cls, passage_vectors: Sequence[np.ndarray], gold: Sequence[set[str]], labels: Sequence[str],
                   exemplars: dict[str, np.ndarray], share: float, model_id: str) -> PassageMemory:
        """Like `of_documents`, but an article's label is carried only by the `share` of its passages that resemble
        the label's exemplars most (at least one): articles carry several narratives, and a passage about one of them
        should not name the others."""
        memory = cls.of_documents(passage_vectors, gold, labels, model_id)
        carries = memory.carries.copy()
        start = 0
        for v in passage_vectors:
            rows = slice(start, start + len(v))
            start += len(v)
            unit_v = memory.vectors[rows]
            for j, label in enumerate(labels):
                if not carries[rows, j].any() or label not in exemplars:
                    continue
                sims = (unit_v @ exemplars[label].T).max(axis=1)
                keep = max(1, int(np.ceil(share * len(sims))))
                carries[rows, j] = sims >= np.sort(sims)[-keep]
        return cls(memory.vectors, carries, memory.labels, model_id)

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(self.vectors.tobytes())
        digest.update(self.carries.tobytes())
        digest.update("\0".join([*self.labels, self.model_id]).encode())
        return digest.hexdigest()[:16]

    def save(self, path: Path) -> None:
        with path.open("wb") as f:  # np.savez would append .npz to a name without it
            np.savez_compressed(f, vectors=self.vectors, carries=self.carries,
                                labels=np.array(self.labels), model_id=np.array(self.model_id))

    @classmethod
    def load(cls, path: Path) -> PassageMemory:
        try:
            with np.load(path, allow_pickle=False) as d:
                return cls(d["vectors"].astype(np.float32), d["carries"].astype(bool), [str(x) for x in d["labels"]],
                           str(d["model_id"]))
        except (OSError, ValueError, KeyError) as exc:
            raise PassageMemoryError(f"{path}: not a passage memory file ({exc})") from exc


def memory_path(head_path: Path) -> Path:
    """Where `radar narratives fit` writes the memory of the head at `head_path`."""
    return head_path.with_name(head_path.stem + ".passages.npz")


def label_shares(vectors: np.ndarray, memory: PassageMemory, k: int, min_similarity: float = -1.0,
                 groups: np.ndarray | None = None, memory_groups: np.ndarray | None = None,
                 chunk: int = 4096) -> np.ndarray:
    """Passages × memory labels: the share of each passage's `k` nearest memory passages that come from articles
    carrying the label, counting only neighbours at cosine `min_similarity` or more (a passage far from every labelled
    one scores 0). `groups` / `memory_groups` (benchmarks' out-of-fold use): a passage never sees memory passages of
    its own group."""
    out = np.zeros((len(vectors), memory.carries.shape[1]), dtype=np.float32)
    if not len(vectors) or not len(memory.vectors) or not memory.carries.shape[1]:
        return out
    k = min(k, len(memory.vectors))
    carries = memory.carries.astype(np.float32)
    for start in range(0, len(vectors), chunk):
        block = np.asarray(vectors[start:start + chunk], dtype=np.float32)
        sims = (block / (np.linalg.norm(block, axis=1, keepdims=True) + 1e-12)) @ memory.vectors.T
        if groups is not None and memory_groups is not None:
            sims[groups[start:start + chunk, None] == memory_groups[None, :]] = -np.inf
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        close = np.take_along_axis(sims, nearest, axis=1) >= min_similarity
        out[start:start + chunk] = (carries[nearest] * close[:, :, None]).mean(axis=1)
    return out


def neighbour_shares(vectors: np.ndarray, memory: PassageMemory, k: int, min_similarity: float = -1.0,
                     groups: np.ndarray | None = None, memory_groups: np.ndarray | None = None) -> np.ndarray:
    """Per passage: the largest of its `label_shares` (0 with no labels)."""
    shares = label_shares(vectors, memory, k, min_similarity, groups, memory_groups)
    return shares.max(axis=1) if shares.shape[1] else np.zeros(len(vectors), dtype=np.float32)


def named_by_neighbours(vectors: np.ndarray, memory: PassageMemory, k: int, share: float, min_similarity: float = -1.0,
                        groups: np.ndarray | None = None, memory_groups: np.ndarray | None = None) -> np.ndarray:
    """Per passage: whether its `neighbour_shares` reaches `share` (the passage counts as named)."""
    return neighbour_shares(vectors, memory, k, min_similarity, groups, memory_groups) >= share
