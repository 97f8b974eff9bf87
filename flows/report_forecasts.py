"""The report's forecast tracker: one chart per hypothesis, its statement as title, its threshold as the line."""

from __future__ import annotations

import textwrap
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from flows.report_style import VERDICT_COLOURS, week_axis
from models.hypotheses import SUSTAINED

VALUE_COLOUR = "#1f77b4"
BAND_COLOUR = "rgba(31,119,180,0.18)"
THRESHOLD_COLOUR = "#111111"


def _title(rows: list[dict[str, Any]], hid: str) -> str:
    statement = next((r["statement"] for r in rows if r.get("statement")), None)
    # rows stored before statements were (migration 022) keep the id until the next `analyze`
    return "<br>".join(textwrap.wrap(statement, 110)) if statement else hid


def _judged_against(rows: list[dict[str, Any]]) -> tuple[float, bool, str]:
    last = rows[-1] if rows else {}
    threshold = last.get("threshold")
    return (0.0 if threshold is None else float(threshold), bool(last.get("two_sided")),
            last.get("unit") or "value")


def _legend() -> list[go.Scatter]:
    """Legend-only entries: what the line, the band, the dotted line and each marker colour mean."""
    entries = [go.Scatter(x=[None], y=[None], mode="lines", name="weekly value", line={"color": VALUE_COLOUR}),
               go.Scatter(x=[None], y=[None], mode="lines", name="95% interval",
                          line={"color": BAND_COLOUR, "width": 10}),
               go.Scatter(x=[None], y=[None], mode="lines", name="threshold of the verdict",
                          line={"color": THRESHOLD_COLOUR, "dash": "dot"})]
    entries += [go.Scatter(x=[None], y=[None], mode="markers", name=verdict, marker={"size": 9, "color": colour},
                           legendgroup=verdict) for verdict, colour in VERDICT_COLOURS.items()]
    # the same verdict, so the same colour and legend group: the shape says what decided it
    entries.append(go.Scatter(x=[None], y=[None], mode="markers", name="supported by a sustained run, not the slope",
                              marker={"size": 11, "symbol": "diamond", "color": VERDICT_COLOURS["supported"]},
                              legendgroup="supported"))
    return entries


def _by_run(row: dict[str, Any]) -> bool:
    """A verdict the sustained run gave: its slope interval may still reach the threshold line."""
    return str(row.get("reason") or "").startswith(SUSTAINED)


def _add_hypothesis(fig: go.Figure, row: int, own: list[dict[str, Any]]) -> None:
    weeks = [r["week"] for r in own]
    fig.add_trace(go.Scatter(x=weeks, y=[r["ci_high"] for r in own], mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"), row=row, col=1)
    fig.add_trace(go.Scatter(x=weeks, y=[r["ci_low"] for r in own], mode="lines", line={"width": 0},
                             fill="tonexty", fillcolor=BAND_COLOUR, showlegend=False, hoverinfo="skip"), row=row, col=1)
    fig.add_trace(go.Scatter(
        x=weeks, y=[r["value"] for r in own], mode="lines+markers", showlegend=False, line={"color": VALUE_COLOUR},
        marker={"size": [11 if _by_run(r) else 9 for r in own],
                "symbol": ["diamond" if _by_run(r) else "circle" for r in own],
                "color": [VERDICT_COLOURS.get(r["verdict"], VERDICT_COLOURS["inconclusive"]) for r in own]},
        customdata=[[r["ci_low"], r["ci_high"]] for r in own], meta="value-with-interval",
        text=[r["verdict"] + (f": {r['reason']}" if r.get("reason") else "") for r in own],
        hovertemplate="%{x}: %{y:.3g} [%{customdata[0]:.3g}, %{customdata[1]:.3g}] (%{text})<extra></extra>",
    ), row=row, col=1)


def hypotheses_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """One chart per hypothesis: weekly value, its 95% interval, the verdict's threshold; markers coloured by verdict."""
    ids = sorted({r["hypothesis_id"] for r in rows}) or ["(no hypotheses evaluated yet)"]
    mine = {hid: [r for r in rows if r["hypothesis_id"] == hid] for hid in ids}
    fig = make_subplots(rows=len(ids), cols=1, subplot_titles=[_title(mine[h], h) for h in ids], shared_xaxes=True,
                        vertical_spacing=min(0.3 / len(ids), 0.12))
    for i, hid in enumerate(ids, start=1):
        _add_hypothesis(fig, i, [r for r in mine[hid] if r["value"] is not None])
        threshold, two_sided, unit = _judged_against(mine[hid])
        for y in ({threshold, -threshold} if two_sided else {threshold}):
            fig.add_hline(y=y, line={"dash": "dot", "color": THRESHOLD_COLOUR, "width": 1}, row=i, col=1,
                          annotation_text=f"threshold {y:g}", annotation_position="top left",
                          annotation_font={"size": 10, "color": THRESHOLD_COLOUR})
        # wrapped: a one-line unit ran past its subplot into the next one's
        fig.update_yaxes(title_text="<br>".join(textwrap.wrap(unit, 30)), title_font={"size": 11}, row=i, col=1)
    for trace in _legend():
        fig.add_trace(trace, row=1, col=1)
    fig.update_xaxes(**week_axis(r["week"] for r in rows), showticklabels=True)
    fig.update_annotations(font_size=13)
    fig.update_layout(height=260 * len(ids) + 120, margin={"t": 110},
                      title="Forecasts by ISO week: the value with its 95% interval against the threshold its "
                            "verdict is judged by")
    return fig
