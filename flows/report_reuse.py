"""The report's "Who leads" section: the leads beyond chance as a chart, every other pair in a closed table, and
the outlets that copy each other most as a table."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go

from warehouse.db import load_sql

TITLE = "Who leads"
TOP_COPIERS = 15  # copying pairs listed; the rest are one `radar copies` away
_GROUP_COLOURS = {"camp": "#1f77b4", "tier": "#ff7f0e"}


def load_who_leads(con: duckdb.DuckDBPyConnection, since: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of the section's two queries, as dicts."""
    out = {}
    for key, name, params in (("leadlag", "leadlag_report", {}), ("graph", "reuse_report_graph", {"since": since})):
        rel = con.execute(load_sql(f"queries/{name}"), params)
        cols = [d[0] for d in rel.description]
        out[key] = [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
    return out


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def is_lead(row: dict[str, Any]) -> bool:
    """A lead beyond chance: significant and at least a day ahead (a same-day pair leads nobody)."""
    return bool(row["significant"]) and row["lag_days"] > 0


def pair_text(row: dict[str, Any]) -> str:
    """`leader → follower`, or `a = b (same day)` at lag 0, where the stored order is only alphabetical."""
    if row["lag_days"] > 0:
        return f"{row['leader']} → {row['follower']}"
    return f"{row['leader']} = {row['follower']} (same day)"


def leads_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """One line per lead beyond chance: its strength with its interval (one scale), labelled by narrative and pair."""
    fig = go.Figure()
    leads = [r for r in rows if is_lead(r)]
    names = [f"{r['narrative_label']}: {pair_text(r)} ({r['grouping']}s) by {r['lag_days']} d" for r in leads]
    for grouping, colour in _GROUP_COLOURS.items():
        part = [(n, r) for n, r in zip(names, leads, strict=True) if r["grouping"] == grouping]
        if not part:
            continue
        fig.add_trace(go.Scatter(
            y=[n for n, _ in part], x=[r["strength"] for _, r in part], mode="markers", name=f"{grouping}s",
            marker={"size": 10, "color": colour, "symbol": "diamond"},
            error_x={"type": "data", "symmetric": False, "array": [r["ci_high"] - r["strength"] for _, r in part],
                     "arrayminus": [r["strength"] - r["ci_low"] for _, r in part]},
            customdata=[[r["ci_low"], r["ci_high"], r["p_value"]] for _, r in part],
            hovertemplate="%{y}<br>strength %{x:.2f} [%{customdata[0]:.2f}, %{customdata[1]:.2f}], "
                          "p %{customdata[2]:.3g}<extra></extra>"))
    fig.add_vline(x=0, line_dash="dot", line_color="#999")
    week = rows[0]["week"] if rows else ""
    # pairs on the y axis, one row each: text labels beside the markers piled into stacks and were clipped
    fig.update_layout(title=f"Leads beyond chance in {week}: the correlation at the lead minus the shuffled-days null "
                            "(interval above 0)", height=160 + 34 * len(leads), margin={"t": 60, "b": 50},
                      xaxis={"title": "strength (observed correlation − null median)", "zeroline": False},
                      yaxis={"categoryorder": "array", "categoryarray": list(reversed(names)), "automargin": True},
                      showlegend=True, legend={"title": {"text": "groups compared"}})
    return fig


def others_html(rows: list[dict[str, Any]]) -> str:
    """Every pair that is not a lead beyond chance, in a closed table: open it to see what was tested."""
    rest = [r for r in rows if not is_lead(r)]
    if not rest:
        return ""
    head = ("<tr><th>narrative</th><th>groups</th><th>pair</th><th>lag (days)</th><th>strength</th>"
            "<th>95% interval</th><th>p</th></tr>")
    body = "".join(
        f"<tr><td>{_e(r['narrative_label'])}</td><td>{_e(r['grouping'])}</td><td>{_e(pair_text(r))}</td>"
        f"<td>{r['lag_days']}</td><td>{r['strength']:.2f}</td><td>{r['ci_low']:.2f} to {r['ci_high']:.2f}</td>"
        f"<td>{r['p_value']:.3g}</td></tr>" for r in rest)
    return (f"<details id='leadlag-rest'><summary>{len(rest)} other pairs tested: no lead beyond chance, or the same "
            f"day</summary><table>{head}{body}</table></details>")


def copies_html(rows: list[dict[str, Any]]) -> str:
    """The outlet pairs with the most copying articles, as a table (a graph of every pair was a hairball)."""
    head = ("<tr><th>copying outlet</th><th>copied outlet</th><th>copying articles</th><th>of them whole articles</th>"
            "<th>median lag (hours)</th></tr>")
    body = "".join(
        f"<tr><td>{_e(r['copier'])}</td><td>{_e(r['original'])}</td><td>{_e(r['articles'])}</td><td>{_e(r['whole'])}</td>"
        f"<td>{_e(r['median_lag_hours'])}</td></tr>" for r in rows[:TOP_COPIERS])
    more = f"<p>{len(rows) - TOP_COPIERS} more pairs: <code>radar copies</code>.</p>" if len(rows) > TOP_COPIERS else ""
    return f"<h3>Who copies whom</h3><table id='copy-table'>{head}{body}</table>{more}"


def who_leads_html(data: dict[str, list[dict[str, Any]]], include_plotlyjs: bool = False) -> str:
    """The section's HTML (its heading included); plain text where there is nothing to chart."""
    parts = [f"<h2 id='who-leads'>{TITLE}</h2>"]
    rows = data["leadlag"]
    if not rows:
        parts.append("<p>No narrative had enough articles in two camps or tiers for a lead-lag estimate.</p>")
    elif any(is_lead(r) for r in rows):
        parts.append(leads_figure(rows).to_html(full_html=False, include_plotlyjs=include_plotlyjs,
                                                div_id="chart-leadlag", config={"displaylogo": False}))
    else:
        parts.append(f"<p>No lead beyond chance in {_e(rows[0]['week'])} ({len(rows)} pairs tested).</p>")
    parts.append(others_html(rows))
    parts.append(copies_html(data["graph"]) if data["graph"] else
                 "<p id='copy-table'>No text reuse across outlets found.</p>")
    return "".join(parts)
