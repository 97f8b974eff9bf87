"""`radar digest`: the weekly digest as Markdown, on the terminal or into a file."""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

from pathlib import Path
from typing import Annotated

import typer

from flows.cli_tables import terminal_width, wrap_markdown


def register(app: typer.Typer) -> None:
    """Add the command to the `radar` app."""
    from flows.cli_common import DbOption, checked_week, fail, read_only, settings_for
    from flows.settings import Settings

    @app.command("digest")
    def digest_cmd(
        db: DbOption = None,
        week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W07 [default: the newest article's]")] = None,
        out: Annotated[Path | None, typer.Option(help="write the Markdown to this file instead of printing it")] = None,
    ) -> None:
        """One page on a week: articles, alerts of every kind, the narratives each camp claimed most against their
        previous 4 weeks, the camp split and crossings, the feeds that need a look."""
        from flows.digest import latest_week, weekly_digest

        checked_week(week)
        with read_only(settings_for(db).db, Settings().read_wait_seconds) as con:
            shown = week or latest_week(con)
            if shown is None:
                fail("no article stored yet: run `radar ingest` or `radar demo` first")
            text = weekly_digest(con, shown)
        if out is None:  # on the terminal (or a pipe) wrapped at its width; --out writes the lines as they are
            typer.echo(wrap_markdown(text, terminal_width()), nl=False)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the {shown} digest to {out}")
