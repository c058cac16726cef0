"""The external linters of the current run: the built-in definitions (lintgate.external.builtin)
overlaid by the run's `Linters` entries and `--linter` flags, kept in the run's RunContext (no
state outlives a run; lintgate.context)."""

from __future__ import annotations

from typing import Any

from lintgate.context import current
from lintgate.external.builtin import BUILTIN
from lintgate.external.definition import ExternalDefinition

_MEMO = "lintgate.external.registry"
# (a definition may not take an in-process linter's name: lintgate.config.keys checks it)


def _defined() -> dict[str, ExternalDefinition]:
    table: dict[str, Any] = current().memo(_MEMO)
    return table


def definitions() -> dict[str, ExternalDefinition]:
    """Every external linter of this run by name: the built-in ones (their order), then those
    the configuration defined, each overlaid by the run's definition of the same name."""
    return {**BUILTIN, **_defined()}


def define(definition: ExternalDefinition) -> None:
    """Make `definition` this run's definition of its name (replacing an earlier one)."""
    _defined()[definition.name] = definition


def defined() -> dict[str, ExternalDefinition]:
    """The definitions this run's configuration made (not the built-in ones it left alone)."""
    return dict(_defined())


def names() -> list[str]:
    """The names of this run's external linters (see `definitions`)."""
    return list(definitions())


def get(name: str) -> ExternalDefinition | None:
    """This run's definition of `name`, or None when no external linter has that name."""
    return _defined().get(name) or BUILTIN.get(name)


def is_external(name: str) -> bool:
    """Whether `name` is an external linter of this run."""
    return get(name) is not None


def base(name: str) -> ExternalDefinition | None:
    """What a definition of `name` overlays: the run's earlier one, else the built-in one."""
    return get(name)


def kind(definition: ExternalDefinition) -> str:
    """`external file-local` or `external whole-program` (`lintgate linters`)."""
    return "external file-local" if definition.file_local else "external whole-program"
