"""The git work tree holding a directory, and git's refusal of a repository it deems unsafe:
one `git rev-parse --show-toplevel` per question (the CLI's project root, discovery's named
directories)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lintgate.context import run_memoized


def git_top(directory: Path) -> Path | None:
    """The top of the git work tree holding `directory`, or None (not in one, or no git)."""
    top = _git_top(str(directory))[0]
    return None if top is None else Path(top)


def git_refusal(directory: Path) -> str | None:
    """Why git refuses the repository holding `directory` (its `detected dubious ownership`:
    the repository belongs to another user and is not in git's `safe.directory`), as one line
    for a warning, else None."""
    return _git_top(str(directory))[1]


@run_memoized
def _git_top(directory: str) -> tuple[str | None, str | None]:
    # asked by the CLI (project root) and by discovery (each named directory): one git call;
    # (top or None, git's refusal or None)
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except OSError:
        return None, None
    except subprocess.CalledProcessError as e:
        return None, _refusal(e.stderr or "")
    return out.stdout.rstrip("\n"), None


def _refusal(stderr: str) -> str | None:
    """The warning for git's refusal of a repository it deems not safe (git 2.35.2 on), from
    its stderr (`fatal: detected dubious ownership in repository at '/srv/repo'`), else None."""
    for line in stderr.splitlines():
        if "dubious ownership" in line:
            where = line.split(" at ", 1)[1].strip("' ") if " at " in line else "this directory"
            return (
                f"warning: git refuses the repository at {where} (detected dubious ownership: another"
                " user owns it; git config --global --add safe.directory PATH trusts it);"
                " walking the directories instead of asking git for the files"
            )
    return None
