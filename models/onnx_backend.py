"""The sentence-transformers model exported to ONNX (optionally int8-quantised) and run with onnxruntime.

Exported from the local weights on first use (nothing is downloaded) into a cache folder, once per model and
variant; later processes, Dask workers included, load the file. Only mean-pooled, normalised models (the
MiniLM family) are supported: the pooling is redone here exactly as sentence-transformers does it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

BACKENDS = ("torch", "onnx", "onnx-int8")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxBackendError(RuntimeError):
    """The model cannot be exported or run with onnxruntime (missing package, unsupported pooling)."""


def exported_path(model_id: str, backend: str, cache_dir: Path) -> Path:
    return cache_dir / f"{re.sub(r'[^A-Za-z0-9._-]+', '_', model_id)}-{backend}.onnx"


def _check_pooling(model_ref: Path) -> None:
    pooling = model_ref / "1_Pooling" / "config.json"
    if pooling.exists() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", False):
        raise OnnxBackendError(f"{model_ref}: only mean-pooling models can run on the ONNX backend")


def export(model_ref: str, backend: str, target: Path) -> Path:
    """Export the transformer of `model_ref` (a local folder) to `target`, quantised to int8 for `onnx-int8`."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = Path(model_ref)
    if not folder.is_dir():
        raise OnnxBackendError(f"{model_ref}: the ONNX backend needs the model as a local folder")
    _check_pooling(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()

    class LastHiddenState(torch.nn.Module):  # keyword arguments: transformers 5 reordered forward()'s parameters
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    sample = tokenizer(["an example sentence", "another one, a little longer"], padding=True, return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                LastHiddenState(), tuple(sample[k] for k in _INPUTS), str(fp32), input_names=list(_INPUTS),
                output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")},
            )
        result = fp32
        if backend == "onnx-int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            result = Path(tmp) / "model-int8.onnx"
            quantize_dynamic(str(fp32), str(result), weight_type=QuantType.QInt8)
        os.replace(result, target)  # atomic: a concurrent process sees no file or a whole one
    log.info("exported %s to %s (%s)", model_ref, target, backend)
    return target


class OnnxEncoder:
    """Unit-normalised mean-pooled sentence vectors from an exported model, like `SentenceTransformer.encode`."""

    def __init__(self, model_ref: str, model_id: str, backend: str, cache_dir: Path, threads: int = 0) -> None:
        try:
            import onnxruntime as ort
            from transformers import AutoTokenizer
        except ImportError as exc:
            raise OnnxBackendError(f"the {backend} backend needs onnxruntime: {exc}") from exc
        path = exported_path(model_id, backend, cache_dir)
        if not path.exists():
            export(model_ref, backend, path)
        folder = Path(model_ref)
        config = folder / "sentence_bert_config.json"
        self.max_length = int(json.loads(config.read_text()).get("max_seq_length", 256)) if config.exists() else 256
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")  # similar lengths share a batch: less padding
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            batch = self.tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=self.max_length,
                                   return_tensors="np")
            hidden = self.session.run(None, {k: batch[k].astype(np.int64) for k in _INPUTS})[0]
            mask = batch["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            out[idx] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out
