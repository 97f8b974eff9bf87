"""`radar discover` and `radar narratives promote`: the discovery commands, registered on the main app."""

# No `from __future__ import annotations`: typer reads the option annotations of the commands defined inside
# `register`, whose names (DbOption, OutputFormat) are local there.

import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
import yaml

from extractors import yaml_read
from extractors.identity import text_hash
from flows.discovery_relevance import relevance_text
from flows.report_discovery import failed_weeks, failure_text
from models.catalogue import CatalogueError, load_catalogue
from warehouse.db import WarehouseBusy, connect, load_sql

_ID = re.compile(r"^[a-z][a-z0-9_]{2,63}$")


class PromoteError(ValueError):
    """The cluster cannot be promoted; the message says why."""


def discovered_clusters(con: duckdb.DuckDBPyConnection, week: str | None = None) -> tuple[str | None, list[dict[str, Any]]]:
    """The clusters found in `week` (default the latest clustered week), each with the URLs of its articles."""
    rel = con.execute(load_sql("queries/discovery_list"), {"week": week})
    columns = [d[0] for d in rel.description]
    rows = [dict(zip(columns, r, strict=True)) for r in rel.fetchall()]
    for r in rows:
        r["central"] = json.loads(r["central"]) if r["central"] else []
    shown = rows[0]["week"] if rows else week
    return shown, rows


PROMOTED_CLAIMS = 5  # as many as a week's most central passages


def promoted_claims(con: duckdb.DuckDBPyConnection, cluster_id: str, latest_central: str | None) -> list[str]:
    """The cluster's most central passages of its latest week, then of earlier weeks (newest first), distinct, up to
    PROMOTED_CLAIMS: a cluster thin in its latest week (fading, or kept by hysteresis) still gives full exemplars."""
    earlier = [c for (c,) in con.execute(load_sql("queries/cluster_earlier_centrals"),
                                                     {"cluster_id": cluster_id}).fetchall()]
    claims: list[str] = []
    for central in [latest_central, *earlier]:
        for passage in json.loads(central or "[]"):
            text = " ".join(str(passage["text"]).split())
            if text and text not in claims and len(claims) < PROMOTED_CLAIMS:
                claims.append(text)
    return claims


def promote_cluster(con: duckdb.DuckDBPyConnection, cluster_id: str, new_id: str, label: str, catalogue: Path,
                    family: str | None = None, description: str | None = None) -> dict[str, Any]:
    """Append the cluster as a narrative to `catalogue` (claims: its central passages, `promoted_claims`; keywords:
    its keywords).

    The file is appended to (its comments stay) and re-validated; on any error it is left as it was.
    """
    if not _ID.match(new_id):
        raise PromoteError(f"--id {new_id!r}: use a snake_case id (lower-case letters, digits, underscores)")
    row = con.execute(load_sql("queries/promote_cluster"), {"cluster_id": cluster_id}).fetchone()
    if row is None:
        raise PromoteError(f"no emerging cluster {cluster_id!r} (list them with `radar discover`)")
    keywords, central, nearest, _ = row
    current = load_catalogue(catalogue)
    if new_id in current.ids:
        raise PromoteError(f"{catalogue}: a narrative {new_id!r} already exists")
    if cluster_id in current.promoted_clusters:
        raise PromoteError(f"{catalogue}: cluster {cluster_id} was already promoted")
    if label in current.by_label():
        raise PromoteError(f"{catalogue}: a narrative labelled {label!r} already exists")
    if family is None:
        owner = {n.narrative_id: n.family for n in current.narratives}.get(nearest or "")
        if owner is None:
            raise PromoteError("the cluster has no nearest narrative to take the family from: pass --family")
        family = owner
    claims = promoted_claims(con, cluster_id, central)
    if not claims:
        raise PromoteError(f"cluster {cluster_id} has no central passages")
    entry = {
        "id": new_id, "label": label, "family": family,
        "description": description or f"Promoted from emerging cluster {cluster_id}: {', '.join(list(keywords)[:8])}.",
        "keywords": [str(k) for k in keywords], "claims": claims, "promoted_from": cluster_id,
    }
    block = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=120)
    original = catalogue.read_text(encoding="utf-8")
    items = re.findall(r"^( *)- id:", original, flags=re.MULTILINE)
    indent = items[-1] if items else "  "
    # appended as text so the file's comments stay; the items' own indentation is kept
    text = original.rstrip("\n") + f"\n\n{indent}# promoted from emerging cluster {cluster_id}\n" + "".join(
        indent + line + "\n" for line in block.splitlines())
    if not _reads_back(catalogue, text, new_id):
        # 'narratives:' is not the file's last list: rewrite it whole (its comments are lost)
        data = yaml_read.safe_load(original)
        data["narratives"].append(entry)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
        if not _reads_back(catalogue, text, new_id):
            catalogue.write_text(original, encoding="utf-8")
            raise PromoteError(f"{catalogue}: the promoted narrative could not be written back")
    return entry


def _reads_back(catalogue: Path, text: str, new_id: str) -> bool:
    """Write `text`; True when the catalogue loads and holds `new_id`."""
    catalogue.write_text(text, encoding="utf-8")
    try:
        return new_id in load_catalogue(catalogue).ids
    except CatalogueError:
        return False


def reuse_passage_vectors(con: duckdb.DuckDBPyConnection, texts: list[str]) -> int:
    """Copy the stored passage vectors of the claim texts into the exemplar cache, so classifying the promoted
    narrative encodes none of its claims (only its description)."""
    hashes = [text_hash(t) for t in texts]
    before = (con.execute(load_sql("queries/exemplar_embeddings_count")).fetchone() or (0,))[0]
    con.execute(load_sql("queries/exemplar_embeddings_copy"), {"h": hashes})
    after = (con.execute(load_sql("queries/exemplar_embeddings_count")).fetchone() or (0,))[0]
    return int(after - before)


def register(app: typer.Typer, narratives_app: typer.Typer) -> None:
    """Add `discover` to `app` and `promote` to `radar narratives`."""
    from flows import cli_units
    from flows.cli_common import (
        ColumnsOption,
        DbOption,
        OutputFormat,
        checked_week,
        console,
        fail,
        print_rows,
        read_only,
        require_db,
        settings_for,
    )

    @app.command("discover")
    def discover_cmd(
        db: DbOption = None,
        week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W23 (default: the latest clustered week)")] = None,
        fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
        columns_shown: ColumnsOption = None,
    ) -> None:
        """Emerging clusters: what passages no catalogue narrative names are converging on, week by week."""
        settings = settings_for(db)
        if fmt not in (OutputFormat.table, OutputFormat.json):
            fail("--format must be table or json")
        checked_week(week)
        with read_only(settings.db, settings.read_wait_seconds) as con:
            shown, rows = discovered_clusters(con, week)
            failures = failed_weeks(con)
        for failure in failures:  # on stderr: the json on stdout stays a list of clusters
            typer.echo(f"warning: {failure_text(failure)}", err=True)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(rows, default=str, ensure_ascii=False, indent=1) + "\n")
            return
        columns = ["cluster_id", "status", "first_seen", "passages", "articles", "outlets", "camps",
                   "nearest_narrative", "similarity", "novelty_p", "relevance", "keywords"]
        print_rows(columns, [(r["cluster_id"], r["status"] + (" (kept)" if r["retained"] else ""), r["first_seen"], r["passages"], r["articles"],
                              len(r["outlets"]), ", ".join(r["camps"]), r["nearest_narrative"],
                              None if r["similarity"] is None else round(r["similarity"], 3),
                              None if r["novelty_p"] is None else float(f"{r['novelty_p']:.2g}"),
                              relevance_text(r), ", ".join(r["keywords"][:8])) for r in rows],
                   title=f"emerging clusters in {shown or 'no clustered week yet'}", layout=cli_units.DISCOVER,
                   only=columns_shown)

    @narratives_app.command("promote")
    def promote_cmd(
        cluster_id: Annotated[str, typer.Argument(help="an emerging cluster id (radar discover)")],
        new_id: Annotated[str, typer.Option("--id", help="the new narrative's id (snake_case)")],
        label: Annotated[str, typer.Option("--label", help="the new narrative's label")],
        catalogue: Annotated[Path | None, typer.Option("--catalogue", help="narratives file [default RADAR_NARRATIVES]")] = None,
        family: Annotated[str | None, typer.Option(help="narrative family (default: the nearest narrative's)")] = None,
        description: Annotated[str | None, typer.Option(help="one or two sentences (default: from the keywords)")] = None,
        db: DbOption = None,
    ) -> None:
        """Append a discovered cluster to the catalogue; then `radar classify` labels it from stored vectors."""
        settings = settings_for(db)
        path = catalogue or settings.narratives
        require_db(settings.db)
        try:
            con = connect(settings.db, wait_seconds=settings.write_wait_seconds)
        except WarehouseBusy as exc:
            fail(str(exc))
        try:
            entry = promote_cluster(con, cluster_id, new_id, label, path, family, description)
            copied = reuse_passage_vectors(con, entry["claims"])
        except (PromoteError, CatalogueError) as exc:
            fail(str(exc))
        except duckdb.Error as exc:
            fail(str(exc).splitlines()[0])
        finally:
            con.close()
        console.print(f"appended narrative {new_id} ({len(entry['claims'])} claims, {len(entry['keywords'])} keywords, "
                      f"family {entry['family']}) to {path}; {copied} claim vectors reused from the warehouse. "
                      f"Run `radar classify` to label the stored passages.")
