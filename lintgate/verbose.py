"""`-v/--verbose`: what a run used and where its time went, on stderr (never on stdout).

Before the run: the config file read, the project root, the versions of lintgate and of the
tools it runs, and isort's and black's effective settings with where they came from (the
same objects the linters build: lintgate.linters.isort.settings_for, whose isort `Config`
keeps its `sources`; lintgate.linters.black.settings_for, which finds black's project root
and pyproject.toml with black.files.find_project_root/find_pyproject_toml). After it: the
cache hits per linter and the seconds of each phase. Each line starts `lintgate: ` as the
summary does. Like ruff's and black's `-v`, it adds to stderr only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from lintgate import __version__
from lintgate.console import say

__all__ = ["Verbose"]


class Verbose:
    """The -v lines of one run; `enabled` False makes every method print nothing (the
    phases are still timed: two clock reads each)."""

    def __init__(self, enabled: bool, out: Callable[[str], None] = say) -> None:
        self.enabled = enabled
        self.phases: dict[str, float] = {}
        self._out = out

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as phase `name` (seconds, summed over repeats)."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.monotonic() - start

    def say(self, line: str) -> None:
        """Print `lintgate: LINE` when enabled."""
        if self.enabled:
            self._out(line)

    def describe_run(self, config_path: Path | None, root: Path, cwd: Path) -> None:
        """The config file read (relative to `cwd`), the project root and the versions."""
        if not self.enabled:
            return
        from lintgate.versions import tool_versions

        self.say(f"config: {config_path if config_path is not None else 'none (defaults)'}")
        self.say(f"project root: {root}")
        versions = {"lintgate": __version__, **tool_versions()}
        self.say("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))

    def describe_settings(self, enabled: list[str], project: Any) -> None:
        """isort's and black's effective settings (those that differ from the tool's
        defaults) and where they came from, for those of them `enabled`."""
        if not self.enabled:
            return
        from lintgate.linters.base import SettingsError

        for name, describe in (("isort", _isort_lines), ("black", _black_lines)):
            if name not in enabled:
                continue
            try:
                lines = describe(project)
            except SettingsError as e:
                lines = [f"settings: {e}"]
            for line in lines:
                self.say(f"{name}: {line}")

    def describe_result(self, cache_hits: dict[str, tuple[int, int]]) -> None:
        """The cache hits per linter (files answered / files it applies to) and the timings."""
        if not self.enabled:
            return
        if cache_hits:
            hits = ", ".join(f"{n} {hit}/{total}" for n, (hit, total) in cache_hits.items())
            self.say(f"cache hits: {hits}")
        timings = ", ".join(f"{name} {seconds:.3f}s" for name, seconds in self.phases.items())
        self.say(f"timings: {timings}")


def _settings(name: str, project: Any) -> Any:
    from lintgate import linters

    return linters.lookup(name).settings(project, project.root)


def _pairs(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_show(v)}" for k, v in sorted(values.items())) or "(none)"


def _show(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value, key=str))
    if isinstance(value, Path):
        return str(value)
    return repr(value) if not isinstance(value, (int, float)) else str(value)


def _isort_lines(project: Any) -> list[str]:
    """Where isort's settings came from (its Config's `sources`, the defaults left out) and
    the effective settings that differ from isort's defaults."""
    from isort.settings import _DEFAULT_SETTINGS

    config = _settings("isort", project)
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


def _black_lines(project: Any) -> list[str]:
    """black's project root, its pyproject.toml and what `[tool.black]` sets, and the mode's
    settings that differ from black's defaults."""
    import black

    from lintgate.linters.configs import load_toml, table

    settings = _settings("black", project)
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
