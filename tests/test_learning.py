"""Learning from judgments (issue #36 items 4-5): the judged classifiers and their held-out quality on arrays, and
once on a copy of the demo warehouse: 30 judged new_detente passages, `radar narratives fit`, relabelled history,
the narrative's quality line in `radar narratives check` and the report."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from extractors.identity import article_id_for
from flows.cli import app
from models.judged import (
    MIN_JUDGMENTS,
    JudgedExample,
    fit_narratives,
    held_out,
    judged_examples,
    quality,
    quality_line,
    wilson,
)
from models.judgments import Judgment, write_jsonl

NARRATIVE = "us_russia_new_detente"
INTERVAL = r"\d\.\d\d \[\d\.\d\d, \d\.\d\d\]"


def test_wilson_interval_and_the_fixed_split():
    low, high = wilson(8, 10)
    assert 0.49 < low < 0.50 and 0.94 < high < 0.95  # the textbook 0.490-0.943
    assert wilson(0, 0) is None
    texts = [f"passage number {i}" for i in range(2000)]
    share = sum(held_out(t) for t in texts) / len(texts)
    assert 0.22 < share < 0.28
    assert [held_out(t) for t in texts] == [held_out("  " + t.replace(" ", "  ")) for t in texts]  # by text hash


def test_a_narrative_gets_a_classifier_only_with_enough_judgments():
    rng = np.random.default_rng(0)
    centre_a, centre_b = rng.normal(size=8), rng.normal(size=8)

    def unit(c: np.ndarray) -> np.ndarray:
        v = c + 0.3 * rng.normal(size=8)
        return v / np.linalg.norm(v)

    examples, vectors = [], []
    for i in range(40):  # a: judged a half the time, "none" otherwise (proposed a both times)
        yes = i % 2 == 0
        examples.append(JudgedExample(f"t{i}", "a" if yes else None, "claim" if yes else None, "a", i % 5 == 0))
        vectors.append(unit(centre_a if yes else centre_b))
    examples.append(JudgedExample("only", "b", "claim", "b", False))
    vectors.append(unit(centre_b))
    exemplars = {"a": np.stack([unit(centre_a) for _ in range(3)]), "b": np.stack([unit(centre_b) for _ in range(3)])}
    fits = {f.narrative_id: f for f in fit_narratives(examples, np.stack(vectors), ["a", "b"], exemplars)}
    assert fits["a"].weights is not None and fits["a"].judgments == 40
    assert fits["b"].weights is None and f"needs {MIN_JUDGMENTS}" in fits["b"].reason
    predicted = [{"a"} if e.narrative_id == "a" else set() for e in examples]
    predicted[0] = set()  # one held-out positive missed
    a = next(q for q in quality(examples, predicted, ["a", "b"], {"a"}) if q.narrative_id == "a")
    assert (a.held_out, a.true_positive, a.false_positive, a.false_negative) == (8, 3, 0, 1)
    assert re.fullmatch(rf"labelled by the judged classifier: precision {INTERVAL}, recall {INTERVAL}, on 8 held-out "
                        "of 40 judgments", quality_line(a.row()))
    assert quality_line(None) == "not yet judged"


def test_the_latest_answer_of_each_analyst_counts():
    t0 = datetime(2026, 2, 20, tzinfo=UTC)
    first = Judgment("passage", "a1", "https://x/1", "h", None, "text", None, None, "ana", t0, proposed_narrative_id="n")
    again = Judgment("passage", "a1", "https://x/1", "h", None, "text", "n", "claim", "ana", t0 + timedelta(hours=1))
    [example] = judged_examples([again, first])
    assert example.narrative_id == "n"


@pytest.fixture(scope="module")
def learning_copy(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("learning") / "radar.duckdb"
    shutil.copy(demo_db[0], path)
    return path


def labelled(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> set[str]:
    """The text hashes among `hashes` with a passage labelled NARRATIVE."""
    return {h for (h,) in con.execute(
        "SELECT DISTINCT p.text_hash FROM passage_narratives pn JOIN passages p USING (passage_id) "
        "WHERE pn.narrative_id = ? AND p.text_hash IN (SELECT unnest(?::VARCHAR[]))", [NARRATIVE, hashes]).fetchall()}


def trend(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT day, passages FROM narrative_daily WHERE narrative_id = ? ORDER BY day",
                       [NARRATIVE]).fetchall()


def test_judging_30_new_detente_passages_and_refitting_relabels_them_and_shows_their_quality(learning_copy, tmp_path):
    db, runner = learning_copy, CliRunner()
    env = {"RADAR_NARRATIVE_PARAMS": str(tmp_path / "narrative_params.json")}
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT p.text_hash, any_value(p.text), any_value(a.url ORDER BY p.passage_id), "
        "any_value(pn.stance ORDER BY p.passage_id) FROM passage_narratives pn JOIN passages p USING (passage_id) "
        "JOIN articles a ON a.article_id = p.article_id WHERE pn.narrative_id = ? GROUP BY p.text_hash "
        "ORDER BY p.text_hash", [NARRATIVE]).fetchall()
    before, trend_before = labelled(con, [r[0] for r in rows]), trend(con)
    con.close()
    # The analyst's policy: a claim of the New Détente is it; a passage rejecting it is none of these.
    claims = [r for r in rows if r[3] != "rebuttal"][:15]
    rebuttals = [r for r in rows if r[3] == "rebuttal"][:15]
    assert len(claims) == len(rebuttals) == 15
    t0 = datetime(2026, 2, 20, 10, tzinfo=UTC)
    judged = []
    for i, (h, text, url, stance) in enumerate(claims + rebuttals):
        yes = i < 15
        judged.append(Judgment("passage", article_id_for(url), url, h, None, text, NARRATIVE if yes else None,
                               "claim" if yes else None, "ana", t0 + timedelta(minutes=i),
                               proposed_narrative_id=NARRATIVE, proposed_stance=stance))
    with (tmp_path / "judged.jsonl").open("w", encoding="utf-8") as out:
        write_jsonl(judged, out)
    result = runner.invoke(app, ["judgments", "import", str(tmp_path / "judged.jsonl"), "--db", str(db)], env=env)
    assert result.exit_code == 0, result.output
    assert {h for h, *_ in claims + rebuttals} <= before

    result = runner.invoke(app, ["narratives", "fit", "--db", str(db)], env=env)
    assert result.exit_code == 0, result.output
    assert f"{NARRATIVE}: classifier on " in result.output
    assert "stance: stance head kept (the exemplars'): " in result.output  # judged claims, no judged rebuttals

    con = duckdb.connect(str(db), read_only=True)
    after, trend_after = labelled(con, [r[0] for r in rows]), trend(con)
    [(stored,)] = con.execute("SELECT count(*) FROM narrative_quality WHERE narrative_id = ? AND decided_by = "
                              "'judgments' AND judgments = 30", [NARRATIVE]).fetchall()
    con.close()
    kept = sum(h in after for h, *_ in claims)
    dropped = sum(h not in after for h, *_ in rebuttals)
    assert kept >= 13 and dropped >= 10, (kept, dropped)  # relabelled as judged (a few held-out ones may differ)
    assert sum(n for _, n in trend_after) < sum(n for _, n in trend_before)  # the trend counts the new labels
    assert stored == 1

    result = runner.invoke(app, ["narratives", "check", "--db", str(db), "--show", "0"], env=env | {"COLUMNS": "200"})
    assert re.search(rf"{NARRATIVE}\s*│\s*judgments\s*│\s*30\s*│\s*\d+\s*│\s*{INTERVAL}", result.output), result.output

    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "report.html")], env=env)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert re.search(rf"Détente&quot; rapprochement: labelled by the judged classifier: precision ({INTERVAL}|n/a), "
                     rf"recall ({INTERVAL}|n/a), on \d+ held-out of 30 judgments", page)
    assert "Europe&#x27;s self-inflicted decline: not yet judged" in page
