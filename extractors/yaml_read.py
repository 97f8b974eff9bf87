"""YAML read with libyaml's parser when PyYAML has it: the 72 KB narrative catalogue, read several times by every run,
parses in 0.02 s instead of 0.2 s. Same safe subset, same errors with their line marks."""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=SAFE_LOADER)


def compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=SAFE_LOADER)
