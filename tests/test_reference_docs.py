"""The docs cannot drift from the code (issue #35, item 2): the CLI and settings references are what
scripts/gen_reference.py makes of the code now, every relative link of README.md and docs/ resolves (file and heading),
the README stays short with its two commands, and each figure of its table links to a section holding a command."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def generator():
    spec = importlib.util.spec_from_file_location("gen_reference", ROOT / "scripts" / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("doc", ["docs/reference/cli.md", "docs/reference/settings.md"])
def test_generated_reference_is_up_to_date(doc: str):
    expected = generator().generated()[Path(doc)]
    committed = (ROOT / doc).read_text(encoding="utf-8") if (ROOT / doc).is_file() else ""
    if committed != expected:
        old, new = committed.splitlines(), expected.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        pytest.fail(f"{doc} is out of date: run .venv/bin/python scripts/gen_reference.py\n"
                    f"first difference, line {first + 1}:\n  committed: {old[first] if first < len(old) else '(end)'}"
                    f"\n  code:      {new[first] if first < len(new) else '(end)'}", pytrace=False)


def test_cli_reference_covers_every_command():
    text = generator().cli_reference()
    for command in ("radar ingest", "radar demo", "radar sql", "radar sources check", "radar narratives promote"):
        assert f"## {command}\n" in text
    assert "\x1b" not in text and "─" not in text and "╭" not in text  # plain text: no colours, no boxes


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower()).replace(" ", "-")


def unfenced(path: Path) -> list[str]:
    """A Markdown file's lines with its fenced code blocks blanked (a `#` or a link there is code)."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            line = ""
        lines.append("" if fenced else line)
    return lines


def headings(path: Path) -> list[tuple[int, int, str]]:
    """(line index, level, anchor) of every heading, duplicates numbered as GitHub numbers them."""
    found, seen = [], {}
    for i, line in enumerate(unfenced(path)):
        if match := re.match(r"(#{1,6}) (.+)", line):
            base = slug(match.group(2))
            seen[base] = seen.get(base, -1) + 1
            found.append((i, len(match.group(1)), f"{base}-{seen[base]}" if seen[base] else base))
    return found


def section(path: Path, anchor: str) -> str:
    """The text under the heading with that anchor, up to the next heading of the same or a higher level."""
    marks = headings(path)
    start, level = next(((i, n) for i, n, a in marks if a == anchor), (None, 0))
    assert start is not None, f"no heading #{anchor} in {path.relative_to(ROOT)}"
    end = next((i for i, n, _ in marks if i > start and n <= level), None)
    return "\n".join(path.read_text(encoding="utf-8").splitlines()[start:end])


def relative_links(path: Path) -> list[str]:
    """Link targets that are not URLs, outside code (a link inside a code span is code)."""
    prose = re.sub(r"`[^`]*`", "", "\n".join(unfenced(path)))
    return [t for t in LINK.findall(prose) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def test_every_relative_link_resolves():
    broken = []
    for doc in DOCS:
        for target in relative_links(doc):
            file, _, anchor = target.partition("#")
            resolved = (doc.parent / file).resolve() if file else doc
            if not resolved.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and resolved.suffix == ".md" and anchor not in {a for _, _, a in headings(resolved)}:
                broken.append(f"{doc.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_readme_is_short_and_keeps_its_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    assert "bash scripts/install.sh && .venv/bin/radar demo" in readme
    assert "bash scripts/test.sh" in readme and "scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_each_readme_figure_links_to_the_command_that_reproduces_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = section(ROOT / "README.md", "what-the-numbers-say")
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| what ")]
    assert len(rows) >= 5, readme
    for row in rows:
        targets = [t for t in LINK.findall(row) if "#" in t]
        assert targets, f"a figure without a link to its measurement: {row}"
        for target in targets:
            file, _, anchor = target.partition("#")
            text = section((ROOT / file).resolve(), anchor)
            assert ".venv/bin/" in text, f"{target} holds no command that reproduces the figure"


def test_every_file_the_docs_name_exists():
    # a benchmark or test renamed without its docs would leave a figure whose command no longer runs
    named = re.compile(r"\b(?:benchmarks|tests|scripts|flows|models|warehouse|extractors|config|demo)/[\w./-]+\."
                       r"(?:py|json|yaml|sql|jsonl|sh)\b")
    written = [doc for doc in DOCS if "reference" not in doc.parts]  # settings may default to files not made yet
    missing = []
    for doc in written:
        text = doc.read_text(encoding="utf-8")
        for match in named.finditer(text):
            name = match.group()
            if (ROOT / name).exists():
                continue
            # a deleted experiment is named with the commit that still holds it (docs/decisions.md)
            kept = re.search(r"\bat\s+commit\s+([0-9a-f]{7,40})\b", text[match.end():match.end() + 400])
            if not kept or not held_by(kept.group(1), name):
                missing.append(f"{doc.relative_to(ROOT)}: {name}")
    assert not missing, "\n".join(sorted(set(missing)))


def held_by(commit: str, path: str) -> bool:
    """Whether git's history holds `path` at `commit` (true without a git checkout, where it cannot be asked)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return True
    return subprocess.run(["git", "cat-file", "-e", f"{commit}:{path}"], check=False, cwd=ROOT,
                          capture_output=True).returncode == 0
