"""Which files a run checks.

In a git work tree: what git tracks plus the untracked files it does not ignore
(`git ls-files --cached --others --exclude-standard`); elsewhere a walk that honours every
`.gitignore` on the way as git does (patterns relative to their file's directory, `!`
re-includes, the deepest file decides, nothing comes back from an excluded directory; see
lintgate.gitignore). `Skip` patterns are pathspec's gitignore patterns. Always left out: the directories
isort and black leave out by default, every `Skip` pattern, and with `Vendor` the `vendor/`
and `third_party/` directories. Files named on the command line are taken whatever their
suffix (as isort and black take them) but are still filtered by `Skip`.
Symbolic links are followed only to targets inside the project root, and never round a loop.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# The union of isort's default `skip` and black's default `exclude`.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".bzr",
        ".direnv",
        ".eggs",
        ".git",
        ".hg",
        ".ipynb_checkpoints",
        ".mypy_cache",
        ".nox",
        ".pants.d",
        ".pytest_cache",
        ".pytype",
        ".ruff_cache",
        ".svn",
        ".tox",
        ".venv",
        ".vscode",
        "__pycache__",
        "__pypackages__",
        "_build",
        "buck-out",
        "build",
        "dist",
        "node_modules",
        "venv",
    }
)
VENDOR_DIRS = frozenset({"vendor", "third_party"})
SUFFIXES = (".py", ".pyi")


@dataclass
class Discovered:
    """The outcome of discovery.

    files: absolute paths to check, in a stable order, each once; notes: one-line messages for
    stderr (dangling links, links out of the root); errors: one-line messages, `NAME: problem`,
    for paths named on the command line that cannot be read as files (missing, a dangling link
    or a loop, a FIFO, socket or device): an error, exit bit 2.
    """

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _skip_spec(patterns: list[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


def git_top(directory: Path) -> Path | None:
    """The top of the git work tree holding `directory`, or None (not in one, or no git)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return Path(out.stdout.rstrip("\n"))


def _git_files(top: Path, directory: Path) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
        cwd=directory,
        capture_output=True,
        check=True,
    )
    names = sorted({n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n})
    return [directory / n for n in names]


def _gitignore_rules(directory: Path) -> list:
    """The rules of `directory/.gitignore` (lintgate.gitignore), [] when there is no such file
    or it cannot be read (then it ignores nothing, as git does)."""
    from lintgate import gitignore

    try:
        text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return gitignore.parse(text.split("\n"))


def is_ignored(path: Path, is_dir: bool, levels: list[tuple[Path, list]]) -> bool:
    """Whether git's ignore rules exclude `path`, its parent directories being known not to be.

    levels: (directory, rules) of every `.gitignore` from the top down to the directory holding
    `path`. As in git, each file's patterns are relative to its directory, the last pattern
    that matches in a file wins (a `!` pattern re-includes), and a deeper file overrides the
    files above it: the deepest file with a pattern that matches decides.
    """
    from lintgate import gitignore

    for base, rules in reversed(levels):
        verdict = gitignore.verdict(rules, path.relative_to(base).as_posix(), is_dir)
        if verdict is not None:
            return verdict
    return False


def _walk_files(directory: Path, root: Path) -> list[Path]:
    """Files under `directory` that git's rules for the `.gitignore` files from `root` down to
    them do not exclude (see `is_ignored`). An excluded directory is not entered, so nothing
    inside it comes back, whatever its own `.gitignore` says (git's rule)."""
    found: list[Path] = []
    seen_dirs: set[str] = set()

    def walk(d: Path, levels) -> None:
        real = os.path.realpath(d)
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            return
        if d != directory:
            rules = _gitignore_rules(d)
            if rules:
                levels = levels + [(d, rules)]
        for entry in entries:
            path = Path(entry.path)
            is_dir = entry.is_dir()  # follows links; the link check happens in `_admit`
            if is_ignored(path, is_dir, levels):
                continue
            if is_dir:
                if entry.name in DEFAULT_EXCLUDED_DIRS:
                    continue
                if entry.is_symlink() and not _inside(path, root):
                    continue
                walk(path, levels)
            else:
                found.append(path)

    # the `.gitignore` files of `directory` and of its parents up to the root
    above = [
        (base, rules)
        for base in (*reversed(directory.parents), directory)
        if base == root or root in base.parents
        for rules in [_gitignore_rules(base)]
        if rules
    ]
    walk(directory, above)
    return found


def _inside(path: Path, root: Path) -> bool:
    real = Path(os.path.realpath(path))
    return real == root or root in real.parents


def _not_a_file(path: Path) -> str | None:
    """Why `path` (a link followed) cannot be read as a file: "no such file or directory",
    "dangling symbolic link", "symbolic link loop", "not a regular file" (a FIFO, whose read
    would block, a socket, a device, or a directory); None for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symbolic link loop"
        if os.path.islink(path):
            return "dangling symbolic link"
        if e.errno == errno.ENOENT:
            return "no such file or directory"
        return (e.strerror or str(e)).lower()
    return None if stat.S_ISREG(mode) else "not a regular file"


def _admit(path: Path, root: Path, notes: list[str], display) -> bool:
    """Whether a walked, possibly linked, file may be read: a regular file, not outside the root."""
    if not path.is_symlink():
        return True
    problem = _not_a_file(path)
    if problem:
        notes.append(f"{display(path)}: {problem}, skipped")
        return False
    if not _inside(path, root):
        notes.append(f"{display(path)}: symbolic link out of the project root, skipped")
        return False
    return True


def discover(paths: list[str], root: Path, cwd: Path, skip: list[str], vendor: bool) -> Discovered:
    """Find the files to check under `paths` (relative to `cwd`; default the working directory).

    `root` is the project root (absolute, resolved), against which `skip` patterns
    (gitignore syntax) are matched. Never raises for a bad path: it is reported in `errors`.
    """
    result = Discovered()
    spec = _skip_spec(skip)
    root_real = Path(os.path.realpath(root))

    def display(p: Path) -> str:
        return os.path.relpath(p, cwd).replace(os.sep, "/")

    def skipped(path: Path, walked: bool) -> bool:
        try:
            rel = Path(os.path.abspath(path)).relative_to(root)
        except ValueError:
            rel = None
        parts = rel.parts[:-1] if rel is not None else Path(path).parts[:-1]
        if walked and any(p in DEFAULT_EXCLUDED_DIRS for p in parts):
            return True
        if vendor and any(p in VENDOR_DIRS for p in parts):
            return True
        return bool(spec and rel is not None and spec.match_file(rel.as_posix()))

    seen: set[str] = set()

    def add(path: Path, walked: bool, named: str = "") -> None:
        key = os.path.abspath(
            path
        )  # a link and its target are both checked, each under its own path
        problem = None if walked else _not_a_file(path)
        if problem:  # named on the command line: an error, as black and isort make it
            result.errors.append(f"{named}: {problem}")
            return
        if key in seen or skipped(path, walked):
            return
        if not _admit(path, root_real, result.notes, display):
            return
        seen.add(key)
        result.files.append(path)

    for arg in paths or ["."]:
        path = Path(os.path.abspath(cwd / arg))
        if path.is_dir():
            top = git_top(path)
            if top is not None:
                try:
                    candidates = _git_files(top, path)
                except (OSError, subprocess.CalledProcessError):
                    candidates = _walk_files(path, root)
            else:
                candidates = _walk_files(path, root)
            for f in candidates:
                if f.suffix in SUFFIXES and (f.is_symlink() or f.is_file()):
                    add(f, walked=True)
        else:
            add(path, walked=False, named=arg)
    return result
