"""Which days need re-analysis, and the rollups behind the trend views."""

from __future__ import annotations

import logging
from datetime import date, datetime

from warehouse.db import run_script
from warehouse.writer import Writer

log = logging.getLogger(__name__)
ROLLUPS = ("narrative_daily", "narrative_camp_daily", "narrative_outlet_weekly")


def first_changed_day(writer: Writer) -> date | None:
    """Earliest publication day classified since the last analysis (None: nothing new)."""
    with writer.transaction() as con:
        row = con.execute(
            "SELECT min(day) FROM passage_classifications WHERE day IS NOT NULL AND classified_at > "
            "coalesce((SELECT value FROM analysis_state WHERE name = 'analyzed_until'), TIMESTAMPTZ '1970-01-01')"
        ).fetchone()
    return row[0] if row else None


def mark_analyzed(writer: Writer, until: datetime) -> None:
    with writer.transaction() as con:
        con.execute("INSERT INTO analysis_state VALUES ('analyzed_until', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [until])


def refresh_rollups(writer: Writer, since: date) -> None:
    """Recompute the trend rollups for every day from `since` on (its whole week for the weekly one)."""
    with writer.transaction() as con:
        for name in ROLLUPS:
            run_script(con, f"rollups/{name}", {"since": since})
    log.info("trend rollups refreshed from %s", since)
