"""Digests of what isort's Config is made from, computed without isort (the cache keys of a
warm run, which must not import isort): isort's config search from its settings path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lintgate.context import RunMemo, run_memoized
from lintgate.linters import configs
from lintgate.linters.base import Project


def settings_path(project: Project) -> str:
    """The directory isort's command line starts its config search from (isort/main.py,
    `settings_path`): the first path argument, else the working directory; see
    Project.settings_path. Absolute."""
    return str(project.settings_path or project.cwd)


# isort's CONFIG_SOURCES, in its search order, and the INI sections it reads (CONFIG_SECTIONS).
_CONFIG_FILES = (".isort.cfg", "pyproject.toml", "setup.cfg", "tox.ini", ".editorconfig")
_INI_SECTIONS = {".isort.cfg": ("settings", "isort"), "setup.cfg": ("isort", "tool:isort")}
_INI_SECTIONS["tox.ini"] = _INI_SECTIONS["setup.cfg"]
_Candidate = tuple[Any, ...]  # (directory, name, what counts of it..., has an isort section)
_walks: RunMemo[str, tuple[_Candidate, ...]] = RunMemo("lintgate.linters.isort.walks")  # per run


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
    return _project_digest(project)


@run_memoized
def _project_digest(project: Project) -> str:
    """config_digest's value, once per run and project (it does not depend on the directory;
    a warm run asks for it once per file)."""
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
    walk = _walks.get(directory)
    if walk is None:
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
        _walks[directory] = walk = (*own, *above)
    return walk


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
