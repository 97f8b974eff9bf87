"""Every benchmark script runs at a tiny size and prints its figures, so none can rot (issue #35, item 1); and
benchmarks/ stays what benchmarks/README.md says: at most 15 scripts, the project imported through public names
only, no `sys.path` edits and no imports from tests/ anywhere outside tests/."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

SCRIPTS = sorted(p for p in (ROOT / "benchmarks").glob("*.py") if p.name != "__init__.py")
PROJECT = ("flows", "models", "warehouse", "extractors")
TEST_MODULES = {p.stem for p in (ROOT / "tests").glob("*.py")}
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="needs the shared fixtures folder (../shared/fixtures)")


def printed(text: str) -> list:
    """Every JSON value printed at the start of a line, in order (one-line rows and indented summaries alike)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    for match in re.finditer(r"^[\[{]", text, flags=re.MULTILINE):
        if match.start() < at:
            continue
        try:
            value, end = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        found.append(value)
        at = end
    return found


def run(capsys, name: str, *argv: str) -> list:
    """`python -m benchmarks.<name> argv` in this process (the session's loaded libraries shared); what it printed."""
    module = __import__(f"benchmarks.{name}", fromlist=["main"])
    module.main(list(argv))
    values = printed(capsys.readouterr().out)
    assert values, f"benchmarks.{name} printed no JSON"
    return values


# --- the layout ------------------------------------------------------------------------------------------------------

def python_files_outside_tests() -> list[Path]:
    skip = {".venv", ".git", "tests", "node_modules", "__pycache__"}
    top = [p for p in ROOT.iterdir() if p.name not in skip and not p.name.startswith(".")]
    return [p for d in top for p in ([d] if d.suffix == ".py" else d.rglob("*.py") if d.is_dir() else [])]


def test_benchmarks_holds_at_most_15_scripts_each_listed_in_its_readme():
    readme = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    assert len(SCRIPTS) <= 15, [p.name for p in SCRIPTS]
    assert not [p.name for p in SCRIPTS if f"`{p.name}" not in readme]


def test_nothing_outside_tests_edits_sys_path_or_imports_from_tests():
    offending = []
    for path in python_files_outside_tests():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        if re.search(r"\bsys\.path\b", text):
            offending.append(f"{path.relative_to(ROOT)}: sys.path")
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            for name in names:
                top = name.split(".")[0]
                if top == "tests" or top in TEST_MODULES:
                    offending.append(f"{path.relative_to(ROOT)}: imports {name}")
    assert not offending, "\n".join(offending)


def test_benchmarks_import_only_public_names_of_the_project():
    private = []
    for path in [*SCRIPTS, *(ROOT / "benchmarks" / "worlds").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PROJECT:
                private += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                base = node.value
                if isinstance(base, ast.Name) and base.id in {"doc_head", "step", *PROJECT}:
                    private.append(f"{path.name}: {base.id}.{node.attr}")
    assert not private, "\n".join(private)


# --- no model, no worlds ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["analytics", "discovery", "reuse"])
def test_scale(capsys, tmp_path, command):
    passages = {"analytics": "20000", "discovery": "20000", "reuse": "150000"}[command]
    (result,) = run(capsys, "scale", command, "--passages", passages, "--db", str(tmp_path / "scale.duckdb"))
    assert result["classified_passages" if command != "reuse" else "passages"] == int(passages)
    key = {"analytics": "analyze_one_day_seconds", "discovery": "discovery_one_week_seconds",
           "reuse": "reuse_one_day_seconds"}[command]
    assert result[key] >= 0
    if command == "reuse":
        assert result["planted_copies"] > 0 and result["copies_found"] >= result["planted_copies"] * 0.9


@needs_shared
def test_extraction_quality(capsys):
    (result,) = run(capsys, "extraction_quality", "--json", "--limit", "5")
    assert result["pages"] == 5
    assert 0.5 < result["systems"]["ours (extract_text)"]["f1"] <= 1


# --- the model -------------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_throughput(capsys):
    (result,) = run(capsys, "throughput", "--articles", "3")
    assert result["articles"] == 3 and result["classified"] == result["passages"] > 0


@pytest.mark.long_benchmark  # minutes: encodes its cases / exports and runs three encoders
@pytest.mark.slow
@needs_shared
def test_stance_heldout(capsys, tmp_path):
    rows = run(capsys, "stance_heldout", "--limit", "60", "--resamples", "20", "--cache", str(tmp_path / "v.duckdb"))
    assert [r["head"] for r in rows] == ["exemplars (shipped)", "exemplars + tune-half pairs"]
    assert all(r["in_scope"] > 0 and 0 <= r["demo"]["accuracy"] <= 1 for r in rows)


@pytest.mark.long_benchmark  # minutes: encodes its cases / exports and runs three encoders
@pytest.mark.slow
@needs_shared
def test_encoder_backends(capsys, tmp_path):
    split = {}
    for part, names in {"train": slice(0, 24), "test": slice(24, 32)}.items():
        source = SHARED / "narratives" / "semeval2025-task10" / "data" / "train_data" / "EN"
        lines = (source / "subtask-2-annotations.txt").read_text(encoding="utf-8").splitlines()[names]
        target = tmp_path / part / "EN"
        (target / "raw-documents").mkdir(parents=True)
        (target / "subtask-2-annotations.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for line in lines:
            doc = line.split("\t")[0].strip()
            shutil.copy(source / "raw-documents" / doc, target / "raw-documents" / doc)
        split[part] = target
    *_, summary = run(capsys, "encoder_backends", "--train", str(split["train"]), "--test", str(split["test"]),
                         "--rounds", "1")
    assert summary["passages"] > 0 and summary["torch"]["speedup_vs_torch"] == 1.0
    assert all(0.9 < summary[b]["mean_cosine_to_torch"] <= 1.0001 for b in summary if isinstance(summary[b], dict))


# --- real-text worlds through the real flow (one seed, one label, one kind); minutes each, so the ones that
# build their own worlds run only with `pytest --long-benchmarks` ------------------------------------------


@pytest.mark.slow
@needs_shared
def test_rhythms_spikes_and_analytics(capsys, tmp_path, rhythm_library, semeval_vector_cache):
    from benchmarks.worlds.realworld import RHYTHMS

    workdir = str(rhythm_library[0])
    spikes, analytics = tmp_path / "spikes.json", tmp_path / "analytics.json"
    for command, out in (("spikes", spikes), ("analytics", analytics)):
        __import__("benchmarks.rhythms", fromlist=["main"]).main(
            [command, "--seeds", "1", "--first-seed", "0", "--workdir", workdir, "--cache", str(semeval_vector_cache),
             "--out", str(out)])
    assert "null worlds alerting" in capsys.readouterr().out
    rates = json.loads(spikes.read_text())["rates"]
    assert {r["rhythm"] for r in rates} == set(RHYTHMS) and all(r["planted_worlds"] == 1 for r in rates)
    rows = json.loads(analytics.read_text())["rates"]
    assert [r["rhythm"] for r in rows] == list(RHYTHMS) and all(r["worlds"] == 1 for r in rows)


@pytest.mark.long_benchmark
@pytest.mark.parametrize("script", ["analytics_calibration", "daily_verdicts"])
@pytest.mark.slow
@needs_shared
@pytest.mark.usefixtures("prefect_backend")
def test_planted_and_null_worlds(capsys, tmp_path, semeval_vector_cache, script):
    common = ["--seeds", "1", "--first-seed", "0", "--workdir", str(tmp_path), "--cache", str(semeval_vector_cache)]
    if script == "analytics_calibration":
        summary = run(capsys, script, *common)[-1]
        assert summary["planted_worlds"] == summary["null_worlds"] == 1
        return
    crossings = run(capsys, script, "crossings", *common)[-1]
    verdicts = run(capsys, script, "verdicts", *common)[-1]  # replays the worlds crossings left in --workdir
    assert crossings["planted_worlds"] == crossings["null_worlds"] == 1
    assert verdicts["planted_worlds"] == verdicts["null_worlds"] == 1


@pytest.mark.long_benchmark
@pytest.mark.slow
@needs_shared
def test_reuse_quality(capsys, tmp_path):
    result = run(capsys, "reuse_quality", "--seeds", "0", "--cache", str(tmp_path / "vectors.npz"))[-1]
    assert result["seeds"] == "0-0" and result["lead"]["planted_worlds"] == result["lead"]["null_worlds"] == 1


@pytest.mark.long_benchmark
@pytest.mark.parametrize("script", ["discovery_quality", "discovery_alert_rates", "discovery_relevance",
                                    "discovery_id_stability"])
@pytest.mark.slow
@needs_shared
def test_discovery(capsys, tmp_path, semeval_vector_cache, script):
    argv = {"discovery_quality": ["--labels", "1", "--no-control", "--work", str(tmp_path)],
            "discovery_alert_rates": ["--labels", "1", "--kinds", "planted", "--work", str(tmp_path)],
            "discovery_relevance": ["--kinds", "planted", "--work", str(tmp_path)],
            "discovery_id_stability": ["--work", str(tmp_path)]}[script]
    values = run(capsys, script, "--seeds", "1", "--first-seed", "0", "--cache", str(semeval_vector_cache), *argv)
    if script == "discovery_quality":
        assert values[-1]["worlds"] == 1 and 0 <= values[-1]["purity_mean"] <= 1
    elif script == "discovery_id_stability":
        assert values[-1]["worlds"] == 1 and values[-1]["clusters"] > 0
    else:
        assert len(values) >= 2, values  # a row per world, then the table


@pytest.mark.long_benchmark  # minutes under load: a fresh `radar ingest` process loading the model
# --- the command line in fresh processes -----------------------------------------------------------------------------

@pytest.mark.slow
@needs_shared
def test_daily_path(capsys, monkeypatch):
    for name in ("PREFECT_HOME", "PREFECT_API_URL"):  # the script points its `radar` runs at a Prefect of their own
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.delenv(name, raising=False)
    (result,) = run(capsys, "daily_path", "--articles", "3", "--runs", "1")
    assert result["articles"] == 3 and result["passages"] > 0 and len(result["runs"]) == 1


@pytest.mark.long_benchmark  # minutes under load: four fresh `radar` processes loading the model
@pytest.mark.slow
def test_quiet_commands(capsys, demo_db):
    (result,) = run(capsys, "quiet_commands", "--db", str(demo_db[0]), "--runs", "1", "--forced-runs", "0")
    assert all(result[c]["answer"].startswith("nothing new since ") for c in ("analyze", "classify"))
