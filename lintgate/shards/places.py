"""Where a merge renders its paths: the shards' working directory, in the merge's checkout.

A result file records the run directory relative to the project root (`settings.cwd`) and
each path as the run displayed it (relative to that directory). `lintgate merge` finds the
project root as a run does, from its own working directory (the nearest config file upwards,
else the top of the git work tree, else the working directory: lintgate.cli.options
.load_config), and reports as if run in the recorded directory under it, wherever in the
checkout the merge runs: the text reports, the CI formats' `--path-mode` prefixes and the lines
SARIF and GitLab fingerprint are then the shards' (docs/ci.md, "Merging").
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Iterable

__all__ = ["PlaceError", "check_recorded_cwd", "run_places"]


class PlaceError(ValueError):
    """A merge that cannot stand where the shards ran; `str(error)` is the one-line message."""


def run_places(
    recorded_cwd: str, checked: Iterable[str], here: Path, name: str
) -> tuple[Path, Path]:
    """(the project root, the shards' working directory) in the checkout holding `here` (the
    merge's working directory), for the `recorded_cwd` of result file `name`. Raises
    PlaceError when that directory or a `checked` file (display paths) is not there: the
    merge runs outside the shards' checkout, or in another project of it."""
    from lintgate.config import find_config_file
    from lintgate.gittop import git_top

    config = find_config_file(here)
    root = Path(os.path.realpath(config.parent if config else (git_top(here) or here)))
    cwd = Path(os.path.realpath(root / recorded_cwd)) if recorded_cwd != "." else root
    missing = None if cwd.is_dir() else recorded_cwd
    for path in checked:
        if missing is None and not os.path.lexists(cwd / path):
            missing = posixpath.join(recorded_cwd, path) if recorded_cwd != "." else path
    if missing is not None:
        raise PlaceError(
            f"{name}: {missing} is not in the project at {root}: run lintgate merge in the "
            "checkout the shards checked"
        )
    return root, cwd


def check_recorded_cwd(value: object) -> str:
    """`settings.cwd` as recorded: a relative `/`-separated path inside the project root (`.`
    for the root). Raises ValueError for anything else (an absolute path, `..`)."""
    if not isinstance(value, str) or not value:
        raise ValueError("settings.cwd is not a relative path")
    parts = value.split("/")
    if value.startswith("/") or ".." in parts or "\\" in value or "\0" in value:
        raise ValueError(f"settings.cwd {value[:60]!r} is not inside the project root")
    return value
