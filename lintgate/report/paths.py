"""Where the CI formats' paths start: `--path-mode` and `--path-prefix`.

Mirrors golangci-lint's `run.relative-path-mode` (its `wd`, `gitroot`, and `cfg` as lintgate's
`root`) and `output.path-prefix`: a job run in a subdirectory of a repository still writes
annotations that GitHub, GitLab and code scanning find, since they resolve paths against the
top of the repository.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

# mode -> what the paths are relative to
PATH_MODES = {
    "gitroot": "the top of the git work tree (the working directory outside one)",
    "root": "the project root (the config file's directory, else the top of the git work tree)",
    "wd": "the working directory",
}
DEFAULT_PATH_MODE = "gitroot"


def base_directory(mode: str, cwd: Path, root: Path) -> Path:
    """The directory the CI formats' paths are relative to under `mode` (one of PATH_MODES),
    for a run in `cwd` with project root `root`."""
    if mode == "wd":
        return cwd
    if mode == "root":
        return root
    from lintgate.gittop import git_top

    return git_top(cwd) or cwd


def path_prefix(mode: str, prefix: str, cwd: Path, root: Path) -> str:
    """What goes before each reported path (ReportContext.path_prefix): `prefix`
    (`--path-prefix`, as given), then the working directory relative to the `mode` directory;
    "" when both are empty. `/`-separated."""
    base = base_directory(mode, cwd, root)
    relative = os.path.relpath(os.path.realpath(cwd), os.path.realpath(base))
    parts = [p for p in (prefix, relative.replace(os.sep, "/")) if p not in ("", ".")]
    return posixpath.join(*parts) if parts else ""
