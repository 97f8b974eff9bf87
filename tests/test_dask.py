"""Scale-out: the ingest flow on a local Dask cluster of two worker processes gives the same warehouse as threads."""

from __future__ import annotations

import duckdb
import pytest

from flows.ingest import configured_ingest
from test_kill_and_rerun import demo_sources, serve_slow_corpus

pytestmark = pytest.mark.usefixtures("prefect_backend")

QUERIES = {
    "articles": "SELECT count(*) FROM articles",
    "passages": "SELECT count(*) FROM passages",
    "vectors": "SELECT count(*) FROM embeddings",
    "texts": "SELECT count(DISTINCT text_hash) FROM passages",
    "classified": "SELECT count(*) FROM passage_classifications",
    "labels": "SELECT count(*) FROM passage_narratives",
}


def counts(db) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {k: con.execute(q).fetchone()[0] for k, q in QUERIES.items()}
    finally:
        con.close()


@pytest.mark.slow
def test_dask_cluster_run_matches_thread_run(httpserver, tmp_path, settings, embedder):
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0))
    threads_db, dask_db = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    configured_ingest(settings)(str(sources), str(threads_db), settings=settings, embedder=embedder)
    dask_settings = settings.model_copy(update={"task_runner": "dask", "dask_workers": 2, "db": dask_db})
    result = configured_ingest(dask_settings)(str(sources), str(dask_db), settings=dask_settings)
    expected = counts(threads_db)
    assert expected["articles"] > 150 and expected["vectors"] == expected["texts"]
    assert counts(dask_db) == expected
    assert result["embedded"] == expected["texts"]
