"""`radar outlets`: which narratives each outlet pushes, and one outlet week by week."""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

import difflib
from pathlib import Path
from typing import Annotated

import typer


def match_outlets(wanted: str, outlets: list[tuple[str, str]]) -> list[str]:
    """The source ids of the outlets whose id is `wanted`, else of those whose name is `wanted` ignoring case and
    spacing (names need not be unique: one outlet may have several feeds)."""
    if any(wanted == source_id for source_id, _ in outlets):
        return [wanted]
    folded = " ".join(wanted.split()).casefold()
    return [source_id for source_id, name in outlets if folded == " ".join(name.split()).casefold()]


def unknown_outlet_message(wanted: str, outlets: list[tuple[str, str]]) -> str:
    """One line naming the closest outlet names (or every outlet when few are stored)."""
    names = [name for _, name in outlets]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = close or (names if len(names) <= 12 else [])
    if hint:
        return f"no outlet {wanted!r} (did you mean: {', '.join(hint)}?)"
    return f"no outlet {wanted!r}; `radar outlets` lists the {len(names)} stored outlets"


def resolve_outlet(db: Path, wanted: str) -> tuple[str, str]:
    """(source_id, name) of the outlet `wanted` names; a mistyped name ends the command naming the closest, a name
    several feeds share ends it listing their source ids."""
    from flows.cli_common import fail, read_query

    _, rows = read_query(db, "outlets_known", {})
    outlets = [(source_id, name) for source_id, name, *_ in rows]
    matches = match_outlets(wanted, outlets)
    if not matches:
        fail(unknown_outlet_message(wanted, outlets))
    if len(matches) > 1:
        feeds = {source_id: feed_url for source_id, _, _, feed_url in rows}
        fail(f"{len(matches)} outlets are named {wanted!r}; give one's source id: "
             + ", ".join(f"{m} ({feeds[m]})" for m in matches))
    return matches[0], next(name for s, name in outlets if s == matches[0])


def check_camp(db: Path, camp: str) -> None:
    """A camp no stored outlet has ends the command naming the known ones."""
    from flows.cli_common import fail, read_query

    _, rows = read_query(db, "outlets_known", {})
    camps = sorted({c for _, _, c, _ in rows})
    if camp not in camps:
        fail(f"no camp {camp!r} among the outlets (known: {', '.join(camps) or 'none yet'})")


def register(app: typer.Typer) -> None:
    """Add the command to the `radar` app."""
    from flows import cli_units
    from flows.cli_common import ColumnsOption, DbOption, OutputFormat, print_rows, read_query, settings_for

    @app.command("outlets")
    def outlets_cmd(
        db: DbOption = None,
        outlet: Annotated[str | None, typer.Option(help="one outlet (name or source id): its weeks, narrative by narrative")] = None,
        camp: Annotated[str | None, typer.Option(help="only outlets of this camp")] = None,
        weeks: Annotated[int, typer.Option(min=1, help="how many recent weeks")] = 4,
        fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
        columns_shown: ColumnsOption = None,
    ) -> None:
        """Which narratives each outlet pushes (articles claiming / rebutting each) with its pace and feed health;
        --outlet shows one outlet week by week."""
        path = settings_for(db).db
        if outlet is not None:
            source_id, name = resolve_outlet(path, outlet)
            columns, weekly = read_query(path, "outlet_weekly", {"source_id": source_id, "weeks": weeks})
            print_rows(columns, weekly, fmt, title=f"{name}: articles and narratives per week",
                       layout=cli_units.OUTLET_WEEKLY, only=columns_shown)
            return
        if camp is not None:
            check_camp(path, camp)
        columns, overview = read_query(path, "outlets_overview", {"camp": camp, "weeks": weeks})
        print_rows(columns, overview, fmt,
                   title=f"narratives each outlet pushes (articles, last {weeks} weeks; rebuts: articles rejecting)",
                   layout=cli_units.outlets(weeks), only=columns_shown)
