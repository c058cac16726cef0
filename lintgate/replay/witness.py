"""The witnesses of a run's answer (lintgate.replay): every path whose change could change
it, collected when a run leaves its replay record. Paths are absolute; a missing one is a
witness too (its creation is a change)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from typing import Iterable, Sequence

from lintgate.config import CONFIG_NAMES as LINTGATE_CONFIG_NAMES
from lintgate.discovery import DEFAULT_EXCLUDED_DIRS
from lintgate.linters.configs import CONFIG_FILE_NAMES, user_config_files

# The config files the linters and lintgate read in a directory, and git's per-directory
# ignore and attribute files.
CONFIG_NAMES = frozenset(
    {*CONFIG_FILE_NAMES, *LINTGATE_CONFIG_NAMES, ".gitignore", ".gitattributes"}
)


def collect(
    files: Sequence[str], walks: Iterable[str], extra: Iterable[str], cache_dir: str
) -> list[str]:
    """The witnesses of a run over `files` (absolute) found by walking `walks` (absolute
    directories), with `extra` paths (the config file named by --config): the files, the
    walks' directories (not those git ignores, not `.git`, not those isort and black leave
    out, not `cache_dir`) and the config files in them, the config files above them and in
    the user's config directories, git's index, config and ignore files, and lintgate's
    code. Raises OSError or subprocess.SubprocessError when git cannot be asked."""
    found: list[str] = list(files)
    walked: set[str] = set()
    prune = {os.path.abspath(cache_dir), os.path.realpath(cache_dir)}
    git_dirs: set[str] = set()
    for top in walks:
        prune |= _git_ignored_dirs(top)
        git_dirs |= _git_files(top)
        found += _walk(top, prune, walked)
    above = {d for f in files for d in _ancestors(os.path.dirname(f))}
    above |= {d for top in walks for d in _ancestors(top)}
    above -= walked
    found += [os.path.join(d, name) for d in sorted(above) for name in sorted(CONFIG_NAMES)]
    found += sorted(git_dirs) + user_config_files() + list(extra) + _code()
    return found


def _walk(top: str, prune: set[str], walked: set[str]) -> list[str]:
    """The directories under `top` (itself too) and the config files in them; symbolic links
    to directories are not followed (git lists a link as a file; discovery's own walk
    follows one only inside the root, where this walk finds its target anyway)."""
    out: list[str] = []
    stack = [top]
    while stack:
        directory = stack.pop()
        if directory in walked:
            continue
        walked.add(directory)
        out.append(directory)
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in DEFAULT_EXCLUDED_DIRS and entry.path not in prune:
                        stack.append(entry.path)
                elif entry.name in CONFIG_NAMES:
                    out.append(entry.path)
    return out


def _ancestors(directory: str) -> list[str]:
    """`directory` and every directory above it, up to the file system's root."""
    out = []
    while True:
        out.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            return out
        directory = parent


def _git(cwd: str, *args: str) -> str | None:
    """git's output (text), or None when `cwd` is not in a work tree (git's refusal)."""
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)
    except subprocess.CalledProcessError:
        return None
    return out.stdout.decode("utf-8", "surrogateescape")


def _git_ignored_dirs(top: str) -> set[str]:
    """The directories under `top` git ignores (absolute; none outside a work tree)."""
    out = _git(top, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    names = (out or "").split("\0")
    return {os.path.normpath(os.path.join(top, n)) for n in names if n.endswith("/")}


def _git_files(top: str) -> set[str]:
    """The files whose change changes what git lists under `top`: its index, its config and
    its ignore files (the repository's and the user's, core.excludesFile, and every file the
    config was read from: `include.path` and `includeIf` ones too)."""
    out = _git(top, "rev-parse", "--absolute-git-dir", "--git-common-dir")
    if out is None:
        return set()
    git_dir, common = (os.path.join(top, line) for line in out.splitlines()[:2])
    found = {os.path.join(git_dir, "index"), os.path.join(git_dir, "config.worktree")}
    found |= {os.path.join(common, name) for name in ("config", "info/exclude", "info/attributes")}
    excludes = _git(top, "config", "--path", "--get", "core.excludesFile")
    if excludes and excludes.strip():
        found.add(os.path.join(top, excludes.strip()))
    found |= _config_files(top)
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    found |= {os.path.join(xdg, "git", name) for name in ("config", "ignore", "attributes")}
    found |= {os.path.expanduser("~/.gitconfig"), "/etc/gitconfig"}
    found |= {os.environ[v] for v in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM") if v in os.environ}
    return {os.path.normpath(p) for p in found}


def _config_files(top: str) -> set[str]:
    """Every file git's config was read from (`--show-origin`), and every file an
    `include.path` or `includeIf.*.path` names (one that sets nothing has no origin line)."""
    listed = (_git(top, "config", "--list", "--show-origin", "-z") or "").split("\0")
    found = set()
    for origin, entry in zip(listed[0::2], listed[1::2]):
        if not origin.startswith("file:"):
            continue
        source = os.path.join(top, origin[5:])
        found.add(source)
        key, _, value = entry.partition("\n")
        if key == "include.path" or (key.startswith("includeif.") and key.endswith(".path")):
            value = os.path.expanduser(value)  # relative: to the including file's directory
            found.add(os.path.join(os.path.dirname(source), value))
    return found


def _code() -> list[str]:
    """The import path's directories and the files of the modules loaded outside the standard
    library (lintgate's own, the engines'): an upgrade or an edit changes them. The standard
    library changes with the interpreter's version, which the invocation key holds."""
    stdlib = tuple(os.path.join(sysconfig.get_paths()[k], "") for k in ("stdlib", "platstdlib"))
    paths = [p for p in sys.path if p and os.path.isdir(p)]
    # all of lintgate's code, loaded or not (a warm run imports no linter's module): an
    # edit of an editable install changes it
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for directory, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        paths += [os.path.join(directory, n) for n in names if n.endswith(".py")]
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str):
            continue
        # a site-packages directory may be inside the standard library's (no virtualenv)
        if not path.startswith(stdlib) or f"-packages{os.sep}" in path:
            paths.append(path)
    return sorted(set(paths))
