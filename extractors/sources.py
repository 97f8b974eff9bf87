"""Load and validate a sources file (`sources:` list of outlets), naming the bad line on error."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from extractors import yaml_read
from extractors.identity import normalize_url
from extractors.records import Source

CAMPS = ("russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream")
FIELDS = ("name", "feed_url", "camp", "language", "homepage")
OPTIONAL_FIELDS = ("tier", "id")
TIERS = ("state", "alt", "mainstream")  # the usual tiers; other words are allowed (lower case, no spaces)
_TIER_WORD = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class SourcesError(ValueError):
    """The sources file is invalid; `problems` lists every problem found, each naming the file and line."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def load_sources(path: str | Path, base_url: str | None = None) -> list[Source]:
    """Read and validate `path`; `base_url` replaces a literal `{{BASE}}` (used by the demo)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read: {exc.strerror}") from exc
    if base_url is not None:
        text = text.replace("{{BASE}}", base_url.rstrip("/"))
    return parse_sources(text, str(path))


def parse_sources(text: str, label: str = "<sources>") -> list[Source]:
    """Every outlet of a sources file; a file with problems raises SourcesError listing all of them at once."""
    try:
        root = yaml_read.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise SourcesError(f"{label}:{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise SourcesError(f"{label}:line 1: expected a mapping with a top-level 'sources:' key")
    items = next((v for k, v in root.value if k.value == "sources"), None)
    if not isinstance(items, yaml.SequenceNode):
        raise SourcesError(f"{label}:line 1: 'sources:' must hold a list of outlets")
    sources: list[Source] = []
    problems: list[str] = []
    firsts: dict[str, int] = {}  # "url:", "id:" and "name:" keys -> the line that used them first
    for node in items.value:
        where = f"{label}:line {node.start_mark.line + 1}"
        try:
            source = _source(node)
            problems += [f"{where}: {p}" for p in _duplicates(source, node.start_mark.line + 1, firsts)]
            sources.append(source)
        except SourcesError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise SourcesError(problems)
    if not sources:
        raise SourcesError(f"{label}: no sources listed")
    return sources


def _source(node: yaml.Node) -> Source:
    """One outlet's entry as a Source; the first problem of the entry raises SourcesError (without the line)."""
    if not isinstance(node, yaml.MappingNode):
        raise SourcesError(f"each source must be a mapping of {', '.join(FIELDS)}")
    values = {k.value: v.value for k, v in node.value if isinstance(v, yaml.ScalarNode)}
    missing = [f for f in FIELDS if not str(values.get(f) or "").strip()]
    if missing:
        raise SourcesError(f"missing field(s) {', '.join(missing)}")
    unknown = sorted(set(values) - set(FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise SourcesError(f"unknown field(s) {', '.join(unknown)}")
    if values["camp"] not in CAMPS:
        raise SourcesError(f"unknown camp {values['camp']!r} (expected one of {', '.join(CAMPS)})")
    for key in ("feed_url", "homepage"):
        parts = urlsplit(values[key])
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourcesError(f"{key} must be an http(s) URL, got {values[key]!r}")
    tier = str(values.get("tier") or "").strip() or None
    if tier is not None and not _TIER_WORD.fullmatch(tier):
        raise SourcesError(f"tier {tier!r} must be one lower-case word such as {', '.join(TIERS)}")
    fixed_id = str(values.get("id") or "").strip() or None
    if fixed_id is not None and not _SOURCE_ID.fullmatch(fixed_id):
        raise SourcesError(f"id {fixed_id!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return Source(**{f: str(values[f]).strip() for f in FIELDS}, tier=tier, fixed_id=fixed_id)


def _duplicates(source: Source, line: int, firsts: dict[str, int]) -> list[str]:
    """What `source` repeats of an earlier outlet: its feed, its id (given twice, or given to one outlet and
    derived from another's feed: the two would merge) or its name (outlets are found by name, ignoring case and
    spacing); records its own for those that follow."""
    keys = {"url:" + normalize_url(source.feed_url): f"duplicate feed_url {source.feed_url!r}",
            "id:" + source.source_id: f"duplicate id {source.source_id!r}",
            "name:" + " ".join(source.name.split()).casefold(): f"duplicate name {source.name!r}"}
    # an id derived from a repeated feed URL repeats too: that is one problem, the feed
    same_feed = next(iter(keys)) in firsts
    problems = [f"{text} (first at line {firsts[key]})" for key, text in keys.items()
                if key in firsts and not (key.startswith("id:") and same_feed and source.fixed_id is None)]
    for key in keys:
        firsts.setdefault(key, line)
    return problems
