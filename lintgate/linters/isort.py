"""The `isort` linter: import order and grouping, judged by isort itself (as a library).

Mirrors `isort --check-only FILE`: the verdict is the `changed` flag of isort's own
`sort_stream`, so whitespace that isort's check ignores is ignored here too. As isort's
command line, a run uses ONE Config for all its files: the one isort's own config search
(`.isort.cfg`, `pyproject.toml`, `setup.cfg`, `tox.ini`, `.editorconfig`, ... upwards to the
repository root) finds from the settings path, the first path argument or else the working
directory (`settings_path`), so `lintgate` agrees with `isort --check-only .` and
`lintgate a.py b.py` with `isort --check-only a.py b.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from lintgate.diagnostic import Finding
from lintgate.linters import configs
from lintgate.linters.base import Capabilities, LinterBase, Outcome, Project, SettingsError
from lintgate.source import Source

if TYPE_CHECKING:
    from isort.settings import Config
from lintgate.linters.hunks import changed_hunks

NAME = "isort"
MESSAGE = "imports are incorrectly sorted and/or formatted"

_configs: dict[str, Config] = {}
_config_errors: dict[str, str | None] = {}


def version() -> str:
    """isort's version."""
    from lintgate.linters.base import dist_version

    return dist_version("isort")


def settings_path(project: Project) -> str:
    """The directory isort's command line starts its config search from (isort/main.py,
    `settings_path`): the first path argument, else the working directory; see
    Project.settings_path. Absolute."""
    return str(project.settings_path or project.cwd)


def settings_for(directory: Path, project: Project) -> Config:
    """The isort `Config` of the run, the same for every `directory`: as `isort --check-only
    PATHS` builds one Config from its settings path (`settings_path`) for all the files it
    checks. Raises SettingsError when a config file on isort's search path does not parse."""
    from isort.settings import Config

    key = settings_path(project)
    if key not in _configs:
        with _unreadable_configs() as failed:
            _configs[key] = Config(settings_path=key)
        _config_errors[key] = failed[0] if failed else None
    error = _config_errors[key]
    if error:
        raise SettingsError(error)
    return _configs[key]


@contextlib.contextmanager
def _unreadable_configs() -> Iterator[list[str]]:
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


def settings_digest(config: Config) -> str:
    """sha256 hex of isort's effective settings (every field of its Config)."""
    import dataclasses

    def norm(value: object) -> object:
        if isinstance(value, (set, frozenset)):
            return sorted(map(repr, value))
        if isinstance(value, dict):
            return sorted((repr(k), repr(norm(v))) for k, v in value.items())
        return repr(value)

    fields = [(f.name, norm(getattr(config, f.name))) for f in dataclasses.fields(config)]
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def is_excluded(path: Path, config: Config, project: Project) -> bool:
    """True when isort's `skip`, `extend_skip`, `skip_glob` or `skip_gitignore` leave `path`
    out (as `isort --filter-files` does for named files)."""
    return bool(config.is_skipped(path))


def _sort(text: str, config: Config, is_stub: bool) -> tuple[bool, str]:
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


def check(source: Source, config: Config) -> list[Finding]:
    """One finding per hunk isort would change, at its first line, column 1."""
    changed, output = _sort(source.text, config, source.is_stub)
    if not changed:
        return []
    hunks = changed_hunks(source.text, output) or [(1, 1)]
    return [Finding(first, 1, MESSAGE, end_line=last) for first, last in hunks]


def fix(text: str, source: Source, config: Config) -> str:
    """`text` with its imports sorted, as `isort FILE` writes it (unchanged if isort's check passes)."""
    changed, output = _sort(text, config, source.is_stub)
    return output if changed else text


# isort's CONFIG_SOURCES, in its search order, and the INI sections it reads (CONFIG_SECTIONS).
_CONFIG_FILES = (".isort.cfg", "pyproject.toml", "setup.cfg", "tox.ini", ".editorconfig")
_INI_SECTIONS = {".isort.cfg": ("settings", "isort"), "setup.cfg": ("isort", "tool:isort")}
_INI_SECTIONS["tox.ini"] = _INI_SECTIONS["setup.cfg"]
_Candidate = tuple[Any, ...]  # (directory, name, what counts of it..., has an isort section)
_walks: dict[str, tuple[_Candidate, ...]] = {}


def config_digest(directory: Path, project: Project) -> str:
    """sha256 hex of what the run's isort Config (settings_for) is made from, without isort;
    the same for every `directory`.

    isort's search (settings._find_config) goes up from the settings path (settings_path)
    through the files in _CONFIG_FILES until one has an isort section, stopping at a `.git`
    or `.hg` directory. This digests every candidate file on that walk (to the stop, so a
    wrong guess about which one has a section can only make the digest change more often)
    with its directory relative to the project root (isort resolves `src_paths`, its
    first-party guess, against the config's directory): of `pyproject.toml` only the
    `[tool.isort]` table (black's table shares the file and must not invalidate isort's
    results), of the INI files their bytes.
    When no candidate surely has an isort section, isort takes the working directory instead
    (its `directory`, whose `src` and itself are the default `src_paths`), so the digest holds
    the working directory too, relative to the project root. Which packages exist there is
    not in the digest (README, "Not in the key"). Never raises.
    """
    walk = _walk(settings_path(project))
    found = False
    for *_, has_section in walk:
        if has_section is not False:  # the config isort takes, or unsure: the cwd counts
            found = bool(has_section)
            break
    root = str(project.root)
    # relative to the project root: a checkout elsewhere with the same tree shares the results
    where = [(_relative(directory, root), *rest) for directory, *rest in walk]
    cwd = None if found else _relative(str(project.cwd), root)
    return configs.digest([where, cwd])


def _relative(path: str, root: str) -> str:
    """`path` relative to `root` (both absolute), or `path` itself where there is no such
    relative path (another drive on Windows)."""
    try:
        return os.path.relpath(path, root)
    except ValueError:
        return path


def _walk(directory: str) -> tuple[_Candidate, ...]:
    """The candidate config files from `directory` up to the stop, in isort's search order:
    (directory, name, what counts of it..., whether it has an isort section: True, False or
    None when unsure). Memoized per directory."""
    if directory not in _walks:
        own: list[_Candidate] = []
        for name in _CONFIG_FILES:
            path = os.path.join(directory, name)
            if not os.path.isfile(path):
                continue
            if name == "pyproject.toml":
                document, broken = configs.load_toml(path)
                section = configs.table(document, "tool.isort") if document else None
                if section is not None or broken:
                    has = None if broken else bool(section)
                    own.append((directory, name, section, broken, has))
            else:
                own.append((directory, name, configs.file_digest(path), _has_ini_section(path)))
        parent = os.path.dirname(directory)
        above = () if configs.is_stop_dir(directory) or parent == directory else _walk(parent)
        _walks[directory] = (*own, *above)
    return _walks[directory]


def _has_ini_section(path: str) -> bool | None:
    """Whether the INI file at `path` gives isort settings, read as isort reads it: one of
    isort's sections, not empty. None when unsure (`.editorconfig`, whose sections isort
    matches by pattern, or a file that does not parse)."""
    import configparser

    sections = _INI_SECTIONS.get(os.path.basename(path))
    if sections is None:
        return None
    parser = configparser.ConfigParser(strict=False)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
        return any(parser.has_section(s) and bool(parser.items(s)) for s in sections)
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None


class Isort(LinterBase["Config"]):
    """The `isort` linter as a `Linter` (the module's functions above do the work)."""

    capabilities = Capabilities(
        name=NAME,
        description="Imports are sorted and grouped as isort would.",
        fix="file",
        config_files=_CONFIG_FILES,
    )

    def version(self) -> str:
        return version()

    def settings(self, project: Project, directory: Path) -> Config:
        return settings_for(directory, project)

    def settings_digest(self, settings: Config) -> str:
        return settings_digest(settings)

    def config_digest(self, project: Project, directory: Path) -> str | None:
        return config_digest(directory, project)

    def excluded(self, path: Path, settings: Config, project: Project) -> bool:
        return is_excluded(path, settings, project)

    def exclusion_inputs(self, path: Path, project: Project) -> bytes:
        # isort makes its `skip` entries absolute against the working directory
        # (Config.posix_skips): `skip = ["sub/a.py"]` skips sub/a.py from the root only.
        return b"\0" + os.getcwd().encode("utf-8", "surrogateescape")

    def check(self, path: Path, source: Source, settings: Config) -> Outcome:
        return Outcome(check(source, settings))

    def fix_file(self, path: Path, source: Source, settings: Config) -> str:
        return fix(source.text, source, settings)


LINTER = Isort()
