"""Shared helpers for the tests: copy a fixture repository, a tree or standard-library files,
run the real `lintgate` (and read its summary), list the processes of a group, and age or
damage a cache database. Fixtures built on them live in tests/conftest.py."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
REPOS = FIXTURES / "repos"
STDLIB = Path(sysconfig.get_paths()["stdlib"])  # the running Python's standard library


def copy_repo(name: str, dest: Path, git: bool = True) -> Path:
    """Copy fixture repository `name` (tests/fixtures/repos/NAME/repo) to `dest`; with `git`,
    make it a git work tree (nothing committed: every file untracked, not ignored)."""
    shutil.copytree(REPOS / name / "repo", dest, symlinks=True)
    if git:
        subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest


def stdlib_files() -> list[Path]:
    """Every .py file of the standard library (STDLIB; not site-packages, not __pycache__), as
    paths relative to it, sorted."""
    return sorted(
        p.relative_to(STDLIB)
        for p in STDLIB.rglob("*.py")
        if "site-packages" not in p.parts and "__pycache__" not in p.parts and p.is_file()
    )


def stdlib_sample(count: int | None, max_size: int) -> list[Path]:
    """Relative paths of `count` standard library files under `max_size` bytes, evenly spread
    (fixed for a given Python), plus the tokenizer tests' deliberately broken files;
    `count=None`: every file."""
    files = stdlib_files()
    if count is None:
        return files
    small = [p for p in files if (STDLIB / p).stat().st_size < max_size]
    broken = [p for p in small if p.parent.name == "tokenizedata" and p.name.startswith("bad")]
    step = max(1, len(small) // count)
    return sorted(set(small[::step][:count]) | set(broken))


def copy_stdlib(files: list[Path], root: Path) -> Path:
    """Copy the standard library `files` (relative paths) under `root`, with a pyproject.toml
    giving isort black's profile, and make `root` a git work tree; returns `root`."""
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STDLIB / rel, root / rel)
    (root / "pyproject.toml").write_text('[tool.isort]\nprofile = "black"\n')
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def stdlib_modules(dest: Path, count: int = 20) -> dict[str, bytes]:
    """Copy `count` small top-level modules of the standard library (5-15 kB, most of which
    black and isort would change) into the new directory `dest`; returns {name: original
    bytes}."""
    picked = sorted(p for p in STDLIB.glob("*.py") if 5000 <= p.stat().st_size <= 15000)[:count]
    dest.mkdir()
    originals = {}
    for path in picked:
        originals[path.name] = path.read_bytes()
        (dest / path.name).write_bytes(originals[path.name])
    return originals


def copy_tree(src: Path, dest: Path) -> Path:
    """Copy the directory `src` to `dest` with new mtimes (copyfile, not copy2), as a fresh
    checkout has them; returns `dest`."""
    shutil.copytree(src, dest, copy_function=shutil.copyfile)
    return dest


def lintgate(
    cwd: Path, *args: str, env: dict | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run the installed `lintgate` console script in `cwd` (not `python -m`, which would put
    `cwd` first on sys.path: a copy of the standard library there shadows the real one).
    Unless `env` names a LINTGATE_CACHE_DIR, the run gets a new, empty result cache of its own
    (removed afterwards), so its output does not depend on earlier runs; FORCE_COLOR is
    dropped unless `env` sets it.
    Returns the completed process (text output)."""
    full_env = dict(os.environ)
    full_env.pop("LINTGATE_CACHE_DIR", None)
    full_env.pop("FORCE_COLOR", None)  # a CI's FORCE_COLOR would colour the text reports
    full_env.update(env or {})
    script = Path(sys.executable).parent / "lintgate"
    with tempfile.TemporaryDirectory(prefix="lintgate-cache-") as cache:
        full_env.setdefault("LINTGATE_CACHE_DIR", cache)
        return subprocess.run(
            [str(script), *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",  # file names need not be UTF-8
            timeout=timeout,
        )


def _live_processes() -> list[tuple[int, list[str]]]:
    """(pid, the fields of /proc/PID/stat after the command name) of every process but the
    zombies; a process that ends while it is read is left out."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":
                found.append((int(entry.name), fields))
        except (OSError, ValueError):
            continue
    return found


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (read from /proc)."""
    return [p for p, fields in _live_processes() if int(fields[1]) == pid]


def process_group(pgid: int) -> list[int]:
    """The live processes of process group `pgid` (read from /proc)."""
    return [p for p, fields in _live_processes() if int(fields[2]) == pgid]


def command_lines(pids: list[int]) -> list[str]:
    """The command lines of `pids` (arguments joined by spaces), of those still running."""
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            found.append(Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " "))
    return found


def normalize_stderr(text: str) -> str:
    """stderr with the run's seconds replaced by `N.NNs`, so it can be compared exactly."""
    return re.sub(r"\d+\.\d\ds", "N.NNs", text)


# Runs lintgate's main() in a fresh interpreter (without the working directory on sys.path),
# then prints to stderr the heavy engines that run imported: `heavy: [...]`.
_TRACED = (
    "import sys; del sys.path[0]\n"
    "from lintgate.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "heavy = sorted(m for m in sys.modules if m.split('.')[0] in HEAVY or m in HEAVY)\n"
    "print('heavy:', heavy, file=sys.stderr)\n"
    "sys.exit(status)\n"
)
HEAVY = ("isort", "black", "blib2to3", "libcst")


# What a warm run without an export or import needs neither: the OCI code (lintgate.cache.oci
# and its submodules), tarfile and gzip (layers), requests and urllib3 (registries),
# cryptography (signed exports), importlib.metadata
LAZY = (
    "lintgate.cache.oci",
    "tarfile",
    "gzip",
    "requests",
    "urllib3",
    "cryptography",
    "importlib.metadata",
)


def lintgate_traced(
    cwd: Path, *args: str, env: dict, watch: tuple = HEAVY
) -> subprocess.CompletedProcess:
    """Like `lintgate`, through `python -c`; stderr ends with `heavy: [...]`, the modules of
    `watch` (top-level names or full module names; default: isort, black and its blib2to3,
    libcst) the run imported. `env` must name the LINTGATE_CACHE_DIR."""
    full_env = dict(os.environ)
    full_env.update(env)
    code = _TRACED.replace("HEAVY", repr(watch))
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


def count(n: int, noun: str) -> str:
    """`1 finding`, `2 findings`: the summary line's counts (lintgate.commands.common.plural)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary(stderr: str) -> tuple[int, int, int]:
    """(files checked, findings, files from cache) of the run's summary line."""
    m = re.search(
        r"^lintgate: (\d+) files? checked, (?:\d+ not checked, )?(\d+) findings?, (\d+) from cache, ",
        stderr,
        re.M,
    )
    assert m, stderr
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


class ColdRun:
    """A tree, the cache directory a cold run on it filled, and that run's output: `stdout`,
    `stderr` (normalize_stderr'ed), the summary's `files` and `findings`, and `env`, which
    points a run at that cache."""

    def __init__(self, root: Path, cache: Path, proc: subprocess.CompletedProcess) -> None:
        self.root = root
        self.cache = cache
        self.stdout = proc.stdout
        self.stderr = normalize_stderr(proc.stderr)
        self.files, self.findings, _ = summary(proc.stderr)
        self.env = {"LINTGATE_CACHE_DIR": str(cache)}

    def stderr_with(self, from_cache: int, findings: int | None = None) -> str:
        """The cold run's stderr with another `N from cache` (and findings count)."""
        text = self.stderr.replace(" 0 from cache", f" {from_cache} from cache")
        if findings is not None:
            old, new = count(self.findings, "finding"), count(findings, "finding")
            text = text.replace(f" {old},", f" {new},")
        return text


# The layout of lintgate's first cache database (user_version 1): a stat index without ctime.
_SCHEMA_V1_STAT = """
CREATE TABLE stat (
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (root, path)
) WITHOUT ROWID
"""


# Versions 1 and 2 had no origin and checksum columns in results and memo.
_V2_RESULTS = (
    "key, content_digest, linter, linter_version, lintgate_version, settings_digest, findings,"
    " created, last_used"
)
_V2_MEMO = "key, value, created"


def downgrade_to_v1(db: Path) -> None:
    """Turn a current cache database into one as the first lintgate wrote it: the version-1
    stat table (one row), results and memo without origin and checksum, user_version 1."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for table, cols in (("results", _V2_RESULTS), ("memo", _V2_MEMO)):
            conn.execute(f"CREATE TABLE old AS SELECT {cols} FROM {table}")
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE old RENAME TO {table}")
        conn.execute("DROP TABLE stat")
        conn.execute(_SCHEMA_V1_STAT)
        conn.execute("INSERT INTO stat VALUES ('/p', 'a.py', 1, 1, 1, ?)", ("0" * 64,))
        conn.execute("PRAGMA user_version=1")
        conn.commit()


def rewrite_keeping_size_and_mtime(path: Path, data: bytes) -> None:
    """What `touch -r` after an edit does: new bytes of the same size, the old mtime back,
    the same inode. Only the ctime (set by the kernel) changes."""
    before = os.stat(path)
    assert len(data) == before.st_size
    time.sleep(0.05)  # past the kernel's coarse clock tick, so the ctime can change
    with open(path, "r+b") as f:  # in place: the inode stays
        f.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
