"""The rendered report read back from headless Chromium: each Plotly chart's data, layout and on-screen boxes, and the
rules a chart must keep (chronological axes, points inside their intervals, labels not ids, legends clear of the
plot, distinct colours, thresholds where the verdict is judged, same-day pairs not leads, counts that add up)."""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000")

# Everything a rule needs from one chart, read from the live page: Plotly's resolved data (colours filled in) and
# the boxes of what is drawn
COLLECT = """
const arr = v => (v == null || typeof v === 'string') ? v : Array.from(v);
const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
  return r.width * r.height > 0 ? [r.left, r.top, r.right, r.bottom] : null; };
const colour = t => {
  const m = t.marker || {}, l = t.line || {};
  if (t.type === 'bar') return typeof m.color === 'string' ? m.color : null;
  if (t.stackgroup || (t.mode || '').indexOf('markers') < 0) return t.fill && t.fill !== 'none' && !t.stackgroup
      ? t.fillcolor : l.color;
  return typeof m.color === 'string' ? m.color : l.color;
};
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
  const fl = gd._fullLayout;
  const axes = {};
  for (const k of Object.keys(fl).filter(k => /^[xy]axis\\d*$/.test(k))) {
    const a = fl[k];
    axes[k] = {type: a.type, categories: a._categories ? Array.from(a._categories) : null,
               title: a.title ? a.title.text : '', domain: a.domain,
               ticks: Array.from(gd.querySelectorAll('.' + k.replace('axis', '') + 'tick text')).map(e => e.textContent)};
  }
  const err = e => e && e.visible ? {array: arr(e.array) || [], arrayminus: arr(e.arrayminus) || arr(e.array) || []} : null;
  return {
    id: gd.id, title: fl.title ? fl.title.text : '', axes: axes,
    annotations: (fl.annotations || []).map(a => ({text: a.text, y: a.y, yref: a.yref})),
    shapes: (fl.shapes || []).map(s => ({y0: s.y0, y1: s.y1, x0: s.x0, x1: s.x1, xref: s.xref, yref: s.yref})),
    traces: gd._fullData.map(t => ({
      type: t.type, name: t.name, mode: t.mode, visible: t.visible, showlegend: t.showlegend,
      legendgroup: t.legendgroup, xaxis: t.xaxis, yaxis: t.yaxis, meta: t.meta, orientation: t.orientation,
      x: arr(t.x), y: arr(t.y), text: arr(t.text), customdata: t.customdata ? Array.from(t.customdata).map(arr) : null,
      colour: colour(t), markerColours: t.marker && Array.isArray(t.marker.color) ? t.marker.color : null,
      error_x: err(t.error_x), error_y: err(t.error_y)})),
    boxes: {
      svg: box(gd.querySelector('.main-svg')),
      plots: Array.from(gd.querySelectorAll('.nsewdrag')).map(box).filter(b => b),
      legend: box(gd.querySelector('.legend .bg')), title: box(gd.querySelector('.gtitle')),
      menu: box(gd.querySelector('.updatemenu-header-group')),
      modebar: box(gd.querySelector('.modebar')),
      texts: Array.from(gd.querySelectorAll('.textpoint text')).map(box).filter(b => b)},
    legendScrolls: !!(fl.legend && fl.legend._height > fl.legend._effHeight + 1),
    legendTexts: Array.from(gd.querySelectorAll('.legendtext')).map(e => e.textContent),
  };
});
"""

WEEK_OR_DAY = re.compile(r"^\d{4}-(W\d{2}|\d{2}-\d{2})")
ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium driven by selenium, with a user-data dir of its own; quit however the block ends."""
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="radar-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(
        str(CHROMEDRIVER) if CHROMEDRIVER.exists() else shutil.which("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_report(driver: Any, path: Path) -> list[dict[str, Any]]:
    """Load the report, wait until every chart has drawn, and return what COLLECT reads from each."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.as_uri())
    WebDriverWait(driver, 60).until(lambda d: all(
        c.find_elements(By.CSS_SELECTOR, ".main-svg") for c in d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot")))
    return driver.execute_script(COLLECT)


def full_page_screenshot(driver: Any, out: Path) -> Path:
    """The whole page (not just the window) as one PNG, through the DevTools protocol."""
    width, height = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return out


def _overlap(a: list[float] | None, b: list[float] | None, slack: float = 1.0) -> bool:
    return bool(a and b) and min(a[2], b[2]) - max(a[0], b[0]) > slack and min(a[3], b[3]) - max(a[1], b[1]) > slack


def axes_in_calendar_order(chart: dict[str, Any]) -> list[str]:
    """Week and day categories in calendar order, and every line drawn left to right along them."""
    bad = []
    for name, axis in chart["axes"].items():
        cats = axis["categories"] or []
        if cats and all(WEEK_OR_DAY.match(str(c)) for c in cats) and cats != sorted(cats):
            bad.append(f"{chart['id']} {name}: {cats}")
    for t in chart["traces"]:
        if t["visible"] is not True or "lines" not in (t["mode"] or "") or not t["x"] or t["orientation"] == "h":
            continue
        axis = chart["axes"].get(t["xaxis"].replace("x", "xaxis", 1), {})
        xs = [x for x in t["x"] if x is not None]
        keys = [axis["categories"].index(x) for x in xs] if axis.get("type") == "category" else xs
        if keys != sorted(keys):
            bad.append(f"{chart['id']} trace {t['name']!r} drawn out of order: {xs}")
    return bad


def points_inside_intervals(chart: dict[str, Any]) -> list[str]:
    """Every error bar reaches both ways from its point, and a value with its interval (customdata) lies inside."""
    bad = []
    for t in chart["traces"]:
        for err in (t["error_x"], t["error_y"]):
            if err and any(v < -1e-9 for v in (*err["array"], *err["arrayminus"])):
                bad.append(f"{chart['id']} {t['name']!r}: point outside its bar ({err})")
        if t["meta"] == "value-with-interval":
            bad += [f"{chart['id']} {x}: {y} outside [{lo}, {hi}]" for x, y, (lo, hi) in
                    zip(t["x"], t["y"], t["customdata"], strict=True) if not lo - 1e-9 <= y <= hi + 1e-9]
    return bad


def chart_texts(chart: dict[str, Any]) -> list[str]:
    """Every piece of text a chart shows: titles, annotations, axis titles and ticks, legend entries, point labels."""
    texts = [chart["title"], *(a["text"] for a in chart["annotations"]), *chart["legendTexts"]]
    for axis in chart["axes"].values():
        texts += [axis["title"], *axis["ticks"], *(str(c) for c in axis["categories"] or [])]
    for t in chart["traces"]:
        texts += [t["name"] or "", *(str(v) for v in (t["text"] if isinstance(t["text"], list) else [t["text"]]) if v)]
    return [str(x) for x in texts if x]


def ids_shown(texts: list[str], labels: Mapping[str, str]) -> list[str]:
    """Narrative ids shown where their catalogue label exists."""
    found = []
    for nid, label in labels.items():
        if nid == label:
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(nid)}(?![\w-])")
        found += [f"{nid} in {text[:80]!r}" for text in texts if pattern.search(text)]
    return found


def legends_clear(chart: dict[str, Any]) -> list[str]:
    """The legend, title, menu and toolbar overlap neither each other nor a plot area, and no legend scrolls."""
    b = chart["boxes"]
    bad = [f"{chart['id']}: legend scrolls"] if chart["legendScrolls"] else []
    for what in ("legend", "menu", "modebar"):
        bad += [f"{chart['id']}: {what} over the plot" for p in b["plots"] if _overlap(b[what], p)]
    for one, other in (("title", "menu"), ("title", "legend"), ("menu", "legend"), ("modebar", "menu")):
        if _overlap(b[one], b[other]):
            bad.append(f"{chart['id']}: {one} overlaps {other}")
    return bad


def labels_readable(chart: dict[str, Any]) -> list[str]:
    """Point labels stay inside the chart and do not pile on each other."""
    b = chart["boxes"]
    texts, svg = b["texts"], b["svg"]
    bad = [f"{chart['id']}: label clipped at {t}" for t in texts
           if svg and (t[0] < svg[0] - 1 or t[2] > svg[2] + 1 or t[1] < svg[1] - 1 or t[3] > svg[3] + 1)]
    piled = sum(_overlap(t, u, slack=3) for i, t in enumerate(texts) for u in texts[i + 1:])
    return bad + ([f"{chart['id']}: {piled} pairs of point labels overlap"] if piled else [])


def colours_distinct(chart: dict[str, Any]) -> list[str]:
    """No two legend entries share a colour (traces of one legend group, e.g. an index and its null, may)."""
    owners: dict[str, set[str]] = {}
    for t in chart["traces"]:
        if t["showlegend"] is False and not t["legendgroup"]:
            continue
        if t["colour"]:
            owners.setdefault(str(t["colour"]).lower().replace(" ", ""), set()).add(t["legendgroup"] or t["name"])
    return [f"{chart['id']}: {sorted(keys)} share {c}" for c, keys in owners.items() if len(keys) > 1]


def whole_counts(chart: dict[str, Any]) -> list[str]:
    """Axes counting articles or passages show whole numbers only."""
    bad = []
    for name, axis in chart["axes"].items():
        if re.match(r"(articles|passages)\b", axis["title"] or ""):  # counts, not "share of passages"
            ticks = [t.replace("\u2212", "-").replace(",", "") for t in axis["ticks"]]
            bad += [f"{chart['id']} {name}: tick {t!r}" for t in ticks if not re.fullmatch(r"-?\d+", t)]
    return bad


def every_rule(charts: list[dict[str, Any]], labels: Mapping[str, str]) -> dict[str, list[str]]:
    """The generic rules over every chart, by rule name; an empty list is a kept rule."""
    rules = (axes_in_calendar_order, points_inside_intervals, legends_clear, labels_readable, colours_distinct,
             whole_counts)
    out = {rule.__name__: [v for c in charts for v in rule(c)] for rule in rules}
    out["ids_shown"] = ids_shown([t for c in charts for t in chart_texts(c)], labels)
    return out


# What the page says outside its charts: every table cell and heading, the lead-lag toggle, the emerging headers
# with the bars charted beneath each
PAGE = """
const text = sel => Array.from(document.querySelectorAll(sel)).map(e => e.textContent);
const rest = document.querySelector('#leadlag-rest');
return {
  texts: text('h1, h2, h3, p, li, td, th, summary'),
  restOpen: rest ? rest.open : null,
  copyRows: document.querySelectorAll('#copy-table tr').length,
  copyGraph: !!document.querySelector('#chart-copygraph'),
  emerging: Array.from(document.querySelectorAll('.emerging')).map(e => ({
    header: e.querySelector('p').textContent,
    bars: Array.from(e.querySelector('.js-plotly-plot').data[0].y)})),
};
"""


def thresholds_drawn(chart: dict[str, Any], expected: Mapping[str, tuple[float, bool]]) -> list[str]:
    """Each forecast subplot, found by its statement, draws its dotted line at the threshold its verdict uses."""
    bad = []
    titles = {a["text"].replace("<br>", " "): a["y"] for a in chart["annotations"] if a["yref"] == "paper"}
    for statement, (threshold, two_sided) in expected.items():
        if statement not in titles:
            bad.append(f"no subplot titled {statement!r}")
            continue
        axis = next(k for k, a in chart["axes"].items() if k.startswith("yaxis")
                    and abs(a["domain"][1] - titles[statement]) < 0.05)
        ref = "y" + axis.removeprefix("yaxis")
        lines = sorted(s["y0"] for s in chart["shapes"] if s["yref"] == ref and s["y0"] == s["y1"])
        want = sorted({threshold, -threshold} if two_sided else {threshold})
        if lines != want:
            bad.append(f"{statement!r}: lines at {lines}, its verdict is judged at {want}")
    return bad


def leads_named(chart: dict[str, Any] | None, same_day: list[tuple[str, str, str]], leads: int) -> list[str]:
    """The lead chart holds exactly the leads beyond chance, each with an arrow, no same-day (narrative label,
    group, group) pair among them."""
    names = [] if chart is None else [y for t in chart["traces"] for y in (t["y"] or [])]
    bad = [f"not a lead: {n!r}" for n in names if "→" not in n or "(same day)" in n or " by 0 d" in n]
    bad += [f"same-day pair drawn as a lead: {n!r}" for label, a, b in same_day for n in names
            if n.startswith(f"{label}: ") and (f"{a} → {b}" in n or f"{b} → {a}" in n)]
    return bad + ([f"{len(names)} leads charted, {leads} beyond chance"] if len(names) != leads else [])


def counts_agree(emerging: list[dict[str, Any]]) -> list[str]:
    """An emerging cluster's header counts the articles its chart draws."""
    bad = []
    for e in emerging:
        m = re.search(r"(\d+) passages in (\d+) articles on the days charted", e["header"])
        if not m or int(m.group(2)) != sum(e["bars"]):
            bad.append(f"header {e['header'][:90]!r} over bars summing to {sum(e['bars'])}")
    return bad
