"""lintgate's configuration in `pyproject.toml`, as a `[tool.lintgate]` table: the same keys
as lintgate.json, with TOML's types standing for JSON's (strings, integers, booleans, arrays,
tables for objects).

As ruff and black do, a pyproject.toml counts only when it has the tool's table: one without
`[tool.lintgate]` is passed over and the search goes on upwards. In one directory a
lintgate.json or .lintgate.json comes first (as ruff.toml before pyproject.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lintgate.config.integers import config_int
from lintgate.config.keys import ConfigError

__all__ = ["PYPROJECT", "has_lintgate_table", "is_toml", "label", "read_table"]

PYPROJECT = "pyproject.toml"
TABLE = "[tool.lintgate]"
# TOML integers are 64-bit signed (the TOML spec); tomllib accepts any size
_INT_RANGE = range(-(2**63), 2**63)


def is_toml(path: Path) -> bool:
    """Whether the config file `path` is read as a pyproject.toml (its name ends in `.toml`)."""
    return path.suffix.lower() == ".toml"


def label(path: Path, shown: str) -> str:
    """How messages name the config file `path`, shown as `shown`: `pyproject.toml
    [tool.lintgate]` for a TOML file, `shown` otherwise."""
    return f"{shown} {TABLE}" if is_toml(path) else shown


def _bytes(path: Path, where: str) -> bytes:
    from lintgate.config.inputs import CONFIG_MAX_BYTES, read_input

    try:
        return read_input(str(path), CONFIG_MAX_BYTES)
    except ValueError as e:
        raise ConfigError(f"{where}: cannot read: {e}") from None


def _parse(data: bytes, where: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]
    try:
        document: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
        return document
    except UnicodeDecodeError as e:
        raise ConfigError(f"{where}: cannot read: {e}") from None
    except ValueError as e:  # TOMLDecodeError, or an integer of more than 4300 digits
        raise ConfigError(f"{where}: invalid TOML: {e}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise ConfigError(f"{where}: invalid TOML: nested too deeply") from None


def has_lintgate_table(path: Path) -> bool:
    """Whether the pyproject.toml at `path` has a `[tool.lintgate]` table (any value of
    `tool.lintgate`). A file that does not mention lintgate is not parsed; one that does but
    cannot be read or parsed counts, so that the error is reported rather than the file
    silently passed over."""
    try:
        data = _bytes(path, str(path))
    except ConfigError:
        return False  # unreadable and not known to be ours: as if it were not there
    if b"lintgate" not in data:
        return False
    try:
        tool = _parse(data, str(path)).get("tool")
    except ConfigError:
        return True
    return isinstance(tool, dict) and "lintgate" in tool


def read_table(path: Path, display: str) -> tuple[dict[str, Any], str]:
    """The `[tool.lintgate]` table of the TOML file at `path`, and how errors name it
    (`pyproject.toml [tool.lintgate]`, from `display`, the file as the user knows it).

    Raises ConfigError naming the file for an unreadable file, invalid TOML, a file without
    the table, a `tool.lintgate` that is not a table, or an integer out of TOML's 64-bit range.
    """
    document = _parse(_bytes(path, display), display)
    tool = document.get("tool")
    if not isinstance(tool, dict) or "lintgate" not in tool:
        raise ConfigError(f"{display}: no {TABLE} table")
    table = tool["lintgate"]
    if not isinstance(table, dict):
        raise ConfigError(f"{display}: tool.lintgate: expected a table ({TABLE})")
    where = label(path, display)
    try:
        table = _as_json_ints(table, where)
    except RecursionError:
        raise ConfigError(f"{where}: invalid TOML: nested too deeply") from None
    return table, where


def _as_json_ints(value: Any, where: str) -> Any:
    """`value` with its integers as lintgate.json's reader gives them (one of more than 18
    digits stays text, which no key takes), so that both files get the same verdicts; raises
    ConfigError for an integer out of TOML's 64-bit range."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value not in _INT_RANGE:
            raise ConfigError(f"{where}: invalid TOML: an integer out of the 64-bit range")
        return config_int(str(value))
    if isinstance(value, dict):
        return {k: _as_json_ints(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_ints(v, where) for v in value]
    return value
