"""The report's "Who leads" section: a lag chart per narrative and a small outlet-to-outlet copy graph."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go

from warehouse.db import load_sql

TITLE = "Who leads"
_GROUP_COLOURS = {"camp": "#1f77b4", "tier": "#ff7f0e"}


def load_who_leads(con: duckdb.DuckDBPyConnection, since: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of the section's two queries, as dicts."""
    out = {}
    for key, name, params in (("leadlag", "leadlag_report", {}), ("graph", "reuse_report_graph", {"since": since})):
        rel = con.execute(load_sql(f"queries/{name}"), params)
        cols = [d[0] for d in rel.description]
        out[key] = [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
    return out


def lag_figure(narrative: str, rows: list[dict[str, Any]]) -> go.Figure:
    """One narrative: each pair's lead in days (x) and null-corrected strength with its interval (y)."""
    fig = go.Figure()
    for grouping in ("camp", "tier"):
        part = [r for r in rows if r["grouping"] == grouping]
        if not part:
            continue
        fig.add_trace(go.Scatter(
            x=[r["lag_days"] for r in part], y=[r["strength"] for r in part], mode="markers+text", name=grouping,
            text=[f"{r['leader']} → {r['follower']}" for r in part], textposition="top center",
            marker={"size": [14 if r["significant"] else 8 for r in part], "color": _GROUP_COLOURS[grouping],
                    "symbol": ["diamond" if r["significant"] else "circle" for r in part]},
            error_y={"type": "data", "symmetric": False,
                     "array": [r["ci_high"] - r["strength"] for r in part],
                     "arrayminus": [r["strength"] - r["ci_low"] for r in part]},
            hovertemplate="%{text}<br>lead %{x} days<br>strength %{y:.2f}<extra></extra>"))
    fig.add_hline(y=0, line_dash="dot", line_color="#999")
    week = rows[0]["week"] if rows else ""
    fig.update_layout(title=f"{narrative} ({week}): lead in days; an interval above 0 is a lead beyond chance",
                      xaxis={"title": "lead (days)", "range": [-0.5, 7.5], "dtick": 1},
                      yaxis={"title": "strength (observed − null mean)"}, height=320, margin={"t": 50, "b": 40})
    return fig


def copy_graph_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Outlets on a circle; a line from each copier to the outlet it copied, as thick as the copying articles."""
    names = sorted({r["copier"] for r in rows} | {r["original"] for r in rows})
    pos = {n: (math.cos(2 * math.pi * i / max(len(names), 1)), math.sin(2 * math.pi * i / max(len(names), 1)))
           for i, n in enumerate(names)}
    fig = go.Figure()
    top = max((r["articles"] for r in rows), default=1)
    for r in rows:
        (x0, y0), (x1, y1) = pos[r["copier"]], pos[r["original"]]
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                           arrowhead=3, arrowwidth=1 + 5 * r["articles"] / top, arrowcolor="#d62728", opacity=0.6)
        fig.add_trace(go.Scatter(
            x=[(x0 + x1) / 2], y=[(y0 + y1) / 2], mode="text", showlegend=False,
            text=[f"{r['articles']} ({r['whole']} whole)"],
            hovertext=[(f"{r['copier']} copied {r['original']}: {r['articles']} articles, {r['whole']} whole, "
                        f"median lag {r['median_lag_hours']} h")], hoverinfo="text"))
    fig.add_trace(go.Scatter(x=[pos[n][0] for n in names], y=[pos[n][1] for n in names], mode="markers+text",
                             text=names, textposition="bottom center", marker={"size": 14, "color": "#444"},
                             showlegend=False, hoverinfo="text"))
    fig.update_layout(title="Who copies whom (arrow: copier → copied outlet; label: copying articles)",
                      xaxis={"visible": False, "range": [-1.5, 1.5]}, yaxis={"visible": False, "range": [-1.4, 1.4]},
                      height=420, margin={"t": 50})
    return fig


def who_leads_html(data: dict[str, list[dict[str, Any]]], include_plotlyjs: bool = False) -> str:
    """The section's HTML (its heading included); plain text where there is nothing to chart."""
    parts = [f"<h2 id='who-leads'>{TITLE}</h2>"]
    by_narrative: dict[str, list[dict[str, Any]]] = {}
    for r in data["leadlag"]:
        by_narrative.setdefault(r["narrative_id"], []).append(r)
    config = {"displaylogo": False}
    if by_narrative:
        for i, (narrative, rows) in enumerate(by_narrative.items()):
            parts.append(lag_figure(narrative, rows).to_html(full_html=False, include_plotlyjs=include_plotlyjs and i == 0,
                                                             div_id=f"chart-leadlag-{i}", config=config))
    else:
        parts.append("<p>No narrative had enough articles in two camps or tiers for a lead-lag estimate.</p>")
    if data["graph"]:
        parts.append(copy_graph_figure(data["graph"]).to_html(
            full_html=False, include_plotlyjs=include_plotlyjs and not by_narrative, div_id="chart-copygraph",
            config=config))
    else:
        parts.append("<p id='chart-copygraph'>No text reuse across outlets found.</p>")
    return "".join(parts)
