"""Which linters check which file: each tool's own file set, as the linters' Capabilities say.

`isort` and `black` leave out what their own configuration leaves out (each Linter's
`excluded`). The `imports` linter has no file-set settings of its own: it follows isort
(`Capabilities.follows`), checking the files isort checks (isort's `skip`, `extend_skip`,
`skip_glob`, ... with isort's directory-level walk), since it judges imports, and only Python
files (`Capabilities.python_only`: `.py`, `.pyi`, not Cython, which only isort reads). So test data of invalid code or Python 2 leftovers that the repository keeps out
of isort's and black's way do not fail the gate with a `syntax` error of the `imports` parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from lintgate import linters
from lintgate.discovery import PYTHON_SUFFIXES
from lintgate.linters.base import Project


def follows(name: str) -> str:
    """The linter whose settings and exclusions decide linter `name`'s file set: its own name
    unless its Capabilities name another (`follows`)."""
    return linters.REGISTRY[name].capabilities.follows or name


def is_python(path: str) -> bool:
    """Whether `path` names a Python file (`.py`, `.pyi`), which every linter and black's
    parser read; other files (Cython) are isort's only."""
    return path.endswith(PYTHON_SUFFIXES)


def excluded(
    name: str,
    path: Path,
    settings: Any,
    settings_of: Callable[[str, Path], Any],
    project: Project,
) -> bool:
    """True when linter `name` leaves `path` (absolute) out. `settings`: the linter's settings
    for the file's directory; `settings_of(linter, directory)`: another linter's (the
    runner's memoized Checker.settings). For `imports`, isort's verdict (see the module doc);
    when isort's settings cannot be built (reported by isort itself), every Python file. A
    Python-only linter (Capabilities.python_only) leaves out every other file."""
    linter = linters.REGISTRY[name]
    other = follows(name)
    if other == name:
        return linter.excluded(path, settings, project)
    if linter.capabilities.python_only and not is_python(str(path)):
        return True
    try:
        other_settings = settings_of(other, path.parent)
    except Exception:  # the followed linter's configuration error is its own to report
        return False
    return linters.REGISTRY[other].excluded(path, other_settings, project)


def exclusion_inputs(name: str, path: Path, project: Project) -> bytes:
    """What linter `name`'s exclusion verdict for `path` depends on beyond its settings' digest,
    the path and the project root (the cache memo key's tail): that of the linter it follows
    (Linter.exclusion_inputs)."""
    return linters.REGISTRY[follows(name)].exclusion_inputs(path, project)
