"""The `radar` command: a thin shell over the library and flows."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer

from extractors.records import Source
from extractors.sources import SourcesError, load_sources
from flows import cli_tables, cli_units
from flows.cli_common import (
    ColumnsOption,
    DbOption,
    OutputFormat,
    checked_day,
    console,
    fail,
    labelled,
    print_query,
    print_rows,
    read_only,
    read_query,
    require_db,
    settings_for,
    setup_logging,
    writable_warehouse,
)
from flows.cli_errors import DEBUG, RadarGroup, run_tracebacks
from flows.cli_tables import Layout
from flows.settings import Settings
from warehouse.db import WarehouseBusy, connect, load_sql
from warehouse.export import export_parquet, sql_string

app = typer.Typer(help="narrative-radar: monitor which narratives media outlets push.", no_args_is_help=True,
                  pretty_exceptions_enable=False, cls=RadarGroup)
sources_app = typer.Typer(help="Outlet lists.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
eval_app = typer.Typer(help="Score the classifier on labelled benchmarks.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
narratives_app = typer.Typer(help="The narrative catalogue and its learned parameters.", no_args_is_help=True)
app.add_typer(narratives_app, name="narratives")
# Commands that run flows, hence may start a temporary Prefect server or Dask workers.
_STARTS_PROCESSES = {"ingest", "demo", "serve", "classify", "analyze"}


@app.callback()
def _entry(ctx: typer.Context, debug: Annotated[bool, typer.Option(
        "--debug", help="show the traceback of an error instead of its one line")] = False) -> None:
    ctx.meta[DEBUG] = debug
    # a long-lived `radar serve` keeps the tracebacks of failed runs in its log; a one-shot command has its error line
    run_tracebacks(shown=debug or ctx.invoked_subcommand == "serve")
    Settings()  # a bad RADAR_ setting ends every command here, one line per setting (flows/cli_errors.py)
    # Only when `radar` is the process itself (not a CliRunner inside another program): the processes a run
    # starts are ended when it ends, even when it is killed (flows/lifecycle.py).
    if ctx.invoked_subcommand in _STARTS_PROCESSES and Path(sys.argv[0]).name in ("radar", "cli.py"):
        from flows.lifecycle import guard

        guard()


@sources_app.command("check")
def sources_check(
    path: Annotated[Path, typer.Argument(help="sources YAML file")],
    fetch: Annotated[bool, typer.Option("--fetch", help="also fetch each feed and its newest article (network; writes nothing)")] = False,
) -> None:
    """Validate a sources file; names the bad line. With --fetch, try each outlet as a run would: does its feed answer,
    how often does it publish, does its newest article give text."""
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        fail(str(exc))
    camps: dict[str, int] = {}
    for s in sources:
        camps[s.camp] = camps.get(s.camp, 0) + 1
    tiers: dict[str, int] = {}
    for s in sources:
        tiers[s.tier or "no tier"] = tiers.get(s.tier or "no tier", 0) + 1
    console.print(f"{path}: {len(sources)} sources OK (" + ", ".join(f"{k} {v}" for k, v in sorted(camps.items())) + "; tiers "
                  + ", ".join(f"{k} {v}" for k, v in sorted(tiers.items())) + ")")
    embedder = Settings().embedder()  # loads nothing
    unread = [s for s in sources if not embedder.reads(s.language)]
    if unread:
        console.print(f"note: the model ({embedder.model_id}) reads {', '.join(embedder.languages)} "
                      "(RADAR_MODEL_LANGUAGES); the articles of " + ", ".join(f"{s.name} ({s.language})" for s in unread)
                      + " will be stored but not classified")
    if fetch:
        probe_outlets(sources)


def probe_outlets(sources: list[Source]) -> None:
    """The --fetch table of `radar sources check`, then one line: how many feeds answer and give page text."""
    from extractors.http import Fetcher
    from extractors.probe import probe_sources

    settings = Settings()
    with Fetcher(settings.fetch_limits()) as fetcher:
        probes = probe_sources(sources, fetcher, settings.concurrency)
    print_rows(["outlet", "camp", "feed", "entries", "newest", "per_week", "sample", "words", "problem"],
               [(p.name, p.camp, p.feed, p.entries, p.newest.date() if p.newest else None, p.per_week, p.sample,
                 p.sample_words, p.problem) for p in probes], title="each feed and its newest article")
    usable = sum(p.feed != "failed" and p.entries > 0 for p in probes)
    pages = sum(p.sample == "page" for p in probes)
    console.print(f"{usable} of {len(probes)} feeds answer with entries; {pages} of their newest articles give page "
                  "text (feed: only the feed's own text; none: no text at all)")


@app.command()
def ingest(
    sources: Annotated[Path | None, typer.Option("--sources", help="sources YAML [env RADAR_SOURCES]")] = None,
    db: DbOption = None,
    classify: Annotated[bool, typer.Option(help="embed and classify the new passages")] = True,
    verbose: bool = False,
) -> None:
    """One daily run: fetch feeds, extract articles, split passages, embed, classify, store. On a terminal a bar
    shows the feeds done, new articles and passages encoded; in logs a progress line about every tenth of the feeds."""
    from flows.cli_quiet import flow_logging, ingest_progress
    from flows.runtime import TemporaryPrefectServer

    flow_logging(verbose)
    settings = settings_for(db)
    path = sources or settings.sources
    writable_warehouse(settings)
    server = TemporaryPrefectServer.start()  # boots while the flow modules import
    from flows.classify_step import load_head
    from flows.ingest import AllFeedsFailed, configured_ingest
    from models.doc_head import HeadError

    try:
        load_sources(path)
        load_head(settings.narrative_head)  # a bad head file fails before anything is fetched
    except (SourcesError, HeadError) as exc:
        fail(str(exc))
    server.wait_ready()
    try:
        with ingest_progress():
            counts = configured_ingest(settings)(
                sources_path=str(path), db_path=str(settings.db), settings=settings, classify=classify
            )
    except AllFeedsFailed as exc:
        fail(str(exc))
    except WarehouseBusy as exc:
        fail(str(exc))
    except duckdb.Error as exc:  # a full disk or an I/O error: the run's row says failed, with the same reason
        fail(f"the warehouse could not be written: {str(exc).splitlines()[0]}")
    print_rows(list(counts), [tuple(counts.values())], title="run totals")


@app.command()
def demo(db: DbOption = None, verbose: bool = False) -> None:
    """Serve the bundled demo corpus on 127.0.0.1 and run the real flows over it."""
    from flows.runtime import TemporaryPrefectServer

    setup_logging(verbose)
    settings = settings_for(db)
    writable_warehouse(settings)
    server = TemporaryPrefectServer.start()  # boots while the flow modules import
    from flows.demo import run_demo

    server.wait_ready()
    try:
        run_demo(settings)
    except WarehouseBusy as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot serve the demo corpus on 127.0.0.1:{settings.demo_port}: {exc.strerror} (set RADAR_DEMO_PORT)")
    summary(settings.db)
    trends_cmd(db=settings.db, narrative=None, camp=None, weeks=8, fmt=OutputFormat.table)
    bifurcation_cmd(db=settings.db, fmt=OutputFormat.table)
    alerts_cmd(db=settings.db, since=None, kind=AlertKind.spike, fmt=OutputFormat.table)
    explain_demo_silence(settings.db)
    suggest_next_commands(settings.db)


def suggest_next_commands(db: Path) -> None:
    """After the demo, the analyst's next commands on its warehouse, the passages one aimed at its strongest spike."""
    with read_only(db, Settings().read_wait_seconds) as con:
        top = con.execute(load_sql("queries/demo_top_spike")).fetchall()
    at = "" if db == Path("radar.duckdb") else f" --db {db}"
    commands = [f"radar outlets{at}", f"radar digest{at}", f"radar alerts{at} --kind all", f"radar report{at} --out report.html",
                f'radar sql{at} "select * from narrative_outlet_weekly limit 5"']
    if top:
        commands.insert(1, f"radar passages{at} --narrative {top[0][0]} --week {top[0][1]}")
    console.print("try next: " + "; ".join(f".venv/bin/{c}" for c in commands), highlight=False)


def explain_demo_silence(db: Path) -> None:
    """With RADAR_FEED_SILENCE_WALL_CLOCK the demo's replayed past days make its feeds read as silent: say why (by
    default silence is measured against the data, and no demo feed is silent)."""
    with read_only(db, Settings().read_wait_seconds) as con:
        row = con.execute(load_sql("queries/demo_silent_feeds")).fetchone()
    silent, last = row or (0, None)
    if silent and last is not None:
        console.print(f"note: the demo corpus replays days up to {last:%Y-%m-%d} in one run, so {silent} of its feeds "
                      "read as silent on the wall clock (RADAR_FEED_SILENCE_WALL_CLOCK, the warnings above); on a daily "
                      "schedule the same check flags an outlet that stops publishing")


def summary(db: Path) -> None:
    """Print per-source counts of a database."""
    con = connect(db, read_only=True, wait_seconds=30)
    try:
        rel = con.execute(load_sql("queries/source_summary"))
        print_rows([d[0] for d in rel.description], rel.fetchall(), title=f"sources, articles and passages in {db}")
    finally:
        con.close()


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run (read-only, sandboxed: no files outside --allow-files)")],
    db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="output format")] = OutputFormat.table,
    out: Annotated[Path | None, typer.Option("--out", help="file to write (required with --format parquet)")] = None,
    allow_files: Annotated[list[Path] | None, typer.Option(
        "--allow-files", help="a folder the query may read and write (COPY ... TO), e.g. for exports; repeatable")] = None,
) -> None:
    """Run read-only SQL against the warehouse in a sandbox; waits briefly if a run is writing."""
    from warehouse.sandbox import SandboxError, open_sandbox

    settings = settings_for(db)
    if fmt is OutputFormat.parquet and out is None:
        fail("--format parquet needs --out FILE")
    require_db(settings.db)
    dirs = list(allow_files or [])
    for folder in dirs:
        if not folder.is_dir():
            fail(f"--allow-files {folder}: not a folder")
    with _parquet_staging(fmt) as staging:
        try:
            con = open_sandbox(settings.db, dirs + ([staging] if staging else []), settings.read_wait_seconds)
        except WarehouseBusy as exc:
            fail(f"{exc} (waited {settings.read_wait_seconds:.0f}s; set RADAR_READ_WAIT_SECONDS to wait longer)")
        except (SandboxError, duckdb.Error) as exc:
            fail(str(exc).splitlines()[0])
        try:
            if staging is not None and out is not None:
                # The query may write only in a private folder; the file is moved to --out afterwards, so the
                # sandbox never gets --out's folder. COPY takes no bound parameters for its target.
                target = staging / "out.parquet"
                con.execute(f"COPY ({query.strip().rstrip(';')}) TO {sql_string(str(target))} (FORMAT parquet)")
                shutil.move(target, out)
                return
            rel = con.execute(query)
            if rel.description is None:
                return
            print_rows([d[0] for d in rel.description], rel.fetchall(), fmt)
        except duckdb.PermissionException as exc:
            fail(f"{str(exc).splitlines()[0]} (radar sql may read only the warehouse, and files only in --allow-files folders)")
        except duckdb.Error as exc:
            fail(str(exc).splitlines()[0])
        except OSError as exc:
            fail(f"cannot write {out}: {exc}")
        finally:
            con.close()


@contextmanager
def _parquet_staging(fmt: OutputFormat) -> Iterator[Path | None]:
    """A private temporary folder for `--format parquet`, removed afterwards; None for other formats."""
    if fmt is not OutputFormat.parquet:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="radar-sql-") as folder:
        yield Path(folder)


@app.command("classify")
def classify_cmd(
    db: DbOption = None,
    verbose: bool = False,
    force: Annotated[bool, typer.Option("--force", help="run the flow even when nothing is new")] = False,
) -> None:
    """Reclassify stored passages after a catalogue or model change (no re-fetch; re-embeds only for a new model).
    With nothing to classify or analyse, one line says so and no flow starts."""
    from flows.cli_classify import classify_warehouse

    classify_warehouse(db, verbose, force)


@eval_app.command("semeval")
def eval_semeval(
    directory: Annotated[Path | None, typer.Argument(help="SemEval-2025 T10 train_data/ or one language folder (cross-validation)")] = None,
    train: Annotated[Path | None, typer.Option("--train", help="fit on this folder (train/test protocol; needs --test)")] = None,
    test: Annotated[Path | None, typer.Option("--test", help="score on this folder (organisers' layout)")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="only this language folder, e.g. EN")] = None,
    folds: Annotated[int, typer.Option(help="cross-validation folds")] = 5,
    cache: Annotated[Path | None, typer.Option(help="DuckDB file caching passage vectors between runs")] = None,
    train_other_languages: Annotated[bool, typer.Option(help="add the other folders' documents to every training fold")] = False,
) -> None:
    """Coarse-narrative F1 on SemEval-2025 Task 10 subtask 2 with two baselines, as JSON: fit on --train and
    score on --test, or cross-validate on DIRECTORY."""
    from models.catalogue import CatalogueError, load_catalogue
    from models.evaluation import evaluate, evaluate_train_test

    setup_logging(False)
    settings = Settings()
    if (train is None) != (test is None) or (train is None) == (directory is None):
        fail("give either DIRECTORY (cross-validation) or both --train and --test")
    try:
        catalogue = load_catalogue(settings.narratives)
        if train is not None and test is not None:
            result = evaluate_train_test(train, test, settings.embedder(), catalogue, lang, cache)
            result.pop("predictions")
            results = [result]
        else:
            assert directory is not None  # the check above
            results = evaluate(directory, settings.embedder(), catalogue, lang, folds, cache, train_other_languages)
    except (FileNotFoundError, CatalogueError) as exc:
        fail(str(exc))
    sys.stdout.write(json.dumps(results, indent=1) + "\n")


@eval_app.command("split")
def eval_split(
    folder: Annotated[Path, typer.Argument(help="one annotated SemEval language folder, e.g. train_data/EN")],
    out: Annotated[Path, typer.Option("--out", help="writes OUT/train/<LANG> and OUT/test/<LANG>")],
) -> None:
    """Split a labelled folder into a train part and the fixed held-out test part (25% by file-name hash)."""
    from models.semeval import read_annotated, write_split

    if not (folder / "subtask-2-annotations.txt").is_file():
        fail(f"{folder}: no subtask-2-annotations.txt")
    train, test = write_split(folder, out)
    console.print(f"{len(read_annotated(train))} documents in {train}; {len(read_annotated(test))} held out in {test}")


@narratives_app.command("fit")
def narratives_fit(
    train: Annotated[Path | None, typer.Option("--train", help="SemEval-2025 T10 train_data/ (all language folders) or one folder: fit the document head on it")] = None,
    out: Annotated[Path, typer.Option(help="where to write the fitted head (JSON)")] = Path("narrative_head.json"),
    cache: Annotated[Path | None, typer.Option(help="DuckDB file caching passage vectors between runs")] = None,
    db: DbOption = None,
    judgments: Annotated[bool, typer.Option(help="also fit on the warehouse's judgments (to RADAR_NARRATIVE_PARAMS), then relabel history")] = True,
) -> None:
    """Learn from labelled data and judgments: a passage classifier per narrative with enough judgments in the
    warehouse (then every stored passage is relabelled, as `radar classify` does, and each narrative's quality on the
    held-out judgments printed), and with --train the document head (use it with RADAR_NARRATIVE_HEAD=OUT)."""
    settings = settings_for(db)
    if train is None and not (judgments and settings.db.exists()):
        fail(f"nothing to fit: give --train, or judge passages in the warehouse ({settings.db}) with `radar review`")
    if train is not None:
        _fit_head(settings, train, out, cache)
    if judgments and settings.db.exists():
        from flows.cli_fit import fit_on_judgments

        fit_on_judgments(settings)
    elif judgments:
        console.print(f"no warehouse at {settings.db}: no judgments read", highlight=False)


def _fit_head(settings: Settings, train: Path, out: Path, cache: Path | None) -> None:
    from models.catalogue import CatalogueError, load_catalogue
    from models.evaluation import EmbeddingCache, embed_documents, fit_semeval_head, head_passage_memory
    from models.passage_memory import memory_path
    from models.semeval import language_dirs, read_annotated

    setup_logging(False)
    dirs = language_dirs(train) if train.is_dir() else []
    if not dirs:
        fail(f"{train}: no SemEval subtask-2 folder (subtask-2-annotations.txt) found")
    docs = [d for folder in dirs for d in read_annotated(folder)]
    embedder = settings.embedder()
    store = EmbeddingCache(embedder, cache)
    try:
        embedded = embed_documents(docs, store)
        catalogue = load_catalogue(settings.narratives)
        head = fit_semeval_head(docs, embedder, catalogue, store, embedded)
        memory = head_passage_memory(embedded, head, catalogue, store, settings.head_passage_share)
    except CatalogueError as exc:
        fail(str(exc))
    finally:
        store.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    head.save(out)
    memory.save(memory_path(out))
    console.print(f"fitted on {len(docs)} documents from {', '.join(d.name for d in dirs)}; "
                  f"rule {vars(head.rule)}; head {head.fingerprint}; training data {head.training_fingerprint}; "
                  f"written to {out} (use it with RADAR_NARRATIVE_HEAD={out}); its {len(memory.vectors)} labelled "
                  f"passages (each label on {settings.head_passage_share:.0%} of its articles' passages), which discovery "
                  f"leaves out where they name a passage, to {memory_path(out)}")


@app.command("analyze")
def analyze_cmd(
    db: DbOption = None,
    verbose: bool = False,
    force: Annotated[bool, typer.Option("--force", help="run the flow even when nothing is new")] = False,
) -> None:
    """Recompute bifurcation and spike alerts (idempotent: re-running adds nothing). With nothing new since the last
    analysis (labels, articles, hypotheses, alerts due), one line says so and no flow starts."""
    from flows.cli_quiet import flow_logging, nothing_new
    from flows.runtime import TemporaryPrefectServer

    flow_logging(verbose)
    settings = settings_for(db)
    require_db(settings.db)
    writable_warehouse(settings)
    if not force and nothing_new(settings, "analyze"):
        return
    server = TemporaryPrefectServer.start()  # boots while the flow modules import
    from flows.analyze import analyze

    server.wait_ready()
    try:
        counts = analyze(db_path=str(settings.db), settings=settings)
    except WarehouseBusy as exc:
        fail(str(exc))
    print_rows(list(counts), [tuple(counts.values())], title="analysis")


@app.command("trends")
def trends_cmd(
    db: DbOption = None,
    narrative: Annotated[str | None, typer.Option(help="only this narrative id")] = None,
    camp: Annotated[str | None, typer.Option(help="only this camp")] = None,
    weeks: Annotated[int, typer.Option(min=1, help="how many recent weeks")] = 8,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Weekly narrative volume per camp: passages pushing (claims) and rejecting (rebuttals) each narrative."""
    path = settings_for(db).db
    for column, value in (("narrative_id", narrative), ("camp", camp)):
        if value is not None:
            _, rows = read_query(path, "trends_known", {"column": column})
            known = [v for (v,) in rows]
            if value not in known:
                fail(f"no {column} {value!r} in the trends (known: {', '.join(known) or 'none yet'})")
    print_query(path, "trends_weekly", {"narrative": narrative, "camp": camp, "weeks": weeks},
           "narrative volume per week and camp", fmt, layout=cli_units.TRENDS)


class AlertKind(str, Enum):
    spike = "spike"
    crossing = "crossing"
    emerging = "emerging"
    hypothesis = "hypothesis"
    all = "all"


@app.command("alerts")
def alerts_cmd(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="only alerts on or after this day (YYYY-MM-DD)")] = None,
    kind: Annotated[AlertKind, typer.Option(help="spike alerts (their own columns), or another kind, or all")] = AlertKind.spike,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    columns_shown: ColumnsOption = None,
) -> None:
    """Spike alerts with their strongest evidence; --kind crossing, emerging, hypothesis or all lists those alerts
    with the summary the webhook receives."""
    checked_day(since)
    what = "" if kind is AlertKind.all else f"{kind.value} "
    empty = Layout(empty=f"no {what}alerts" + (f" since {since}" if since else ""))
    if kind is AlertKind.spike:
        columns, rows = read_query(settings_for(db).db, "alerts_list", {"since": since})
        if fmt is OutputFormat.table:  # the query's top passage ends where 90 characters end: show whole words
            at = columns.index("top_passage")
            rows = [(*r[:at], cli_tables.cut_words(r[at], 90), *r[at + 1:]) for r in rows]
        layout = labelled(settings_for(db).db, replace(cli_units.SPIKE_ALERTS, empty=empty.empty), columns, rows)
        print_rows(columns, rows, fmt, title="spike alerts", layout=layout, only=columns_shown)
        return
    from flows.alert_step import alert_summary

    columns, rows = read_query(settings_for(db).db, "alerts_of_kind", {"kind": kind.value, "since": since})
    at = columns.index("evidence")
    def evidence(text: str | None) -> tuple[Any, ...]:  # whole, as an object in json; left out of the table
        if fmt is OutputFormat.table:
            return ()
        return (json.loads(text) if fmt is OutputFormat.json and text else text,)

    summarised = [(*r[:at], alert_summary(r[at]), *evidence(r[at])) for r in rows]
    shown = [*columns[:at], "summary", *(["evidence"] if fmt is not OutputFormat.table else [])]
    print_rows(shown, summarised, fmt, title=f"{kind.value} alerts", layout=empty, only=columns_shown)


@app.command("bifurcation")
def bifurcation_cmd(
    db: DbOption = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    columns_shown: ColumnsOption = None,
) -> None:
    """Weekly divergence of the Russia- and China-friendly camps, with interval, split quality and crossings."""
    print_query(settings_for(db).db, "bifurcation_report", {}, "camp bifurcation by week", fmt, layout=cli_units.BIFURCATION,
           only=columns_shown)


@app.command("hypotheses")
def hypotheses_cmd(
    db: DbOption = None,
    weeks: Annotated[int, typer.Option(min=1, help="how many recent weeks in the verdict trend")] = 6,
    hypothesis: Annotated[str | None, typer.Option("--id", help="one hypothesis, every week, with why each verdict")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    columns_shown: ColumnsOption = None,
) -> None:
    """Forecast scoreboard: each hypothesis's latest verdict, value with 95% interval, and recent verdicts; with
    --id, one hypothesis week by week."""
    from models.hypotheses import HypothesisError, load_hypotheses

    settings = settings_for(db)
    try:
        loaded = load_hypotheses(settings.hypotheses)
    except HypothesisError as exc:
        fail(str(exc))
    statements = {h.id: h.statement for h in loaded}
    units = {h.id: cli_units.evidence_unit(h.template) for h in loaded}

    def with_unit(rows: list[tuple[Any, ...]], at: int, unit: str | None = None) -> list[tuple[Any, ...]]:
        """The table's evidence as "7 weeks" or "45 articles": its unit depends on the hypothesis's test."""
        if fmt is not OutputFormat.table:
            return rows
        return [(*r[:at], cli_units.counted(r[at], unit if unit is not None else units.get(r[0], "")), *r[at + 1:])
                for r in rows]

    if hypothesis is not None:
        columns, rows = read_query(settings.db, "hypothesis_history", {"hypothesis_id": hypothesis})
        if not rows:
            _, stored = read_query(settings.db, "hypothesis_scoreboard", {"weeks": 1})
            known = sorted({r[0] for r in stored} | set(statements))
            fail(f"no verdicts of {hypothesis!r} stored (known: {', '.join(known) or 'none yet: run radar analyze'})")
        title = f"{hypothesis}: {statements.get(hypothesis, '(not in the hypothesis file)')}"
        print_rows(columns, with_unit(rows, columns.index("evidence"), units.get(hypothesis, "")), fmt, title=title,
                   layout=cli_units.HYPOTHESES, only=columns_shown)
        return
    columns, rows = read_query(settings.db, "hypothesis_scoreboard", {"weeks": weeks})
    print_rows([columns[0], "statement", *columns[1:]],
               with_unit([(r[0], statements.get(r[0], "(not in the hypothesis file)"), *r[1:]) for r in rows],
                         columns.index("evidence") + 1),
               fmt, title="hypotheses (trend: s supported, c contradicted, i inconclusive; oldest first)",
               layout=cli_units.HYPOTHESES, only=columns_shown)


@app.command("report")
def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write")] = Path("report.html"),
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="only days on or after this one (YYYY-MM-DD) in the time series")] = None,
) -> None:
    """Write one self-contained HTML report: volume, bifurcation, alerts, claims vs rebuttals, feed health."""
    from flows.report_html import ReportTooLarge, write_report

    settings = settings_for(db)
    since_day = checked_day(since)
    require_db(settings.db)
    try:
        size = write_report(settings.db, out, since_day, wait_seconds=settings.read_wait_seconds)
    except (WarehouseBusy, ReportTooLarge) as exc:
        fail(str(exc))
    except OSError as exc:  # a read-only folder, a full disk
        fail(f"cannot write {out}: {exc.strerror or exc}")
    except duckdb.Error as exc:
        fail(str(exc).splitlines()[0])
    console.print(f"wrote {out} ({size / 1e6:.1f} MB)")


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help="directory to write the Parquet files into")],
    db: DbOption = None,
    with_embeddings: Annotated[bool, typer.Option("--with-embeddings", help="also export the embeddings table")] = False,
) -> None:
    """Export every table and the trend views as Parquet (large dated tables partitioned by month)."""
    settings = settings_for(db)
    require_db(settings.db)
    try:
        con = connect(settings.db, read_only=True, wait_seconds=settings.read_wait_seconds)
    except WarehouseBusy as exc:
        fail(str(exc))
    try:
        done = export_parquet(con, out, with_embeddings)
    except (duckdb.Error, OSError) as exc:
        fail(str(exc).splitlines()[0])
    finally:
        con.close()
    print_rows(["name", "rows", "path"], done, title=f"exported to {out}")


@app.command("serve")
def serve_cmd(
    db: DbOption = None,
    report_out: Annotated[Path, typer.Option("--report-out", help="HTML file the report deployment writes")] = Path("report.html"),
) -> None:
    """Serve daily-ingest (on RADAR_SCHEDULE_CRON, UTC), analyze and report until interrupted; no worker needed."""
    from prefect import serve
    from pydantic import ValidationError

    from flows.serve import build_deployments

    setup_logging(False)
    settings = settings_for(db)
    try:
        deployments = build_deployments(settings, report_out)
    except (ValidationError, ValueError) as exc:
        fail(f"RADAR_SCHEDULE_CRON {settings.schedule_cron!r} is not a valid cron expression ({exc.__class__.__name__})")
    serve(*deployments)


@app.command("config")
def show_config() -> None:
    """Print the effective settings (secrets masked)."""
    settings = Settings()
    print_rows(["setting", "value", "env"], [(k, v, f"RADAR_{k.upper()}") for k, v in settings.masked().items()])


from flows.cli_reuse import register as _register_reuse  # noqa: I001  (needs `app`: adds `copies`, `leadlag`)
_register_reuse(app)

from flows.cli_discovery import register as _register_discovery  # commands in their own module

_register_discovery(app, narratives_app)

from flows.cli_outlets import register as _register_outlets

_register_outlets(app)

from flows.cli_passages import register as _register_passages

_register_passages(app)

from flows.cli_catalogue import register as _register_catalogue

_register_catalogue(narratives_app)

from flows.cli_digest import register as _register_digest

_register_digest(app)

from flows.cli_compact import register as _register_compact

_register_compact(app)

from flows.cli_judgments import register as _register_judgments

_register_judgments(app)


if __name__ == "__main__":
    app()
