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
    from flows.cli import _settings, fail, print_rows
    from flows.cli_tables import terminal_width, whole_words, wrap

    @narratives_app.command("check")
    def narratives_check(
        catalogue_path: Annotated[Path | None, typer.Argument(help="narratives YAML [default: RADAR_NARRATIVES]")] = None,
        show: Annotated[int, typer.Option(min=0, help="list this many confusable exemplars, largest gap first")] = 20,
        fmt: Annotated[CheckFormat, typer.Option("--format")] = CheckFormat.table,
    ) -> None:
        """Validate a catalogue, then embed its exemplars and list those closer to another narrative's exemplars than
        to their own siblings' (they pull passages towards the wrong narrative), each narrative's nearest
        neighbour, and exemplars given twice."""
        from models.catalogue import CatalogueError, load_catalogue
        from models.catalogue_check import confusions, summaries, text_problems
        from models.narratives import ClassifierParams, build_prototypes

        settings = _settings()
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
        if fmt is CheckFormat.json:
            typer.echo(json.dumps({"catalogue": str(path), "narratives": [asdict(s) for s in per_narrative],
                                   "confusions": [asdict(c) for c in found], "problems": problems}, indent=1))
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
