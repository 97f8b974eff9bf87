"""`radar narratives check`: is the catalogue valid, and can the classifier tell its narratives apart?"""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

import json
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

SHOWN_TEXT_CHARS = 140


class CheckFormat(str, Enum):
    table = "table"
    json = "json"


def register(narratives_app: typer.Typer) -> None:
    """Add the command to `radar narratives`."""
    from flows import cli_units
    from flows.cli_common import fail, print_rows, settings_for
    from flows.cli_tables import terminal_width, whole_words, wrap

    @narratives_app.command("check")
    def narratives_check(
        catalogue_path: Annotated[Path | None, typer.Argument(help="narratives YAML [default: RADAR_NARRATIVES]")] = None,
        show: Annotated[int, typer.Option(min=0, help="list this many confusable exemplars, largest gap first")] = 20,
        fmt: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.table,
        db: Annotated[Path | None, typer.Option("--db", help="warehouse whose judgments measured each narrative "
                                                            "[env RADAR_DB, default radar.duckdb]")] = None,
    ) -> None:
        """Validate a catalogue, then embed its exemplars and list those closer to another narrative's exemplars than
        to their own siblings' (they pull passages towards the wrong narrative), each narrative's nearest
        neighbour, and exemplars given twice; then each narrative's quality on the held-out judgments of the last
        `radar narratives fit`, when the warehouse has one."""
        from models.catalogue import CatalogueError, load_catalogue
        from models.catalogue_check import confusions, summaries, text_problems
        from models.narratives import ClassifierParams, build_prototypes

        settings = settings_for(db)
        path = catalogue_path or settings.narratives
        try:
            catalogue = load_catalogue(path)
        except CatalogueError as exc:
            fail(str(exc))
        params = ClassifierParams.load(settings.narrative_params) if settings.narrative_params.exists() else ClassifierParams()
        protos = build_prototypes(catalogue, settings.embedder().encode)
        found = confusions(catalogue, protos, params.top_k)
        per_narrative = summaries(catalogue, protos, found)
        problems = text_problems(catalogue)
        measured = judged_quality(settings.db, catalogue.ids)
        if fmt is CheckFormat.json:
            typer.echo(json.dumps({"catalogue": str(path), "narratives": [asdict(s) for s in per_narrative],
                                   "confusions": [asdict(c) for c in found], "problems": problems,
                                   "quality": measured}, indent=1, default=str))
            return
        print_rows(["narrative", "family", "claims", "rebuttals", "bar", "nearest", "cosine", "confusable"],
                   [(s.narrative_id, s.family, s.claims, s.rebuttals, params.threshold(s.narrative_id), s.nearest_id,
                     None if s.nearest_cosine is None else round(s.nearest_cosine, 3), f"{s.confusable}/{s.exemplars}")
                    for s in per_narrative], title=f"{path}: {len(per_narrative)} narratives", layout=cli_units.CATALOGUE)
        if found and show:
            print_rows(["narrative", "side", "own", "closer to", "score", "exemplar"],
                       [(c.narrative_id, c.side, round(c.own, 3), c.other_id, round(c.other, 3),
                         whole_words(c.text, SHOWN_TEXT_CHARS)) for c in found[:show]],
                       title=f"exemplars closer to another narrative ({min(show, len(found))} of {len(found)})",
                       layout=cli_units.CONFUSIONS)
        total = sum(s.exemplars for s in per_narrative)
        typer.echo("\n".join(wrap(f"{len(found)} of {total} exemplars sit closer to another narrative's exemplars than "
                                   f"to their own (top-{params.top_k} mean, each left out of its own); {len(problems)} "
                                   "given twice", terminal_width())))
        for problem in problems:
            typer.echo(f"warning: {problem}")
        if measured is not None:
            from flows.cli_fit import QUALITY, quality_rows

            print_rows(["narrative", "decided_by", "judgments", "held_out", "precision", "recall"], quality_rows(measured),
                       title=f"labelling quality on held-out judgments ({settings.db})", layout=QUALITY)


def judged_quality(db: Path, ids: list[str]) -> list[dict] | None:
    """The narrative_quality rows of the last fit on judgments, one per narrative of `ids` (decided_by None where the
    fit did not see it); None without a warehouse or a fit."""
    import duckdb

    from warehouse.db import load_sql

    if not db.exists():
        return None
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        rel = con.execute(load_sql("queries/narrative_quality_rows"))
        cols = [d[0] for d in rel.description]
        rows = {r[0]: dict(zip(cols, r, strict=True)) for r in rel.fetchall()}
    except duckdb.Error:  # a warehouse from before migration 026, or never fitted on judgments
        return None
    finally:
        con.close()
    if not rows:
        return None
    return [rows.get(nid, {"narrative_id": nid, "decided_by": "exemplars", "judgments": 0, "held_out": 0}) for nid in ids]
