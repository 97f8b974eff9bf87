"""The narrative catalogue (config/narratives.yaml): load, validate, hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import yaml

from extractors import yaml_read

FAMILIES = ("new_detente", "ukraine_war", "climate")
# How people read a family (ids stay in tables and SQL; words where a person reads a reason).
FAMILY_LABELS = {"new_detente": "New Détente", "ukraine_war": "Ukraine war", "climate": "climate"}


class CatalogueError(ValueError):
    """The narratives file is invalid; `problems` lists every problem found, each naming the line and narrative."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Narrative:
    """One narrative with the exemplar sentences that define it."""

    narrative_id: str
    label: str
    family: str
    description: str
    claims: tuple[str, ...]
    rebuttals: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    promoted_from: str | None = None  # the emerging cluster it was promoted from (radar narratives promote)


@dataclass(frozen=True)
class Catalogue:
    narratives: tuple[Narrative, ...]

    @cached_property  # a frozen catalogue's hash never changes; asdict over every exemplar costs ~20 ms a call
    def hash(self) -> str:
        """Changes whenever any narrative's text changes; stored with every classification."""
        # provenance does not change what is classified, so it stays out (and older hashes stay valid)
        texts = [{k: v for k, v in asdict(n).items() if k != "promoted_from"} for n in self.narratives]
        canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def ids(self) -> list[str]:
        return [n.narrative_id for n in self.narratives]

    @property
    def promoted_clusters(self) -> set[str]:
        """Emerging cluster ids already promoted into this catalogue."""
        return {n.promoted_from for n in self.narratives if n.promoted_from}

    def by_label(self) -> dict[str, Narrative]:
        return {n.label: n for n in self.narratives}

    def only(self, family_prefixes: tuple[str, ...]) -> Catalogue:
        return Catalogue(tuple(n for n in self.narratives if n.family in family_prefixes))


def load_catalogue(path: str | Path) -> Catalogue:
    """The catalogue in `path`; a file with problems raises CatalogueError listing all of them, each with its line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data, root = yaml_read.safe_load(text), yaml_read.compose(text)
    except OSError as exc:
        raise CatalogueError(f"{path}: cannot read narratives: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise CatalogueError(f"{path}:{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    items = data.get("narratives") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise CatalogueError(f"{path}:line 1: expected a top-level 'narratives:' list")
    lines = _item_lines(root)
    narratives: list[Narrative] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        name = item.get("id", "?") if isinstance(item, dict) else "?"
        where = f"{path}:line {lines[i] if i < len(lines) else '?'}: narrative {name}"
        found = _problems(item, seen, lines[i] if i < len(lines) else 0)
        problems += [f"{where}: {p}" for p in found]
        if not found:
            narratives.append(_narrative(item))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(tuple(narratives))


def _item_lines(root: yaml.Node | None) -> list[int]:
    """The line each entry of the `narratives:` list starts on."""
    if not isinstance(root, yaml.MappingNode):
        return []
    items = next((v for k, v in root.value if k.value == "narratives"), None)
    return [node.start_mark.line + 1 for node in items.value] if isinstance(items, yaml.SequenceNode) else []


def _problems(item: object, seen: dict[str, int], line: int) -> list[str]:
    """Everything wrong with one entry; records its id in `seen` (id -> line) for the entries that follow."""
    if not isinstance(item, dict):
        return ["must be a mapping"]
    problems = []
    missing = [k for k in ("id", "label", "family", "description", "claims") if not item.get(k)]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if item.get("id") in seen:
        problems.append(f"duplicate id (first at line {seen[item['id']]})")
    elif item.get("id"):
        seen[item["id"]] = line
    if item.get("family") and item["family"] not in FAMILIES:
        problems.append(f"unknown family {item['family']!r} (expected one of {', '.join(FAMILIES)})")
    for key in ("claims", "rebuttals", "keywords"):
        if item.get(key) and not isinstance(item[key], list):  # a lone string would be read letter by letter
            problems.append(f"{key} must be a list of sentences")
    return problems


def _narrative(item: dict) -> Narrative:
    return Narrative(
        narrative_id=str(item["id"]),
        label=str(item["label"]),
        family=str(item["family"]),
        description=" ".join(str(item["description"]).split()),
        claims=tuple(str(s) for s in item["claims"]),
        rebuttals=tuple(str(s) for s in item.get("rebuttals") or ()),
        keywords=tuple(str(s).lower() for s in item.get("keywords") or ()),
        promoted_from=str(item["promoted_from"]) if item.get("promoted_from") else None,
    )
