"""What every linter module shares: the parse and settings errors, the project it runs in."""

from __future__ import annotations

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
    """

    root: Path
    cwd: Path
