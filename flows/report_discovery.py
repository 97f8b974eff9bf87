"""The report's "Emerging" section: one small daily chart per recent cluster, its keywords and central passages."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import plotly.graph_objects as go

from flows.discovery_relevance import relevance_text
from flows.report_style import NO_MODEBAR, count_axis
from warehouse.db import load_sql

SECTION = "Emerging"
MAX_CLUSTERS = 12  # the report stays small: the most recent, largest clusters


def load_emerging(con: duckdb.DuckDBPyConnection, since: date | None = None) -> list[dict[str, Any]]:
    """The clusters seen in the last clustered weeks (at most MAX_CLUSTERS), each with its daily series."""
    rel = con.execute(load_sql("queries/discovery_report"), {"limit": MAX_CLUSTERS})
    columns = [d[0] for d in rel.description]
    clusters = [dict(zip(columns, r, strict=True)) for r in rel.fetchall()]
    series = con.execute(load_sql("queries/discovery_report_daily"),
                         {"ids": [c["cluster_id"] for c in clusters], "since": since}).fetchall()
    by_cluster: dict[str, list[tuple[date, int, int]]] = {}
    for cluster_id, day, passages, articles in series:
        by_cluster.setdefault(cluster_id, []).append((day, int(passages), int(articles)))
    for c in clusters:
        c["daily"] = by_cluster.get(c["cluster_id"], [])
        c["central"] = json.loads(c["central"]) if c["central"] else []
    return clusters


def failed_weeks(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every week whose latest discovery failed (week, attempts, failed_at, error); none on an older warehouse."""
    try:
        rows = con.execute(load_sql("queries/week_failures")).fetchall()
    except duckdb.CatalogException:  # opened read-only before migration 015 ran
        return []
    return [dict(zip(("week", "attempts", "failed_at", "error"), r, strict=True)) for r in rows]


def cluster_figure(cluster: dict[str, Any]) -> go.Figure:
    days = [d for d, _, _ in cluster["daily"]]
    fig = go.Figure(go.Bar(x=days, y=[a for _, _, a in cluster["daily"]], marker_color="#9467bd",
                           hovertemplate="%{x}: %{y} articles<extra></extra>"))
    fig.update_layout(height=180, width=520, margin={"l": 40, "r": 10, "t": 10, "b": 30},
                      yaxis=count_axis(max((a for _, _, a in cluster["daily"]), default=1), "articles"))
    return fig


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def emerging_html(clusters: list[dict[str, Any]], labels: dict[str, str] | None = None) -> str:
    """The section body: per cluster a heading with its status, keywords, outlets, chart and central passages."""
    labels = labels or {}
    if not clusters:
        return "<p>No emerging cluster: the passages no catalogue narrative names did not converge.</p>"
    parts = [("<p>Clusters of passages that no catalogue narrative names (or only weakly), from the latest weeks. "
             "A cluster keeps its id while its centre stays put; promote one into the catalogue with "
             "<code>radar narratives promote CLUSTER_ID --id NEW_ID --label ...</code>. Clusters marked off-topic are "
             "nearer a muted topic than every catalogue family, or far from all of them: listed, never alerted.</p>")]
    for c in clusters:
        chart = cluster_figure(c).to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-emerging-{c['cluster_id']}",
                                          config=NO_MODEBAR)
        near = "" if c["nearest_narrative"] is None else (
            f"; nearest narrative {_e(labels.get(c['nearest_narrative'], c['nearest_narrative']))} "
            f"({c['similarity']:.2f})")
        relevance = relevance_text(c)
        near += f"; {_e(relevance)}" if c.get("off_topic") else f"; nearest family {_e(relevance)}" if relevance else ""
        off = " <span class='off-topic'>off-topic, not alerted</span>" if c.get("off_topic") else ""
        # the header counts what the chart draws (every day of the cluster); its latest window apart
        charted = (sum(p for _, p, _ in c["daily"]), sum(a for _, _, a in c["daily"]))
        passages = "".join(
            f"<li><b>{_e(p.get('outlet'))}</b> {_e(p.get('day'))}: {_e(str(p.get('text', ''))[:400])} "
            + (f'<a href="{_e(p["url"])}">{_e(p.get("title") or "source")}</a>'
               if str(p.get("url", "")).startswith(("http://", "https://")) else "")
            + "</li>" for p in c["central"])
        parts.append(
            f"<div class='emerging'><h3><code>{_e(c['cluster_id'])}</code> {_e(c['status'])}{off}: {_e(c['label'])}</h3>"
            f"<p>first seen {_e(c['first_seen'])}, last seen {_e(c['last_seen'])}; {charted[0]} passages in "
            f"{charted[1]} articles on the days charted ({_e(c['size'])} passages in {_e(c['articles'])} articles in "
            f"its latest window) from {len(c['outlets'])} outlets ({_e(', '.join(c['camps']))}){near}</p>"
            f"{chart}<ol>{passages}</ol></div>")
    return "".join(parts)


def failure_text(failure: dict[str, Any]) -> str:
    """One line for a week whose latest discovery failed (`radar discover` and the report)."""
    return (f"discovery of {failure['week']} failed {failure['attempts']} time(s) in a row, last at "
            f"{failure['failed_at']:%Y-%m-%d %H:%M} ({failure['error']}); its clusters are from an earlier run")


def emerging_section(clusters: list[dict[str, Any]], failures: Sequence[dict[str, Any]] = (),
                     labels: dict[str, str] | None = None) -> str:
    """The whole section, heading included; first a warning for each week whose latest discovery failed."""
    warnings = "".join(f"<p class='warning'>{_e(failure_text(f))}</p>" for f in failures)
    return f"<h2 id='emerging'>{SECTION}</h2>{warnings}{emerging_html(clusters, labels)}"
