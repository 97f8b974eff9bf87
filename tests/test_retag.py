"""Re-tagging an outlet's camp in the sources file recomputes its whole history under the new camp."""

from __future__ import annotations

import duckdb
import pytest
from test_alerts import SPIKE_DAY, seed

from extractors.records import Source
from flows.analyze import analyze
from flows.settings import Settings
from warehouse import store

pytestmark = pytest.mark.usefixtures("prefect_backend")


def camps(db) -> tuple[set, set]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rollup = {c for (c,) in con.execute("SELECT DISTINCT camp FROM narrative_camp_daily").fetchall()}
        spikes = {c for (c,) in con.execute("SELECT DISTINCT camp FROM alerts WHERE day = ? AND camp <> '*'",
                                            [SPIKE_DAY]).fetchall()}
        return rollup, spikes
    finally:
        con.close()


def test_a_camp_change_is_applied_to_every_day_on_the_next_analysis(db_path):
    writer = seed(db_path)  # one outlet, 's1', china_friendly, 40 days with a spike
    settings = Settings(db=db_path)
    analyze(db_path=str(db_path), settings=settings)
    assert camps(db_path) == ({"china_friendly"}, {"china_friendly"})
    outlet = Source(name="Outlet One", feed_url="http://127.0.0.1/a", camp="russia_friendly", language="en",
                    homepage="http://127.0.0.1/", fixed_id="s1")
    with writer.transaction() as con:
        assert store.upsert_sources(con, [outlet]) == [("Outlet One", "china_friendly", None, "russia_friendly", None)]
    analyze(db_path=str(db_path), settings=settings)
    rollup, spikes = camps(db_path)
    assert rollup == {"russia_friendly"}  # every day of the camp series, not only days classified since
    assert spikes == {"china_friendly", "russia_friendly"}  # the spike is found in its new camp's series too
    with writer.transaction() as con:  # unchanged tags: nothing to redo
        assert store.upsert_sources(con, [outlet]) == []
        assert con.execute("SELECT count(*) FROM analysis_state WHERE name = 'analyzed_until'").fetchone()[0] == 1
