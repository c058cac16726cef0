"""The keys of lintgate.json: one validator per key (`KEYS`), the errors they raise, and the
names a configuration may use for linters (the registry's, and the reporting-only ones)."""

from __future__ import annotations

from typing import Any, Callable, cast

from lintgate import linters
from lintgate.config.duration import parse_duration
from lintgate.diagnostic import SEVERITIES
from lintgate.external import registry

# Linters that report without being enabled: they may appear in Severity and MessageOverride,
# not in Enable/Disable (as golangci-lint's `typecheck`); the value says when they report.
REPORTING_ONLY = {
    linters.SYNTAX: "a file that does not parse is always reported",
    linters.ENCODING: "a file that does not decode is always reported",
    "nolint": "unmatched directives are reported with WarnUnmatchedDirective",
    "fix": "files left unfixed are reported with --fix and --diff",
}


class ConfigError(Exception):
    """Invalid configuration; `str(error)` is the one-line message, naming the file and key."""


def _suggest(name: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    if not close:
        close = [c for c in choices if c.lower() == name.lower()]
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_linter(name: str, names: list[str]) -> str:
    """The one-line complaint about a linter `name` not among `names`: `unknown linter 'NAME'`
    with the nearest valid name (`did you mean`), or the valid names when none is near. Used
    for the config file, the `-E`/`-D` flags and `nolint` directives alike."""
    hint = _suggest(name, names) or f" (expected one of: {', '.join(names)})"
    return f"unknown linter {name!r}{hint}"


def _linter_names(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of linter names")
    for name in value:
        if name in REPORTING_ONLY:
            raise ConfigError(
                f"{where}: {name!r} is not a linter and cannot be enabled or disabled: "
                f"{REPORTING_ONLY[name]}"
            )
        if name not in linters.REGISTRY and not registry.is_external(name):
            raise ConfigError(f"{where}: {unknown_linter(name, all_linter_names())}")
    return value


def all_linter_names() -> list[str]:
    """Every linter name a configuration may enable: the in-process linters (pipeline order),
    then this run's external linters (lintgate.external.registry)."""
    return linters.names() + [n for n in registry.names() if n not in linters.REGISTRY]


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return value


def _skip(value: Any, where: str) -> list[str]:
    patterns = _strings(value, where)
    if patterns:  # pathspec is imported only when there are patterns
        from lintgate.discovery import skip_spec

        try:
            skip_spec(patterns)
        except ValueError as e:
            raise ConfigError(f"{where}: {e}") from None
    return patterns


def _regexes(value: Any, where: str) -> list[str]:
    import re

    from lintgate.filters import compile_regex

    for pattern in _strings(value, where):
        try:
            compile_regex(pattern)
        except re.error as e:
            raise ConfigError(f"{where}: invalid regular expression {pattern!r}: {e}") from None
    return cast("list[str]", value)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false")
    return value


def _deadline(value: Any, where: str) -> float:
    if not isinstance(value, str):
        raise ConfigError(f'{where}: expected a duration string such as "90s" or "8m"')
    try:
        return parse_duration(value)
    except ValueError as e:
        raise ConfigError(f"{where}: {e}") from None


# The largest Concurrency accepted: a typo's 10**18 is refused; anything up to this is capped at
# run time (lintgate.executor: never more workers than files, or 4 per CPU).
MAX_CONCURRENCY = 1_000_000


def _concurrency(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CONCURRENCY:
        raise ConfigError(
            f"{where}: expected a whole number from 0 to {MAX_CONCURRENCY} (0: one per CPU)"
        )
    return value


def _size(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where}: expected a whole number of bytes >= 0 (0: no limit)")
    return value


def _per_linter(value: Any, where: str, example: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected an object such as {example}")
    names = all_linter_names() + list(REPORTING_ONLY)
    for linter in value:
        if linter not in names:
            raise ConfigError(f"{where}: {unknown_linter(linter, names)}")
    return value


def _severity(value: Any, where: str) -> dict[str, str]:
    for linter, sev in _per_linter(value, where, '{"black": "error"}').items():
        if sev not in SEVERITIES:
            raise ConfigError(f'{where}: {linter}: expected "warning" or "error", got {sev!r}')
    return cast("dict[str, str]", value)


def _message_override(value: Any, where: str) -> dict[str, str]:
    from lintgate.report.template import compile_template

    for linter, template in _per_linter(value, where, '{"black": "{message}"}').items():
        if not isinstance(template, str):
            raise ConfigError(f"{where}: {linter}: expected a template string")
        try:
            compile_template(template)
        except ValueError as e:
            raise ConfigError(f"{where}: {linter}: {e}") from None
    return cast("dict[str, str]", value)


def _sort(value: Any, where: str) -> list[str]:
    from lintgate.filters import SORT_KEYS

    keys = list(SORT_KEYS) + ["none"]
    for key in _strings(value, where):
        if key not in keys:
            raise ConfigError(
                f"{where}: unknown sort key {key!r}{_suggest(key, keys)}; "
                f"expected some of {', '.join(keys)}"
            )
    if "none" in value and len(value) > 1:
        raise ConfigError(
            f"{where}: 'none' (keep the order found) cannot be combined with other keys"
        )
    return cast("list[str]", value)


def _format(value: Any, where: str) -> str:
    from lintgate.report import get_renderer

    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a format name or a template string")
    try:
        get_renderer(value)
    except ValueError as e:
        raise ConfigError(f"{where}: {e}") from None
    return value


def _schema_reference(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected the path or URL of a JSON Schema")
    return value


def _path_mode(value: Any, where: str) -> str:
    from lintgate.report.paths import PATH_MODES

    if not isinstance(value, str) or value not in PATH_MODES:
        hint = _suggest(value, list(PATH_MODES)) if isinstance(value, str) else ""
        raise ConfigError(f"{where}: expected one of {', '.join(PATH_MODES)}, got {value!r}{hint}")
    return value


def _path_prefix(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f'{where}: expected a path string such as "services/api"')
    if any(c < " " or c == "\x7f" for c in value):
        raise ConfigError(f"{where}: a path prefix cannot hold a control character")
    return value


# External linters (issue 14): lintgate.external.spec validates each entry.
def _linters(value: Any, where: str) -> dict[str, Any]:
    """`Linters`: gometalinter's map of name -> "COMMAND:PATTERN" or an object, overlaying a
    built-in definition of the same name. Each definition is registered in the run
    (lintgate.external.registry) at once, so that the keys read after it (read_config_file
    reads `Linters` first) may name it."""
    from lintgate.external.spec import from_entry

    if not isinstance(value, dict):
        raise ConfigError(
            f'{where}: expected an object such as {{"flake8": "flake8:PATH:LINE:COL:MESSAGE"}}'
        )
    for name, entry in value.items():
        if name in linters.REGISTRY or name in REPORTING_ONLY:
            raise ConfigError(
                f"{where}: {name!r} is a built-in in-process linter; give the external one another name"
            )
        try:
            registry.define(from_entry(name, entry, registry.get(name)))
        except ValueError as e:
            raise ConfigError(f"{where}: {e}") from None
    return value


# The executor of the per-file work (issue 15, item 7; lintgate.dask_executor, docs/dask.md):
# "local", the fork pool on this machine, or a Dask scheduler's address.
def _executor(value: Any, where: str) -> str:
    from lintgate.dask_executor import ADDRESS, LOCAL

    if not isinstance(value, str) or not (value == LOCAL or ADDRESS.fullmatch(value)):
        raise ConfigError(
            f'{where}: expected "local" or a Dask scheduler\'s address such as '
            f'"dask://HOST:8786" (or tcp://, tls://), got {value!r}'
        )
    return value


# key -> validator(value, where) -> typed value
KEYS: dict[str, Callable[[Any, str], Any]] = {
    "Enable": _linter_names,
    "Disable": _linter_names,
    "EnableAll": _bool,
    "DisableAll": _bool,
    "Skip": _skip,
    "Vendor": _bool,
    "Exclude": _regexes,
    "Include": _regexes,
    "Deadline": _deadline,
    "FileDeadline": _deadline,
    "Concurrency": _concurrency,
    "Severity": _severity,
    "Format": _format,
    "PathMode": _path_mode,
    "PathPrefix": _path_prefix,
    "MessageOverride": _message_override,
    "Sort": _sort,
    "Aggregate": _bool,
    "Errors": _bool,
    "WarnUnmatchedDirective": _bool,
    "CacheTrustedKeys": _strings,
    "MaxFileSize": _size,
    "Executor": _executor,
    # the JSON Schema this file follows, for editors (issue 16); read by no run
    "$schema": _schema_reference,
    "Linters": _linters,
}
