"""What every linter module shares: the parse and settings errors, the project it runs in."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NamedTuple


class ParseError(Exception):
    """The source does not parse; the runner reports it once, as the `syntax` linter.

    `line` and `col` are 1-based, as the parser gave them; `message` is one line.
    """

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class SettingsError(Exception):
    """The tool's configuration is invalid or does not parse; `str(error)` is one line naming
    the file (and the key), printed as it is after the linter's name."""


class Project(NamedTuple):
    """Where a run happens. `root`: the project root (absolute): the directory of the
    lintgate config file, else the git work tree's top, else the working directory.
    `cwd`: the directory lintgate was started in (absolute), which output paths are relative to.
    `settings_path`: where a tool that takes one configuration per run (isort) starts its
    config search, as isort's command line does: the first path argument made absolute (its
    directory when it is not a directory), None for `cwd` (no path argument).
    `base`: where black's project-root search starts (`common_base` of the paths given on the
    command line; None: `cwd`). `named`: the absolute paths of the files named on the command
    line (black applies only `force-exclude` to them). `max_file_size`: the size in bytes
    beyond which a file is not read (lintgate.bounds.MAX_FILE_SIZE by default; 0: no limit).
    `walks`: the directories named on the
    command line (`.` for none), each as given and absolute: where isort's walk starts, which
    never enters a directory its `skip` settings match (see isort.is_excluded).
    """

    root: Path
    cwd: Path
    settings_path: Path | None = None
    base: Path | None = None
    named: frozenset[str] = frozenset()
    max_file_size: int = 2 * 1024 * 1024  # lintgate.bounds.MAX_FILE_SIZE (no import cycle)
    walks: tuple[tuple[str, str], ...] = ()


def common_base(paths: list[str], cwd: Path) -> Path:
    """The deepest directory holding every one of `paths` (relative to `cwd`; none: `cwd`),
    symbolic links resolved: a directory counts as holding itself, a file (or anything else)
    only its parents. As black.files.find_project_root computes where its search starts."""
    resolved = [Path(os.path.realpath(os.path.join(cwd, p))) for p in paths or ["."]]
    chains = [set(p.parents) | ({p} if p.is_dir() else set()) for p in resolved]
    return max(set.intersection(*chains), key=lambda d: len(d.parts))


def dist_version(name: str) -> str:
    """The installed version of the distribution `name` (e.g. "black" -> "26.10.1"), as
    `importlib.metadata.version` gives it: read from the name of its `NAME-VERSION.dist-info`
    directory in the first `sys.path` entry that holds one, which spares a warm run (answered
    from the cache, yet keyed by the linters' versions) the import of importlib.metadata and
    the email package. Anything less plain (several candidates in one entry, an `.egg-info`)
    is left to importlib.metadata. Raises importlib.metadata.PackageNotFoundError.
    """
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found = [n for n in names if n.lower().startswith(prefix)]
        if not found:
            continue
        if len(found) == 1 and found[0].endswith(".dist-info"):
            return found[0][len(prefix) : -len(".dist-info")]
        break
    from importlib.metadata import version

    return version(name)
