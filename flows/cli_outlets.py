"""`radar outlets`: which narratives each outlet pushes, and one outlet week by week."""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

import difflib
from pathlib import Path
from typing import Annotated

import typer


def match_outlet(wanted: str, outlets: list[tuple[str, str]]) -> str | None:
    """The source_id of the outlet whose id is `wanted` or whose name is `wanted` ignoring case and spacing; None
    when no outlet is."""
    folded = " ".join(wanted.split()).casefold()
    for source_id, name in outlets:
        if wanted == source_id or folded == " ".join(name.split()).casefold():
            return source_id
    return None


def unknown_outlet_message(wanted: str, outlets: list[tuple[str, str]]) -> str:
    """One line naming the closest outlet names (or every outlet when few are stored)."""
    names = [name for _, name in outlets]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = close or (names if len(names) <= 12 else [])
    if hint:
        return f"no outlet {wanted!r} (did you mean: {', '.join(hint)}?)"
    return f"no outlet {wanted!r}; `radar outlets` lists the {len(names)} stored outlets"


def resolve_outlet(db: Path, wanted: str) -> tuple[str, str]:
    """(source_id, name) of the outlet `wanted` names; a mistyped one ends the command naming the closest."""
    from flows.cli import fail, read_query

    _, rows = read_query(db, "outlets_known", {})
    outlets = [(source_id, name) for source_id, name, _ in rows]
    source_id = match_outlet(wanted, outlets)
    if source_id is None:
        fail(unknown_outlet_message(wanted, outlets))
    return source_id, next(name for s, name in outlets if s == source_id)


def register(app: typer.Typer) -> None:
    """Add the command to the `radar` app."""
    from flows.cli import DbOption, OutputFormat, _settings, fail, print_rows, read_query

    @app.command("outlets")
    def outlets_cmd(
        db: DbOption = None,
        outlet: Annotated[str | None, typer.Option(help="one outlet (name or source id): its weeks, narrative by narrative")] = None,
        camp: Annotated[str | None, typer.Option(help="only outlets of this camp")] = None,
        weeks: Annotated[int, typer.Option(min=1, help="how many recent weeks")] = 4,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    ) -> None:
        """Which narratives each outlet pushes (articles claiming / rebutting each) with its pace and feed health;
        --outlet shows one outlet week by week."""
        path = _settings(db).db
        if outlet is not None:
            source_id, name = resolve_outlet(path, outlet)
            columns, weekly = read_query(path, "outlet_weekly", {"source_id": source_id, "weeks": weeks})
            print_rows(columns, weekly, fmt, title=f"{name}: articles and narratives per week")
            return
        _, rows = read_query(path, "outlets_known", {})
        camps = sorted({c for *_, c in rows})
        if camp is not None and camp not in camps:
            fail(f"no camp {camp!r} among the outlets (known: {', '.join(camps) or 'none yet'})")
        columns, overview = read_query(path, "outlets_overview", {"camp": camp, "weeks": weeks})
        print_rows(columns, overview, fmt,
                   title=f"narratives each outlet pushes (articles, last {weeks} weeks; rebuts: articles rejecting)")
