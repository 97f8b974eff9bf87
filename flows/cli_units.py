"""What the columns of each `radar` table count, in the units their SQL computes, and what the short names mean.

Only tables show these (a unit line under the headers, notes under the rows); csv and json keep their column names
and values unchanged for scripts.
"""

from __future__ import annotations

from flows.cli_tables import Layout

PASSAGES = "passages"

SPIKE_ALERTS = Layout(
    units={"count": "articles", "share_pct": "% articles", "baseline_pct": "% articles", "claims": PASSAGES,
           "rebuttals": PASSAGES},
    note=("count: the day's articles carrying the narrative, what the spike test counts; share_pct: their share of "
          "the day's classified articles, baseline_pct: of the baseline window's (docs/analytics.md, Spike alerts). "
          "claims and rebuttals count passages; the webhook text gives passages too."),
)


BIFURCATION = Layout(
    units={"win": "weeks", "label_index": "JS bits", "label_p95": "JS bits", "embedding_index": "cosine",
           "embedding_p95": "cosine", "n_outlets": "outlets", "excluded_outlets": "outlets",
           "resistance_to_russia": "JS bits", "resistance_to_china": "JS bits"},
    note=("win: the trailing window of weeks ending the row's week. *_index: the camps' divergence minus its "
           "shuffled-camps null's mean (label: Jensen-Shannon of their narrative mixes; embedding: cosine distance of "
           "their article centroids); *_p95: the null's 95th percentile on that scale; *_p: p-value. "
           "resistance_to_*: raw Jensen-Shannon between the resistance camp's mix and each camp's. crossed: outlets "
           "whose stable side changed that week."),
    empty="no bifurcation weeks yet (run `radar analyze`)",
)

TRENDS = Layout(note="claims, rebuttals: passages claiming or rejecting the narrative that week; passages: every passage "
                     "carrying it, mentions too.")

HYPOTHESES = Layout(
    note=("evidence: what the verdict rests on (articles in the compared groups, or weeks with an index); value and "
           "ci_*, value_ci95: the tested value and its 95% interval; why: what an inconclusive verdict lacks, or "
           "the sustained run that supported one (its interval stays the slope's)."),
    empty="no verdicts stored yet (run `radar analyze`)",
)

LEADLAG = Layout(
    units={"lag_days": "days", "articles": "leader / follower"},
    empty="no lead-lag pairs stored yet (run `radar analyze`)",
)

INFLUENCE = Layout(
    units={"firsts": "waves", "follows": "waves", "copies_made": "articles", "copies_received": "articles"},
    note=("firsts: narrative waves the outlet opened; follows: waves it joined later; copied_from_top, "
           "copied_by_top: the outlet it copies most, and the one copying it most."),
    empty="no outlet roles stored yet (run `radar analyze`)",
)

COPIES = Layout(
    units={"passages": "copied", "of_passages": "in article", "share": "of passages", "lag_hours": "hours"},
    empty="no copying articles found",
)


def outlets(weeks: int) -> Layout:
    """`radar outlets`: counts over the latest `weeks` weeks."""
    return Layout(units={"articles": f"last {weeks} wk", "classified": "articles", "per_week": "articles",
                         "pushes": "articles each", "rebuts": "articles each"},
                  note=("pushes, rebuts: the narratives most of its articles claim (rebut), each with its number of "
                         "articles; classified: articles in a language the model reads."))


OUTLET_WEEKLY = Layout(units={"articles": "that week", "claiming": "articles",
                              "rebutting": "articles", "mentioning": "articles", "passages": "labelled"})

PASSAGES_TABLE = Layout(units={"score": "cosine"}, empty="no passages match")

DISCOVER = Layout(units={"passages": "in week", "articles": "in week", "similarity": "cosine"})

CATALOGUE = Layout(
    units={"claims": "exemplars", "rebuttals": "exemplars", "bar": "min score", "cosine": "to nearest",
           "confusable": "of exemplars"},
    note=("bar: the score (top-k mean cosine to its exemplars) a passage needs to carry the narrative; nearest, "
           "cosine: the other narrative whose claims' centroid is closest, and that cosine; confusable: its exemplars "
           "closer to another narrative's than to their own siblings', of all its exemplars (claims, rebuttals and "
           "the description)."),
)

CONFUSIONS = Layout(units={"own": "cosine", "score": "cosine"},
                    note=("own: the exemplar's top-k mean cosine to its siblings (itself left out); score: to the "
                           "exemplars of the narrative it sits closer to."))


def evidence_unit(template: str | None) -> str:
    """What a hypothesis test's evidence counts: weeks for the divergence trend, a user query's own unit, else
    articles."""
    return {"divergence_trend": "week", "sql": "", None: ""}.get(template, "article")


def counted(n: object, unit: str) -> str:
    """ "7 weeks", "1 article"; the bare number without a unit."""
    if n is None or not unit:
        return "" if n is None else str(n)
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
