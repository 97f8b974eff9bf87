"""Scale-out: the ingest flow on a local Dask cluster of two worker processes gives the same warehouse as threads."""

from __future__ import annotations

import duckdb
import pytest
from test_kill_and_rerun import OUTLETS, demo_sources, serve_slow_corpus

from flows.ingest import configured_ingest

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
    # two outlets are enough to compare the runners; all four cost a minute more of encoding
    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0), outlets=OUTLETS[:2])
    threads_db, dask_db = tmp_path / "threads.duckdb", tmp_path / "dask.duckdb"
    configured_ingest(settings)(str(sources), str(threads_db), settings=settings, embedder=embedder)
    dask_settings = settings.model_copy(update={"task_runner": "dask", "dask_workers": 2, "db": dask_db})
    result = configured_ingest(dask_settings)(str(sources), str(dask_db), settings=dask_settings)
    expected = counts(threads_db)
    assert expected["articles"] > 60 and expected["vectors"] == expected["texts"] and expected["labels"] > 0
    assert counts(dask_db) == expected
    assert result["embedded"] == expected["texts"]


def deployed_flow(name: str = "daily-ingest"):
    """The flow object a prefect.yaml deployment's entrypoint names, loaded the way a worker loads it."""
    import yaml
    from conftest import ROOT
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    entrypoint = next(d["entrypoint"] for d in spec["deployments"] if d["name"] == name)
    return load_flow_from_entrypoint(str(ROOT / entrypoint))


def test_deployed_flow_runner_follows_thread_settings(monkeypatch):
    monkeypatch.setenv("RADAR_TASK_RUNNER", "threads")
    monkeypatch.setenv("RADAR_CONCURRENCY", "3")
    runner = deployed_flow().task_runner.duplicate()  # what Prefect enters for each run
    assert type(runner).__name__ == "ThreadPoolTaskRunner" and runner._max_workers == 3


@pytest.mark.slow
def test_deployed_flow_runs_on_dask_workers_when_settings_say_so(httpserver, tmp_path, monkeypatch):
    from distributed import Client, LocalCluster, get_task_stream

    sources = demo_sources(tmp_path, serve_slow_corpus(httpserver, delay=0))
    flow = deployed_flow()
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        monkeypatch.setenv("RADAR_TASK_RUNNER", "dask")
        monkeypatch.setenv("RADAR_DASK_ADDRESS", cluster.scheduler_address)
        with get_task_stream(client) as stream:
            result = flow(sources_path=str(sources), db_path=str(tmp_path / "dask.duckdb"), classify=False)
        worker_addresses = set(client.scheduler_info()["workers"])
    ran_on = {t["worker"] for t in stream.data}
    assert ran_on == worker_addresses  # every task ran in the cluster's worker process, none in this one
    assert len(stream.data) == result["feeds"] == len(OUTLETS)
    assert result["new_articles"] > 150
