"""The built-in linters: one module per linter, each with the same few names.

Every linter module defines:

    NAME: str
        The linter's name as used in config, flags and output ("isort", "black", "imports").
    version() -> str
        The version of the engine behind it (part of the cache key).
    settings_for(directory: pathlib.Path, project: Project) -> Settings
        The effective settings for the files of `directory` (absolute), found as the tool
        itself finds them (isort's: one for the whole run, from `project.settings_path`, as
        its command line). The runner memoizes the result per directory, and modules memoize
        per config file, so one settings object exists per config directory.
    settings_digest(settings) -> str
        A stable hex digest of the effective settings (part of the cache key).
    is_excluded(path: pathlib.Path, settings, project: Project) -> bool
        True when the tool's own configuration leaves `path` (absolute) out.
    check(source: lintgate.source.Source, settings) -> list[Finding]
        Pure: decoded contents + settings in, findings out. Raises ParseError when the
        source does not parse. Never writes, never reads other files.
    fix(text: str, source: lintgate.source.Source, settings) -> str
        The text after the tool's repair of `text` (the decoded, LF-only text of `source`,
        possibly already changed by an earlier fixer).

Heavy engines (isort, black, libcst) are imported inside these functions, never at module
level, so that a run answered from the cache does not import them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from lintgate.linters.base import ParseError, Project

__all__ = ["BUILTIN", "DEFAULT_ENABLED", "get", "ParseError", "Project", "PSEUDO"]

# name -> module; the order is the order of the fix pipeline (imports, then isort, then black).
BUILTIN: dict[str, str] = {
    "imports": "lintgate.linters.imports",
    "isort": "lintgate.linters.isort",
    "black": "lintgate.linters.black",
}
DEFAULT_ENABLED = tuple(BUILTIN)
# Findings lintgate itself reports about a file; they cannot be enabled or disabled.
PSEUDO = ("syntax", "encoding")


def get(name: str) -> ModuleType:
    """The module of the built-in linter `name`. Raises KeyError for an unknown name."""
    return importlib.import_module(BUILTIN[name])
