"""The report's chart builders agree with their numbers: chronological axes, thresholds where the verdict is judged,
labels not ids, points inside their intervals, same-day pairs not leads, distinct colours, consistent counts."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import plotly.graph_objects as go

from flows.report_discovery import cluster_figure, emerging_html
from flows.report_html import hypotheses_figure, outlets_html, stance_figure, volume_figure
from flows.report_reuse import who_leads_html

WEEKS = [f"2026-W{w:02d}" for w in range(3, 9)]


def _hypothesis_rows() -> list[dict[str, Any]]:
    """Two hypotheses as the report query returns them: camps_diverge has no value in W03 (its longer window)."""
    rows = []
    for hid, threshold, unit in (("camps_diverge", 0.01, "embedding index slope per week"),
                                 ("china_pushes_sold_out", 0.0, "share of passages, china_friendly minus russia_friendly")):
        for i, week in enumerate(WEEKS):
            value = None if hid == "camps_diverge" and week == "2026-W03" else 0.02 + i / 100
            rows.append({"hypothesis_id": hid, "week": week, "value": value, "ci_low": value and value - 0.005,
                         "ci_high": value and value + 0.005, "evidence": 8, "verdict": "supported", "reason": "",
                         "statement": f"The statement of {hid}.", "threshold": threshold, "two_sided": False,
                         "unit": unit})
    return rows


def _x_order(fig: go.Figure) -> list[Any]:
    """The categories in the order Plotly draws them: an explicit array, else first appearance over the traces."""
    axis = fig.layout.xaxis
    if axis.categoryorder == "array" and axis.categoryarray is not None:
        return list(axis.categoryarray)
    seen: list[Any] = []
    for trace in fig.data:
        seen += [x for x in (trace.x or ()) if x not in seen]
    return seen


def test_forecast_weeks_read_in_calendar_order() -> None:
    order = _x_order(hypotheses_figure(_hypothesis_rows()))
    assert order == sorted(order) and set(order) == set(WEEKS)


def test_forecast_threshold_line_sits_at_the_verdicts_threshold() -> None:
    fig = hypotheses_figure(_hypothesis_rows())
    lines = {(s.yref, s.y0) for s in fig.layout.shapes if s.y0 == s.y1}
    # camps_diverge is the first subplot (y), its verdict judged against 0.01; china_pushes_sold_out's against 0
    assert ("y", 0.01) in lines and ("y2", 0.0) in lines and ("y", 0) not in lines


def test_forecast_titles_are_statements_and_axes_have_units() -> None:
    fig = hypotheses_figure(_hypothesis_rows())
    titles = [a.text for a in fig.layout.annotations]
    assert "The statement of camps_diverge." in " ".join(titles)
    assert not any(t in ("camps_diverge", "china_pushes_sold_out") for t in titles)
    units = [fig.layout[name].title.text.replace("<br>", " ") for name in ("yaxis", "yaxis2")]
    assert units == ["embedding index slope per week", "share of passages, china_friendly minus russia_friendly"]


def test_forecast_colours_are_the_verdicts_in_a_legend() -> None:
    fig = hypotheses_figure(_hypothesis_rows())
    legend = {t.name for t in fig.data if t.showlegend is not False}
    assert {"supported", "contradicted", "inconclusive"} <= legend
    lines = {t.line.color for t in fig.data if t.mode and "lines" in t.mode and t.line.width != 0}
    assert lines and not lines & {"#2ca02c", "#d62728", "#7f7f7f"}  # the line itself is neutral


def test_a_verdict_of_the_sustained_run_is_marked_apart_from_the_slopes() -> None:
    """A run-supported week's band is the slope's and may reach the threshold: its marker says the run decided."""
    rows = _hypothesis_rows()
    last = next(r for r in rows if r["hypothesis_id"] == "camps_diverge" and r["week"] == WEEKS[-1])
    last.update(ci_low=0.0, reason="sustained: the latest 3 weeks' indices each significant (p 0.01, 0.01, 0.01)")
    fig = hypotheses_figure(rows)
    [points] = [t for t in fig.data if t.meta == "value-with-interval" and t.yaxis == "y"]
    assert list(points.marker.symbol) == ["circle"] * 4 + ["diamond"]
    assert "supported by a sustained run, not the slope" in {t.name for t in fig.data if t.showlegend is not False}


def _volume_rows(n: int) -> list[dict[str, Any]]:
    return [{"day": date(2026, 1, 5) + timedelta(days=d), "camp": camp, "narrative_id": f"n{i}", "label": f"Label {i}",
             "passages": 1 + (i + d) % 3} for i in range(n) for d in range(3) for camp in ("a_camp", "b_camp")]


def _colour(trace: Any) -> str | None:
    return trace.line.color if trace.type == "scatter" and trace.mode and "markers" not in trace.mode \
        else trace.marker.color


def test_volume_colours_never_repeat_across_narratives() -> None:
    fig = volume_figure(_volume_rows(14))  # more than Plotly's 10 default colours
    by_name: dict[str, set[Any]] = {}
    for t in fig.data:
        by_name.setdefault(t.name, set()).add(_colour(t))
    assert all(len(c) == 1 and None not in c for c in by_name.values())  # one explicit colour per narrative
    colours = [next(iter(c)) for c in by_name.values()]
    assert len(set(colours)) == len(colours) == 14


def test_volume_camp_selector_sits_apart_from_the_title() -> None:
    fig = volume_figure(_volume_rows(3))
    menu = fig.layout.updatemenus[0]
    # the title is drawn top left; the selector goes top right, both inside the top margin
    assert menu.xanchor == "right" and menu.x >= 0.9


def test_stance_labels_do_not_squeeze_the_plot() -> None:
    rows = [{"narrative_id": f"n{i}", "label": f"A rather long narrative label number {i}", "camp": camp, "claims": 3,
             "rebuttals": 1} for i in range(12) for camp in ("a_camp", "b_camp", "c_camp", "d_camp")]
    fig = stance_figure(rows)
    # horizontal bars: labels on the y axis read level, and the legend lies flat under the plot instead of scrolling
    assert all(t.orientation == "h" for t in fig.data)
    assert fig.layout.legend.orientation == "h"


def _leadlag_rows() -> list[dict[str, Any]]:
    base = {"week": "2026-W08", "narrative_label": "US-Russia new détente", "grouping": "camp", "p_value": 0.01}
    return [
        {**base, "narrative_id": "us_russia_new_detente", "leader": "russia_friendly", "follower": "china_friendly",
         "lag_days": 2, "strength": 0.30, "ci_low": 0.10, "ci_high": 0.40, "significant": True},
        # stored before lag 0 stopped being a lead: still marked significant
        {**base, "narrative_id": "us_russia_new_detente", "leader": "resistance", "follower": "china_friendly",
         "lag_days": 0, "strength": 0.50, "ci_low": 0.20, "ci_high": 0.60, "significant": True},
        *({**base, "narrative_id": f"n{i}", "narrative_label": f"Label {i}", "leader": "a", "follower": "b",
           "lag_days": 1 + i % 5, "strength": 0.0, "ci_low": -0.2, "ci_high": 0.1, "significant": False}
          for i in range(20)),
    ]


def _plotly_payloads(text: str) -> list[list[dict[str, Any]]]:
    """The data array of every Plotly.newPlot call in a piece of report HTML."""
    return [json.loads(m) for m in re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', text, re.DOTALL)]


def test_same_day_pairs_are_never_called_leads() -> None:
    text = who_leads_html({"leadlag": _leadlag_rows(), "graph": []})
    drawn = [label for data in _plotly_payloads(text) for t in data for label in (t.get("text") or [])]
    drawn += [label for data in _plotly_payloads(text) for t in data for label in (t.get("y") or [])
              if isinstance(label, str)]
    assert not any("resistance → china_friendly" in str(label) for label in drawn)
    assert "resistance → china_friendly" not in text and "resistance = china_friendly (same day)" in text


def test_significant_leads_first_and_the_rest_behind_a_toggle() -> None:
    text = who_leads_html({"leadlag": _leadlag_rows(), "graph": []})
    points = sum(len(t.get("x") or []) for data in _plotly_payloads(text) for t in data)
    assert points == 1  # the one lead beyond chance is charted ...
    hidden = text.split("<details", 1)[1]
    assert hidden.count("<tr>") == 22  # ... the other 21 pairs sit in a closed table (with its header row)
    assert "us_russia_new_detente" not in text.replace("<code>us_russia_new_detente</code>", "")  # labels, ids aside


def test_the_copy_graph_is_a_table_of_the_top_pairs() -> None:
    graph = [{"copier": f"Copier {i}", "original": f"Original {i % 3}", "articles": 1 + i % 4, "whole": 0,
              "median_lag_hours": 5.0} for i in range(30)]
    text = who_leads_html({"leadlag": [], "graph": graph})
    assert "(0 whole)" not in text and not _plotly_payloads(text)
    table = text.split("id='copy-table'", 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 15 and "Copier 3" in table  # the 15 busiest pairs, the most copying first


def _cluster() -> dict[str, Any]:
    daily = [(date(2026, 2, 2) + timedelta(days=d), 2, 1 + d % 2) for d in range(14)]
    return {"cluster_id": "c-1", "status": "new", "label": "ports, tariffs", "first_seen": "2026-W06",
            "last_seen": "2026-W07", "size": 3, "articles": 3, "outlets": ["x", "y"], "camps": ["a_camp"],
            "nearest_narrative": "us_russia_new_detente", "similarity": 0.41, "central": [], "daily": daily}


def test_emerging_header_counts_what_its_chart_shows() -> None:
    cluster = _cluster()
    text = emerging_html([cluster], labels={"us_russia_new_detente": "US-Russia new détente"})
    charted = sum(a for _, _, a in cluster["daily"])
    passages = sum(p for _, p, _ in cluster["daily"])
    assert f"{passages} passages in {charted} articles" in text
    assert "US-Russia new détente" in text


def test_emerging_chart_counts_whole_articles_without_a_toolbar() -> None:
    fig = cluster_figure(_cluster())
    assert fig.layout.yaxis.tickformat == "d" and fig.layout.yaxis.dtick and float(fig.layout.yaxis.dtick) >= 1
    text = emerging_html([_cluster()], labels={})
    assert '"displayModeBar": false' in text


def test_outlet_table_names_narratives_by_label() -> None:
    rows = [{"outlet": "O", "camp": "a_camp", "articles": 3, "per_week": 0.8, "last_article": "2026-02-01",
             "health": "ok", "pushes": "us_russia_new_detente 3, gone_id 1", "rebuts": None}]
    text = outlets_html(rows, labels={"us_russia_new_detente": "US-Russia new détente"})
    assert "US-Russia new détente 3" in text and "us_russia_new_detente 3" not in text
    assert "gone_id 1" in text  # a narrative gone from the catalogue keeps its id
