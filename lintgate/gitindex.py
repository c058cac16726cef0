"""What git's index already knows about a work tree's files, so that a warm run need not stat,
read or hash the files git finds unchanged.

`git ls-files --stage` gives each tracked file's mode and blob id; `git diff-files` names the
tracked files whose work-tree copy differs from the index (modified, deleted, or of another
type), judged on the index's stat data (and the fsmonitor where one is configured, and a
content comparison for racily clean entries, as git does). A tracked file git does not name is
the blob the index holds, and a regular file or a link as its mode says.

When the work tree's bytes may differ from the blob's (line-ending conversion, filters: a
`.gitattributes` file, `core.autocrlf`, `core.eol`, `core.attributesFile`), when git's stat
check is weaker than lintgate's (`core.trustctime`, `core.checkStat`, `core.ignoreStat` set:
a rewrite that keeps the size and mtime would pass it), or git was told not to look at a file
(assume-unchanged, skip-worktree), git's word is not taken for that listing: `settled` is
empty and lintgate stats the files itself.
"""

from __future__ import annotations

import os
import subprocess
from typing import NamedTuple

# glob pathspecs whatever GIT_LITERAL_PATHSPECS and friends say in the caller's environment
_GIT_ENV_DROP = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS")
REGULAR_MODES = ("100644", "100755")
ATTRIBUTES = ":(glob)**/.gitattributes"
# Set, they may make a work-tree file differ from its blob (line endings, attributes), or make
# git's stat check blind to a rewrite that keeps size and mtime (trustctime, checkstat: git
# then ignores the ctime lintgate's own stat check looks at; ignorestat: git stats nothing).
_CONFIG = r"^core\.(autocrlf|eol|attributesfile|trustctime|checkstat|ignorestat)$"


class Listing(NamedTuple):
    """The files of `git ls-files` under a directory: `names` (relative to it, sorted: the
    tracked ones and the untracked ones git does not ignore) and `settled` {name: blob id} for
    the tracked regular files git finds unchanged in the work tree."""

    names: list[str]
    settled: dict[str, str]


def _git(directory: str, *args: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    out = subprocess.run(
        ["git", *args], cwd=directory, env=env, capture_output=True, check=True
    ).stdout
    return out


def _split(out: bytes) -> list[str]:
    return [n for n in out.decode("utf-8", "surrogateescape").split("\0") if n]


def listing(directory: str, specs: list[str]) -> Listing:
    """The files matching the glob pathspecs `specs` under `directory` (a git work tree's
    directory). Raises OSError or subprocess.CalledProcessError."""
    staged = _split(_git(directory, "ls-files", "-z", "-s", "-v", "--", *specs, ATTRIBUTES))
    others = _split(
        _git(
            directory, "ls-files", "-z", "--others", "--exclude-standard", "--", *specs, ATTRIBUTES
        )
    )
    tracked: dict[str, str] = {}
    trusted = True
    for line in staged:
        meta, _, name = line.partition("\t")
        tag, mode, blob, stage = meta.split(" ")
        if name.endswith(".gitattributes") and os.path.basename(name) == ".gitattributes":
            trusted = False
            continue
        if tag != "H" or stage != "0":  # assume-unchanged, skip-worktree, a conflict
            tracked[name] = ""
        else:
            tracked[name] = blob if mode in REGULAR_MODES else ""
    untracked = [n for n in others if os.path.basename(n) != ".gitattributes"]
    trusted = trusted and len(untracked) == len(others) and _plain_config(directory)
    settled: dict[str, str] = {}
    if trusted:
        changed = set(
            _split(_git(directory, "diff-files", "-z", "--name-only", "--relative", "--", *specs))
        )
        settled = {n: b for n, b in tracked.items() if b and n not in changed}
    names = sorted({*tracked, *untracked})
    return Listing(names, settled)


def _plain_config(directory: str) -> bool:
    """Whether no setting may make a work-tree file differ from its blob or weaken git's stat
    check: none of `_CONFIG`'s keys set, and no `$GIT_DIR/info/attributes`."""
    try:
        _git(directory, "config", "--get-regexp", _CONFIG)
        return False  # something is set
    except subprocess.CalledProcessError as e:
        if e.returncode != 1:  # 1: nothing matched
            return False
    git_dir = _git(directory, "rev-parse", "--git-common-dir").decode().strip()
    return not os.path.exists(os.path.join(directory, git_dir, "info", "attributes"))
