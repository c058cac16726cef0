"""Which linters check which file: each tool's own file set.

`isort` and `black` leave out what their own configuration leaves out (each module's
`is_excluded`). The `imports` linter has no file-set settings of its own: it checks the files
isort checks (isort's `skip`, `extend_skip`, `skip_glob`, ... with isort's directory-level
walk), since it judges imports, and only Python files (`.py`, `.pyi`: not Cython, which only
isort reads). So test data of invalid code or Python 2 leftovers that the repository keeps out
of isort's and black's way do not fail the gate with a `syntax` error of the `imports` parser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from lintgate import linters
from lintgate.discovery import PYTHON_SUFFIXES
from lintgate.linters.base import Project

# linter -> the other linter whose settings decide its file set
FOLLOWS = {"imports": "isort"}


def is_python(path: str) -> bool:
    """Whether `path` names a Python file (`.py`, `.pyi`), which every linter and black's
    parser read; other files (Cython) are isort's only."""
    return path.endswith(PYTHON_SUFFIXES)


def excluded(name: str, path: Path, settings, settings_of: Callable, project: Project) -> bool:
    """True when linter `name` leaves `path` (absolute) out. `settings`: the linter's settings
    for the file's directory; `settings_of(linter, directory)`: another linter's (the
    runner's memoized Checker.settings). For `imports`, isort's verdict (see the module doc);
    when isort's settings cannot be built (reported by isort itself), every Python file."""
    if name not in FOLLOWS:
        return bool(linters.get(name).is_excluded(path, settings, project))
    if not is_python(str(path)):
        return True
    other = FOLLOWS[name]
    try:
        other_settings = settings_of(other, path.parent)
    except Exception:  # isort's configuration error is isort's to report
        return False
    return bool(linters.get(other).is_excluded(path, other_settings, project))
