"""Weekly bifurcation of the camps, recomputed from the labels and written to its two tables."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from models.bifurcation import BifurcationParams, Label, weekly_bifurcation
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def compute_bifurcation(
    writer: Writer, params: BifurcationParams | None = None, since: date | None = None
) -> tuple[int, int]:
    """Recompute the weeks from `since`'s week on (all when None); deterministic, so re-running writes the
    same rows. Returns (weeks written, crossings among them)."""
    first_week = (since - timedelta(days=since.weekday())) if since else date(1970, 1, 5)
    first_iso = first_week.strftime("%G-W%V")
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/bifurcation_labels"), {"since": first_week}).fetchall()
        camps = dict(con.execute("SELECT source_id, camp FROM sources").fetchall())
        previous = dict(con.execute(load_sql("queries/previous_sides"), {"week": first_iso}).fetchall())
    labels = [Label(*row) for row in rows]
    weeks, alignments = weekly_bifurcation(labels, camps, params or BifurcationParams(), previous_sides=previous)
    with writer.transaction() as con:
        con.execute("DELETE FROM bifurcation_weekly WHERE week >= ?", [first_iso])
        con.execute("DELETE FROM outlet_alignment_weekly WHERE week >= ?", [first_iso])
        for w in weeks:
            con.execute(
                "INSERT INTO bifurcation_weekly VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [w.week, w.divergence, w.ci_low, w.ci_high, w.split_quality, w.n_outlets, w.excluded_outlets,
                 w.resistance_to_russia, w.resistance_to_china, w.n_articles_russia, w.n_articles_china],
            )
        for a in alignments:
            con.execute(
                "INSERT INTO outlet_alignment_weekly VALUES (?, ?, ?, ?, ?, ?, ?)",
                [a.week, a.source_id, a.side, a.distance_to_russia, a.distance_to_china, a.passages, a.crossed],
            )
    crossings = sum(a.crossed for a in alignments)
    log.info("bifurcation: %d weeks, %d outlet crossings", len(weeks), crossings)
    return len(weeks), crossings
