"""Weekly bifurcation of the camps, recomputed from the labels and written to its two tables."""

from __future__ import annotations

import logging

from models.bifurcation import BifurcationParams, Label, weekly_bifurcation
from warehouse.db import load_sql
from warehouse.writer import Writer

log = logging.getLogger(__name__)


def compute_bifurcation(writer: Writer, params: BifurcationParams | None = None) -> tuple[int, int]:
    """Recompute every week (deterministic, so re-running writes the same rows); returns (weeks, crossings)."""
    with writer.transaction() as con:
        rows = con.execute(load_sql("queries/bifurcation_labels")).fetchall()
        camps = dict(con.execute("SELECT source_id, camp FROM sources").fetchall())
    labels = [Label(*row) for row in rows]
    weeks, alignments = weekly_bifurcation(labels, camps, params or BifurcationParams())
    with writer.transaction() as con:
        con.execute("DELETE FROM bifurcation_weekly")
        con.execute("DELETE FROM outlet_alignment_weekly")
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
