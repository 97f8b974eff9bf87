"""`radar review` (judge the passages the tool queues, one key an answer) and `radar judgments export|import`."""

# No `from __future__ import annotations`: typer reads the option annotations of the commands defined inside
# `register`, whose names are local there.

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer

from flows.cli_tables import terminal_width, wrap
from models.review_queue import STANCE_KEYS, Answer, parse_answer

if TYPE_CHECKING:
    from flows.judgments_step import Proposal
    from flows.review_server import ReviewSession

KEYS = ("y accept · c/r/m accept as claim/rebuttal/mention · n none of these · 1-5 that narrative (then c/r/m, "
        "or the proposed stance) · s skip · q quit")


class JudgmentFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


def stdin_answers() -> Iterator[str]:
    """Answers from the terminal, one key at a time (a digit waits for its stance key or Enter); from a pipe or
    file, one line each, so the command runs without a terminal."""
    if sys.stdin.isatty():
        while True:
            try:
                key = click.getchar()
                if key.isdigit():
                    more = click.getchar()
                    key += more if more.lower() in STANCE_KEYS else ""
            except (KeyboardInterrupt, EOFError):  # Ctrl-C, Ctrl-D: the answers so far are stored already
                return
            click.echo(key)
            yield key
    else:
        for line in sys.stdin:
            click.echo(line.strip())
            yield line


def show(p: "Proposal", position: int, total: int, labels: dict[str, str], others: list[str], width: int) -> None:
    """One queued passage: article, text, proposal, why it was queued, the numbered alternatives."""
    def out(text: str, indent: str = "", hanging: str = "    ") -> None:
        lines = wrap(" ".join(text.split()), width - len(indent) - len(hanging))
        for k, line in enumerate(lines):
            click.echo(indent + (hanging if k else "") + line)

    click.echo("")
    out(f"[{position}/{total}] {p.outlet} · {p.title or '(no title)'}")
    click.echo(p.article_url)
    out(p.text, "    ", "")
    out(f"proposed: {labels.get(p.narrative_id, p.narrative_id)} ({p.narrative_id}), {p.stance}, score {p.score:.2f}")
    out(f"queued because: {p.reason}")
    for k, n in enumerate(others, start=1):
        out(f"{k} {labels.get(n, n)} ({n})", "  ")
    out(KEYS)


def register(app: typer.Typer) -> None:
    """Add `review` and `judgments export|import` to the `radar` app."""
    from flows.cli_common import DbOption

    judgments_app = typer.Typer(help="Analyst judgments: export and import them (JSONL of Label Studio tasks, CSV).",
                                no_args_is_help=True)
    app.add_typer(judgments_app, name="judgments")

    @judgments_app.command("export")
    def export_cmd(
        out: Annotated[Path, typer.Argument(help="file to write")],
        fmt: Annotated[JudgmentFormat, typer.Option("--format", help="jsonl (Label Studio tasks) or csv")] = JudgmentFormat.jsonl,
        db: DbOption = None,
    ) -> None:
        """Write every judgment to a file (docs/user-guide.md, Judgments, describes both formats)."""
        export_judgments_to(out, fmt, db)

    @judgments_app.command("import")
    def import_cmd(
        path: Annotated[Path, typer.Argument(help="a .jsonl (Label Studio tasks) or .csv file", exists=True,
                                             dir_okay=False)],
        db: DbOption = None,
    ) -> None:
        """Add the judgments of a file. Every line is checked first: one bad line (named with its number and why)
        and nothing is imported. Importing the same file again adds nothing."""
        import_judgments_from(path, db)

    @app.command("review")
    def review_cmd(
        analyst: Annotated[str, typer.Option("--analyst", envvar="USER", show_envvar=False,
                                             help="your name, stored with each answer [default: the USER env var]")] = "",
        limit: Annotated[int, typer.Option("--limit", min=1, help="passages in the queue")] = 50,
        serve: Annotated[bool, typer.Option("--serve", help="answer on a local web page instead of the terminal: the "
                                            "passage in its article's context, the same keys")] = False,
        host: Annotated[str, typer.Option("--host", help="with --serve: the address to listen on; anything but "
                                          "loopback lets others on the network read and judge")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                          help="with --serve: the port (0: any free one)")] = 0,
        db: DbOption = None,
    ) -> None:
        """Judge the passages the tool picks, one at a time: evidence of the newest alerts first, then where the head
        and the exemplar rule disagree, then the least sure, narratives with the fewest judgments first. One key an
        answer, each written at once; without a terminal, one answer a line from stdin. With --serve, the same queue
        and keys on a local web page (its URL is printed; Ctrl-C stops it)."""
        review(analyst, limit, serve, host, port, db)


def writer_and_catalogue(db: Path | None):
    """The warehouse's writer, the catalogue and the settings; a broken catalogue ends the command in one line."""
    from flows.cli_common import fail, settings_for
    from models.catalogue import CatalogueError, load_catalogue
    from warehouse.writer import Writer

    settings = settings_for(db)
    try:
        catalogue = load_catalogue(settings.narratives)
    except CatalogueError as exc:
        fail(f"{settings.narratives}: {exc.problems[0]}")
    return Writer(settings.db, wait_seconds=settings.write_wait_seconds), catalogue, settings


def export_judgments_to(out: Path, fmt: JudgmentFormat, db: Path | None) -> None:
    from flows.cli_common import require_db, settings_for
    from flows.judgments_step import export_judgments

    require_db(settings_for(db).db)
    writer, _, _ = writer_and_catalogue(db)
    n = export_judgments(writer, out, fmt.value)
    typer.echo(f"{plural(n)} written to {out}")


def import_judgments_from(path: Path, db: Path | None) -> None:
    from flows.cli_common import fail
    from flows.judgments_step import import_judgments
    from models.judgments import JudgmentFileError

    writer, catalogue, _ = writer_and_catalogue(db)
    try:
        done = import_judgments(writer, path, catalogue.ids)
    except JudgmentFileError as exc:
        for problem in exc.problems:
            typer.echo(f"{path}: {problem}", err=True)
        fail(f"{path}: {len(exc.problems)} bad line{'s' if len(exc.problems) > 1 else ''}, nothing imported")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text, nothing imported")
    typer.echo(f"{plural(done.read)} read from {path}, {done.new} new")


def review(analyst: str, limit: int, serve: bool, host: str, port: int, db: Path | None) -> None:
    """`radar review`: the queue, then answers from the terminal (or stdin lines) or the local page."""
    from flows.classify_step import load_params
    from flows.cli_common import fail, require_db, settings_for
    from flows.discovery_step import narrative_vectors
    from flows.judgments_step import build_queue

    if not analyst.strip():
        fail("no analyst name: pass --analyst NAME (or set USER)")
    require_db(settings_for(db).db)
    writer, catalogue, settings = writer_and_catalogue(db)
    model_id = settings.embedder().model_id
    queue = build_queue(writer, model_id, load_params(settings), limit=limit)
    if not queue:
        typer.echo("nothing to review: every labelled passage is judged (or none is labelled yet)")
        return
    labels = {n.narrative_id: n.label for n in catalogue.narratives}
    vectors = narrative_vectors(writer, catalogue, model_id)
    if serve:
        from flows.review_server import ReviewSession

        session = ReviewSession(writer, queue, analyst.strip(), labels, catalogue.ids, vectors)
        serve_page(session, host, port)
        judged = session.judged
    else:
        judged = review_in_terminal(writer, queue, labels, vectors, catalogue.ids, analyst.strip())
    typer.echo(f"{plural(judged)} by {analyst.strip()} written to {settings.db}")


def review_in_terminal(writer, queue: list, labels: dict[str, str], vectors, ids: list[str], analyst: str) -> int:
    """Show each queued passage and store its answer at once; returns how many were judged."""
    from flows.judgments_step import record_answer
    from models.review_queue import nearest_narratives

    width = terminal_width()
    answers = stdin_answers()
    judged = 0
    for position, p in enumerate(queue, start=1):
        others = nearest_narratives(p.vector, vectors, p.narrative_id, ids)
        show(p, position, len(queue), labels, others, width)
        answer = _ask(answers, partial(parse_answer, proposed=p.narrative_id, stance=p.stance, others=others))
        if answer.action == "quit":
            break
        if answer.action == "skip":
            continue
        record_answer(writer, p, answer, analyst)
        judged += 1
    return judged


def serve_page(session: "ReviewSession", host: str, port: int) -> None:
    """Serve the review page until Ctrl-C; a non-loopback address is served only with a loud warning."""
    from flows.cli_common import fail
    from flows.review_server import is_loopback, serve_review

    if not is_loopback(host):
        typer.secho(f"WARNING: serving on {host}, not loopback: anyone who can reach this machine can read the queued "
                    f"passages and store judgments as {session.analyst}.", err=True, fg="red", bold=True)
    with ExitStack() as stack:
        try:
            url = stack.enter_context(serve_review(session, host, port))
        except OSError as exc:  # the port taken, an address not of this machine
            fail(f"cannot serve on {host}:{port}: {exc.strerror or exc}")
        typer.echo(f"review page: {url}  ({len(session.queue)} passages queued; Ctrl-C stops, every answer is stored "
                   "at once)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


def plural(n: int) -> str:
    return f"{n} judgment{'' if n == 1 else 's'}"


def _ask(answers: Iterator[str], parse: Callable[[str], Answer | None]) -> Answer:
    """The next answer that means something; the end of the input quits."""
    while True:
        keys = next(answers, None)
        if keys is None:
            return Answer("quit")
        answer = parse(keys)
        if answer is not None:
            return answer
        for line in wrap(f"? {keys.strip()!r} is no answer: {KEYS}", terminal_width()):
            click.echo(line)
