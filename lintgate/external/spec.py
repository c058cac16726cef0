"""A `Linters` entry (lintgate.json) or a `--linter` flag as an ExternalDefinition: gometalinter's
`Linters` semantics, a definition overlaying a built-in one field by field.

Forms (docs/external.md):
- `"NAME": "COMMAND:PATTERN"`: split at the first `:` (gometalinter's string form);
- `"NAME": {"Command": ..., "Pattern": ..., ...}`: the keys of `FIELDS`, gometalinter's
  (`Command`, `Pattern`, `PartitionStrategy`, `IsFast`, `ConfigFiles`, `Severity`,
  `MessageOverride`) and lintgate's extensions;
- `--linter NAME:COMMAND:PATTERN`: split at the first two `:`.
Errors are ValueError with one line, naming the key (lintgate.config adds the file).
"""

from __future__ import annotations

import dataclasses
import shlex
from typing import Any, Callable

from lintgate.diagnostic import SEVERITIES
from lintgate.external.definition import ExternalDefinition
from lintgate.external.pattern import compile_pattern

PARTITIONS = ("files", "directories", "project")


def _near(value: Any, choices: tuple[str, ...]) -> str:
    """` (did you mean 'X'?)` for the choice nearest `value`, as lintgate.config's errors."""
    import difflib

    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string")
    return value


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false")
    return value


def _names(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{key}: expected a list of file names")
    return tuple(value)


def _codes(value: Any, key: str) -> frozenset[int]:
    ok = isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 256 for v in value
    )
    if not ok:
        raise ValueError(f"{key}: expected a list of exit statuses from 1 to 255")
    return frozenset(value)


def _partition(value: Any, key: str) -> str:
    if value not in PARTITIONS:
        near = _near(value, PARTITIONS)
        raise ValueError(
            f"{key}: unknown strategy {value!r}{near}; expected one of {', '.join(PARTITIONS)}"
        )
    return str(value)


def _severity(value: Any, key: str) -> str:
    if value not in SEVERITIES:
        raise ValueError(f'{key}: expected "warning" or "error", got {value!r}')
    return str(value)


def _command(value: Any, key: str) -> str:
    text = _text(value, key)
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise ValueError(f"{key}: cannot split {text!r}: {e}") from None
    if not words:
        raise ValueError(f"{key}: empty command")
    return text


def _fix_command(value: Any, key: str) -> str:
    return _command(value, key) if value != "" else ""


def _pattern(value: Any, key: str) -> str:
    text = _text(value, key)
    try:
        compile_pattern(text)
    except ValueError as e:
        raise ValueError(f"{key}: {e}") from None
    return text


def _env(value: Any, key: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and k and "=" not in k and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f'{key}: expected an object of strings such as {{"NO_COLOR": "1"}}')
    return tuple(sorted(value.items()))


def _args(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key}: expected a list of arguments")
    return tuple(value)


def _jobs(value: Any, key: str) -> str:
    text = _text(value, key)
    if text and "{n}" not in text:
        raise ValueError(f'{key}: expected a flag holding {{n}}, such as "--jobs={{n}}"')
    return text


# Linters object key -> (ExternalDefinition field, validator(value, key) -> typed value)
FIELDS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "Command": ("command", _command),
    "Pattern": ("pattern", _pattern),
    "PartitionStrategy": ("partition", _partition),
    "IsFast": ("is_fast", _flag),
    "ConfigFiles": ("config_files", _names),
    "Severity": ("severity", _severity),
    "MessageOverride": ("message_override", _text),
    # lintgate's extensions
    "FileLocal": ("file_local", _flag),
    "FindingsExitCodes": ("findings_exit_codes", _codes),
    "InstallHint": ("install_hint", _text),
    "VersionArgs": ("version_args", _args),
    "FixCommand": ("fix_command", _fix_command),
    "Description": ("description", _text),
    "HelpURI": ("help_uri", _text),
    "JobsFlag": ("jobs_flag", _jobs),
    "Env": ("env", _env),
}


def from_entry(name: str, value: Any, base: ExternalDefinition | None) -> ExternalDefinition:
    """The definition `value` (a `Linters` entry's value) makes of linter `name`, over `base`
    (the built-in definition of that name, or None). Raises ValueError (one line, naming the
    key) for a bad value or, without a base, a missing Command or Pattern."""
    if isinstance(value, str):
        command, sep, pattern = value.partition(":")
        if not sep:
            raise ValueError(f'{name}: expected "COMMAND:PATTERN" (split at the first ":")')
        value = {"Command": command, "Pattern": pattern}
    if not isinstance(value, dict):
        raise ValueError(
            f'{name}: expected "COMMAND:PATTERN" or an object with Command and Pattern'
        )
    fields: dict[str, Any] = {}
    for key, item in value.items():
        if key not in FIELDS:
            raise ValueError(f"{name}: unknown key {key!r}{_near(key, tuple(FIELDS))}")
        attr, check = FIELDS[key]
        fields[attr] = check(item, f"{name}: {key}")
    if base is not None:
        return dataclasses.replace(base, **fields)
    for key in ("Command", "Pattern"):
        if FIELDS[key][0] not in fields:
            raise ValueError(f"{name}: {key} is missing (no built-in definition to overlay)")
    return ExternalDefinition(name=name, **fields)


def to_entry(d: ExternalDefinition) -> dict[str, Any]:
    """`d` as a `Linters` object (every key of FIELDS): what `--print-config` prints, and
    `from_entry` reads back to the same definition."""
    out: dict[str, Any] = {}
    for key, (attr, _) in FIELDS.items():
        value = getattr(d, attr)
        if isinstance(value, frozenset):
            value = sorted(value)
        elif attr == "env":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def from_flag(value: str) -> tuple[str, str]:
    """(NAME, "COMMAND:PATTERN") of a `--linter NAME:COMMAND:PATTERN` value. Raises ValueError."""
    name, sep, rest = value.partition(":")
    if not sep or not name.strip():
        raise ValueError(f"expected NAME:COMMAND:PATTERN, got {value!r}")
    return name.strip(), rest
