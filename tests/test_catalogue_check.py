"""`radar narratives check`: exemplars closer to another narrative than to their own, by hand and with the model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml
from typer.testing import CliRunner

from flows.cli import app
from models.catalogue import Catalogue, Narrative
from models.catalogue_check import confusions, leave_one_out_scores, summaries, text_problems
from models.narratives import Prototypes


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_an_exemplar_among_another_narratives_exemplars_is_flagged_by_hand():
    # A: two claims and a description along x, one claim (the stray) along y, where B's exemplars are
    a = Narrative("a", "A", "new_detente", "a description", ("a1", "a2", "stray"), ())
    b = Narrative("b", "B", "new_detente", "b description", ("b1", "b2"), ())
    catalogue = Catalogue((a, b))
    vectors = np.stack([unit(1, 0.1, 0), unit(1, 0, 0.1), unit(0.1, 1, 0), unit(1, 0.05, 0.05),  # a1 a2 stray desc
                        unit(0, 1, 0.1), unit(0.05, 1, 0), unit(0, 1, 0.05)])  # b1 b2 desc
    owner = np.array([0, 0, 0, 0, 1, 1, 1])
    protos = Prototypes(vectors, owner, np.zeros((0, 3), np.float32), np.zeros(0, int), 2, np.zeros(4, np.float32))
    scores = leave_one_out_scores(vectors, owner, 2, k=2)
    assert scores.shape == (7, 2) and np.all(scores <= 1.0)  # the exemplar itself is left out (else its own is 1)
    found = confusions(catalogue, protos, k=2)
    assert [(c.narrative_id, c.text, c.other_id) for c in found] == [("a", "stray", "b")]
    assert found[0].other > found[0].own
    by_id = {s.narrative_id: s for s in summaries(catalogue, protos, found)}
    assert by_id["a"].nearest_id == "b" and (by_id["a"].confusable, by_id["a"].exemplars) == (1, 4)
    assert by_id["b"].confusable == 0
    twice = Catalogue((a, Narrative("c", "C", "new_detente", "c", ("A1",), ("stray",))))
    assert len(text_problems(twice)) == 2  # "a1" in two narratives (any case), "stray" as a claim and a rebuttal


def write(path: Path, narratives: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"version": 1, "narratives": narratives}), encoding="utf-8")
    return path


def test_check_command_finds_a_planted_stray_exemplar_with_the_model(tmp_path: Path):
    decline = ["Europe's industry is shutting down and its factories are moving to America and Asia.",
               "The European Union has lost its economic weight and its voice in world affairs.",
               "Germany's deindustrialisation shows that Europe's best years are behind it.",
               "Brussels bureaucrats are presiding over the continent's slow decline into irrelevance.",
               # the stray: a sentence about climate fear filed under Europe's decline
               "Rising seas and unbearable heatwaves will make whole regions uninhabitable within decades."]
    fears = ["Runaway warming will trigger famines and mass migration across the globe.",
             "Scientists warn that the climate is reaching tipping points from which there is no return.",
             "Deadly heatwaves and floods are a foretaste of the climate catastrophe ahead."]
    catalogue = write(tmp_path / "narratives.yaml", [
        {"id": "europe_decline", "label": "Europe in decline", "family": "new_detente",
         "description": "Europe is declining economically and politically.", "claims": decline,
         "rebuttals": ["Europe's economy is not collapsing; its exports hit a record last year."]},
        {"id": "climate_fears", "label": "Climate fears", "family": "climate",
         "description": "Climate change will bring catastrophe.", "claims": fears},
    ])
    result = CliRunner().invoke(app, ["narratives", "check", str(catalogue), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    stray = [(c["narrative_id"], c["other_id"]) for c in report["confusions"] if c["text"] == decline[-1]]
    assert stray == [("europe_decline", "climate_fears")]
    assert not any(c["text"] in decline[:-1] for c in report["confusions"])  # the real decline claims are not flagged
    table = CliRunner().invoke(app, ["narratives", "check", str(catalogue), "--show", "3"])
    assert table.exit_code == 0 and "sit closer to another narrative" in table.output

    broken = write(tmp_path / "broken.yaml", [{"id": "no_claims", "label": "X", "family": "climate", "description": "d"}])
    refused = CliRunner().invoke(app, ["narratives", "check", str(broken)])
    assert refused.exit_code == 1 and "no_claims" in refused.output and "claims" in refused.output
