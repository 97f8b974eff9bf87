"""`radar classify` as a function: the command and `radar narratives fit` (which relabels history after a fit) both
run it."""

from __future__ import annotations

from pathlib import Path

from flows.cli_common import fail, print_rows, require_db, settings_for, writable_warehouse
from warehouse.db import WarehouseBusy


def classify_warehouse(db: Path | None, verbose: bool = False, force: bool = False) -> None:
    """Reclassify stored passages with the current catalogue, model and parameters; with nothing new (and not
    `force`), one line says so and no flow starts."""
    from flows.cli_quiet import flow_logging, nothing_new
    from flows.runtime import TemporaryPrefectServer
    from models.catalogue import CatalogueError
    from models.doc_head import HeadError

    flow_logging(verbose)
    settings = settings_for(db)
    require_db(settings.db)
    writable_warehouse(settings)
    try:
        if not force and nothing_new(settings, "classify"):
            return
    except (CatalogueError, HeadError) as exc:
        fail(str(exc))
    server = TemporaryPrefectServer.start()  # boots while the flow modules import
    from flows.classify import classify_flow

    server.wait_ready()
    try:
        runner = settings.task_runner_instance()
        counts = classify_flow.with_options(task_runner=runner)(db_path=str(settings.db), settings=settings)
    except (CatalogueError, HeadError, WarehouseBusy) as exc:
        fail(str(exc))
    print_rows(list(counts), [tuple(counts.values())], title="classification")
