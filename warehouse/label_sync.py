"""Passage labels that agree with the document head's article labels, so every analytic counts one set of labels.

The exemplar rule tags passages (`passage_narratives`, origin 'rule'). Where a fitted head decides a narrative
for an article, its decision wins: the rule's rows of a narrative the head did not give move aside
(`overruled_passage_narratives`), and a narrative it gave that no passage carries is tagged on the article's
most similar passage (origin 'head'). Restoring undoes both, so a changed or removed head starts from the rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb

from warehouse.db import run_script


def restore_rule_labels(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    """The rule's own passage rows of these articles back: head evidence out, overruled rows in."""
    run_script(con, "queries/restore_rule_labels", {"article_ids": list(article_ids)})


def forget_head_labels(con: duckdb.DuckDBPyConnection, passage_ids: Sequence[str], article_ids: Sequence[str]) -> None:
    """Passages about to be classified again: their articles lose their head labels until the head labels them again."""
    run_script(con, "queries/drop_overruled_passages", {"passage_ids": list(passage_ids)})
    restore_rule_labels(con, article_ids)
    run_script(con, "queries/drop_head_labels", {"article_ids": list(article_ids)})


def agree_with_head(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], decided: Sequence[str], head_fingerprint: str,
    evidence: Sequence[tuple[str, str, float, str]], key: Mapping[str, object],
) -> None:
    """After the head's `article_labels` of these articles are written: drop the rule's rows of `decided` narratives
    the head did not give, tag `evidence` (passage, narrative, score, stance) where the head gave one no passage
    carries, and mark the articles' days for re-analysis. `key`: model_id, catalog_hash, params_hash of the rows."""
    ids = list(article_ids)
    run_script(con, "queries/overrule_passage_labels",
               {"article_ids": ids, "narrative_ids": list(decided), "head_fingerprint": head_fingerprint})
    if evidence:
        run_script(con, "queries/insert_head_evidence", dict(key) | {
            "passage_ids": [e[0] for e in evidence], "narrative_ids": [e[1] for e in evidence],
            "scores": [e[2] for e in evidence], "stances": [e[3] for e in evidence]})
    run_script(con, "queries/touch_article_passages", {"article_ids": ids})


def clear_head_labels(con: duckdb.DuckDBPyConnection) -> None:
    """No head: every head label dropped, the rule's passage rows back, the articles' days marked for re-analysis."""
    run_script(con, "queries/clear_head_labels", {})
