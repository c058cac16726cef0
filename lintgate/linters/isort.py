"""The `isort` linter: import order and grouping, judged by isort itself (as a library).

Mirrors `isort --check-only FILE`: the verdict is the `changed` flag of isort's own
`sort_stream`, so whitespace that isort's check ignores is ignored here too. Settings are
found per directory with isort's own config search (`.isort.cfg`, `pyproject.toml`,
`setup.cfg`, `tox.ini`, `.editorconfig`, ... upwards to the repository root), as
`isort --resolve-all-configs` does; a directory with no config of its own takes the settings
of the project root, as `isort --check-only .` run there would.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path

from lintgate.diagnostic import Finding
from lintgate.linters import configs
from lintgate.linters.base import Project, SettingsError
from lintgate.linters.hunks import changed_hunks

NAME = "isort"
MESSAGE = "imports are incorrectly sorted and/or formatted"

_configs: dict[str, object] = {}
_config_errors: dict[str, str | None] = {}


def version() -> str:
    """isort's version."""
    from lintgate.linters.base import dist_version

    return dist_version("isort")


def settings_for(directory: Path, project: Project):
    """The isort `Config` for files in `directory`: one object per config directory. Raises
    SettingsError when a config file on isort's search path does not parse."""
    from isort.settings import Config

    found_in, error = _config_dir(str(directory))
    key = found_in or str(project.root)
    if key not in _configs:
        with _unreadable_configs() as failed:
            _configs[key] = Config(settings_path=key)
        _config_errors[key] = failed[0] if failed else None
    error = error or _config_errors[key]
    if error:
        raise SettingsError(error)
    return _configs[key]


@contextlib.contextmanager
def _unreadable_configs():
    """Catches isort's "Failed to pull configuration information from PATH" warnings (isort
    goes on without the file); the list it yields gets, on exit, `PATH: cannot read isort's
    configuration: CAUSE` for each, the cause from isort's own reader. Other warnings pass on.
    """
    import warnings

    from isort.settings import CONFIG_SECTIONS, _get_config_data

    failed: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        yield failed
    prefix = "Failed to pull configuration information from "
    for warning in caught:
        path = str(warning.message).removeprefix(prefix)
        if path == str(warning.message):  # another warning: as isort would give it
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
            continue
        try:
            _get_config_data(path, CONFIG_SECTIONS[os.path.basename(path)])
            cause = "isort could not read it"
        except Exception as e:
            lines = str(e).strip().splitlines()
            cause = lines[0] if lines else type(e).__name__
        failed.append(f"{path}: cannot read isort's configuration: {cause}")


_config_dirs: dict[str, tuple[str | None, str | None]] = {}


def _config_dir(directory: str) -> tuple[str | None, str | None]:
    """The directory whose config isort's own search (`isort.settings._find_config`) takes for
    files in `directory`, or None when it finds none; and the first config file on the way
    that does not parse (`_unreadable_configs`), or None. Memoized per directory: a directory
    with no config file and no repository marker answers as its parent does, so the config
    files are parsed once per directory that holds one, not once per directory below it."""
    if directory in _config_dirs:
        return _config_dirs[directory]
    from isort.settings import CONFIG_SOURCES, STOP_CONFIG_SEARCH_ON_DIRS, _find_config

    parent = os.path.dirname(directory)
    here = any(os.path.isfile(os.path.join(directory, n)) for n in CONFIG_SOURCES) or any(
        os.path.exists(os.path.join(directory, d)) for d in STOP_CONFIG_SEARCH_ON_DIRS
    )
    if here or parent == directory:
        with _unreadable_configs() as failed:
            found_in, data = _find_config(directory)
        result = (found_in if data else None, failed[0] if failed else None)
    else:
        result = _config_dir(parent)
    _config_dirs[directory] = result
    return result


def settings_digest(config) -> str:
    """sha256 hex of isort's effective settings (every field of its Config)."""
    import dataclasses

    def norm(value):
        if isinstance(value, (set, frozenset)):
            return sorted(map(repr, value))
        if isinstance(value, dict):
            return sorted((repr(k), repr(norm(v))) for k, v in value.items())
        return repr(value)

    fields = [(f.name, norm(getattr(config, f.name))) for f in dataclasses.fields(config)]
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def is_excluded(path: Path, config, project: Project) -> bool:
    """True when isort's `skip`, `extend_skip`, `skip_glob` or `skip_gitignore` leave `path`
    out (as `isort --filter-files` does for named files)."""
    return config.is_skipped(path)


def _sort(text: str, config, is_stub: bool) -> tuple[bool, str]:
    from isort.api import sort_stream
    from isort.exceptions import FileSkipComment

    out = io.StringIO()
    try:
        changed = sort_stream(
            io.StringIO(text),
            out,
            extension="pyi" if is_stub else "py",
            config=config,
            disregard_skip=True,
        )
    except FileSkipComment:  # `# isort: skip_file`
        return False, text
    return changed, out.getvalue()


def check(source, config) -> list[Finding]:
    """One finding per hunk isort would change, at its first line, column 1."""
    changed, output = _sort(source.text, config, source.is_stub)
    if not changed:
        return []
    hunks = changed_hunks(source.text, output) or [(1, 1)]
    return [Finding(first, 1, MESSAGE, end_line=last) for first, last in hunks]


def fix(text: str, source, config) -> str:
    """`text` with its imports sorted, as `isort FILE` writes it (unchanged if isort's check passes)."""
    changed, output = _sort(text, config, source.is_stub)
    return output if changed else text


# isort's CONFIG_SOURCES, in its search order.
_CONFIG_FILES = (".isort.cfg", "pyproject.toml", "setup.cfg", "tox.ini", ".editorconfig")
_walks: dict[str, tuple] = {}


def config_digest(directory: Path, project: Project) -> str:
    """sha256 hex of what isort's settings for `directory` are made from, without isort.

    isort's search (settings._find_config) goes up from the directory through the files in
    _CONFIG_FILES until one has an isort section, stopping at a `.git` or `.hg` directory; a
    directory without a config of its own takes the project root's (settings_for). This digests
    every candidate file on both walks (to the stop, so a wrong guess about which one has a
    section can only make the digest change more often): of `pyproject.toml` only the
    `[tool.isort]` table (black's table shares the file and must not invalidate isort's results),
    of the INI files their bytes. Positions are left out, so directories sharing one config
    share one digest. Never raises.
    """
    return configs.digest([_walk(str(directory)), _walk(str(project.root))])


def _walk(directory: str) -> tuple:
    if directory not in _walks:
        own = []
        for name in _CONFIG_FILES:
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                continue
            if name == "pyproject.toml":
                document, broken = configs.load_toml(path)
                section = configs.table(document, "tool.isort") if document else None
                if section is not None or broken:
                    own.append((name, section, broken))
            else:
                own.append((name, configs.file_digest(path)))
        parent = os.path.dirname(directory)
        above = () if configs.is_stop_dir(directory) or parent == directory else _walk(parent)
        _walks[directory] = (*own, *above)
    return _walks[directory]
