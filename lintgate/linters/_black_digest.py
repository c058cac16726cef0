"""Digests of what black's settings are made from, computed without black (the cache keys of
a warm run, which must not import black): black's project-root search and its config file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

Sources = dict[str, Any]  # what black's settings are made from (JSON-ready)

from lintgate.context import RunMemo, run_memoized
from lintgate.linters import configs
from lintgate.linters.base import Project


def _start(project: Project) -> str:
    """Where black's project-root search starts: the common base of the paths given."""
    return str(project.base or project.cwd)


_sources_of: RunMemo[str, Sources] = RunMemo("lintgate.linters.black.sources")  # per run


def config_digest(directory: Path, project: Project) -> str:
    """sha256 hex of what black's settings (settings_for) are made from, without black.

    Mirrors black.files.find_project_root from the common base of the paths given
    (`project.base`; the first directory upwards with a `.git`, a `.hg` directory or a
    `pyproject.toml` with a `[tool.black]` table) and find_pyproject_toml (that root's
    `pyproject.toml`, else the user-level `$XDG_CONFIG_HOME/black` or `~/.config/black`).
    Digests the root's kind and where it is relative to lintgate's project root (the include
    and exclude patterns match paths relative to it; relative, so that a checkout elsewhere
    shares the results), the
    config file's `[tool.black]` table and `[project] requires-python` (black infers the
    target versions from it), and nothing else of the file: `[tool.isort]` changes do not
    invalidate black's results. A file that does not parse is digested by its bytes.
    The same for every directory. Never raises.
    """
    return _run_digest(project)


@run_memoized
def _run_digest(project: Project) -> str:
    # one digest per run (the planner asks once per directory)
    return configs.digest(_located(project))


def parse_digest(directory: Path, project: Project) -> str:
    """Like config_digest, but of what `parse_only` depends on: the target versions
    (`target-version`, else `requires-python`), not line-length and the rest of the Mode."""
    sources = _located(project)
    table = sources.pop("black")
    if isinstance(table, dict):
        sources["black"] = {
            k: v for k, v in table.items() if k.replace("-", "_") == "target_version"
        }
    return configs.digest(sources)


def _located(project: Project) -> Sources:
    """_sources of the run's start, with black's root relative to lintgate's project root."""
    sources = dict(_sources(_start(project)))
    where = sources.pop("at")
    sources["at"] = None if where is None else os.path.relpath(where, project.root)
    return sources


def _sources(start: str) -> Sources:
    if start in _sources_of:
        return _sources_of[start]
    current, kind = start, "file system root"
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            kind = ".git"
        elif os.path.isdir(os.path.join(current, ".hg")):
            kind = ".hg"
        elif os.path.isfile(os.path.join(current, "pyproject.toml")):
            document, broken = configs.load_toml(os.path.join(current, "pyproject.toml"))
            tool = configs.table(document, "tool") if document else None
            if broken or (isinstance(tool, dict) and "black" in tool):
                kind = "pyproject.toml"
        parent = os.path.dirname(current)
        if kind != "file system root" or parent == current:
            break
        current = parent
    sources: Sources = {"root": kind, "at": current if kind != "file system root" else None}
    config = os.path.join(current, "pyproject.toml")
    if not os.path.isfile(config):
        config = configs.black_user_config()
        sources["user"] = True
    sources["black"] = sources["requires-python"] = sources["broken"] = None
    if os.path.isfile(config):
        document, broken = configs.load_toml(config)
        if document is not None:
            sources["black"] = configs.table(document, "tool.black")
            sources["requires-python"] = configs.table(document, "project.requires-python")
        sources["broken"] = broken
    _sources_of[start] = sources
    return sources
