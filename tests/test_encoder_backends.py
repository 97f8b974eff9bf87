"""The optional ONNX encoder backends: exported from the packaged weights on first use, their own model id, vectors
close to the torch model's (the F1 per backend comes from benchmarks/encoder_backends.py)."""

from __future__ import annotations

import numpy as np
import pytest

from flows.settings import Settings
from models.onnx_backend import exported_path

pytestmark = pytest.mark.slow

SENTENCES = [
    "Washington and Moscow are finally normalising relations, and the thaw brings sanctions relief.",
    "Europe deindustrialised itself with sanctions on Russian gas.",
    "Climate policies are a hoax designed to control the population.",
    "Beijing should negotiate with the United States before tariffs rise again.",
    "Short.",
]


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx")


@pytest.mark.parametrize(("backend", "floor"), [("onnx", 0.999), ("onnx-int8", 0.85)])
def test_onnx_backend_is_exported_once_and_encodes_like_the_torch_model(embedder, onnx_dir, backend, floor):
    settings = Settings(encoder_backend=backend, onnx_dir=onnx_dir)
    model = settings.embedder()
    assert model.model_id == f"{embedder.model_id}+{backend}"  # its vectors are stored under their own id
    vectors = model.encode(SENTENCES)
    path = exported_path(embedder.model_id, backend, onnx_dir)
    assert path.exists()
    exported_at = path.stat().st_mtime_ns

    reference = embedder.encode(SENTENCES)
    assert vectors.shape == reference.shape and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() >= floor
    if backend == "onnx":  # the same computation in fp32: every similarity ranking is the torch model's
        np.testing.assert_array_equal(np.argsort(vectors @ vectors.T, axis=1), np.argsort(reference @ reference.T, axis=1))

    again = settings.embedder().encode(SENTENCES[:2])  # a new process-like embedder loads the file, no re-export
    assert path.stat().st_mtime_ns == exported_at
    if backend == "onnx":
        np.testing.assert_allclose(again, vectors[:2], atol=1e-5)
    else:  # int8 activations are quantised per batch: a text's vector depends a little on its batch-mates
        assert (again * vectors[:2]).sum(axis=1).min() >= 0.95
    assert model.encode([]).shape == (0, vectors.shape[1])
