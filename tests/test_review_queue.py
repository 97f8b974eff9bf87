"""The review queue (issue #36 item 2) on hand-built arrays and once on the demo warehouse, and `radar review` (item
3) answering five passages through stdin."""

from __future__ import annotations

import re
import shutil

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

from flows.classify_step import load_params
from flows.cli import app
from flows.cli_judgments import Answer, parse_answer
from flows.judgments_step import build_queue, read_judgments
from flows.settings import Settings
from models.review_queue import Candidates, QueueItem, nearest_narratives, review_queue
from warehouse.writer import Writer


def candidates(rows: list[tuple], vectors: np.ndarray | None = None) -> Candidates:
    """rows: (text hash, narrative, score, disagreement, alert rank); every threshold 0.5."""
    return Candidates(
        text_hash=[r[0] for r in rows], narrative=[r[1] for r in rows], score=np.array([r[2] for r in rows]),
        threshold=np.full(len(rows), 0.5), disagreement=[r[3] for r in rows],
        alert_rank=np.array([r[4] for r in rows]), alert=[f"alert {r[4]}" if r[4] >= 0 else None for r in rows],
        vectors=vectors)


def hashes(c: Candidates, queue: list[QueueItem]) -> list[str]:
    return [c.text_hash[q.index] for q in queue]


def test_newest_alerts_first_then_disagreements_then_the_least_sure_fewest_judged_narrative_first():
    c = candidates([
        ("far-a", "a", 0.90, None, -1),
        ("near-a", "a", 0.52, None, -1),
        ("near-b", "b", 0.55, None, -1),
        ("nearer-b", "b", 0.51, None, -1),
        ("c", "c", 0.70, None, -1),
        ("dispute", "a", 0.80, "the head says no", -1),
        ("old-alert", "b", 0.95, None, 1),
        ("new-alert-strong", "a", 0.99, None, 0),
        ("new-alert-weak", "a", 0.60, None, 0),
    ])
    queue = review_queue(c, judged_per_narrative={"a": 5, "b": 0, "c": 2}, judged_hashes=set())
    assert hashes(c, queue) == [
        "new-alert-weak", "new-alert-strong", "old-alert",  # newest alert first; within one, the least sure first
        "dispute",
        # narratives take turns, fewest judgments first (b 0, c 2, a 5), each its least sure passage next
        "nearer-b", "c", "near-a", "near-b", "far-a",
    ]
    reasons = [q.reason for q in queue]
    assert reasons[0].startswith("evidence of alert 0") and "score 0.60 against threshold 0.50" in reasons[0]
    assert reasons[3].startswith("the head says no") and "a has 5 judgments" in reasons[3]
    assert reasons[4] == "least sure: score 0.51 against threshold 0.50; b has 0 judgments"
    assert len(review_queue(c, {}, set(), limit=3)) == 3


def test_the_same_text_is_never_offered_twice_and_judged_texts_are_left_out():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(4, 16))
    near = base[0] + 0.05 * rng.normal(size=16)  # cosine about 0.99 to base[0]
    assert float(near @ base[0] / np.linalg.norm(near) / np.linalg.norm(base[0])) >= 0.95
    vectors = np.vstack([base, near, base[1]])
    c = candidates([("h0", "a", 0.51, None, -1), ("h1", "a", 0.52, None, -1), ("h2", "b", 0.53, None, -1),
                    ("h3", "b", 0.60, None, -1), ("h0-near", "a", 0.505, None, -1), ("h1", "b", 0.50, None, -1)],
                   vectors)
    queue = review_queue(c, {}, set())
    # turns a, b, a, b...: h0-near; b's h1 (score 0.50); h0, h0-near's near-duplicate, left out; h2; a's h1, the same
    # text as b's, left out; h3
    assert hashes(c, queue) == ["h0-near", "h1", "h2", "h3"] and queue[1].index == 5
    without_vectors = review_queue(candidates([("x", "a", 0.5, None, -1), ("x", "b", 0.5, None, 0)]), {}, set())
    assert len(without_vectors) == 1
    # judged: by text hash, and the near-duplicates of a judged text's vector
    judged = review_queue(c, {}, {"h2"}, judged_vectors=base[[0, 2]])
    assert hashes(c, judged) == ["h1", "h3"]



def test_the_numbered_alternatives_are_the_narratives_nearest_the_passage():
    exemplars = {"a": np.array([[1.0, 0.0], [0.0, 1.0]]), "b": np.array([[0.6, 0.8]]), "c": np.array([[-1.0, 0.0]])}
    order = ["a", "b", "c", "d", "e", "f", "g"]
    passage = np.array([0.0, 2.0])
    assert nearest_narratives(passage, exemplars, besides="a", order=order) == ["b", "c", "d", "e", "f"]
    assert nearest_narratives(passage, exemplars, besides="b", order=order)[:2] == ["a", "c"]  # a's nearest exemplar
    assert nearest_narratives(None, exemplars, besides="c", order=order) == ["a", "b", "d", "e", "f"]


def test_one_key_an_answer():
    others = ["b", "c"]
    def answer(keys: str) -> Answer | None:
        return parse_answer(keys, proposed="a", stance="claim", others=others)
    assert answer("y\n") == Answer("judge", "a", "claim")
    assert answer("R") == Answer("judge", "a", "rebuttal")
    assert answer("n") == Answer("judge", None, None)
    assert answer("2") == Answer("judge", "c", "claim") and answer("1m") == Answer("judge", "b", "mention")
    assert answer("s") == Answer("skip") and answer("q") == Answer("quit")
    assert [answer(k) for k in ("", "x", "0", "3", "1z", "yy", "²")] == [None] * 7

@pytest.fixture(scope="module")
def demo_copy(demo_db, tmp_path_factory):
    """A copy of the session's demo warehouse (built once), so judging here leaves the shared one alone."""
    path = tmp_path_factory.mktemp("review") / "radar.duckdb"
    shutil.copy(demo_db[0], path)
    return path


def test_the_queue_on_the_demo_warehouse(demo_copy):
    settings = Settings(db=demo_copy)
    model_id = settings.embedder().model_id
    queue = build_queue(Writer(demo_copy), model_id, load_params(settings), limit=40)
    assert len(queue) == 40
    assert len({p.text_hash for p in queue}) == 40
    unit = np.stack([p.vector / np.linalg.norm(p.vector) for p in queue])
    similar = unit @ unit.T - np.eye(len(queue)) * 2
    assert similar.max() < 0.95  # the demo's outlets copy each other's passages: all those collapsed
    con = duckdb.connect(str(demo_copy), read_only=True)
    [(newest,)] = con.execute("SELECT narrative_id FROM alerts WHERE kind = 'spike' ORDER BY day DESC, created_at DESC "
                              "LIMIT 1").fetchall()
    con.close()
    assert queue[0].reason.startswith(f"evidence of the {newest} spike of ")
    kinds = [p.reason.split(" ")[0] for p in queue]
    assert kinds == sorted(kinds, key=["evidence", "the", "least"].index)  # alerts, disagreements, least sure


def test_radar_review_answers_five_passages_from_stdin(demo_copy):
    before = build_queue(Writer(demo_copy), Settings().embedder().model_id, load_params(Settings(db=demo_copy)))
    result = CliRunner().invoke(app, ["review", "--db", str(demo_copy), "--limit", "10"],
                                input="y\nn\nx\n2r\nc\ns\nm\nq\n", env={"USER": "tester", "COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "5 judgments by tester written to" in result.output
    assert "? 'x' is no answer" in result.output
    blocks = [" ".join(b.split()) for b in result.output.split("\n[")[1:]]  # one a passage shown, lines joined
    proposed = [re.search(r"proposed: .*? \((\w+)\), (\w+), score", b).groups() for b in blocks]
    option_two = re.search(r" 2 [^()]*(?:\([^()]*\)[^()]*)*?\((\w+)\) 3 ", blocks[2]).group(1)
    (n1, s1), (n2, _), (n3, _), (n4, _), (_, _), (n6, _) = proposed[:6]
    got = sorted(read_judgments(Writer(demo_copy)), key=lambda j: j.judged_at)
    assert [(j.narrative_id, j.stance, j.proposed_narrative_id) for j in got] == [
        (n1, s1, n1), (None, None, n2), (option_two, "rebuttal", n3), (n4, "claim", n4), (n6, "mention", n6)]
    assert {j.analyst for j in got} == {"tester"} and all(j.model_id and j.catalog_hash for j in got)
    assert [j.text_hash for j in got] == [p.text_hash for k, p in enumerate(before[:6]) if k != 4]
    long = [line for line in result.output.splitlines() if len(line) > 100 and not line.startswith("http")]
    assert long == []
    after = build_queue(Writer(demo_copy), Settings().embedder().model_id, load_params(Settings(db=demo_copy)))
    assert not {j.text_hash for j in got} & {p.text_hash for p in after}  # judged: never queued again


def test_head_and_rule_disagreements_are_read_from_the_warehouse(demo_db, tmp_path):
    """The demo has no head: three labels overruled by a head and two passages tagged by one, as label_articles
    would store them, come right after the alerts' evidence."""
    path = tmp_path / "radar.duckdb"
    shutil.copy(demo_db[0], path)
    writer = Writer(path)
    with writer.transaction() as con:
        con.execute("INSERT INTO overruled_passage_narratives SELECT passage_id, narrative_id, score, stance, model_id, "
                    "catalog_hash, params_hash, article_id, source_id, day, 'head' FROM passage_narratives "
                    "WHERE narrative_id = 'europe_decline' ORDER BY passage_id LIMIT 3")
        con.execute("DELETE FROM passage_narratives WHERE (passage_id, narrative_id) IN "
                    "(SELECT passage_id, narrative_id FROM overruled_passage_narratives)")
        con.execute("UPDATE passage_narratives SET origin = 'head' WHERE narrative_id = 'reverse_nixon' AND passage_id IN "
                    "(SELECT passage_id FROM passage_narratives WHERE narrative_id = 'reverse_nixon' "
                    "ORDER BY passage_id LIMIT 2)")
    settings = Settings(db=path)
    queue = build_queue(writer, settings.embedder().model_id, load_params(settings), limit=30)
    disputes = [p for p in queue if p.reason.startswith("the ")]
    first = next(k for k, p in enumerate(queue) if p.reason.startswith("the "))
    assert all(p.reason.startswith("evidence of") for p in queue[:first])
    assert queue[first:first + len(disputes)] == disputes  # together, right after the alerts
    assert {p.narrative_id for p in disputes} == {"europe_decline", "reverse_nixon"}
    assert any("the exemplar rule says europe_decline, the head did not give the article it" in p.reason
               for p in disputes)
    assert any("the head gave the article reverse_nixon, the exemplar rule none of its passages" in p.reason
               for p in disputes)
