"""The weekly digest: one page of what the warehouse knows about an ISO week, for an analyst's Monday morning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import duckdb

from flows.alert_step import alert_headline
from models.weeks import week_start
from warehouse.db import load_sql

TOP_PER_CAMP = 3


def latest_week(con: duckdb.DuckDBPyConnection) -> str | None:
    """The ISO week of the newest stored article."""
    row = con.execute(load_sql("queries/digest_latest_week")).fetchone()
    return row[0] if row else None


def weekly_digest(con: duckdb.DuckDBPyConnection, week: str) -> str:
    """Markdown: the week's articles, its alerts of every kind, the narratives each camp claimed most against their
    previous 4 weeks, the camp split and its crossings, each forecast's verdict, and the feeds that need a look."""
    monday = week_start(week)
    sunday = monday + timedelta(days=6)
    [(articles, outlets)] = con.execute(load_sql("queries/digest_week_volume"),
                                        {"monday": monday, "sunday": sunday}).fetchall()
    lines = [f"# narrative-radar digest, {week} ({monday:%a %Y-%m-%d} to {sunday:%a %Y-%m-%d})", "",
             f"{articles} articles from {outlets} outlets.", ""]
    alerts = con.execute(load_sql("queries/digest_week_alerts"), {"monday": monday, "sunday": sunday}).fetchall()
    lines += [f"## Alerts ({len(alerts)})", ""]
    # each alert's headline; `radar alerts --kind all` and the webhook carry its evidence passages
    lines += [f"- **{kind}**: " + alert_headline(evidence) for kind, evidence in alerts] or ["None."]
    lines += ["", "## Narratives each camp claimed most (articles; previous 4 weeks: mean per week)", ""]
    rows = con.execute(load_sql("queries/digest_camp_narratives"), {"monday": monday}).fetchall()
    shown: dict[str, int] = {}
    for camp, narrative_id, this_week, before in rows:
        if shown.get(camp, 0) < TOP_PER_CAMP:
            shown[camp] = shown.get(camp, 0) + 1
            lines.append(f"- {camp}: `{narrative_id}` {this_week} (before: {before:g})")
    if not rows:
        lines.append("No narrative claimed in 2 or more articles of one camp.")
    lines += ["", "## Camp split", ""] + _split_lines(con, week)
    lines += ["", "## Forecasts (config/hypotheses.yaml)", ""] + _forecast_lines(con, week)
    lines += ["", "## Feeds (as of their last fetch)", ""] + _feed_lines(con)
    return "\n".join(lines) + "\n"


def _split_lines(con: duckdb.DuckDBPyConnection, week: str) -> list[str]:
    row = con.execute(load_sql("queries/digest_split"), {"week": week}).fetchall()
    if not row:
        return ["Not judged this week (too few articles in the trailing window)."]
    label, label_p95, label_p, emb, emb_p95, emb_p = row[0]
    lines = [f"- label index {_num(label)} (null 95th percentile {_num(label_p95)}, p {_num(label_p)}); "
             f"embedding index {_num(emb)} (null 95th percentile {_num(emb_p95)}, p {_num(emb_p)}); "
             + ("beyond chance" if _beyond(label, label_p95) or _beyond(emb, emb_p95) else "within chance")]
    crossed = con.execute(load_sql("queries/digest_crossed"), {"week": week}).fetchall()
    lines += [f"- {name} crossed to {side}" for name, side in crossed]
    return lines


def _forecast_lines(con: duckdb.DuckDBPyConnection, week: str) -> list[str]:
    lines = []
    for hypothesis_id, verdict, previous, value, low, high, reason in con.execute(
            load_sql("queries/digest_forecasts"), {"week": week}).fetchall():
        changed = f" (was {previous})" if previous and previous != verdict else ""
        interval = "" if value is None else f", {value:.3g} [{low:.3g}, {high:.3g}]"
        lines.append(f"- `{hypothesis_id}`: **{verdict}**{changed}{interval}" + (f"; {reason}" if reason else ""))
    return lines or ["Not evaluated this week (run `radar analyze`)."]


def _feed_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(load_sql("queries/digest_feed_health")).fetchall()
    return [f"- {health} ({n}): {names}" for health, names, n in rows] or ["Every feed answers and publishes."]


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3g}"


def _beyond(index: float | None, p95: float | None) -> bool:
    return index is not None and p95 is not None and index > p95
