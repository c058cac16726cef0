"""The in-process linters: the registry of `Linter`s (the contract is in `base`).

`REGISTRY` maps each linter's name to its adapter, in pipeline order (the order in which the
fixers run: imports, then isort, then black). A built-in linter is one module defining a
class that implements `base.Linter` (subclassing `base.LinterBase`) and one line below. Code
outside this package never names a linter: it asks the registry (`enabled_by_default`,
`fixers`, `description`, `syntax_judge`, `reads_config_file`, ...).

Plugins: `LINTGATE_PLUGINS` (comma-separated importable module names) are imported when this
package is first imported, after the built-ins; each calls `register(linter)` for its linters
(docs/linters.md). Workers forked from the run inherit them.

Heavy engines (isort, black, libcst) are imported inside the adapters' methods, never at
module level, so that a run answered from the cache does not import them.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from lintgate import HOME
from lintgate.diagnostic import Finding
from lintgate.linters import black, imports, isort
from lintgate.linters.base import (
    Capabilities,
    Linter,
    LinterBase,
    NotFixable,
    Outcome,
    ParseError,
    Project,
    SettingsError,
)
from lintgate.source import Source

__all__ = [
    "BUILTIN",
    "Capabilities",
    "DEFAULT_ENABLED",
    "Linter",
    "LinterBase",
    "NotFixable",
    "Outcome",
    "ParseError",
    "Project",
    "PSEUDO",
    "REGISTRY",
    "SYNTAX",
    "ENCODING",
    "SettingsError",
    "description",
    "enabled_by_default",
    "fixers",
    "get",
    "lookup",
    "names",
    "parsers",
    "plugin_errors",
    "reads_config_file",
    "register",
    "syntax_judge",
]

# name -> adapter, in pipeline order. One line per built-in linter.
REGISTRY: dict[str, Linter[Any]] = {
    "imports": imports.LINTER,
    "isort": isort.LINTER,
    "black": black.LINTER,
}

# Findings lintgate itself reports about a file; they cannot be enabled or disabled.
SYNTAX = "syntax"  # the syntax judge's parse error (see Capabilities.judges_syntax)
ENCODING = "encoding"  # the file does not decode
PSEUDO = (SYNTAX, ENCODING)
_PSEUDO_DESCRIPTIONS = {
    SYNTAX: "The file parses as Python.",
    ENCODING: "The file decodes in its declared encoding.",
    "nolint": "Every nolint directive silences a finding.",
}

# The names of the built-in linters and the default set, as before the registry (kept for the
# callers that still use them; new code asks `names()` and `enabled_by_default()`).
BUILTIN: dict[str, str] = {name: f"lintgate.linters.{name}" for name in REGISTRY}
DEFAULT_ENABLED = tuple(
    n for n, linter in REGISTRY.items() if linter.capabilities.enabled_by_default
)


def register(linter: Linter[Any]) -> None:
    """Add `linter` to REGISTRY under its capabilities' name, after those already there (the
    fix pipeline runs in registry order). Raises ValueError for a name already taken (a
    pseudo-linter's included) or a second syntax judge."""
    name = linter.capabilities.name
    if name in REGISTRY or name in _PSEUDO_DESCRIPTIONS or name == "fix":
        raise ValueError(f"linter {name!r} is registered already")
    if linter.capabilities.judges_syntax and syntax_judge() is not None:
        raise ValueError(f"linter {name!r}: only one linter may judge syntax")
    REGISTRY[name] = linter


def names() -> list[str]:
    """Every registered linter's name, in pipeline order."""
    return list(REGISTRY)


def enabled_by_default() -> list[str]:
    """The linters enabled when the configuration does not say, in pipeline order."""
    return [n for n, linter in REGISTRY.items() if linter.capabilities.enabled_by_default]


def fixers(enabled: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The registered linters (of `enabled`, when given) that have a fixer, in pipeline order."""
    return [
        n
        for n, linter in REGISTRY.items()
        if linter.capabilities.fix != "none" and (enabled is None or n in enabled)
    ]


def parsers() -> list[str]:
    """The registered linters whose check parses the file (Capabilities.parses)."""
    return [n for n, linter in REGISTRY.items() if linter.capabilities.parses]


def syntax_judge() -> str | None:
    """The name of the linter whose parser decides what is a syntax error (black), or None."""
    return next((n for n, lt in REGISTRY.items() if lt.capabilities.judges_syntax), None)


def reads_config_file(enabled: list[str] | tuple[str, ...], name: str) -> bool:
    """Whether one of the `enabled` linters' tools reads configuration files called `name`
    (e.g. "pyproject.toml": then a broken one is a configuration error)."""
    return any(name in REGISTRY[n].capabilities.config_files for n in enabled if n in REGISTRY)


def description(name: str) -> str | None:
    """The one-sentence description of linter or pseudo-linter `name` for reports, or None."""
    if name in REGISTRY:
        return REGISTRY[name].capabilities.description
    external = _external(name)
    if external is not None:  # an external linter of the run (issue 14)
        return (
            external.description or f"Findings of the external linter {name} ({external.command})."
        )
    return _PSEUDO_DESCRIPTIONS.get(name)


def _external(name: str) -> Any:
    """The run's ExternalDefinition called `name`, or None (lintgate.external.registry)."""
    from lintgate.external import registry

    return registry.get(name)


# The linters' page of lintgate's documentation (docs/linters.md): a section per linter of
# lintgate.linters and per pseudo-linter, whose anchor is its name.
DOCS_URI = f"{HOME}/blob/main/docs/linters.md"


def help_uri(name: str) -> str:
    """Where a report links for linter `name`: its Capabilities' `help_uri`, else, for a
    linter defined in this package or a pseudo-linter, its section of docs/linters.md
    (DOCS_URI#NAME); "" when nowhere (a plugin that names no page)."""
    if name in REGISTRY:
        linter = REGISTRY[name]
        if linter.capabilities.help_uri:
            return linter.capabilities.help_uri
        documented = type(linter).__module__.startswith(f"{__name__}.")
        return f"{DOCS_URI}#{name}" if documented else ""
    external = _external(name)
    if external is not None:
        return str(external.help_uri)
    return f"{DOCS_URI}#{name}" if name in _PSEUDO_DESCRIPTIONS else ""


class SyntaxCheck(LinterBase[Any]):
    """The `syntax` pseudo-linter as a Linter: the syntax judge's parser alone, with the
    judge's settings (run when the judge is disabled and no parsing linter checks a file)."""

    def __init__(self, judge: Linter[Any]) -> None:
        self.judge = judge
        self.capabilities = Capabilities(SYNTAX, _PSEUDO_DESCRIPTIONS[SYNTAX], parses=True)

    def version(self) -> str:
        return self.judge.version()

    def settings(self, project: Project, directory: Path) -> Any:
        return self.judge.settings(project, directory)

    def settings_digest(self, settings: Any) -> str:
        return self.judge.settings_digest(settings)

    def config_digest(self, project: Project, directory: Path) -> str | None:
        return self.judge.parse_digest(project, directory)

    def check(self, path: Path, source: Source, settings: Any) -> Outcome:
        error = self.judge.parse(path, source, settings)
        return Outcome([]) if error is None else Outcome([], error)


def lookup(name: str) -> Linter[Any]:
    """The Linter called `name`: a registered one, or SYNTAX (the syntax judge's parser).
    Raises KeyError for an unknown name (or SYNTAX without a judge)."""
    if name == SYNTAX:
        judge = syntax_judge()
        if judge is None:
            raise KeyError(name)
        return SyntaxCheck(REGISTRY[judge])
    return REGISTRY[name]


class _ModuleView:
    """A registered linter behind the module-level functions the engine called before the
    Linter protocol (see `get`). The old `check(source, settings)` gets no path: the view
    passes an empty Path."""

    def __init__(self, linter: Linter[Any]) -> None:
        self.linter = linter
        self.NAME = linter.capabilities.name

    def version(self) -> str:
        return self.linter.version()

    def settings_for(self, directory: Path, project: Project) -> Any:
        return self.linter.settings(project, directory)

    def settings_digest(self, settings: Any) -> str:
        return self.linter.settings_digest(settings)

    def config_digest(self, directory: Path, project: Project) -> str | None:
        cheap = self.linter.config_digest(project, directory)
        if cheap is not None:
            return cheap
        try:
            return self.linter.settings_digest(self.linter.settings(project, directory))
        except Exception:  # reported when the check builds the settings
            return None

    def is_excluded(self, path: Path, settings: Any, project: Project) -> bool:
        return self.linter.excluded(path, settings, project)

    def check(self, source: Source, settings: Any) -> list[Finding]:
        outcome = self.linter.check(Path(), source, settings)
        if outcome.syntax is not None:
            e = outcome.syntax
            raise ParseError(e.message, e.line, e.col)
        return outcome.findings


def get(name: str) -> ModuleType | _ModuleView:
    """The module of the built-in linter `name` (or a module-like view of a registered
    plugin): the API before `REGISTRY`, kept until the engine calls Linters. Raises KeyError
    for an unknown name."""
    if name in BUILTIN:
        return importlib.import_module(BUILTIN[name])
    return _ModuleView(REGISTRY[name])


def _load_plugins() -> list[str]:
    """Import the modules named in LINTGATE_PLUGINS (comma-separated); each registers its
    linters. Returns one line per module that failed (`plugin_errors`)."""
    failed = []
    for module in os.environ.get("LINTGATE_PLUGINS", "").split(","):
        if module.strip():
            try:
                importlib.import_module(module.strip())
            except Exception as e:  # the user's input: one line, never a traceback
                reason = (str(e).strip().splitlines() or [""])[0]
                cause = f"{type(e).__name__}: {reason}" if reason else type(e).__name__
                failed.append(f"LINTGATE_PLUGINS: cannot import {module.strip()!r}: {cause}")
    return failed


_PLUGIN_ERRORS = tuple(_load_plugins())


def plugin_errors() -> tuple[str, ...]:
    """One line per LINTGATE_PLUGINS module that could not be imported (lintgate.config
    makes the first a configuration error)."""
    return _PLUGIN_ERRORS
