"""`-v/--verbose`: what a run used and where its time went, on stderr (never on stdout).

Before the run: the config file read, the project root, the versions of lintgate and of the
tools it runs, and isort's and black's effective settings with where they came from (the
same objects the linters build: lintgate.linters.isort.settings_for, whose isort `Config`
keeps its `sources`; lintgate.linters.black.settings_for, which finds black's project root
and pyproject.toml with black.files.find_project_root/find_pyproject_toml). After it: the
external tools' versions (the run asks them after the config is read), the cache hits per
linter (external ones too) and the seconds of each phase. Each line starts `lintgate: ` as the
summary does. Like ruff's and black's `-v`, it adds to stderr only.
"""

from __future__ import annotations

import contextlib
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
        """Each `enabled` in-process linter's effective settings for the project root and
        where they came from, as its `explain` gives them (isort's and black's: those that
        differ from the tool's defaults; a linter with nothing to say prints nothing)."""
        if not self.enabled:
            return
        from lintgate import linters
        from lintgate.linters.base import SettingsError

        for name in enabled:
            if name not in linters.names():
                continue
            linter = linters.lookup(name)
            try:
                lines = linter.explain(linter.settings(project, project.root))
            except SettingsError as e:
                lines = [f"settings: {e}"]
            for line in lines:
                self.say(f"{name}: {line}")

    def describe_unmatched(self, unmatched: dict[str, list[str]], most: int = 20) -> None:
        """The output lines of each external linter that its pattern did not match (the first
        `most` of them, control characters escaped), after the run's one-line count."""
        if not self.enabled:
            return
        from lintgate.report.terminal import escape_controls as escape

        for name, lines in unmatched.items():
            for line in lines[:most]:
                self.say(f"{name}: unmatched output: {escape(line)}")
            if len(lines) > most:
                self.say(f"{name}: ... and {len(lines) - most} more unmatched line(s)")

    def describe_result(
        self,
        cache_hits: dict[str, tuple[int, int]],
        versions: dict[str, str] | None = None,
        external_hits: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        """The external linters' `versions` (name -> the tool's version line, as the cache
        keys on it: asked only by a run with a cache), the cache hits per linter (files
        answered / files it applies to; the in-process ones', then `external_hits`) and the
        timings."""
        if not self.enabled:
            return
        for name, version in (versions or {}).items():
            self.say(f"{name}: version: {version}")
        cache_hits = {**cache_hits, **(external_hits or {})}
        if cache_hits:
            hits = ", ".join(f"{n} {hit}/{total}" for n, (hit, total) in cache_hits.items())
            self.say(f"cache hits: {hits}")
        timings = ", ".join(f"{name} {seconds:.3f}s" for name, seconds in self.phases.items())
        self.say(f"timings: {timings}")
