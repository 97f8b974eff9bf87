"""Shared fixtures: a migrated DuckDB file, a local HTTP server with recorded feeds, fast fetch limits."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

import flows  # noqa: F401  (sets Prefect's environment defaults before prefect is imported)
from extractors.http import Fetcher, FetchLimits
from flows.settings import Settings

# Every test server listens on 127.0.0.1, which the fetcher refuses by default: the suite allows loopback here, in
# the environment, so Settings() and subprocesses built from os.environ see it too. Policy tests use their own.
LOOPBACK = "127.0.0.0/8,[::1]"
os.environ["RADAR_FETCH_ALLOW"] = LOOPBACK

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "radar.duckdb"


@pytest.fixture
def fast_limits() -> FetchLimits:
    """Short timeouts and backoff so failure tests stay quick."""
    return FetchLimits(connect_timeout=2, read_timeout=1.5, total_timeout=5, retries=1, backoff_seconds=0.05,
                       max_bytes=5 * 1024 * 1024, per_host=4, allow=tuple(LOOPBACK.split(",")))


@pytest.fixture
def fetcher(fast_limits: FetchLimits):
    with Fetcher(fast_limits) as f:
        yield f


@pytest.fixture
def settings(db_path: Path, fast_limits: FetchLimits) -> Settings:
    return Settings(
        db=db_path,
        concurrency=4,
        fetch_connect_timeout=fast_limits.connect_timeout,
        fetch_read_timeout=fast_limits.read_timeout,
        fetch_total_timeout=fast_limits.total_timeout,
        fetch_retries=fast_limits.retries,
        fetch_backoff_seconds=fast_limits.backoff_seconds,
        fetch_per_host=fast_limits.per_host,
        demo_port=0,
    )


@pytest.fixture(autouse=True)
def _quiet_libraries():
    for name in ("httpx", "httpcore", "trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def semeval_vector_cache(tmp_path_factory) -> Path:
    """One vector cache for every real-text world of the session (benchmarks/worlds/realworld.py share_vectors): each SemEval
    passage and exemplar is encoded once however many worlds and modules use it."""
    return tmp_path_factory.mktemp("semeval-vectors") / "vectors.duckdb"


@pytest.fixture(scope="session")
def prefect_backend():
    """One temporary Prefect server and database for the session; only flow tests ask for it."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 model, loaded once per session."""
    from models.embedder import Embedder

    model = Embedder()
    model.encode(["warm-up"])
    return model


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, prefect_backend):
    """`radar demo` run once for the session: (the warehouse, the command's output). About 5 minutes."""
    from typer.testing import CliRunner

    from flows.cli import app

    db = tmp_path_factory.mktemp("demo") / "radar.duckdb"
    # No allow-list from the suite: the demo must admit its own server, and only that, by itself.
    result = CliRunner().invoke(app, ["demo", "--db", str(db)], env={"RADAR_DEMO_PORT": "0", "RADAR_FETCH_ALLOW": ""})
    assert result.exit_code == 0, result.output
    return db, result.output


@pytest.fixture(scope="session")
def rhythm_library(tmp_path_factory, prefect_backend, semeval_vector_cache):
    """Every SemEval and filler document run once through the real flow (benchmarks/worlds/spike_replay.py), under
    `workdir / "library"` as `python -m benchmarks.rhythms --workdir workdir` keeps it: (workdir, docs, filler,
    labels by doc id, settings). Shared by the spike-rhythm tests and the benchmark's smoke test."""
    from benchmarks.worlds import realworld, spike_replay
    from flows.settings import Settings

    workdir = tmp_path_factory.mktemp("rhythms")
    docs, filler = realworld.load_docs(), realworld.load_filler()
    settings = Settings(concurrency=4, fetch_retries=0)
    labels = spike_replay.library_labels(docs + filler, workdir / "library", settings, semeval_vector_cache)
    return workdir, docs, filler, labels, settings


def pytest_addoption(parser):
    parser.addoption("--long-benchmarks", action="store_true",
                     help="also run the benchmark smoke tests that take minutes (real-text worlds through the real flow)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--long-benchmarks"):
        return
    skip = pytest.mark.skip(reason="a benchmark smoke test that takes minutes: run with --long-benchmarks")
    for item in items:
        if "long_benchmark" in item.keywords:
            item.add_marker(skip)
