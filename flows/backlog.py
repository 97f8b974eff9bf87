"""What a run of `analyze` or `classify` would find to do, read without writing, so a command with nothing new
answers in one line instead of starting a flow (and a temporary Prefect server)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from flows.alert_step import alerts_due
from flows.classify_step import load_head, load_params
from flows.settings import Settings
from models.catalogue import load_catalogue
from warehouse.db import load_sql

INPUTS = "analysis"  # analysis_inputs.name of the row run_analysis records


def hypotheses_fingerprint(settings: Settings) -> str:
    """Changes with the hypothesis file's text and the settings its evaluation reads; a missing file has one too."""
    try:
        text = Path(settings.hypotheses).read_bytes()
    except OSError:
        text = b"<unreadable>"
    key = f"{settings.analysis_window_weeks}|{settings.hypotheses_whole_weeks}|".encode() + text
    return hashlib.sha256(key).hexdigest()[:16]


def record_analysis(con: duckdb.DuckDBPyConnection, settings: Settings, started: datetime) -> None:
    """After an analysis: the inputs it ran against, and when it started (what came later is new to the next run)."""
    con.execute(load_sql("queries/record_analysis_inputs"),
                {"name": INPUTS, "fingerprint": hypotheses_fingerprint(settings), "started": started})


def analysis_backlog(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Why `radar analyze` has work to do (empty: nothing new since the last analysis)."""
    recorded = con.execute(load_sql("queries/analysis_inputs_recorded"), {"name": INPUTS}).fetchone()
    if recorded is None:
        return ["no analysis recorded yet"]
    fingerprint, at = recorded
    reasons = []
    if fingerprint != hypotheses_fingerprint(settings):
        reasons.append(f"the hypotheses ({settings.hypotheses}) or their settings changed")
    (day,) = con.execute(load_sql("queries/first_changed_day")).fetchone() or (None,)
    if day is not None:
        reasons.append(f"passages classified since the last analysis (days from {day})")
    (fetched,) = con.execute(load_sql("queries/articles_fetched_since"), {"at": at}).fetchone() or (0,)
    if fetched:
        reasons.append(f"{fetched} articles stored since the last analysis")
    # the reuse step's own memory: articles whose passages are all classified but not yet compared
    (unchecked,) = con.execute(f"SELECT EXISTS ({load_sql('queries/reuse_new_passages')})").fetchone() or (False,)
    if unchecked:
        reasons.append("articles not yet compared for copies")
    if settings.alert_webhook and alerts_due(con, settings.alert_recent_days, settings.alert_retry_days):
        reasons.append("alerts due for delivery")
    return reasons


def classification_backlog(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Why `radar classify` has work to do: passages to embed, classify or label with the configured model,
    catalogue and head, then the analysis's own backlog. Raises CatalogueError or HeadError for a bad file, as the
    run would."""
    embedder = settings.embedder()  # loads nothing
    languages = list(embedder.languages)
    reasons = []
    if con.execute(load_sql("queries/pending_embeddings"),
                   {"model_id": embedder.model_id, "limit": 1, "languages": languages}).fetchall():
        reasons.append(f"passages without a vector for {embedder.model_id}")
    catalogue = load_catalogue(settings.narratives)
    key = {"model_id": embedder.model_id, "catalog_hash": catalogue.hash, "params_hash": load_params(settings).hash}
    if con.execute(load_sql("queries/pending_classification"), key | {"limit": 1, "languages": languages}).fetchall():
        reasons.append(f"passages not classified with catalogue {catalogue.hash} and model {embedder.model_id}")
    head = load_head(settings.narrative_head)
    if head is not None:
        head_key = {"model_id": embedder.model_id, "head_fingerprint": head.fingerprint,
                    "catalog_hash": catalogue.only(head.families).hash}
        if con.execute(load_sql("queries/pending_head_articles"), head_key | {"limit": 1, "languages": languages}).fetchall():
            reasons.append(f"articles not labelled by the head {head.fingerprint}")
    elif (con.execute(load_sql("queries/head_labels_present")).fetchone() or (False,))[0]:
        reasons.append("head labels stored, but no head configured")
    return reasons + analysis_backlog(con, settings)


def nothing_new_line(con: duckdb.DuckDBPyConnection, command: str) -> str:
    """The one-line answer of a command with nothing to do: since when, and what the warehouse's analysis covers."""
    recorded = con.execute(load_sql("queries/analysis_inputs_recorded"), {"name": INPUTS}).fetchone()
    row = (recorded[1],) if recorded else None
    articles, passages, first, last = con.execute(load_sql("queries/analysed_totals")).fetchone() or (0, 0, None, None)
    when = f"{row[0].astimezone(UTC):%Y-%m-%d %H:%M} UTC" if row else "the last run"
    days = f", days {first} to {last}" if first is not None else ""
    done = "classified and analysed" if command == "classify" else "analysed"
    return (f"nothing new since {when}: {articles:,} articles ({passages:,} passages) {done}{days}; "
            f"radar {command} --force runs it anyway")
