"""The narrative catalogue (config/narratives.yaml): load, validate, hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

FAMILIES = ("new_detente", "ukraine_war", "climate")


class CatalogueError(ValueError):
    """The narratives file is invalid; the message names the narrative."""


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

    @property
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
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot read narratives: {exc}") from exc
    items = data.get("narratives") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise CatalogueError(f"{path}: expected a top-level 'narratives:' list")
    narratives = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"{path}: narrative #{i + 1} ({item.get('id', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict):
            raise CatalogueError(f"{where}: must be a mapping")
        missing = [k for k in ("id", "label", "family", "description", "claims") if not item.get(k)]
        if missing:
            raise CatalogueError(f"{where}: missing {', '.join(missing)}")
        if item["id"] in seen:
            raise CatalogueError(f"{where}: duplicate id")
        if item["family"] not in FAMILIES:
            raise CatalogueError(f"{where}: unknown family {item['family']!r} (expected one of {', '.join(FAMILIES)})")
        seen.add(item["id"])
        narratives.append(
            Narrative(
                narrative_id=str(item["id"]),
                label=str(item["label"]),
                family=str(item["family"]),
                description=" ".join(str(item["description"]).split()),
                claims=tuple(str(s) for s in item["claims"]),
                rebuttals=tuple(str(s) for s in item.get("rebuttals") or ()),
                keywords=tuple(str(s).lower() for s in item.get("keywords") or ()),
                promoted_from=str(item["promoted_from"]) if item.get("promoted_from") else None,
            )
        )
    return Catalogue(tuple(narratives))
