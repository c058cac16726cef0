"""Which files a run checks.

In a git work tree: what git tracks plus the untracked files it does not ignore
(`git ls-files --cached --others --exclude-standard`); elsewhere a walk that honours every
`.gitignore` on the way as git does (patterns relative to their file's directory, `!`
re-includes, the deepest file decides, nothing comes back from an excluded directory; matched
by pathspec, see `_walk_files`). `Skip` patterns are pathspec's gitignore patterns. Always left
out: the directories isort and black leave out by default, every `Skip` pattern, and with
`Vendor` the `vendor/` and `third_party/` directories. In a directory, the files with one of
`SUFFIXES` are found: Python (`.py`, `.pyi`) and Cython (for isort only). Files named on the
command line are taken whatever their suffix (as isort and black take them) but are still
filtered by `Skip`.
lintgate's own temporary copies of a file (lintgate.external.tempcopy) are never found.
Symbolic links are followed only to targets inside the project root, and never round a loop.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from lintgate.external.tempcopy import is_copy
from lintgate.gitignore import _gitignore_patterns
from lintgate.gittop import _git_top, git_refusal, git_top

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern as Pattern

from lintgate.filelist import FileList

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
PYTHON_SUFFIXES = (".py", ".pyi")
# Cython: isort checks `.pyx` and `.pxd` files by default (its CYTHON_EXTENSIONS), `.pxi` when
# its `supported_extensions` name it; only isort runs on them (see lintgate.filesets).
CYTHON_SUFFIXES = (".pyx", ".pxd", ".pxi")
SUFFIXES = PYTHON_SUFFIXES + CYTHON_SUFFIXES
# over this many files, git's index vouches for the unchanged ones (LINTGATE_GIT_INDEX_FILES
# sets another number: the tests use the git-index path on small trees)
GIT_INDEX_FILES = 5000


@dataclass
class Discovered:
    """The outcome of discovery.

    files: absolute paths to check, in a stable order, each once; notes: one-line messages for
    stderr (dangling links, links out of the root); errors: one-line messages, `NAME: problem`,
    for paths named on the command line that cannot be read as files (missing, a dangling link
    or a loop, a FIFO, socket or device): an error, exit bit 2. named: the absolute paths of
    the files named on the command line (not found in a directory). walks: the directories
    named on the command line, each as (as given, absolute), in order: where isort's walk
    starts (its directory-level `skip`, see linters/isort.py).
    """

    files: FileList = field(default_factory=lambda: FileList())
    named: set[str] = field(default_factory=set)
    walks: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def skip_spec(patterns: list[str]) -> GitIgnoreSpec | None:
    """The pathspec.GitIgnoreSpec of the `Skip` patterns (gitignore lines), None when there
    are none. Raises ValueError naming the first pattern pathspec rejects, with why: a
    reversed range (`[z-a]`: a bad regular expression), a trailing `\\`, a lone `!`."""
    if not patterns:
        return None
    import pathspec
    from pathspec.patterns.gitignore.base import GitIgnorePatternError

    with warnings.catch_warnings():  # a stray `[[` in a bracket: Python warns
        warnings.simplefilter("ignore", FutureWarning)
        try:
            return pathspec.GitIgnoreSpec.from_lines(patterns)
        except (re.error, GitIgnorePatternError):
            pass
        for pattern in patterns:  # which one
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except re.error as e:
                raise ValueError(f"invalid pattern {pattern!r}: {e.msg}") from None
            except GitIgnorePatternError:
                raise ValueError(f"invalid pattern {pattern!r}: not a gitignore pattern") from None
    raise AssertionError("unreachable: the patterns compile one by one")  # pragma: no cover


# glob pathspecs whatever GIT_LITERAL_PATHSPECS and friends say in the caller's environment
_GIT_ENV_DROP = ("GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS")


def _git_files(directory: str) -> tuple[list[str], dict[str, str]]:
    """Absolute paths of the files with one of `SUFFIXES` git tracks under `directory`, plus the
    untracked ones it does not ignore; sorted. And, for a tree of more than GIT_INDEX_FILES
    files, {absolute path: "blob <id>"} for the tracked regular files git's index finds
    unchanged (lintgate.gitindex; a small tree is cheaper to stat than to ask git twice).
    Raises OSError or CalledProcessError."""
    specs = [f":(glob)**/*{suffix}" for suffix in SUFFIXES]
    threshold = int(os.environ.get("LINTGATE_GIT_INDEX_FILES") or GIT_INDEX_FILES)
    if _index_entries(directory) > threshold:  # no plain listing first: git's index answers
        return _from_index(directory, specs)
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--"]
        + [f":(glob)**/*{suffix}" for suffix in SUFFIXES],
        cwd=directory,
        env=env,
        capture_output=True,
        check=True,
    )
    names = sorted({n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n})
    if len(names) > threshold:
        return _from_index(directory, specs)
    return [os.path.join(directory, n) for n in names], {}


def _from_index(directory: str, specs: list[str]) -> tuple[list[str], dict[str, str]]:
    """`_git_files` through lintgate.gitindex."""
    from lintgate import gitindex

    found = gitindex.listing(directory, specs)
    prefix = os.path.join(directory, "")
    settled = {prefix + n: "blob " + b for n, b in found.settled.items()}
    return [prefix + n for n in found.names], settled


def _index_entries(directory: str) -> int:
    """How many entries git's index of the work tree holding `directory` has, from its header
    (0 when it cannot tell: a linked work tree, no index)."""
    top = _git_top(directory)[0]
    try:
        with open(os.path.join(top or directory, ".git", "index"), "rb") as f:
            header = f.read(12)
    except OSError:
        return 0
    return int.from_bytes(header[8:12], "big") if header[:4] == b"DIRC" else 0


def _walk_files(directory: Path, root: Path) -> list[Path]:
    """Files under `directory` that git's ignore rules leave in.

    As git reads the `.gitignore` files from the root down: each file's patterns are relative
    to its directory, the last pattern that matches wins (a `!` pattern re-includes), and a
    deeper file overrides the files above it (its patterns come later in one pathspec
    `GitIgnoreSpec`). An excluded directory is not entered, so nothing inside it comes back,
    whatever its own `.gitignore` says (git's rule). pathspec answers for a whole path, counting
    patterns that match a parent directory; as the parents of every path the walk checks are
    kept, the last such pattern is a re-inclusion, and pathspec's answer is git's for the path
    itself: the last pattern that matches it, else not ignored.
    """
    from pathspec import GitIgnoreSpec

    found: list[Path] = []
    seen_dirs: set[str] = set()
    top = root if directory == root or root in directory.parents else directory

    def walk(
        d: Path, files: list[Pattern], dirs: list[Pattern], file_spec: Any, dir_spec: Any
    ) -> None:
        real = os.path.realpath(d)
        if real in seen_dirs:
            return
        seen_dirs.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            return
        if d != directory:
            more_files, more_dirs = _gitignore_patterns(d, top)
            if more_files or more_dirs:
                files, dirs = files + more_files, dirs + more_dirs
                file_spec, dir_spec = GitIgnoreSpec(files), GitIgnoreSpec(dirs)
        for entry in entries:
            path = Path(entry.path)
            is_dir = entry.is_dir()  # follows links; the link check happens in `_admit`
            spec = dir_spec if is_dir else file_spec
            if spec.check_file(path.relative_to(top).as_posix()).include:
                continue
            if is_dir:
                if entry.name in DEFAULT_EXCLUDED_DIRS:
                    continue
                if entry.is_symlink() and not _inside(path, root):
                    continue
                walk(path, files, dirs, file_spec, dir_spec)
            else:
                found.append(path)

    # the `.gitignore` files of `directory` and of its parents up to the root
    files: list[Pattern] = []
    dirs: list[Pattern] = []
    for base in (*reversed(directory.parents), directory):
        if base == root or root in base.parents:
            more_files, more_dirs = _gitignore_patterns(base, top)
            files, dirs = files + more_files, dirs + more_dirs
    walk(directory, files, dirs, GitIgnoreSpec(files), GitIgnoreSpec(dirs))
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


def _admit(path: Path, root: Path, notes: list[str], display: Callable[[Path], str]) -> bool:
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
    spec = skip_spec(skip)
    root_real = Path(os.path.realpath(root))

    def display(p: Path) -> str:
        return os.path.relpath(p, cwd).replace(os.sep, "/")

    root_prefix = os.path.join(str(root), "")

    dir_verdicts: dict[tuple[str, bool], bool] = {}  # (directory, walked) -> skipped?

    def skipped(key: str, walked: bool) -> bool:
        # strings, not pathlib: this runs for every file of the tree on every (warm) run;
        # what the directories decide is decided once per directory
        rel = key[len(root_prefix) :] if key.startswith(root_prefix) else None
        directory = os.path.dirname(key)
        verdict = dir_verdicts.get((directory, walked))
        if verdict is None:
            parts = (rel if rel is not None else key).split(os.sep)[:-1]
            verdict = (walked and any(p in DEFAULT_EXCLUDED_DIRS for p in parts)) or (
                vendor and any(p in VENDOR_DIRS for p in parts)
            )
            dir_verdicts[directory, walked] = verdict
        if verdict:
            return True
        return bool(spec and rel is not None and spec.match_file(rel.replace(os.sep, "/")))

    seen: set[str] = set()

    def add(
        path: str, walked: bool, named: str = "", link: bool | None = None, norm: bool = False
    ) -> None:
        # a link and its target are both checked, each by its path; `norm`: git's names
        # joined to an absolute directory are absolute and normal already
        key = path if norm else os.path.abspath(path)
        problem = None if walked else _not_a_file(Path(path))
        if problem:  # named on the command line: an error, as black and isort make it
            result.errors.append(f"{named}: {problem}")
            return
        if not walked:
            result.named.add(key)
        if key in seen or skipped(key, walked) or is_copy(key):
            return
        if link is None:
            link = os.path.islink(path)
        if link and not _admit(Path(path), root_real, result.notes, display):
            return
        seen.add(key)
        result.files.append(path)

    for arg in paths or ["."]:
        if not arg:  # not the working directory: black and isort reject it too
            result.errors.append("'': no such file or directory")
            continue
        path = Path(os.path.abspath(cwd / arg))
        if path.is_dir():
            result.walks.append((arg, str(path)))
            candidates = None
            settled: dict[str, str] = {}
            if git_top(path) is not None:
                try:
                    candidates, settled = _git_files(str(path))
                except (OSError, subprocess.CalledProcessError):
                    pass
            from_git = candidates is not None and os.path.normpath(path) == str(path)
            if settled and from_git:  # git's index vouches for these: no lstat, no stat
                result.files.identities.update(settled)
            if candidates is None:
                refusal = git_refusal(path)
                if refusal is not None and refusal not in result.notes:
                    result.notes.append(refusal)
                candidates = [str(f) for f in _walk_files(path, root)]
            for f in candidates:
                if not f.endswith(SUFFIXES):
                    continue
                if f in settled:
                    add(f, True, link=False, norm=from_git)
                    continue
                try:  # one lstat: a regular file, or a link (followed and judged by _admit)
                    mode = os.lstat(f).st_mode
                except OSError:
                    continue  # tracked by git but deleted from the work tree
                if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                    add(f, True, link=stat.S_ISLNK(mode), norm=from_git)
        else:
            add(str(path), walked=False, named=arg)
    return result
