"""The analyst report: warehouse queries turned into one self-contained HTML file with Plotly charts."""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import plotly.graph_objects as go

from flows.report_forecasts import hypotheses_figure
from flows.report_style import distinct_colours, label_positions, relabel
from warehouse.db import connect, load_sql

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
SECTIONS = ("Narrative volume", "Camp bifurcation", "Alerts", "Claims and rebuttals by camp", "Feed health",
            "Forecast tracker", "Narratives by outlet")
OUTLET_WEEKS = 4  # the outlet table's window, as `radar outlets`
_QUERIES = ("volume", "bifurcation", "outlet_profiles", "alerts", "other_alerts", "stance", "feed_health",
            "articles_daily", "hypotheses", "narrative_labels", "quality")


@dataclass(frozen=True)
class ReportData:
    """Rows of each report query, as dicts."""

    since: date | None
    tables: dict[str, list[dict[str, Any]]]


def load_report_data(con: duckdb.DuckDBPyConnection, since: date | None = None) -> ReportData:
    """Run the `report_*` queries; `since` filters the time series."""
    tables = {}
    for name in _QUERIES:
        sql = load_sql(f"queries/report_{name}")
        rel = con.execute(sql, {"since": since} if "$since" in sql else {})
        cols = [d[0] for d in rel.description]
        tables[name] = [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
    rel = con.execute(load_sql("queries/outlets_overview"), {"camp": None, "weeks": OUTLET_WEEKS})
    cols = [d[0] for d in rel.description]
    tables["outlets"] = [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
    from flows.report_reuse import load_who_leads

    tables.update({f"who_leads_{k}": v for k, v in load_who_leads(con, since).items()})
    from flows.report_discovery import failed_weeks, load_emerging

    tables["emerging"] = load_emerging(con, since)
    tables["emerging_failures"] = failed_weeks(con)
    return ReportData(since, tables)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _fmt_time(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ("never" if value is None else str(value))


def volume_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Stacked daily passages per narrative (by catalogue label); a dropdown picks the camp (or all camps)."""
    fig = go.Figure()
    days = sorted({r["day"] for r in rows})
    narratives = sorted({r["label"] for r in rows})
    colours = distinct_colours(narratives)  # one colour per narrative, the same in every camp's view
    camps = ["all camps", *sorted({r["camp"] for r in rows})]
    counts: dict[tuple[str, str, date], int] = {}
    for r in rows:
        for camp in ("all camps", r["camp"]):
            key = (camp, r["label"], r["day"])
            counts[key] = counts.get(key, 0) + int(r["passages"])
    owner: list[str] = []
    for camp in camps:
        for n in narratives:
            ys = [counts.get((camp, n, d), 0) for d in days]
            if not any(ys):
                continue
            fig.add_trace(go.Scatter(x=days, y=ys, name=n, stackgroup=camp, mode="lines", legendgroup=n,
                                     line={"width": 0.5, "color": colours[n]}, fillcolor=colours[n],
                                     visible=camp == "all camps", hovertemplate="%{x}: %{y} passages<extra>" + n + "</extra>"))
            owner.append(camp)
    buttons = [{"label": camp, "method": "update",
                "args": [{"visible": [o == camp for o in owner]}, {"title": {"text": f"Passages per narrative and day: {camp}"}}]}
               for camp in camps]
    # the title reads from the left, the camp selector sits at the right above the legend: they never meet
    # as tall as the legend (about 30 px an entry), so a long catalogue never scrolls entries out of view
    fig.update_layout(title=f"Passages per narrative and day: {camps[0]}", height=max(520, 30 * len(narratives) + 230),
                      hovermode="x", margin={"t": 90, "r": 40},
                      updatemenus=[{"buttons": buttons, "direction": "down", "x": 1.0, "xanchor": "right", "y": 1.02,
                                    "yanchor": "bottom"}],
                      yaxis_title="passages", legend={"font": {"size": 10}})
    return fig


def quality_html(rows: list[dict[str, Any]], shown: set[str]) -> str:
    """Under the trend chart, one short line per narrative it draws: how well its labels are measured to be
    (the held-out judgments of the last `radar narratives fit`), or that it is not yet judged."""
    from models.judged import quality_line

    lines = [f"<li>{_e(r['label'])}: {_e(quality_line(r if r['decided_by'] else None))}</li>"
             for r in rows if r["label"] in shown]
    if not lines:
        return ""
    return ("<details class='quality' open><summary>Labelling quality per narrative, on held-out analyst judgments "
            "(95% intervals; docs/narratives.md)</summary><ul>" + "".join(lines) + "</ul></details>")


def bifurcation_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Weekly null-corrected divergences of the two camps, each with its null's 95th percentile (dotted)."""
    weeks = [r["week"] for r in rows]
    fig = go.Figure([
        go.Scatter(x=weeks, y=[r["ci_high"] for r in rows], mode="lines", line={"width": 0}, showlegend=False,
                   hoverinfo="skip"),
        go.Scatter(x=weeks, y=[r["ci_low"] for r in rows], mode="lines", line={"width": 0}, fill="tonexty",
                   fillcolor="rgba(31,119,180,0.2)", name="label index interval", legendgroup="label"),
        go.Scatter(x=weeks, y=[r["divergence"] for r in rows], mode="lines+markers", name="label index",
                   line={"color": "#1f77b4"}, legendgroup="label"),
        # an index and its null share a colour, told apart by the dots: one legend group each
        go.Scatter(x=weeks, y=[r["null_p95"] for r in rows], mode="lines", name="label null 95%",
                   line={"color": "#1f77b4", "dash": "dot"}, legendgroup="label"),
        go.Scatter(x=weeks, y=[r["embedding_index"] for r in rows], mode="lines+markers", name="embedding index",
                   line={"color": "#d62728"}, legendgroup="embedding"),
        go.Scatter(x=weeks, y=[r["embedding_null_p95"] for r in rows], mode="lines", name="embedding null 95%",
                   line={"color": "#d62728", "dash": "dot"}, legendgroup="embedding"),
    ])
    fig.update_layout(title="Bifurcation russia_friendly vs china_friendly (observed minus permutation-null mean; "
                            "above the dotted line = beyond chance)", height=380, yaxis_title="index",
                      xaxis_title="ISO week (trailing window)")
    return fig


def outlet_projection(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outlets placed on the first two principal components of their (narrative, stance) share profiles."""
    outlets: dict[str, dict[str, Any]] = {}
    keys: set[str] = set()
    for r in rows:
        o = outlets.setdefault(r["source_id"], {"outlet": r["outlet"], "camp": r["camp"], "side": r["side"],
                                                "crossed": bool(r["crossed"]), "week": r["week"], "profile": {}})
        total = max(int(r["classified_passages"] or 0), 1)
        for stance in ("claims", "rebuttals", "mentions"):
            key = f"{r['narrative_id']}:{stance}"
            keys.add(key)
            o["profile"][key] = (r[stance] or 0) / total
    if not outlets:
        return []
    cols = sorted(keys)
    x = np.array([[o["profile"].get(k, 0.0) for k in cols] for o in outlets.values()], dtype=float)
    x -= x.mean(axis=0)
    if len(outlets) >= 2 and np.any(x):
        u, s, _ = np.linalg.svd(x, full_matrices=False)
        xy = u[:, :2] * s[:2]
        if xy.shape[1] == 1:
            xy = np.column_stack([xy, np.zeros(len(xy))])
    else:
        xy = np.zeros((len(outlets), 2))
    return [{**{k: v for k, v in o.items() if k != "profile"}, "x": float(p[0]), "y": float(p[1])}
            for o, p in zip(outlets.values(), xy, strict=True)]


def outlet_map_figure(points: list[dict[str, Any]]) -> go.Figure:
    """The 2-D outlet map, coloured by configured camp; outlets that crossed sides are marked."""
    fig = go.Figure()
    colours = distinct_colours(p["camp"] for p in points)  # the camps' colours of the claims chart
    # each name placed beside its marker where it meets no other name (the plot is about 1,050 x 340 px)
    where = dict(zip((p["outlet"] for p in points),
                     label_positions([(p["x"], p["y"], p["outlet"]) for p in points], 1050, 340), strict=True))
    for camp in sorted({p["camp"] for p in points}):
        ps = [p for p in points if p["camp"] == camp]
        fig.add_trace(go.Scatter(
            x=[p["x"] for p in ps], y=[p["y"] for p in ps], mode="markers+text", name=camp,
            text=[p["outlet"] for p in ps], textposition=[where[p["outlet"]] for p in ps], textfont={"size": 9},
            marker={"size": 11, "color": colours[camp], "symbol": ["x" if p["crossed"] else "circle" for p in ps],
                    "line": {"width": [3 if p["crossed"] else 0 for p in ps], "color": "black"}},
            customdata=[[p["side"] or "unassigned", "yes" if p["crossed"] else "no"] for p in ps],
            hovertemplate="%{text}<br>side: %{customdata[0]}<br>crossed: %{customdata[1]}<extra>" + camp + "</extra>"))
    week = points[0]["week"] if points else "no week"
    fig.update_layout(title=f"Outlets on the camp split, {week} (PCA of narrative x stance profiles; x = crossed sides)",
                      height=520, xaxis_title="PC 1", yaxis_title="PC 2")
    return fig


def stance_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Horizontal bars: claims (solid, right) and rebuttals (hatched, left) per narrative and camp."""
    fig = go.Figure()
    camps = sorted({r["camp"] for r in rows})
    colours = distinct_colours(camps)
    labels = sorted({r["label"] for r in rows}, reverse=True)  # reversed: the first label at the top
    for camp in camps:
        rs = [r for r in rows if r["camp"] == camp]
        names = [r["label"] for r in rs]
        fig.add_trace(go.Bar(y=names, x=[r["claims"] for r in rs], name=camp, offsetgroup=camp, orientation="h",
                             legendgroup=camp, marker_color=colours[camp],
                             hovertemplate="%{y}: %{x} claims<extra>" + camp + "</extra>"))
        fig.add_trace(go.Bar(y=names, x=[-r["rebuttals"] for r in rs], name=camp, offsetgroup=camp, orientation="h",
                             legendgroup=camp, showlegend=False, marker_pattern_shape="/", marker_color=colours[camp],
                             customdata=[r["rebuttals"] for r in rs],
                             hovertemplate="%{y}: %{customdata} rebuttals<extra>" + camp + "</extra>"))
    # level labels on the y axis and a flat legend above the plot: rotated x labels squeezed the plot to a quarter
    # of its width, and a tall legend scrolled camps out of view
    fig.update_layout(title="Claims (solid, right of 0) and rebuttals (hatched, left of 0) per narrative and camp",
                      barmode="relative", height=max(420, 44 * len(labels) + 180),
                      xaxis_title="passages (rebuttals left of 0, claims right)",
                      yaxis={"categoryorder": "array", "categoryarray": labels, "automargin": True},
                      legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "title": {"text": "camp"}},
                      margin={"t": 110})
    return fig


def feed_figure(rows: list[dict[str, Any]], sources: list[str]) -> go.Figure:
    """Heatmap of articles per source and day; a silent feed is an empty row."""
    days = sorted({r["day"] for r in rows})
    counts = {(r["name"], r["day"]): r["articles"] for r in rows}
    z = [[counts.get((s, d), 0) for d in days] for s in sources]
    fig = go.Figure(go.Heatmap(x=days, y=sources, z=z, colorscale="Blues", hovertemplate="%{y} %{x}: %{z} articles<extra></extra>"))
    fig.update_layout(title="Articles per source and publication day", height=max(300, 22 * len(sources) + 120),
                      yaxis={"automargin": True})
    return fig


def alerts_html(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No spike alerts in this period.</p>"
    parts = []
    for a in rows:
        ev = json.loads(a["evidence"]) if a["evidence"] else {}
        passages = "".join(
            f"<li><b>{_e(p.get('outlet'))}</b> ({_e(p.get('stance'))}): {_e(p.get('text'))} "
            + (f'<a href="{_e(p["url"])}">{_e(p.get("title") or "source")}</a>' if str(p.get("url", "")).startswith(("http://", "https://")) else "")
            + "</li>"
            for p in ev.get("top_passages", []))
        parts.append(
            f"<div class='alert'><h3>{_e(a['day'])}: {_e(a['label'])} <small>({_e(a['camp'])})</small></h3>"
            f"<p>{_e(a['count'])} of the day's {_e(a['total'])} articles carry it ({100 * (a['share'] or 0):.1f}%, "
            f"against {100 * (a['baseline'] or 0):.1f}% in its baseline), {_e(ev.get('count', '?'))} passages, "
            f"p = {10 ** -(a['score'] or 0):.2g}</p><ol>{passages}</ol></div>")
    return "".join(parts)


def other_alerts_html(rows: list[dict[str, Any]]) -> str:
    """Crossings, emerging clusters and forecast verdict changes by their headline (their details: their sections,
    `radar alerts --kind all`)."""
    if not rows:
        return ""
    from flows.alert_step import alert_headline

    items = "".join(f"<li>{_e(r['day'])} <b>{_e(r['kind'])}</b>: {_e(alert_headline(r['evidence']))}</li>"
                    for r in rows)
    return f"<h3>Other alerts</h3><ul>{items}</ul>"


def outlets_html(rows: list[dict[str, Any]], labels: dict[str, str] | None = None) -> str:
    """Which narratives each outlet pushes (the `radar outlets` overview), by catalogue label."""
    labels = labels or {}
    head = ("<tr><th>outlet</th><th>camp</th><th>articles</th><th>per week</th><th>last article</th><th>feed</th>"
            "<th>pushes (articles claiming)</th><th>rebuts (articles rejecting)</th></tr>")
    body = "".join(
        f"<tr><td>{_e(r['outlet'])}</td><td>{_e(r['camp'])}</td><td>{_e(r['articles'])}</td><td>{_e(r['per_week'])}</td>"
        f"<td>{_e(r['last_article'] or 'never')}</td><td>{_e(r['health'])}</td><td>{_e(relabel(r['pushes'], labels))}</td>"
        f"<td>{_e(relabel(r['rebuts'], labels))}</td></tr>" for r in rows)
    return (f"<p>Articles of the last {OUTLET_WEEKS} calendar weeks up to the newest publication week (whatever the "
            f"report's period), labelled as in <code>article_narratives</code>.</p><table>{head}{body}</table>")


def feed_table_html(rows: list[dict[str, Any]]) -> str:
    head = ("<tr><th>source</th><th>camp</th><th>health</th><th>quiet days (usual interval)</th><th>last fetch</th>"
            "<th>last status</th><th>last success</th><th>failed fetches</th><th>articles</th><th>articles per day</th>"
            "<th>last article</th><th>last error</th></tr>")
    body = []
    for r in rows:
        # `health` comes from the feed_health view: the same failing/silent rule as the run's warnings.
        silent = r["health"] != "ok" or r["articles"] == 0
        span = r.get("days") or 1
        usual = "" if r["usual_interval_days"] is None else f" ({r['usual_interval_days']:g})"
        quiet = "" if r["quiet_days"] is None else f"{r['quiet_days']:.1f}{usual}"
        body.append(
            f"<tr class='{'silent' if silent else ''}'><td title='{_e(r['feed_url'])}'>{_e(r['name'])}</td><td>{_e(r['camp'])}</td>"
            f"<td>{_e(r['health'])}</td><td>{_e(quiet)}</td>"
            f"<td>{_e(_fmt_time(r['last_fetch']))}</td><td>{_e(r['last_status'] or 'never fetched')}</td>"
            f"<td>{_e(_fmt_time(r['last_success']))}</td><td>{_e(r['failures'])}</td><td>{_e(r['articles'])}</td>"
            f"<td>{r['articles'] / span:.2f}</td><td>{_e(_fmt_time(r['last_article']))}</td><td>{_e(r['last_error'])}</td></tr>")
    return f"<table>{head}{''.join(body)}</table>"


_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}tr.silent{background:#fde2e2}.alert{border-left:4px solid #d62728;
padding-left:1em;margin:1em 0}.quality{font-size:12px;color:#444}.alert li{margin:.4em 0;font-size:14px}small{color:#666}.warning{color:#b00;font-weight:bold}"""


def render_report(data: ReportData, generated: datetime | None = None) -> str:
    """The whole HTML document; plotly.js is inlined once, before the first chart."""
    from flows.report_reuse import who_leads_html

    t = data.tables
    labels = {r["narrative_id"]: r["label"] for r in t["narrative_labels"]}
    days = sorted({r["day"] for r in t["articles_daily"]})
    n_days = (days[-1] - days[0]).days + 1 if days else 1
    health = [{**r, "days": n_days} for r in t["feed_health"]]
    figures = {
        "volume": volume_figure(t["volume"]),
        "bifurcation": bifurcation_figure(t["bifurcation"]),
        "outlets": outlet_map_figure(outlet_projection(t["outlet_profiles"])),
        "stance": stance_figure(t["stance"]),
        "feeds": feed_figure(t["articles_daily"], sorted(r["name"] for r in t["feed_health"])),
        "hypotheses": hypotheses_figure(t["hypotheses"]),
    }
    from flows.report_discovery import emerging_section

    divs: dict[str, str] = {}
    for i, (name, fig) in enumerate(figures.items()):
        divs[name] = fig.to_html(full_html=False, include_plotlyjs=i == 0, div_id=f"chart-{name}",
                                 config={"displaylogo": False})
    period = f"since {data.since}" if data.since else "all days"
    stamp = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>narrative-radar report</title>"
        f"<style>{_CSS}</style></head><body><h1>narrative-radar report</h1><p>{_e(period)}; generated {_e(stamp)}</p>"
        f"<h2 id='volume'>{SECTIONS[0]}</h2>{divs['volume']}"
        f"{quality_html(t.get('quality', []), {r['label'] for r in t['volume']})}"
        f"<h2 id='outlets'>{SECTIONS[6]}</h2>{outlets_html(t['outlets'], labels)}"
        f"<h2 id='bifurcation'>{SECTIONS[1]}</h2>{divs['bifurcation']}{divs['outlets']}"
        f"<h2 id='alerts'>{SECTIONS[2]}</h2>{alerts_html(t['alerts'])}{other_alerts_html(t['other_alerts'])}"
        f"<h2 id='stance'>{SECTIONS[3]}</h2>{divs['stance']}"
        f"<h2 id='feeds'>{SECTIONS[4]}</h2>{feed_table_html(health)}{divs['feeds']}"
        f"<h2 id='hypotheses'>{SECTIONS[5]}</h2>{divs['hypotheses']}"
        f"{who_leads_html({'leadlag': t.get('who_leads_leadlag', []), 'graph': t.get('who_leads_graph', [])})}"
        f"{emerging_section(t.get('emerging', []), t.get('emerging_failures', []), labels)}"
        "</body></html>"
    )


class ReportTooLarge(Exception):
    """The rendered report exceeds MAX_BYTES."""


def write_report(db_path: str | Path, out: str | Path, since: date | None = None, wait_seconds: float = 30.0) -> int:
    """Read the warehouse read-only, render the report to `out`; returns its size in bytes."""
    con = connect(db_path, read_only=True, wait_seconds=wait_seconds)
    try:
        data = load_report_data(con, since)
    finally:
        con.close()
    text = render_report(data).encode("utf-8")
    if len(text) > MAX_BYTES:
        raise ReportTooLarge(f"report is {len(text) / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit")
    Path(out).write_bytes(text)
    log.info("wrote report %s (%d bytes)", out, len(text))
    return len(text)
