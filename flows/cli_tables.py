"""Tables on the terminal that keep what matters: no id, URL or header is ever cut.

A table is drawn at the terminal's width (`terminal_width`). Cells wrap only at spaces, so a value without a space
(an id, a URL, a number, a date) is never broken, and headers are never wrapped. By what fits (`table_lines`): a
boxed table like duckdb's; the same without the box, like sqlite-utils'; boxed with its texts wrapped; up to
MAX_BLOCKS column groups that each repeat a key; else records, one `column = value` line each, like `.mode line` in
the duckdb and sqlite3 shells, where only a single value longer than a whole line runs past the edge. A unit line
under the headers and a note under the rows say what the columns count (`Layout`); an empty result is one line
saying so. csv and json output does not pass through here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console, ConsoleDimensions

COMFORT = 24  # a wrapped text column keeps at least this many cells (fewer only when its text is shorter)
MAX_BLOCKS = 3  # a table too wide for the terminal is split in at most this many column groups, else shown as records
PIPED_WIDTH = 100  # no terminal anywhere (a file in CI, a cron mail): wide enough for most tables, still readable
_STREAMS = (1, 2, 0)  # stdout, then stderr and stdin: `radar alerts | less` still has the terminal on stderr


ColumnsOption = Annotated[str | None, typer.Option(
    "--columns", help="only these columns, comma-separated, in this order (any --format)")]


class ColumnError(ValueError):
    """A --columns value names a column the table does not have."""


def terminal_width() -> int:
    """COLUMNS when set, else the width of the terminal on stdout, stderr or stdin, else PIPED_WIDTH."""
    columns = shutil.get_terminal_size((0, 0)).columns  # honours COLUMNS, then stdout's terminal
    if columns > 0:
        return columns
    for fd in _STREAMS:
        try:
            columns = os.get_terminal_size(fd).columns
        except (OSError, ValueError):
            continue
        if columns > 0:
            return columns
    return PIPED_WIDTH


class TerminalConsole(Console):
    """A rich console whose lines wrap at `terminal_width()` at the time of each print (COLUMNS may change after
    import, as under a test runner)."""

    @property
    def size(self) -> ConsoleDimensions:
        return ConsoleDimensions(terminal_width(), super().size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]  # rich's own setter


@dataclass(frozen=True)
class Layout:
    """What a table says beyond its rows: a unit under a header, a note under the rows, the line for no rows."""

    units: Mapping[str, str] = field(default_factory=dict)
    note: str = ""  # paragraphs, one a line
    empty: str | None = None  # default: "<title>: none"


def pick_columns(columns: list[str], rows: list[tuple[Any, ...]], wanted: str | None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns named in `wanted` ("a,b,c", in that order) and their values; all when `wanted` is None."""
    if wanted is None:
        return columns, rows
    names = [w.strip() for w in wanted.split(",") if w.strip()]
    unknown = [n for n in names if n not in columns]
    if unknown or not names:
        raise ColumnError(f"--columns: no column {', '.join(map(repr, unknown)) or '(none given)'} "
                          f"(columns: {', '.join(columns)})")
    at = [columns.index(n) for n in names]
    return names, [tuple(r[i] for i in at) for r in rows]


def whole_words(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: cut at a space with " …" when longer (no word is cut in two)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - 1]  # the cut text, its space and "…" fit in `limit`
    head = room.rsplit(" ", 1)[0] if " " in room else text[: limit - 2]
    return head.rstrip(" ,;:") + " …"


def cut_words(text: str | None, limit: int) -> str | None:
    """A text something else cut at `limit` characters (SQL's left()), shown up to its last whole word with "…"."""
    if text is None or len(text) < limit or " " not in text:
        return text
    return text.rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


def cell_text(value: Any) -> str:
    """A value as one line: None empty, runs of whitespace (newlines in a passage) as one space."""
    return "" if value is None else " ".join(str(value).split())


def wrap(text: str, width: int) -> list[str]:
    """Greedy wrap at spaces by terminal cells; a word longer than `width` stays whole on its own line."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and cell_len(line) + 1 + cell_len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def wrap_markdown(text: str, width: int) -> str:
    """Markdown with its long paragraphs and list items wrapped at spaces (a list item's lines indented under its
    text, so it stays one item); headings, tables, code and short lines as they are."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        fenced ^= line.startswith("```")
        if fenced or line.startswith(("#", "|", "```")) or cell_len(line) <= width:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        bullet = line[indent:indent + 2] if line[indent:indent + 2] in ("- ", "* ") else ""
        first, *rest = wrap(line[indent + len(bullet):], width - indent - len(bullet))
        out.append(line[:indent + len(bullet)] + first)
        out += [" " * (indent + len(bullet)) + more for more in rest]
    return "\n".join(out)


def _longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split(" ")), default=0)


def _frame(widths: Sequence[int]) -> int:
    return sum(widths) + 3 * len(widths) + 1  # "│ a │ b │"


def measure(headers: list[str], units: list[str], cells: list[list[str]]) -> tuple[list[int], list[int]]:
    """Each column's natural width (its longest value, header or unit) and the least it is shown at: its longest
    word, header or unit, and up to COMFORT cells of a longer text, so a passage does not become a column of words
    and a name up to COMFORT cells stays on one line."""
    natural, floor = [], []
    for i, (h, u) in enumerate(zip(headers, units, strict=True)):
        head = max(cell_len(h), cell_len(u))
        natural.append(max([head, *(cell_len(r[i]) for r in cells)]))
        least = max([head, *(_longest_word(r[i]) for r in cells)])
        floor.append(max(least, min(natural[-1], COMFORT)))
    return natural, floor


def fit(natural: list[int], floor: list[int], width: int) -> list[int] | None:
    """Widths from `floor` up to `natural` that fit in `width`, or None when the floors alone do not fit."""
    spare = width - _frame(floor)
    if spare < 0:
        return None
    # narrow columns get their whole width first; the wide ones share what is left equally
    wants = [n - m for n, m in zip(natural, floor, strict=True)]
    given = list(floor)
    order = sorted(range(len(wants)), key=lambda i: wants[i])
    for k, i in enumerate(order):
        extra = min(wants[i], spare // (len(order) - k))
        given[i] += extra
        spare -= extra
    return given


def blocks(floor: list[int], width: int) -> list[list[int]] | None:
    """The columns in groups that each fit beside the first column (the key, repeated in every group), or None when
    some column does not fit beside it."""
    groups: list[list[int]] = []
    for i in range(1, len(floor)):
        if groups and _frame([floor[0], *(floor[j] for j in groups[-1]), floor[i]]) <= width:
            groups[-1].append(i)
        elif _frame([floor[0], floor[i]]) <= width:
            groups.append([i])
        else:
            return None
    return [[0, *g] for g in groups]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _right_aligned(cells: list[list[str]], n: int) -> list[bool]:
    """Columns of numbers (or nothing) align right."""
    return [bool(cells) and all(_is_number(r[i]) or not r[i] for r in cells) for i in range(n)]


def boxed(headers: list[str], units: list[str], cells: list[list[str]], widths: list[int]) -> list[str]:
    """A duckbox-style table: headers centred, a unit line under them when any column has one, numbers right."""
    right = _right_aligned(cells, len(headers))

    def line(left: str, mid: str, end: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + end

    def row(parts: list[list[str]], align: list[str]) -> list[str]:
        height = max(len(p) for p in parts)
        out = []
        for k in range(height):
            texts = []
            for p, w, a in zip(parts, widths, align, strict=True):
                text = p[k] if k < len(p) else ""
                pad = w - cell_len(text)
                left = pad // 2 if a == "c" else pad if a == "r" else 0
                texts.append(" " * left + text + " " * (pad - left))
            out.append("│ " + " │ ".join(texts) + " │")
        return out

    out = [line("┌", "┬", "┐"), *row([[h] for h in headers], ["c"] * len(headers))]
    if any(units):
        out += row([[u] for u in units], ["c"] * len(headers))
    out.append(line("├", "┼", "┤"))
    for r in cells:
        out += row([wrap(c, w) for c, w in zip(r, widths, strict=True)], ["r" if a else "l" for a in right])
    out.append(line("└", "┴", "┘"))
    return out


def plain(headers: list[str], units: list[str], cells: list[list[str]], widths: list[int]) -> list[str]:
    """sqlite-utils' default table (tabulate "simple"): columns two spaces apart, a dashed rule under the headers; only
    for rows that need no wrapping, which it cannot show."""
    right = _right_aligned(cells, len(headers))

    def line(texts: list[str], align: list[bool]) -> str:
        return "  ".join(t.rjust(w + len(t) - cell_len(t)) if r else t.ljust(w + len(t) - cell_len(t))
                         for t, w, r in zip(texts, widths, align, strict=True)).rstrip()

    out = [line(headers, right)]
    if any(units):
        out.append(line(units, right))
    out.append("  ".join("-" * w for w in widths))
    return out + [line(r, right) for r in cells]


def records(headers: list[str], units: list[str], cells: list[list[str]], width: int) -> list[str]:
    """One `name = value` line per column and a blank line between rows (duckdb's `.mode line`); names right-
    aligned, a long value wrapped at spaces under its first line."""
    names = [f"{h} ({u})" if u else h for h, u in zip(headers, units, strict=True)]
    pad = max(cell_len(n) for n in names)
    room = max(width - pad - 3, 20)
    out: list[str] = []
    for k, r in enumerate(cells):
        if k:
            out.append("")
        for name, value in zip(names, r, strict=True):
            first, *rest = wrap(value, room)
            out.append(" " * (pad - cell_len(name)) + f"{name} = {first}".rstrip())
            out += [" " * (pad + 3) + more for more in rest]
    return out


def table_lines(headers: list[str], units: list[str], cells: list[list[str]], width: int) -> list[str]:
    """One table when it fits: boxed like duckdb's, or without the box like sqlite-utils' when only that fits
    unwrapped, or boxed with its texts wrapped. Else column groups, each repeating a key so a row can be found in
    every group: the first column when its values are unique (a week, an id), else a row number when no value needs
    wrapping. Else records."""
    natural, floor = measure(headers, units, cells)
    if _frame(natural) <= width:
        return boxed(headers, units, cells, natural)
    if sum(natural) + 2 * (len(natural) - 1) <= width:
        return plain(headers, units, cells, natural)
    widths = fit(natural, floor, width)
    if widths is not None:
        return boxed(headers, units, cells, widths)
    keyed = len({r[0] for r in cells}) == len(cells)
    if not keyed:  # numbered rows: only for values that fit unwrapped, as a wrapped text reads better in a record
        numbered = ["#", *headers], ["", *units], [[str(k), *r] for k, r in enumerate(cells, 1)]
        natural = measure(*numbered)[0]
    groups = blocks(floor if keyed else natural, width)
    if groups is None or len(groups) > MAX_BLOCKS:
        return records(headers, units, cells, width)
    if not keyed:
        (headers, units, cells), floor = numbered, natural
    out: list[str] = []
    for group in groups:
        part = fit([natural[i] for i in group], [floor[i] for i in group], width)
        assert part is not None  # blocks() put only columns that fit together
        out += ([""] if out else []) + boxed([headers[i] for i in group], [units[i] for i in group],
                                             [[r[i] for i in group] for r in cells], part)
    return out


def render(columns: list[str], rows: Sequence[Sequence[Any]], title: str | None = None, layout: Layout | None = None,
           width: int | None = None) -> str:
    """The table as text for a terminal `width` wide (default `terminal_width()`), ending in a newline."""
    layout = layout or Layout()
    width = width or terminal_width()
    if not rows:
        if layout.empty:
            return "\n".join([*(wrap(title, width) if title else []), *wrap(layout.empty, width)]) + "\n"
        empty = f"{title}: none" if title else f"no rows (columns: {', '.join(columns)})"
        return "\n".join(wrap(empty, width)) + "\n"
    out = wrap(title, width) if title else []
    units = [layout.units.get(c, "") if layout.units.get(c) != c else "" for c in columns]
    cells = [[cell_text(v) for v in r] for r in rows]
    out += table_lines(columns, units, cells, width)
    for paragraph in layout.note.splitlines():
        out += wrap(paragraph, width)
    return "\n".join(out) + "\n"
