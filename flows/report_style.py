"""What the report's charts share: distinct colours, calendar-ordered week axes, whole-number count axes, labels."""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterable, Mapping
from typing import Any

from plotly.colors import qualitative

# 48 distinct colours; Plotly's default cycles 10, so an eleventh narrative repeated the first one's colour
PALETTE = (*qualitative.Dark24, *qualitative.Light24)
VERDICT_COLOURS = {"supported": "#2ca02c", "contradicted": "#d62728", "inconclusive": "#7f7f7f"}
NO_MODEBAR = {"displaylogo": False, "displayModeBar": False}  # small charts: the toolbar would cover their bars


def distinct_colours(keys: Iterable[str]) -> dict[str, str]:
    """One colour per key (in sorted order), never the same colour twice, however many keys."""
    ordered = sorted(set(keys))
    if len(ordered) <= len(PALETTE):
        return dict(zip(ordered, PALETTE, strict=False))
    # beyond the palette: evenly spaced hues at two lightnesses, still pairwise distinct
    out = {}
    for i, key in enumerate(ordered):
        r, g, b = colorsys.hls_to_rgb(i / len(ordered), 0.35 + 0.25 * (i % 2), 0.75)
        out[key] = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    return out


def week_axis(weeks: Iterable[str]) -> dict[str, Any]:
    """A categorical axis of ISO weeks in calendar order, whatever order the traces list them in."""
    # Plotly orders categories by first appearance over all traces of shared axes: a week only a later
    # subplot has (W03) was drawn after the weeks of the first one (W04 … W08)
    return {"type": "category", "categoryorder": "array", "categoryarray": sorted(set(weeks))}


def count_axis(largest: float, title: str) -> dict[str, Any]:
    """A y axis of whole counts: integer ticks only (no half articles), about five of them, from 0."""
    return {"title": title, "tickformat": "d", "tick0": 0, "dtick": max(1, math.ceil(largest / 5)),
            "rangemode": "tozero"}


def relabel(text: str | None, labels: Mapping[str, str]) -> str:
    """`id n, id n` (an outlet's narratives with counts) with each id replaced by its catalogue label."""
    if not text:
        return ""
    parts = []
    for item in text.split(", "):
        narrative, _, count = item.rpartition(" ")
        parts.append(f"{labels.get(narrative, narrative)} {count}" if narrative else item)
    return ", ".join(parts)


_OFFSETS = {"top center": (0.0, -1.0), "bottom center": (0.0, 1.0), "middle right": (1.0, 0.0),
            "middle left": (-1.0, 0.0), "top right": (1.0, -1.0), "bottom left": (-1.0, 1.0),
            "top left": (-1.0, -1.0), "bottom right": (1.0, 1.0)}


def label_positions(points: list[tuple[float, float, str]], width: float, height: float,
                    char_px: float = 5.5, line_px: float = 12.0) -> list[str]:
    """A text position per (x, y, label) whose label box, estimated in pixels of a `width` x `height` plot, meets
    no label placed before it: names above every marker piled up where outlets sit close."""
    if not points:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for x, y, text in points:
        px, py = (x - min(xs)) / span_x * width, (max(ys) - y) / span_y * height
        w, h = char_px * len(text), line_px

        def box(pos: str, px: float = px, py: float = py, w: float = w,
                h: float = h) -> tuple[float, float, float, float]:
            dx, dy = _OFFSETS[pos]
            cx, cy = px + dx * (w / 2 + 6), py + dy * (h / 2 + 6)
            return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2

        def clashes(b: tuple[float, float, float, float]) -> int:
            return sum(min(b[2], o[2]) > max(b[0], o[0]) and min(b[3], o[3]) > max(b[1], o[1]) for o in placed)

        best = min(_OFFSETS, key=lambda pos: (clashes(box(pos)), list(_OFFSETS).index(pos)))
        placed.append(box(best))
        out.append(best)
    return out
