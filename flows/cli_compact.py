"""`radar compact`: give the warehouse file its free space back, optionally without an old model's vectors."""

# No `from __future__ import annotations`: typer reads the option annotations of the command defined inside
# `register`, whose names are local there.

from typing import Annotated

import typer


def megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def register(app: typer.Typer) -> None:
    """Add the command to the `radar` app."""
    from flows.cli_common import DbOption, fail, require_db, settings_for

    @app.command("compact")
    def compact_cmd(
        db: DbOption = None,
        drop_model: Annotated[list[str] | None, typer.Option(
            "--drop-model", help="also drop the stored vectors of this model id (repeatable; not the configured one)",
        )] = None,
    ) -> None:
        """Copy the warehouse into a fresh file and put it in place: DuckDB keeps a deleted row's space (an old
        model's vectors, a large delete) until such a copy. Lists the vectors per model id; needs no other process
        writing (it waits RADAR_READ_WAIT_SECONDS for one to finish)."""
        import duckdb

        from warehouse.compact import CompactError, compact, vectors_by_model
        from warehouse.db import WarehouseBusy, connect

        settings = settings_for(db)
        require_db(settings.db)
        drop = tuple(drop_model or ())
        current = settings.embedder().model_id
        if current in drop:
            fail(f"{current} is the configured model (RADAR_MODEL): its vectors are the ones in use")
        try:
            con = connect(settings.db, read_only=True, wait_seconds=settings.read_wait_seconds)
            try:
                stored = vectors_by_model(con)
            finally:
                con.close()
            unknown = [m for m in drop if m not in stored]
            if unknown:
                fail(f"no vectors of {', '.join(unknown)} stored (stored: {', '.join(stored) or 'none'})")
            done = compact(settings.db, drop, wait_seconds=settings.read_wait_seconds)
        except WarehouseBusy as exc:
            fail(f"{exc}; run `radar compact` when no ingest or analyze is running")
        except (CompactError, duckdb.Error) as exc:  # a copy that differs, a file that is no radar warehouse
            fail(str(exc).splitlines()[0])
        for model_id, n in stored.items():
            note = " (configured)" if model_id == current else " (dropped)" if model_id in drop else ""
            typer.echo(f"vectors of {model_id}{note}: {n}")
        typer.echo(f"{settings.db}: {megabytes(done.bytes_before)} -> {megabytes(done.bytes_after)}")
