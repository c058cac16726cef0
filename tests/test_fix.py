"""`lintgate --fix` and `--diff` on the fixture repositories under tests/fixtures/fix/, exact bytes.

Each case is a directory: `before/` (the repository), `after/` (every file's exact bytes after
`lintgate --fix`), `expected.stdout`, `expected.stderr` (seconds normalized), `expected.diff`
(the exact stdout of `lintgate --diff`) and `case.json`: `args` (added to both runs), `exit`
and `diff_exit`, `modes` (octal file modes set before and checked after), `requires` (a linter
that must be registered, else the case is skipped with the reason).
LINTGATE_UPDATE_GOLDEN=1 rewrites the expected files: only after checking the new output by eye.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import FIXTURES, copy_repo, lintgate, normalize_stderr

from lintgate import linters
from lintgate.fix import TEMP_SUFFIX

CASES_DIR = FIXTURES / "fix"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "case.json").is_file())
UPDATE = bool(os.environ.get("LINTGATE_UPDATE_GOLDEN"))
SCRIPT = Path(sys.executable).parent / "lintgate"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (not .git) by `/`-separated relative path -> bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def run_bytes(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `lintgate ARGS` in `cwd`; stdout as bytes (diffs keep CRLF and latin-1 bytes)."""
    env = dict(os.environ)
    env.pop("LINTGATE_CACHE_DIR", None)
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, timeout=timeout
    )


def prepare(name: str, dest: Path) -> tuple[dict, Path]:
    case = json.loads((CASES_DIR / name / "case.json").read_text())
    required = case.get("requires")
    if required and required not in linters.BUILTIN:
        pytest.skip(f"needs the {required!r} linter, not registered yet (issue 3)")
    shutil.copytree(CASES_DIR / name / "before", dest, symlinks=True)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    for rel, mode in case.get("modes", {}).items():
        os.chmod(dest / rel, int(mode, 8))
    return case, dest


@pytest.mark.parametrize("name", CASES)
def test_fix_writes_exact_bytes(name, tmp_path):
    case, repo = prepare(name, tmp_path / "repo")
    proc = lintgate(repo, "--fix", *case.get("args", []))
    stderr = normalize_stderr(proc.stderr)
    expected = CASES_DIR / name
    if UPDATE:
        shutil.rmtree(expected / "after", ignore_errors=True)
        for rel, data in tree(repo).items():
            (expected / "after" / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected / "after" / rel).write_bytes(data)
        (expected / "expected.stdout").write_text(proc.stdout, encoding="utf-8")
        (expected / "expected.stderr").write_text(stderr, encoding="utf-8")
        case["exit"] = proc.returncode
        (expected / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    assert tree(repo) == tree(expected / "after")
    assert proc.stdout == (expected / "expected.stdout").read_text(encoding="utf-8")
    assert stderr == (expected / "expected.stderr").read_text(encoding="utf-8")
    assert proc.returncode == case["exit"]
    for rel, mode in case.get("modes", {}).items():
        assert stat.S_IMODE(os.stat(repo / rel).st_mode) == int(mode, 8), rel


@pytest.mark.parametrize("name", CASES)
def test_diff_writes_nothing_and_applies(name, tmp_path):
    case, repo = prepare(name, tmp_path / "repo")
    before = tree(repo)
    proc = run_bytes(repo, "--diff", *case.get("args", []))
    expected = CASES_DIR / name
    if UPDATE:
        (expected / "expected.diff").write_bytes(proc.stdout)
        case["diff_exit"] = proc.returncode
        (expected / "case.json").write_text(json.dumps(case, indent=2) + "\n")
    assert tree(repo) == before  # nothing written
    assert proc.stdout == (expected / "expected.diff").read_bytes()
    assert proc.returncode == case["diff_exit"]
    if proc.stdout:
        subprocess.run(["git", "apply", "-"], cwd=repo, input=proc.stdout, check=True)
    assert tree(repo) == tree(expected / "after")


def test_no_temporary_file_is_left(tmp_path):
    _, repo = prepare("crlf", tmp_path / "repo")
    lintgate(repo, "--fix")
    assert not [p for p in tree(repo) if p.endswith(TEMP_SUFFIX)]


SIGNAL_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from lintgate import fix

real_fsync = os.fsync
def fsync(fd):  # the signal arrives in the middle of the write
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    real_fsync(fd)
os.fsync = fsync
path = Path(sys.argv[1])
fix.write_atomic(path, b"new\\n", path.read_bytes())
print("not reached", flush=True)
"""


@pytest.mark.parametrize("name, code", [("SIGTERM", -signal.SIGTERM), ("SIGINT", -signal.SIGINT)])
def test_signal_during_a_write_is_delivered_after_it(name, code, tmp_path):
    # pool.terminate() at the deadline sends SIGTERM; workers keep its default disposition
    # (a Python handler there could be swallowed and hang the pool) and the write holds it back.
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    proc = subprocess.run(
        [sys.executable, "-c", SIGNAL_MID_WRITE, str(target), name],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == ""
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_symbolic_link_is_fixed_through_its_target(tmp_path):
    _, repo = prepare("bom", tmp_path / "repo")
    (repo / "real").mkdir()
    (repo / "real" / "target.py").write_bytes(b"import sys\nimport os\nx=(os,sys)\n")
    (repo / "link.py").symlink_to("real/target.py")
    outside = tmp_path / "outside.py"
    outside.write_bytes(b"x=1\n")
    (repo / "out.py").symlink_to(outside)
    proc = lintgate(repo, "--fix", "link.py", "out.py")
    assert (repo / "link.py").is_symlink()
    assert (repo / "real" / "target.py").read_bytes() == b"import os\nimport sys\n\nx = (os, sys)\n"
    assert outside.read_bytes() == b"x=1\n"
    assert "out.py: symbolic link out of the project root, skipped" in proc.stderr
    assert proc.returncode == 0, proc.stderr
    diff = run_bytes(repo, "--diff", "link.py")
    assert diff.stdout == b""  # fixed already


@pytest.fixture
def public_tmp():
    """A temporary directory other users can search (user nobody runs lintgate in it)."""
    path = Path(tempfile.mkdtemp(prefix="lintgate-fix-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    for dirpath, dirnames, _ in os.walk(path):
        os.chmod(dirpath, 0o755)
    shutil.rmtree(path)


def run_read_only(repo: Path, *args: str) -> subprocess.CompletedProcess:
    """Run lintgate in `repo` as a user that cannot write there: as user nobody when we are
    root (root writes through any mode bits), else as ourselves."""
    if os.geteuid() != 0:
        return lintgate(repo, *args)
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot drop the right to write")
    # The result cache lives outside the tree, as in the Dockerfile's lint stage.
    with tempfile.TemporaryDirectory(prefix="lintgate-cache-") as cache:
        os.chmod(cache, 0o777)
        env = dict(os.environ, HOME=str(repo), LINTGATE_CACHE_DIR=cache)
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(SCRIPT)]
        return subprocess.run(
            [*command, *args], cwd=repo, env=env, capture_output=True, text=True, encoding="utf-8"
        )


def stamps(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and directory under `root`: bytes (b"" for a directory) and mtime in ns."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            data = b"" if path.is_dir() else path.read_bytes()
            out[path.relative_to(root).as_posix()] = (data, path.stat().st_mtime_ns)
    return out


def test_read_only_file_is_not_written(public_tmp):
    shutil.copytree(CASES_DIR / "bom" / "before", public_tmp / "repo")
    repo = public_tmp / "repo"
    os.chmod(repo / "a.py", 0o444)
    before = stamps(repo)
    proc = run_read_only(repo, "--fix", "--no-cache")
    assert stamps(repo) == before
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) fixed\n"
        "lintgate: a.py: cannot write: Permission denied\n"
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 3  # the findings remain (1), a file could not be written (2)


@pytest.mark.parametrize("name", ["both", "syntax", "crlf", "bom"])
def test_check_mode_writes_nothing(name, public_tmp):
    """`lintgate` without --fix on a read-only copy: same output as on a writable copy, and
    neither copy changes (bytes and mtimes, no file added)."""
    writable = copy_repo(name, public_tmp / "writable", git=False)
    read_only = copy_repo(name, public_tmp / "read-only", git=False)
    for dirpath, dirnames, filenames in os.walk(read_only):
        for entry in dirnames + filenames:
            path = Path(dirpath) / entry
            os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~0o222)
    os.chmod(read_only, 0o555)
    before = stamps(writable), stamps(read_only)
    a = lintgate(writable, "--no-cache")  # the cache lives outside the tree: not the point here
    b = run_read_only(read_only, "--no-cache")
    assert (b.stdout, normalize_stderr(b.stderr), b.returncode) == (
        a.stdout,
        normalize_stderr(a.stderr),
        a.returncode,
    )
    assert a.stdout  # the repository has findings: the run did read and check the files
    assert (stamps(writable), stamps(read_only)) == before


def test_fix_with_new_code_selection_is_a_usage_error(tmp_path):
    _, repo = prepare("bom", tmp_path / "repo")
    before = tree(repo)
    proc = lintgate(repo, "--fix", "--new-from-rev", "HEAD")
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        "lintgate: --fix and --diff fix whole files: not with --new-from-rev/-patch\n",
        2,
    )
    assert tree(repo) == before


def test_diff_wins_over_fix(tmp_path):
    _, repo = prepare("bom", tmp_path / "repo")
    before = tree(repo)
    proc = run_bytes(repo, "--fix", "--diff")
    assert proc.stdout == (CASES_DIR / "bom" / "expected.diff").read_bytes()
    assert proc.returncode == 1
    assert tree(repo) == before


# lintgate's main() with black's fixer raising, as black's safety checks do (forked workers
# inherit the patched module)
RAISING_BLACK = (
    "import sys; del sys.path[0]\n"
    "from lintgate.linters import black\n"
    "def fix(text, source, settings):\n"
    "    raise RuntimeError('INTERNAL ERROR: not equivalent')\n"
    "black.fix = fix\n"
    "from lintgate.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def run_raising_black(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("LINTGATE_CACHE_DIR", None)
    return subprocess.run(
        [sys.executable, "-c", RAISING_BLACK, "--no-cache", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_fixer_that_raises_is_a_tool_error_at_column_1(tmp_path):
    _, repo = prepare("filtered", tmp_path / "repo")  # without its --exclude: isort, black
    before = tree(repo)
    proc = run_raising_black(repo, "--fix")
    assert tree(repo) == before
    message = "not fixed: black failed: RuntimeError: INTERNAL ERROR: not equivalent"
    assert proc.stdout == (
        f"a.py:1:1: \u274c {message} (fix)\n"
        "a.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)\n"
        "a.py:3:1: \u26a0\ufe0f would reformat line 3 (black)\n"
    )
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) fixed\n"
        f"lintgate: a.py: {message}\n"
        "lintgate: 1 file checked, 3 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 3  # what remains (1) and a tool error (2)


def test_diff_exit_status_is_about_the_diff_plus_tool_errors(tmp_path):
    # the file's findings remain but it has no diff (its fixer failed): 0 for the diff, bit 2
    _, repo = prepare("filtered", tmp_path / "repo")
    before = tree(repo)
    proc = run_raising_black(repo, "--diff")
    assert tree(repo) == before
    assert proc.stdout == ""
    message = "not fixed: black failed: RuntimeError: INTERNAL ERROR: not equivalent"
    assert normalize_stderr(proc.stderr) == (
        "lintgate: 0 file(s) would be fixed\n"
        f"a.py:1:1: \u274c {message} (fix)\n"
        "a.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)\n"
        "a.py:3:1: \u26a0\ufe0f would reformat line 3 (black)\n"
        f"lintgate: a.py: {message}\n"
        "lintgate: 1 file checked, 3 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 2


def test_a_link_and_its_target_are_fixed_once(tmp_path):
    # both paths are checked (each under its own name) but they are one file: one diff that
    # `git apply` takes, one write, no "changed while being fixed" race between two workers
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "pkg" / "real.py").write_bytes(b"import os\nx=1\n")
    (repo / "pkg" / "link.py").symlink_to("real.py")
    diff = run_bytes(repo, "--diff", "-j2")
    assert diff.stdout == (
        b"diff --git a/pkg/real.py b/pkg/real.py\n--- a/pkg/real.py\n+++ b/pkg/real.py\n"
        b"@@ -1,2 +1 @@\n-import os\n-x=1\n+x = 1\n"
    )
    assert diff.returncode == 1
    subprocess.run(["git", "apply", "--check", "-"], cwd=repo, input=diff.stdout, check=True)
    proc = lintgate(repo, "--fix", "-j2")
    assert (proc.stdout, proc.returncode) == ("", 0), proc.stderr
    assert normalize_stderr(proc.stderr) == (
        "lintgate: fixed pkg/real.py\n"
        "lintgate: 1 file(s) fixed\nlintgate: 2 files checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert (repo / "pkg" / "real.py").read_bytes() == b"x = 1\n"
    assert (repo / "pkg" / "link.py").is_symlink()


def test_a_package_stub_keeps_its_unused_imports(tmp_path):
    # as for __init__.py: reported, never removed (the stub of a package re-exports too)
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "pkg" / "m.py").write_bytes(b"a = 1\n")
    stub = b"import os\n\nfrom .m import a\n"
    (repo / "pkg" / "__init__.pyi").write_bytes(stub)
    proc = lintgate(repo, "--fix")
    assert (repo / "pkg" / "__init__.pyi").read_bytes() == stub
    assert proc.stdout == (
        "pkg/__init__.pyi:1:8: ⚠️ 'os' imported but unused (imports)\n"
        "pkg/__init__.pyi:3:16: ⚠️ '.m.a' imported but unused (imports)\n"
    )
    assert proc.returncode == 1


def test_a_failed_black_safety_check_leaves_no_dump_and_a_stable_message(tmp_path):
    """black fails its own AST safety check on a form feed starting a docstring line; its
    dump of the failure ($TMPDIR/blk_*.log) is removed and not named in the message, which is
    the same on every run (fuzz reproducer black-log-leak)."""
    import black

    source = 'def f():\n    """a\n\x0cb"""\n'
    repo = tmp_path / "r"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.py").write_text(source)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    failed = (
        "not fixed: black failed: ASTSafetyError: INTERNAL ERROR: Black"
        f" {black.__version__} on Python (CPython) {sys.version_info[0]}.{sys.version_info[1]}"
        f".{sys.version_info[2]} produced code that is not equivalent to the source.  Please"
        " report a bug on https://github.com/psf/black/issues."
    )
    for _ in range(2):
        proc = lintgate(repo, "--fix", env={"TMPDIR": str(tmp)})
        assert proc.stdout == (
            f"a.py:1:1: ❌ {failed} (fix)\na.py:3:1: ⚠️ would reformat line 3 (black)\n"
        )
        assert normalize_stderr(proc.stderr) == (
            "lintgate: 0 file(s) fixed\n"
            f"lintgate: a.py: {failed}\n"
            "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
        )
        assert proc.returncode == 3
        assert list(tmp.iterdir()) == []
    assert (repo / "a.py").read_text() == source
