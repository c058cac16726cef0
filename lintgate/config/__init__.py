"""lintgate.json (or pyproject.toml's [tool.lintgate]): discovery, validation, defaults, and how flags combine with the file.

The keys are gometalinter's where the idea is the same. Unlike gometalinter, an unknown key or
linter name is an error that names the file and the key and suggests the nearest valid name.
Flags are applied after the file (gometalinter's order): list flags (`--skip`, `--exclude`,
`--include`) add to the file's lists, scalar flags replace the file's value, and the linter
flags are applied in command-line order on top of the set the file chose.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lintgate import linters
from lintgate.config.duration import format_duration
from lintgate.config.integers import config_int
from lintgate.config.keys import (
    KEYS,
    MAX_CONCURRENCY,
    REPORTING_ONLY,
    ConfigError,
    _linter_names,
    _suggest,
    unknown_linter,
)
from lintgate.config.pyproject import PYPROJECT, has_lintgate_table, is_toml, read_table

__all__ = [
    "CONFIG_NAMES",
    "Config",
    "ConfigError",
    "KEYS",
    "MAX_CONCURRENCY",
    "REPORTING_ONLY",
    "apply_file",
    "apply_linter_flags",
    "define_flag_linters",
    "effective_concurrency",
    "find_config_file",
    "read_config_file",
    "read_raw",
    "validate_keys",
    "shadowed_config_files",
    "unknown_linter",
]

if TYPE_CHECKING:
    from lintgate.filters import FilterOptions

CONFIG_NAMES = ("lintgate.json", ".lintgate.json")
# seconds one file may take on a worker before it is stopped and the file reported (generous:
# the slowest real files take seconds; this only catches a file that would hang the run)
DEFAULT_FILE_DEADLINE = 120.0


@dataclasses.dataclass
class Config:
    """The effective configuration of one run (defaults, then the file, then the flags).

    enabled: linter names in pipeline order; skip: gitignore-style patterns relative to the
    project root; exclude/include: regular expressions over the gometalinter line;
    deadline: seconds, 0 for none; file_deadline: seconds one file may take on a worker, 0
    for none; concurrency: worker processes, 0 for the CPUs this process
    may use; severity: linter -> "warning" | "error"; cache_trusted_keys: PEM public keys
    or their paths relative to the project root (lintgate.cache.oci.signing); path_mode and
    path_prefix: where the CI formats' paths start (lintgate.report.paths); path: the config
    file, or None; executor: "local" (the fork pool) or a Dask scheduler's address.
    """

    enabled: list[str] = dataclasses.field(default_factory=linters.enabled_by_default)
    skip: list[str] = dataclasses.field(default_factory=list)
    vendor: bool = False
    exclude: list[str] = dataclasses.field(default_factory=list)
    include: list[str] = dataclasses.field(default_factory=list)
    deadline: float = 0.0
    file_deadline: float = DEFAULT_FILE_DEADLINE
    concurrency: int = 0
    severity: dict[str, str] = dataclasses.field(default_factory=dict)
    format: str = "text"
    path_mode: str = "gitroot"  # lintgate.report.paths: where the CI formats' paths start
    path_prefix: str = ""
    message_override: dict[str, str] = dataclasses.field(default_factory=dict)
    sort: list[str] = dataclasses.field(default_factory=list)
    aggregate: bool = False
    errors: bool = False
    warn_unmatched_directive: bool = False
    cache_trusted_keys: list[str] = dataclasses.field(default_factory=list)
    max_file_size: int = 2 * 1024 * 1024  # bytes, 0 for no limit (lintgate.bounds)
    executor: str = "local"  # or a Dask scheduler's address (lintgate.dask_executor)
    path: Path | None = None

    def to_file(self) -> dict[str, Any]:
        """The configuration as a lintgate.json object (what `--print-config` prints): given
        back as `--config`, it makes the same run."""
        return {
            "Enable": list(self.enabled),
            "Skip": list(self.skip),
            "Vendor": self.vendor,
            "Exclude": list(self.exclude),
            "Include": list(self.include),
            "Deadline": format_duration(self.deadline),
            "FileDeadline": format_duration(self.file_deadline),
            "Concurrency": self.concurrency,
            "Severity": dict(self.severity),
            "Format": self.format,
            "PathMode": self.path_mode,
            "PathPrefix": self.path_prefix,
            "MessageOverride": dict(self.message_override),
            "Sort": list(self.sort),
            "Aggregate": self.aggregate,
            "Errors": self.errors,
            "WarnUnmatchedDirective": self.warn_unmatched_directive,
            "CacheTrustedKeys": list(self.cache_trusted_keys),
            "MaxFileSize": self.max_file_size,
            "Executor": self.executor,
            "Linters": _defined_linters(),
        }

    def filter_options(self) -> FilterOptions:
        """The lintgate.filters.FilterOptions of this configuration."""
        from lintgate.filters import FilterOptions

        return FilterOptions(
            exclude=tuple(self.exclude),
            include=tuple(self.include),
            severity=dict(self.severity),
            message_override=dict(self.message_override),
            sort=tuple(self.sort),
            aggregate=self.aggregate,
            errors=self.errors,
        )


def _config_files(directory: Path) -> list[Path]:
    """The config files in `directory`, first the one that is used: CONFIG_NAMES in that
    order, then a pyproject.toml that has a `[tool.lintgate]` table."""
    found = [directory / name for name in CONFIG_NAMES if (directory / name).is_file()]
    pyproject = directory / PYPROJECT
    if pyproject.is_file() and has_lintgate_table(pyproject):
        found.append(pyproject)
    return found


def _defined_linters() -> dict[str, Any]:
    """The run's `Linters` definitions (file and --linter) as objects (issue 14)."""
    from lintgate.external import registry
    from lintgate.external.spec import to_entry

    return {name: to_entry(d) for name, d in registry.defined().items()}


def find_config_file(start: Path) -> Path | None:
    """The first config file from `start` (a directory) upwards, stopping at the repository
    root (a directory holding `.git` or `.hg`): in each directory `lintgate.json`, else
    `.lintgate.json`, else a `pyproject.toml` with a `[tool.lintgate]` table (one without it
    is passed over, as ruff and black do)."""
    for directory in (start, *start.parents):
        found = _config_files(directory)
        if found:
            return found[0]
        if (directory / ".git").exists() or (directory / ".hg").is_dir():
            return None
    return None


def shadowed_config_files(found: Path) -> list[Path]:
    """The other config files in the directory of `found`, the one find_config_file chose
    (CONFIG_NAMES, a pyproject.toml with `[tool.lintgate]`): they are not read, which
    deserves a warning (golangci-lint picks one of several silently, and users then edit the
    wrong file)."""
    return [path for path in _config_files(found.parent) if path.name != found.name]


def read_config_file(path: Path, display: str | None = None) -> dict[str, Any]:
    """The validated, typed keys of the config file at `path`: a JSON object, or the
    `[tool.lintgate]` table of a `.toml` file (lintgate.config.pyproject).

    Raises ConfigError naming the file (as `display`, default the path) for unreadable files,
    invalid JSON or TOML, an unknown key (with the nearest valid one), or a value of the wrong
    type.
    """
    return validate_keys(*read_raw(path, display))


def read_raw(path: Path, display: str | None = None) -> tuple[dict[str, Any], str]:
    """The keys of the config file at `path` as parsed, not validated, and how errors name
    the file (`display`, default the path; with ` [tool.lintgate]` for a TOML file). Raises
    ConfigError for an unreadable file, invalid JSON or TOML, or no object/table."""
    from lintgate.config.inputs import CONFIG_MAX_BYTES, read_input

    where = display or str(path)
    if is_toml(path):
        return read_table(path, where)
    try:
        text = read_input(str(path), CONFIG_MAX_BYTES).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as e:
        raise ConfigError(f"{where}: cannot read: {e}") from None
    try:
        data = json.loads(text, parse_int=config_int)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{where}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    except RecursionError:  # json's decoder recurses once per `[` or `{`
        raise ConfigError(f"{where}: invalid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a JSON object at the top level")
    return data, where


def validate_keys(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The typed values of the config keys `data`, checked by their KEYS validators; raises
    ConfigError naming `where` (the file) and the key."""
    typed = {}
    # `Linters` first: `Enable` may name a linter it defines later in the file
    for key, value in sorted(data.items(), key=lambda item: item[0] != "Linters"):
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, list(KEYS))}")
        typed[key] = KEYS[key](value, f"{where}: {key}")
    return typed


def apply_file(config: Config, keys: dict[str, Any]) -> None:
    """Apply the typed keys of a config file to `config` (defaults before it).

    Linters: `DisableAll` empties the set and `EnableAll` fills it; `Enable` then adds to that
    set, or, without either, replaces the default set (gometalinter: the file's list is the list);
    `Disable` removes last.
    """
    enabled = list(config.enabled)
    if keys.get("DisableAll"):
        enabled = []
    if keys.get("EnableAll"):
        enabled = linters.names()
    if "Enable" in keys:
        base = enabled if ("DisableAll" in keys or "EnableAll" in keys) else []
        enabled = base + [n for n in keys["Enable"] if n not in base]
    enabled = [n for n in enabled if n not in keys.get("Disable", [])]
    config.enabled = _ordered(enabled)
    simple = {
        "Skip": "skip",
        "Vendor": "vendor",
        "Exclude": "exclude",
        "Include": "include",
        "Deadline": "deadline",
        "FileDeadline": "file_deadline",
        "Concurrency": "concurrency",
        "Severity": "severity",
        "Format": "format",
        "PathMode": "path_mode",
        "PathPrefix": "path_prefix",
        "MessageOverride": "message_override",
        "Sort": "sort",
        "Aggregate": "aggregate",
        "Errors": "errors",
        "WarnUnmatchedDirective": "warn_unmatched_directive",
        "CacheTrustedKeys": "cache_trusted_keys",
        "MaxFileSize": "max_file_size",
        "Executor": "executor",
    }
    for key, attr in simple.items():
        if key in keys:
            setattr(config, attr, keys[key])


def apply_linter_flags(config: Config, actions: list[tuple[str, str | None]]) -> None:
    """Apply `--enable-all`, `--disable-all`, `-E NAME` and `-D NAME` in command-line order.

    `actions` holds ("enable_all", None), ("disable_all", None), ("enable", name) or
    ("disable", name). Raises ConfigError for an unknown linter name, or for a linter plugin
    (LINTGATE_PLUGINS) that could not be imported.
    """
    if linters.plugin_errors():
        raise ConfigError(linters.plugin_errors()[0])
    enabled = set(config.enabled)
    for action, name in actions:
        if name is not None:
            _linter_names([name], f"--{action}")
        if action == "enable_all":
            enabled = set(linters.names())
        elif action == "disable_all":
            enabled = set()
        elif action == "enable" and name is not None:
            enabled.add(name)
        elif action == "disable" and name is not None:
            enabled.discard(name)
    config.enabled = _ordered(enabled)


def _ordered(enabled: Any) -> list[str]:
    """The linter names of `enabled`: the in-process ones in pipeline order, then the external
    ones (issue 14; EnableAll enables only the in-process ones) in their registry's order."""
    from lintgate.external import registry

    return [n for n in dict.fromkeys((*linters.names(), *registry.names())) if n in enabled]


def define_flag_linters(values: list[str]) -> None:
    """Register the `--linter NAME:COMMAND:PATTERN` definitions in the run (each overlays the
    built-in or file definition of its name: Command and Pattern). Raises ConfigError."""
    for value in values:
        try:
            KEYS["Linters"](dict([spec_from_flag(value)]), "--linter")
        except ValueError as e:
            raise ConfigError(f"--linter: {e}") from None


def spec_from_flag(value: str) -> tuple[str, str]:
    """(NAME, "COMMAND:PATTERN") of a --linter value; raises ValueError."""
    from lintgate.external.spec import from_flag

    return from_flag(value)


def effective_concurrency(config: Config) -> int:
    """Worker processes for this run: `Concurrency`, or the CPUs this process may use."""
    if config.concurrency:
        return config.concurrency
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
