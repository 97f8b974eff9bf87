"""The four kinds of alert, each with its own evidence record and one renderer that the terminal, the report, the
digest and the webhook all show; pure (no I/O). `alert_step.store_alert` is the one function that stores them.

The `alerts` table's columns mean the same for every kind (migration 025 rewrote older rows):

| column | meaning |
|---|---|
| narrative_id | the subject: a narrative id, `emerging:<cluster>`, `crossing:<source>` or `hypothesis:<id>` |
| camp | the camp the alert is about, `*` for all camps (a crossing: the side the outlet crossed to) |
| day | the day the alert is about (weekly kinds: see `alert_step.week_alert_day`) |
| count, total | articles behind the alert, and the articles they were counted among (= count without a denominator) |
| share, baseline | count / total, and the share its baseline expected (both 0 when the kind has no baseline) |
| p_value, score | the kind's test p (NULL without a test), and -log10 of it (0 without a test) |

Per kind, count is: a spike's carrying articles of the day's classified articles (what its test counts); an
emerging cluster's articles this week; a crossing outlet's articles in the judged window; 0 for a forecast.
What only one kind has (a spike's passages and stances, a cluster's keywords, a crossing's margin, a forecast's
interval) lives in the evidence record, stored as JSON with a `kind` field.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class AlertRow:
    """One row of `alerts` (without its id and delivery columns) and the evidence stored with it."""

    kind: str
    subject: str
    camp: str
    day: date
    count: int
    total: int
    share: float
    baseline: float
    p_value: float | None
    evidence: dict[str, Any] = field(repr=False)

    @property
    def score(self) -> float:
        return -math.log10(max(self.p_value, 1e-300)) if self.p_value is not None else 0.0


@dataclass(frozen=True)
class SpikeEvidence:
    """A day on which more articles carry a narrative than its baseline predicts (models/spikes.py)."""

    narrative_id: str
    camp: str
    day: str
    count: int  # carrying passages
    total: int  # classified passages that day
    articles: int  # carrying articles: what the test counts
    share: float  # of the day's passages
    baseline_rate: float  # the baseline's share of passages
    baseline_passages: int
    baseline_articles: int
    articles_that_day: int
    baseline_article_rate: float
    expected_articles: float
    p_value: float
    score: float
    ratio: float
    top_passages: list[dict] = field(default_factory=list)
    outlets: list[dict] = field(default_factory=list)
    camps: dict[str, int] = field(default_factory=dict)
    stances: dict[str, int] | None = None
    kind: str = "spike"

    def row(self) -> AlertRow:
        share = self.articles / self.articles_that_day if self.articles_that_day else 0.0
        return AlertRow("spike", self.narrative_id, self.camp, date.fromisoformat(self.day), self.articles,
                        self.articles_that_day, share, self.baseline_article_rate, self.p_value, asdict(self))


@dataclass(frozen=True)
class EmergingEvidence:
    """A discovered cluster of passages no narrative explains, growing this week (flows/discovery_step.py)."""

    cluster_id: str
    week: str
    day: str
    status: str
    keywords: list[str]
    outlets: list[str]
    camps: list[str]
    passages: int
    articles: int
    week_articles: int
    previous_articles: int
    week_outlets: int
    window_neighbours: int
    reference_neighbours: int
    novelty_p: float
    nearest_narrative: str | None
    similarity: float | None
    top_passages: list[dict] = field(default_factory=list)
    kind: str = "emerging"

    def row(self) -> AlertRow:
        return AlertRow("emerging", f"emerging:{self.cluster_id}", "*", date.fromisoformat(self.day),
                        self.week_articles, self.week_articles, 0.0, 0.0, self.novelty_p, asdict(self))


@dataclass(frozen=True)
class CrossingEvidence:
    """An outlet that now sides with another camp (models/bifurcation.py's `crossed`)."""

    outlet: str
    source_id: str
    configured_camp: str
    week: str
    day: str
    to: str
    margin: float
    window_articles: int
    weeks_on_new_side: int | None = None
    recent_articles: int | None = None
    moved: list[dict] = field(default_factory=list)
    kind: str = "crossing"
    # "from" is a keyword: stored under that name by `to_json`
    came_from: str | None = None

    def row(self) -> AlertRow:
        return AlertRow("crossing", f"crossing:{self.source_id}", self.to, date.fromisoformat(self.day),
                        self.window_articles, self.window_articles, 0.0, 0.0, None, _with_from(asdict(self)))


@dataclass(frozen=True)
class HypothesisEvidence:
    """A forecast whose verdict changed this week (models/hypotheses.py)."""

    hypothesis_id: str
    statement: str
    week: str
    previous: str | None
    verdict: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    reason: str = ""
    kind: str = "hypothesis"

    def row(self, day: date) -> AlertRow:
        return AlertRow("hypothesis", f"hypothesis:{self.hypothesis_id}", "*", day, 0, 0, 0.0, 0.0, None, asdict(self))


def _with_from(evidence: dict) -> dict:
    evidence["from"] = evidence.pop("came_from")
    return evidence


def excerpt(text: str, limit: int = 200) -> str:
    """A passage up to `limit` characters, cut after a whole word and marked " …" only when it was longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return head.rstrip(" ,;:") + " …"


def stance_phrase(stances: dict | None) -> str:
    """", mostly rebuttals (claims 2, rebuttals 9, mentions 1)": which event the spike is, or "" without counts."""
    if not stances or not sum(stances.values()):
        return ""
    lead = max(("claim", "rebuttal", "mention"), key=lambda k: stances.get(k, 0))
    counts = ", ".join(f"{k}s {stances.get(k, 0)}" for k in ("claim", "rebuttal", "mention"))
    return f", mostly {lead}s ({counts})"


# Renderers read the stored JSON, not the records: alerts stored by older releases lack fields the records have now.
def spike_text(e: dict) -> str:
    lines = [
        (
            f"*Narrative spike*: `{e['narrative_id']}` in {'all camps' if e['camp'] == '*' else e['camp']}"
            f" on {e['day']}: {e['count']} passages in {e.get('articles', '?')} articles,"
            f" share {100 * e['share']:.1f}%"
            f" (baseline {100 * e.get('baseline_rate', e.get('baseline_median_share', 0)):.1f}%,"
            f" p {e.get('p_value', 0):.2g})"
            + stance_phrase(e.get("stances"))  # alerts stored before it have none
        ),
        "Outlets: " + ", ".join(f"{o['outlet']} ({o['passages']})" for o in e["outlets"][:5]),
    ]
    for p in e["top_passages"][:3]:
        lines.append(f"> [{p['stance']}] {p['outlet']}: {excerpt(p['text'])} <{p['url']}>")
    return "\n".join(lines)


def emerging_text(e: dict) -> str:
    top = e.get("top_passages") or [{}]
    return (f"*Emerging cluster* `{e['cluster_id']}` ({e['status']}) in {e['week']}: "
            f"{e['week_articles']} articles this week ({e['previous_articles']} the week before) "
            f"from {e['week_outlets']} outlets; keywords: {', '.join(e['keywords'][:8])}\n"
            f"> {top[0].get('outlet')}: {excerpt(str(top[0].get('text', '')))} <{top[0].get('url')}>")


def crossing_text(e: dict) -> str:
    moved = "; ".join(f"{m['feature']} {100 * m['share_before']:.0f}% → {100 * m['share_now']:.0f}%"
                      for m in e.get("moved") or [])
    return (f"*Outlet crossing* in {e['week']}: {e['outlet']} ({e['configured_camp']}) now "
            f"sides with *{e['to']}* (was {e['from']}; {e['weeks_on_new_side']} weeks on the "
            f"new side, margin {e['margin']:.2f}, {e['window_articles']} articles in the window)"
            + (f"\nMoved most: {moved}" if moved else ""))


def hypothesis_text(e: dict) -> str:
    value = "" if e["value"] is None else (
        f" (value {e['value']:.3f}, 95% interval {e['ci_low']:.3f} to {e['ci_high']:.3f})")
    why = f" ({e['reason']})" if e.get("reason") else ""  # alerts stored before it have none
    return (f"*Forecast verdict change* in {e['week']}: {e['statement']}: "
            f"{e['previous']} → *{e['verdict']}*{why}{value}")


RENDERERS: dict[str, Callable[[dict], str]] = {
    "spike": spike_text, "emerging": emerging_text, "crossing": crossing_text, "hypothesis": hypothesis_text,
}


def alert_text(evidence: dict) -> str:
    """The alert in Slack's markup: the webhook's text; the terminal, report and digest strip the markup."""
    return RENDERERS[evidence.get("kind", "spike")](evidence)  # spikes stored before kinds existed have none
