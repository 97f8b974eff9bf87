"""Load and validate a sources file (`sources:` list of outlets), naming the bad line on error."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from extractors.identity import normalize_url
from extractors.records import Source

CAMPS = ("russia_friendly", "china_friendly", "resistance", "alt_independent", "western_mainstream")
FIELDS = ("name", "feed_url", "camp", "language", "homepage")
OPTIONAL_FIELDS = ("tier", "id")
TIERS = ("state", "alt", "mainstream")  # the usual tiers; other words are allowed (lower case, no spaces)
_TIER_WORD = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_SOURCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class SourcesError(ValueError):
    """The sources file is invalid; the message names the file and line."""


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
    try:
        root = yaml.compose(text)
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
    seen: dict[str, int] = {}
    ids: dict[str, int] = {}
    for node in items.value:
        line = node.start_mark.line + 1
        where = f"{label}:line {line}"
        if not isinstance(node, yaml.MappingNode):
            raise SourcesError(f"{where}: each source must be a mapping of {', '.join(FIELDS)}")
        values = {k.value: v.value for k, v in node.value if isinstance(v, yaml.ScalarNode)}
        missing = [f for f in FIELDS if not str(values.get(f) or "").strip()]
        if missing:
            raise SourcesError(f"{where}: missing field(s) {', '.join(missing)}")
        unknown = sorted(set(values) - set(FIELDS) - set(OPTIONAL_FIELDS))
        if unknown:
            raise SourcesError(f"{where}: unknown field(s) {', '.join(unknown)}")
        if values["camp"] not in CAMPS:
            raise SourcesError(f"{where}: unknown camp {values['camp']!r} (expected one of {', '.join(CAMPS)})")
        for key in ("feed_url", "homepage"):
            parts = urlsplit(values[key])
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SourcesError(f"{where}: {key} must be an http(s) URL, got {values[key]!r}")
        key = normalize_url(values["feed_url"])
        if key in seen:
            raise SourcesError(f"{where}: duplicate feed_url {values['feed_url']!r} (first at line {seen[key]})")
        seen[key] = line
        tier = str(values.get("tier") or "").strip() or None
        if tier is not None and not _TIER_WORD.fullmatch(tier):
            raise SourcesError(f"{where}: tier {tier!r} must be one lower-case word such as {', '.join(TIERS)}")
        fixed_id = str(values.get("id") or "").strip() or None
        if fixed_id is not None and not _SOURCE_ID.fullmatch(fixed_id):
            raise SourcesError(f"{where}: id {fixed_id!r} must be 1-64 letters, digits, '_', '.' or '-'")
        source = Source(**{f: str(values[f]).strip() for f in FIELDS}, tier=tier, fixed_id=fixed_id)
        if source.source_id in ids:  # an id given twice, or given to one outlet and derived from another's feed
            raise SourcesError(f"{where}: duplicate id {source.source_id!r} (first at line {ids[source.source_id]})")
        ids[source.source_id] = line
        sources.append(source)
    if not sources:
        raise SourcesError(f"{label}: no sources listed")
    return sources
