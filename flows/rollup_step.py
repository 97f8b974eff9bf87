"""Which days need re-analysis, and the rollups behind the trend views."""

from __future__ import annotations

import logging
from datetime import date, datetime

from warehouse.db import load_sql, run_script
from warehouse.writer import Writer

log = logging.getLogger(__name__)
ROLLUPS = ("narrative_daily", "narrative_camp_daily", "narrative_outlet_weekly")


def first_changed_day(writer: Writer) -> date | None:
    """Earliest publication day classified since the last analysis (None: nothing new)."""
    with writer.transaction() as con:
        row = con.execute(load_sql("queries/first_changed_day")).fetchone()
    return row[0] if row else None


def mark_analyzed(writer: Writer, until: datetime) -> None:
    with writer.transaction() as con:
        con.execute(load_sql("queries/mark_analyzed_until"), {"until": until})


def refresh_rollups(writer: Writer, since: date) -> None:
    """Recompute the trend rollups for every day from `since` on (its whole week for the weekly one)."""
    with writer.transaction() as con:
        for name in ROLLUPS:
            run_script(con, f"rollups/{name}", {"since": since})
    log.info("trend rollups refreshed from %s", since)
