"""What `-v` says of isort's and black's settings: where they came from and what differs
from the tool's defaults (lintgate.verbose prints it through each adapter's `explain`)."""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path
from typing import Any


def _pairs(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_show(v)}" for k, v in sorted(values.items())) or "(none)"


def _show(value: Any) -> str:
    if isinstance(value, (set, frozenset)) and value and all(isinstance(v, Enum) for v in value):
        # black's TargetVersion and Preview members, by the names its CLI and pyproject.toml
        # take (`py38`, as `black --verbose` prints them), in their order (py38 before py310)
        return repr([v.name.lower() for v in sorted(value, key=lambda v: v.value)])
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value, key=str))
    if isinstance(value, Path):
        return str(value)
    return repr(value) if not isinstance(value, (int, float)) else str(value)


def isort_lines(config: Any) -> list[str]:
    """Where isort's settings `config` (an isort `Config`) came from (its `sources`, the
    defaults left out) and the effective settings that differ from isort's defaults."""
    from isort.settings import _DEFAULT_SETTINGS

    lines = []
    for source in config.sources:
        origin = source.get("source", "?")
        if origin == "defaults":
            continue
        lines.append(f"from {origin}: {_pairs({k: v for k, v in source.items() if k != 'source'})}")
    if not lines:
        lines.append("from isort's defaults (no config file)")
    skip = {"source", "sources", "src_paths", "directory"}
    changed = {
        k: v
        for k, v in vars(config).items()
        if k not in skip and not k.startswith("_") and _DEFAULT_SETTINGS.get(k) != v
    }
    lines.append(f"effective: {_pairs(changed)}")
    return lines


def black_lines(settings: Any) -> list[str]:
    """black's project root, its pyproject.toml and what `[tool.black]` sets, and the mode's
    settings that differ from black's defaults, for the adapter's `settings`."""
    import black

    from lintgate.linters.configs import load_toml, table

    lines = [f"project root: {settings.root}"]
    if settings.config_file:
        document, _ = load_toml(settings.config_file)
        values = table(document or {}, "tool.black")
        keys = values if isinstance(values, dict) else {}
        lines.append(f"from {settings.config_file}: {_pairs(keys)}")
    else:
        lines.append("from black's defaults (no pyproject.toml)")
    default = black.Mode()
    changed = {
        f.name: getattr(settings.mode, f.name)
        for f in dataclasses.fields(settings.mode)
        if getattr(settings.mode, f.name) != getattr(default, f.name)
    }
    lines.append(f"effective: {_pairs(changed)}")
    return lines
