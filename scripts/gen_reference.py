"""Write docs/reference/cli.md (every command's `--help`) and docs/reference/settings.md (the RADAR_ settings) from
the code, so the reference cannot drift: tests/test_reference_docs.py regenerates both and fails when they differ.

    .venv/bin/python scripts/gen_reference.py           # rewrite both files
    .venv/bin/python scripts/gen_reference.py --check   # exit 1 naming the files that are out of date
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
import typer.main
from pydantic import SecretStr
from pydantic.fields import FieldInfo

from flows.cli import app
from flows.cli_errors import allowed
from flows.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = Path("docs/reference/cli.md")
SETTINGS_DOC = Path("docs/reference/settings.md")
WIDTH = 100  # help is rendered at this width whatever the terminal, so the output is the same everywhere
REGENERATE = ".venv/bin/python scripts/gen_reference.py"
GENERATED = (f"Generated from the code by `scripts/gen_reference.py`; do not edit by hand. `tests/test_reference_docs.py` "
             f"fails when this file differs from the code: run `{REGENERATE}`.")

CLI_INTRO = ("The settings every command reads from the environment are in [settings.md](settings.md); the "
             "[user guide](../user-guide.md) shows the commands at work.")
SETTINGS_INTRO = (
    "A bad value ends every `radar` command with one line naming the variable, its value and what is allowed (the "
    "*accepts* column); `radar config` prints the effective values, secrets masked. Default paths under `config/` and "
    "`.cache/` are in the repository, `radar.duckdb` in the working directory. What the analytics settings do, and how "
    "their defaults were measured, is in [the analytics](../analytics.md), [discovery](../discovery.md) and "
    "[operations](../operations.md).")


def _commands(command: Any, ctx: typer.Context) -> Iterator[tuple[str, str]]:
    """(full name, plain help text) of a command and of every visible subcommand below it, depth first."""
    command.rich_markup_mode = None  # click's plain formatter: no colours, no boxes
    yield ctx.command_path, "\n".join(line.rstrip() for line in command.get_help(ctx).splitlines())
    for name in command.list_commands(ctx) if hasattr(command, "list_commands") else ():
        sub = command.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        yield from _commands(sub, typer.Context(sub, info_name=name, parent=ctx, terminal_width=WIDTH,
                                                max_content_width=WIDTH))


def _wrap(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph, width=115, break_long_words=False, break_on_hyphens=False)


def _anchor(title: str) -> str:
    return title.lower().replace(" ", "-")


def cli_reference() -> str:
    """docs/reference/cli.md: `radar --help` and the `--help` of every command and subcommand."""
    root = typer.main.get_command(app)
    sections = list(_commands(root, typer.Context(root, info_name="radar", terminal_width=WIDTH,
                                                 max_content_width=WIDTH)))
    lines = ["# CLI reference", "", *_wrap(f"Every `radar` command's `--help`. {GENERATED}"), "", *_wrap(CLI_INTRO), ""]
    lines += [" · ".join(f"[`{path}`](#{_anchor(path)})" for path, _ in sections), ""]
    for path, text in sections:
        lines += [f"## {path}", "", "```text", text, "```", ""]
    return "\n".join(lines)


def _default(field: FieldInfo) -> str:
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):  # shipped files are named relative to the repository, wherever it is checked out
        value = value.relative_to(ROOT).as_posix() if value.is_relative_to(ROOT) else value.as_posix()
    if value == "":
        return "empty"
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def settings_reference() -> str:
    """docs/reference/settings.md: each field of the settings model with its variable, type, default and meaning."""
    prefix = Settings.model_config.get("env_prefix", "")
    lines = ["# Settings reference", "",
             *_wrap(f"Every setting of `flows/settings.py`, read from the environment at start-up. {GENERATED}"), "",
             *_wrap(SETTINGS_INTRO), "", "| variable | accepts | default | what it does |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        variable = field.alias or f"{prefix}{name}".upper()
        accepts = re.sub(r"matching (\S+)", r"matching `\1`", allowed(field))  # a pattern reads as code
        if SecretStr in (field.annotation, *getattr(field.annotation, "__args__", ())):
            accepts += " (a secret: from the environment only)"
        lines.append(f"| `{variable}` | {_cell(accepts)} | {_default(field)} | {_cell(field.description or '')} |")
    return "\n".join(lines) + "\n"


def generated() -> dict[Path, str]:
    """Each reference file (relative to the repository) with the text the code gives it now."""
    return {CLI_DOC: cli_reference(), SETTINGS_DOC: settings_reference()}


def stale() -> list[Path]:
    """The reference files whose committed text differs from what the code gives now."""
    return [path for path, text in generated().items()
            if not (ROOT / path).is_file() or (ROOT / path).read_text(encoding="utf-8") != text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is out of date")
    args = parser.parse_args()
    if args.check:
        paths = stale()
        for path in paths:
            print(f"{path} is out of date: run {REGENERATE}", file=sys.stderr)
        return 1 if paths else 0
    for path, text in generated().items():
        (ROOT / path).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
