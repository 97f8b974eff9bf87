"""`radar narratives fit`, its judgments part: fit the judged classifiers, print each narrative's outcome and
held-out quality, then relabel history as `radar classify` does (docs/narratives.md, Learning from judgments)."""

from __future__ import annotations

from typing import Any

from flows.cli_tables import Layout
from flows.settings import Settings

QUALITY = Layout(
    units={"judgments": "judgments", "positives": "judgments", "negatives": "judgments", "held_out": "judgments"},
    note=("decided_by: judgments = a classifier fitted on them replaces the exemplar rule for that narrative; exemplars "
          "= the rule kept (too few judgments). judgments: those naming the narrative or answering a proposal of it; "
          "positives, negatives: of them, what the classifier learnt from (the training part); held_out: those "
          "measured (a fixed quarter of the texts, by hash); precision and recall with 95% Wilson intervals."),
)


def interval(value: Any, low: Any, high: Any) -> str | None:
    """'0.82 [0.70, 0.90]', or None when there is nothing to measure."""
    return None if value is None else f"{value:.2f} [{low:.2f}, {high:.2f}]"


def quality_rows(rows: list[dict[str, Any]], fits: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Table rows of quality dicts (models.judged.Quality.row or the narrative_quality table)."""
    out = []
    for r in rows:
        f = (fits or {}).get(r["narrative_id"])
        extra = (f.positives, f.negatives) if f is not None else ((None, None) if fits is not None else ())
        if not r["held_out"]:
            measured: tuple[Any, ...] = ("not yet judged" if not r["judgments"] else "none held out", None)
        else:
            measured = (interval(r["precision"], r["precision_low"], r["precision_high"]) or "n/a (none labelled)",
                        interval(r["recall"], r["recall_low"], r["recall_high"]) or "n/a (none judged it)")
        out.append((r["narrative_id"], r["decided_by"], r["judgments"], *extra, r["held_out"], *measured))
    return out


def fit_on_judgments(settings: Settings, relabel: bool = True) -> None:
    """Fit on the warehouse's judgments, write the parameters to RADAR_NARRATIVE_PARAMS, store the quality, relabel."""
    from flows.cli_classify import classify_warehouse
    from flows.cli_common import console, print_rows, require_db, writable_warehouse
    from flows.judged_step import fit_judgments, store_quality
    from warehouse.writer import Writer

    require_db(settings.db)
    writable_warehouse(settings)
    from flows.classify import prepare_model

    writer = Writer(settings.db, wait_seconds=settings.write_wait_seconds)
    embedder = settings.embedder()
    fit = fit_judgments(writer, prepare_model(writer, settings, embedder), embedder.encode)
    settings.narrative_params.parent.mkdir(parents=True, exist_ok=True)
    fit.params.save(settings.narrative_params)
    store_quality(writer, fit)
    fits = {f.narrative_id: f for f in fit.fits}
    print_rows(["narrative", "decided_by", "judgments", "positives", "negatives", "held_out", "precision", "recall"],
               quality_rows([q.row() for q in fit.quality], fits),
               title=f"fitted on {fit.judgments} judgments ({fit.examples} passage answers, hash {fit.hash})",
               layout=QUALITY)
    for f in fit.fits:
        if f.judgments:
            console.print(f"{f.narrative_id}: {f.reason}", highlight=False, soft_wrap=True)
    console.print(f"stance: {fit.stance}", highlight=False, soft_wrap=True)
    console.print(f"parameters {fit.params.hash} written to {settings.narrative_params}; narratives without enough "
                  "judgments keep the exemplar rule.", highlight=False, soft_wrap=True)
    if relabel:
        console.print("relabelling history with the new parameters (as `radar classify`)", highlight=False)
        classify_warehouse(settings.db)
