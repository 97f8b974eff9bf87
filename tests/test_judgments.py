"""Judgments (issue #36 item 1): kept through classify, a model change, re-ingest and compact; exported and imported
as Label Studio JSONL and CSV, exactly; a bad file refused line by line with nothing imported."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import ROOT
from typer.testing import CliRunner

from extractors.identity import article_id_for, text_hash
from flows.classify_step import NarrativeModel, classify_pending, embed_pending
from flows.cli import app
from flows.judgments_step import read_judgments, store_judgments
from models.catalogue import Catalogue, load_catalogue
from models.embedder import Embedder, default_model_path
from models.judgments import Judgment, JudgmentFileError, read_jsonl, to_task, training_records
from warehouse.writer import Writer

CATALOGUE = ROOT / "config" / "narratives.yaml"
IDS = load_catalogue(CATALOGUE).ids
URL = "http://127.0.0.1/a"
TEXTS = [
    "Washington and Moscow are finally normalising relations, and the thaw brings sanctions relief and new trade.",
    "Europe deindustrialised itself with sanctions on Russian gas, and its factories are now closing one by one.",
    "The weather in the capital stayed mild all week, and the parks were full of families on Sunday.",
]
T0 = datetime(2026, 2, 20, 10, 0, 0, 123456, tzinfo=UTC)


def judgments() -> list[Judgment]:
    article = article_id_for(URL)
    return [
        Judgment("passage", article, URL, text_hash(TEXTS[0]), "p0", TEXTS[0], "us_russia_new_detente", "claim",
                 "ana", T0, "sentence-transformers/all-MiniLM-L6-v2", "c0ffee", "us_russia_new_detente", "claim"),
        Judgment("passage", article, URL, text_hash(TEXTS[1]), "p1", TEXTS[1], "europe_decline", "rebuttal",
                 "ana", T0 + timedelta(seconds=3), "sentence-transformers/all-MiniLM-L6-v2", "c0ffee",
                 "europe_decline", "claim"),
        Judgment("passage", article, URL, text_hash(TEXTS[2]), "p2", TEXTS[2], None, None, "bo, the second",
                 T0 + timedelta(seconds=5, microseconds=7), None, None, "europe_decline", "mention"),
        Judgment("article", article, URL, None, None, "A headline, \"quoted\"\nand a second line", "europe_decline",
                 "mention", "bo, the second", T0 + timedelta(minutes=1)),
    ]


def detente(path: Path) -> Catalogue:
    """Two narratives of the catalogue: their exemplars encode in a second."""
    kept = ("us_russia_new_detente", "europe_decline")
    return Catalogue(tuple(n for n in load_catalogue(path).narratives if n.narrative_id in kept))


def table(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * FROM judgments ORDER BY judgment_id").fetchall()
    finally:
        con.close()


def seed(db: Path, texts: list[str], first_position: int = 0) -> None:
    writer = Writer(db)
    with writer.transaction() as con:
        con.execute("INSERT OR IGNORE INTO sources (source_id, name, feed_url, camp, language, homepage) "
                    "VALUES ('s', 'Outlet', 'http://127.0.0.1/rss', 'resistance', 'en', 'http://127.0.0.1/')")
        con.execute("INSERT OR IGNORE INTO articles (article_id, source_id, url, fetched_at, status) "
                    "VALUES (?, 's', ?, now(), 'ok')", [article_id_for(URL), URL])
        for i, t in enumerate(texts, start=first_position):
            con.execute("INSERT INTO passages VALUES (?, ?, ?, ?, ?, 0, ?)",
                        [f"p{i}", article_id_for(URL), i, t, text_hash(t), len(t)])


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_then_import_into_a_fresh_warehouse_reproduces_the_table(tmp_path, fmt):
    first, fresh = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert store_judgments(Writer(first), judgments()) == 4
    out = tmp_path / f"judgments.{fmt}"
    runner = CliRunner()
    exported = runner.invoke(app, ["judgments", "export", "--format", fmt, str(out), "--db", str(first)])
    assert exported.exit_code == 0 and "4 judgments written" in exported.output, exported.output
    imported = runner.invoke(app, ["judgments", "import", str(out), "--db", str(fresh)])
    assert imported.exit_code == 0 and "4 judgments read" in imported.output and "4 new" in imported.output
    assert table(fresh) == table(first) and len(table(first)) == 4
    assert read_judgments(Writer(fresh)) == judgments()
    again = runner.invoke(app, ["judgments", "import", str(out), "--db", str(fresh)])
    assert again.exit_code == 0 and "0 new" in again.output  # idempotent
    assert table(fresh) == table(first)


def test_a_label_studio_file_written_by_hand_imports(tmp_path):
    db = tmp_path / "radar.duckdb"
    lines = [
        {"data": {"text": TEXTS[0], "article_url": "https://example.org/news/1"},
         "annotations": [{"completed_by": "carla", "created_at": "2026-02-21T09:30:00Z", "result": [
             {"type": "choices", "from_name": "narrative", "to_name": "text",
              "value": {"choices": ["us_russia_new_detente"]}},
             {"type": "choices", "from_name": "stance", "to_name": "text", "value": {"choices": ["claim"]}}]},
             # Label Studio's own export names the user by an object
             {"completed_by": {"id": 3, "email": "dan@example.org"}, "created_at": "2026-02-21T09:31:00+01:00",
              "result": [{"type": "choices", "from_name": "narrative", "to_name": "text",
                          "value": {"choices": ["none"]}}]}]},
    ]
    path = tmp_path / "from-label-studio.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    result = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    got = read_judgments(Writer(db))
    assert [(j.analyst, j.narrative_id, j.stance, j.text_hash, j.article_id) for j in got] == [
        ("dan@example.org", None, None, text_hash(TEXTS[0]), article_id_for("https://example.org/news/1")),
        ("carla", "us_russia_new_detente", "claim", text_hash(TEXTS[0]), article_id_for("https://example.org/news/1")),
    ]  # oldest first: 09:31+01:00 is 08:31 UTC
    assert training_records(got) == [(TEXTS[0], None, None), (TEXTS[0], "us_russia_new_detente", "claim")]


def test_a_malformed_file_is_refused_line_by_line_and_nothing_is_imported(tmp_path):
    db = tmp_path / "radar.duckdb"
    good = json.dumps(to_task(judgments()[0]))
    task = to_task(judgments()[1])
    unknown = json.loads(json.dumps(task))
    unknown["annotations"][0]["result"][0]["value"]["choices"] = ["lizard_people"]
    no_stance = json.loads(json.dumps(task))
    del no_stance["annotations"][0]["result"][1]
    naive = json.loads(json.dumps(task))
    naive["annotations"][0]["created_at"] = "2026-02-20T10:00:00"
    no_text = json.loads(json.dumps(task))
    del no_text["data"]["text"]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([good, "{not json", json.dumps(unknown), json.dumps(no_stance), "", json.dumps(naive),
                               json.dumps(no_text), good]) + "\n")
    result = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(f"{path}: line")]
    assert [line.split(":")[1].strip() for line in lines] == ["line 2", "line 3", "line 4", "line 6", "line 7"]
    assert "not JSON" in lines[0]
    assert "unknown narrative 'lizard_people' (the catalogue's ids: " in lines[1] and "europe_decline" in lines[1]
    assert "needs a stance" in lines[2] and "no time zone" in lines[3] and "missing text" in lines[4]
    assert "5 bad lines, nothing imported" in result.output
    assert table(db) == []
    with pytest.raises(JudgmentFileError):
        read_jsonl(path.read_text(), IDS)


def test_a_file_changing_a_stored_judgment_is_refused(tmp_path):
    db = tmp_path / "radar.duckdb"
    store_judgments(Writer(db), judgments()[:1])
    changed = to_task(judgments()[0])
    changed["annotations"][0]["result"][1]["value"]["choices"] = ["rebuttal"]
    path = tmp_path / "changed.jsonl"
    path.write_text(json.dumps(to_task(judgments()[1])) + "\n" + json.dumps(changed) + "\n")
    result = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(db)])
    assert result.exit_code == 1 and "differs in stance" in result.output
    assert len(table(db)) == 1


def test_judgments_survive_classify_a_model_change_reingest_and_compact(tmp_path, embedder, db_path):
    seed(db_path, TEXTS)
    writer = Writer(db_path)
    embed_pending(writer, embedder)
    classify_pending(writer, NarrativeModel.prepare(detente(CATALOGUE), embedder))
    store_judgments(writer, judgments())
    kept = table(db_path)

    edited = yaml.safe_load(CATALOGUE.read_text())  # a catalogue edit reclassifies every passage
    next(n for n in edited["narratives"] if n["id"] == "us_russia_new_detente")["claims"].append("Moscow and Washington will split the world between them.")
    catalogue_path = tmp_path / "narratives.yaml"
    catalogue_path.write_text(yaml.safe_dump(edited, allow_unicode=True))
    assert classify_pending(writer, NarrativeModel.prepare(detente(catalogue_path), embedder))[0] == 3
    assert table(db_path) == kept

    # another model id (the same weights loaded from their folder): every passage embedded and classified again
    other = Embedder(model=default_model_path())
    assert other.model_id != embedder.model_id
    assert embed_pending(writer, other) == 3
    assert classify_pending(writer, NarrativeModel.prepare(detente(CATALOGUE), other))[0] == 3
    assert table(db_path) == kept

    # re-ingest: the article's passages re-created under new ids and positions
    with writer.transaction() as con:
        con.execute("DELETE FROM passage_narratives")
        con.execute("DELETE FROM passages")
    seed(db_path, TEXTS, first_position=10)
    assert table(db_path) == kept

    result = CliRunner().invoke(app, ["compact", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert table(db_path) == kept
    con = duckdb.connect(str(db_path), read_only=True)
    judged_now = con.execute("SELECT count(*) FROM judgments j JOIN passages p USING (text_hash)").fetchall()
    con.close()
    assert judged_now == [(3,)]  # each passage judgment finds its re-created passage by text hash


def test_the_example_of_the_user_guide_imports(tmp_path):
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    example = guide.split("## Judgments and review")[1].split("```json\n")[1].split("```")[0]
    path = tmp_path / "example.jsonl"
    path.write_text(json.dumps(json.loads(example)) + "\n")  # the page shows it on several lines
    db = tmp_path / "radar.duckdb"
    result = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(db)])
    assert result.exit_code == 0 and "1 judgment read" in result.output, result.output
    [j] = read_judgments(Writer(db))
    assert (j.narrative_id, j.stance, j.analyst, j.proposed_narrative_id) == (
        "russia_sold_out_china", "claim", "ana", "russia_sold_out_china")


def test_label_studio_s_json_export_an_array_of_tasks_imports(tmp_path):
    path = tmp_path / "project-1-at-2026-02-21.json"
    tasks = [to_task(j) | {"id": n, "project": 1} for n, j in enumerate(judgments()[:2], start=1)]
    path.write_text(json.dumps(tasks, indent=2))
    db = tmp_path / "radar.duckdb"
    result = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(db)])
    assert result.exit_code == 0 and "2 judgments read" in result.output, result.output
    assert read_judgments(Writer(db)) == judgments()[:2]
    tasks[1]["annotations"][0]["result"] = []
    path.write_text(json.dumps(tasks, indent=2))
    refused = CliRunner().invoke(app, ["judgments", "import", str(path), "--db", str(tmp_path / "other.duckdb")])
    assert refused.exit_code == 1 and "task 2: no choices result from 'narrative'" in refused.output
