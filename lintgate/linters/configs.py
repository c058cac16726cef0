"""Cheap digests of the configuration files a tool reads, for the result cache's keys.

A warm run must not import isort or black, so it cannot build their settings objects to
digest them. Instead each linter module digests what those settings are made from: the parts
of the configuration files its tool's own discovery reads (found with the tool's own search
rules, but without the tool). These helpers read TOML with the standard library's tomllib
(tomli before Python 3.11) and hash; they never raise for a missing or broken file (a broken
file is digested by its bytes, and the tool itself reports it when the settings are built).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from typing import Any, Callable, Iterable

from lintgate.context import run_memoized

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

_MISSING = object()

# The config files the in-process linters read in a directory: isort's .isort.cfg,
# pyproject.toml, setup.cfg, tox.ini and .editorconfig; black's pyproject.toml.
CONFIG_FILE_NAMES = (".editorconfig", ".isort.cfg", "pyproject.toml", "setup.cfg", "tox.ini")


def black_user_config() -> str:
    """black's user-level config file: `$XDG_CONFIG_HOME/black`, else `~/.config/black`."""
    home = os.environ.get("XDG_CONFIG_HOME", "~/.config")
    return os.path.join(os.path.expanduser(home), "black")


def user_config_files() -> list[str]:
    """The config files outside any project the in-process linters may read: black's
    user-level one, and the home directory's `.isort.cfg` and `.editorconfig`."""
    home = [os.path.expanduser(f"~/{name}") for name in (".isort.cfg", ".editorconfig")]
    return [black_user_config(), *home]


def digest(parts: object) -> str:
    """sha256 hex of `parts` (JSON-serializable; datetimes and other values by their str)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()  # paths: any bytes


def file_digest(path: str) -> str | None:
    """sha256 hex of the bytes of the file at `path`, None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


@run_memoized
def _read_toml(path: str) -> tuple[bytes | None, dict[str, Any] | Exception | None]:
    # One read and one parse per file and run: the broken-config check, isort's and black's
    # config digests all ask for the same pyproject.toml.
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None, None
    try:
        return data, tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        return data, e


def load_toml(path: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the parsed TOML document, None), or (None, sha256 of its bytes) when it does not parse,
    or (None, None) when it cannot be read. Read once per run (the document is shared: do not
    modify it)."""
    data, parsed = _read_toml(path)
    if data is None:
        return None, None
    if isinstance(parsed, Exception):
        return None, hashlib.sha256(data).hexdigest()
    return parsed, None


def table(document: dict[str, Any], dotted: str) -> object:
    """The value at a dotted key (`"tool.isort"`), or None when absent."""
    value: object = document
    for key in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key, _MISSING)
        if value is _MISSING:
            return None
    return value


def is_stop_dir(directory: str, names: tuple[str, ...] = (".git", ".hg")) -> bool:
    """True when `directory` holds one of `names` (a `.git` file counts: worktrees, submodules)."""
    for name in names:
        path = os.path.join(directory, name)
        if os.path.isdir(path) or (name == ".git" and os.path.isfile(path)):
            return True
    return False


# tomllib's messages end with the position: "... (at line 1, column 12)" or "(at end of document)"
_TOML_POSITION = re.compile(r"^(.*?) \(at (?:line (\d+), column (\d+)|end of document)\)$", re.S)


def toml_error(path: str, display: str) -> str | None:
    """Why the TOML file at `path` does not parse, as `DISPLAY:LINE:COL: invalid TOML: MESSAGE`
    (or `DISPLAY: invalid TOML: MESSAGE` without a position), or None when it parses or cannot
    be read. `display`: how to name the file."""
    data, e = _read_toml(path)
    if isinstance(e, UnicodeDecodeError) and data is not None:
        return f"{display}: invalid TOML: not UTF-8 (byte {data[e.start]:#04x} at offset {e.start})"
    if isinstance(e, tomllib.TOMLDecodeError):
        m = _TOML_POSITION.match(str(e))
        if m and m.group(2):
            return f"{display}:{m.group(2)}:{m.group(3)}: invalid TOML: {m.group(1)}"
        return f"{display}: invalid TOML: {m.group(1) if m else e}"
    return None


def broken_pyprojects(directories: Iterable[str], display: Callable[[str], str]) -> list[str]:
    """`toml_error` of each `pyproject.toml` that does not parse, in the given directories
    (absolute) or above them up to the repository root (`is_stop_dir`, included) or the file
    system root: the files isort's config search (from a file's directory) and black's
    project-root search may read. isort only warns about such a file and black refuses to run;
    lintgate makes it a configuration error. `display(path)` names a file. In path order;
    never raises."""
    seen: set[str] = set()
    broken = []
    for directory in directories:
        while directory not in seen:
            seen.add(directory)
            path = os.path.join(directory, "pyproject.toml")
            error = toml_error(path, display(path)) if os.path.isfile(path) else None
            if error:
                broken.append((path, error))
            parent = os.path.dirname(directory)
            if is_stop_dir(directory) or parent == directory:
                break
            directory = parent
    return [error for _, error in sorted(broken)]
