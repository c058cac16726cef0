"""The worker pool (lintgate.executor) and the run-level robustness it gives: the deadline on
runs of any size, a dead or runaway worker costs one file, not the run, workers never outlive
lintgate, -j is capped. Faults are injected with LINTGATE_TEST_FAULT (lintgate.workers.injected_fault).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import children, lintgate, normalize_stderr, process_group

from lintgate import executor, workers
from lintgate.executor import ForkPool, Lost, SerialExecutor

NEEDS_PROC = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for processes")
DIRTY = b"import sys\nimport os\n\nx=(os,sys)\n"  # isort and black change it
CLEAN = b"import os\n\nx = os\n"
FIXED = b"import os\nimport sys\n\nx = (os, sys)\n"  # DIRTY after --fix


def make_tree(root: Path, count: int, dirty_every: int = 10) -> Path:
    """`count` files f0001.py...: one in `dirty_every` with findings (fixable), the rest clean."""
    root.mkdir()
    for i in range(1, count + 1):
        (root / f"f{i:04}.py").write_bytes(DIRTY if i % dirty_every == 0 else CLEAN)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


def fault(spec: str) -> dict:
    return {workers.FAULT_ENV: spec}


# --- the executor itself --------------------------------------------------------------------


def _square(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGSEGV)
    if n == 5:
        raise ValueError("five")
    if n == 7:
        time.sleep(60)
    return n * n


@pytest.mark.parametrize("processes", [1, 2, 4])
def test_fork_pool_answers_every_item_and_survives_its_workers(processes):
    pool = ForkPool(lambda: _square, processes, task_limit=1.0)
    start = time.monotonic()
    got = dict(pool.map_unordered(list(range(40))))
    assert time.monotonic() - start < 20
    assert got.pop(3) == Lost("worker died (signal SIGSEGV)")
    assert got.pop(5) == Lost("internal error: ValueError: five")
    assert got.pop(7) == Lost("took longer than 1s (FileDeadline)")
    assert got == {n: n * n for n in range(40) if n not in (3, 5, 7)}


def test_fork_pool_stops_at_the_deadline_and_leaves_no_worker():
    pool = ForkPool(lambda: _square, 2)
    start = time.monotonic()
    got = dict(pool.map_unordered([7, 7, 7, 1], deadline=time.monotonic() + 0.5))
    assert time.monotonic() - start < 5
    assert got == {}
    assert pool._workers == []


def test_serial_executor_matches():
    got = dict(SerialExecutor(lambda: lambda n: n + 1).map_unordered([1, 2]))
    assert got == {0: 2, 1: 3}


def test_pool_size_is_capped_by_the_items_and_the_cpus():
    cpus = os.cpu_count() or 1
    assert executor.pool_size(100000, 3) == 3
    assert executor.pool_size(100000, 10**6) == executor.CPU_FACTOR * cpus
    assert executor.pool_size(2, 500) == 2
    assert executor.pool_size(0, 0) == 1


# --- Deadline at scale (it used to crash: 'generator' object has no attribute 'next') -------


@pytest.mark.parametrize("jobs", ["1", "2", "4"])
def test_a_deadline_that_does_not_fire_changes_nothing_on_500_files(tmp_path, jobs):
    repo = make_tree(tmp_path / "repo", 500)
    plain_env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache-plain")}
    deadline_env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache-deadline")}
    for temperature in ("0", "500"):  # cold, then warm: the files from cache
        plain = lintgate(repo, "--no-config", "-j", jobs, env=plain_env)
        with_deadline = lintgate(
            repo, "--no-config", "-j", jobs, "--deadline", "10m", env=deadline_env
        )
        assert f", {temperature} from cache, " in plain.stderr
        assert with_deadline.returncode == plain.returncode == 1, with_deadline.stderr
        assert with_deadline.stdout == plain.stdout
        assert len(plain.stdout.splitlines()) == 50 * 2
        assert normalize_stderr(with_deadline.stderr) == normalize_stderr(plain.stderr)


@pytest.mark.parametrize("jobs", ["1", "2", "4"])
def test_a_deadline_that_does_not_fire_changes_nothing_with_fix_and_diff(tmp_path, jobs):
    repos = [make_tree(tmp_path / name, 500) for name in ("plain", "deadline")]
    diffs = [
        lintgate(r, "--no-config", "--diff", "-j", jobs, *x)
        for r, x in zip(repos, ([], ["--deadline", "10m"]))
    ]
    assert diffs[0].returncode == diffs[1].returncode == 1
    assert diffs[0].stdout == diffs[1].stdout
    assert normalize_stderr(diffs[0].stderr) == normalize_stderr(diffs[1].stderr)
    fixes = [
        lintgate(r, "--no-config", "--fix", "-j", jobs, *x)
        for r, x in zip(repos, ([], ["--deadline", "10m"]))
    ]
    assert fixes[0].returncode == fixes[1].returncode == 0, fixes[1].stderr
    assert (fixes[0].stdout, normalize_stderr(fixes[0].stderr)) == (
        fixes[1].stdout,
        normalize_stderr(fixes[1].stderr),
    )
    named = [line for line in fixes[0].stderr.splitlines() if line.startswith("lintgate: fixed ")]
    assert len(named) == 50 and "lintgate: 50 file(s) fixed\n" in fixes[0].stderr
    assert snapshot(repos[0]) == snapshot(repos[1])


def _unchecked(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "deadline passed" in line)
    count = int(re.search(r"; (\d+) file\(s\) not checked:", lines[start]).group(1))
    names = [line.strip() for line in lines[start + 1 : start + 1 + count]]
    assert all(line.startswith("  ") for line in lines[start + 1 : start + 1 + count])
    return names


@pytest.mark.parametrize("jobs", ["1", "2", "4"])
@pytest.mark.parametrize("mode", ["check", "fix", "diff"])
def test_a_deadline_that_fires_keeps_the_findings_so_far_and_names_the_rest(tmp_path, jobs, mode):
    repo = make_tree(tmp_path / "repo", 500, dirty_every=1)
    before = snapshot(repo)
    env = fault("hang:f0250.py")  # the run cannot finish before the deadline
    args = ["--no-config", "-j", jobs, "--deadline", "3s"] + {
        "check": [],
        "fix": ["--fix"],
        "diff": ["--diff"],
    }[mode]
    start = time.monotonic()
    proc = lintgate(repo, *args, env=env)
    assert time.monotonic() - start < 30
    assert proc.returncode & 2, proc.stderr
    assert "Traceback" not in proc.stderr
    unchecked = _unchecked(proc.stderr)
    assert "f0250.py" in unchecked
    if mode == "check":
        reported = {line.split(":")[0] for line in proc.stdout.splitlines()}
        assert reported and not reported & set(unchecked)
        assert reported | set(unchecked) == set(before)
        assert proc.returncode == 3
    elif mode == "diff":
        diffed = set(re.findall(r"^diff --git a/(\S+) ", proc.stdout, re.MULTILINE))
        assert diffed and not diffed & set(unchecked)
        assert diffed | set(unchecked) == set(before)
        assert snapshot(repo) == before
        assert proc.returncode == 3
    else:
        after = snapshot(repo)
        fixed = {name for name in before if after[name] != before[name]}
        # a file being written when the deadline passed is written wholly (the write holds
        # SIGTERM back), yet named unchecked: its worker's answer never came
        assert fixed and len(fixed & set(unchecked)) <= int(jobs)
        assert fixed | set(unchecked) == set(before)
        assert all(after[name] == FIXED for name in fixed)
    files_line = proc.stderr.splitlines()[-1]
    assert files_line.startswith(f"lintgate: {500 - len(unchecked)} files checked, ")


# --- a worker that dies or runs away costs one file ----------------------------------------


@pytest.mark.parametrize(
    "spec, cause",
    [
        ("segv:f0007.py", "worker died (signal SIGSEGV)"),
        ("kill:f0007.py", "worker died (signal SIGKILL)"),
        ("hang:f0007.py", "took longer than 1s (FileDeadline)"),
    ],
)
@pytest.mark.parametrize("mode", ["check", "fix"])
def test_a_lost_worker_costs_one_file_and_sets_bit_2(tmp_path, spec, cause, mode):
    repos = [make_tree(tmp_path / name, 40, dirty_every=1) for name in ("plain", "faulty")]
    extra = ["--fix"] if mode == "fix" else []
    plain = lintgate(repos[0], "--no-config", "-j", "2", *extra)
    proc = lintgate(
        repos[1], "--no-config", "-j", "2", "--file-deadline", "1s", *extra, env=fault(spec)
    )
    verb = "checking" if mode == "check" else "fixing"
    assert f"lintgate: f0007.py: {cause} while {verb}\n" in proc.stderr
    assert "Traceback" not in proc.stderr
    if mode == "check":
        assert proc.returncode == 3
        assert proc.stdout.splitlines() == [
            line for line in plain.stdout.splitlines() if not line.startswith("f0007.py:")
        ]
    else:
        assert (plain.returncode, proc.returncode) == (0, 2)
        named = [line for line in proc.stderr.splitlines() if line.startswith("lintgate: fixed ")]
        assert len(named) == 39 and "\nlintgate: 39 file(s) fixed\n" in proc.stderr
        fixed, faulty = snapshot(repos[0]), snapshot(repos[1])
        assert faulty.pop("f0007.py") == DIRTY
        fixed.pop("f0007.py")
        assert faulty == fixed


@pytest.mark.parametrize("mode", ["check", "fix"])
def test_a_file_over_file_deadline_is_not_counted_as_checked(tmp_path, mode):
    repo = make_tree(tmp_path / "repo", 34)  # f0010, f0020, f0030 dirty
    (repo / ".git").mkdir()
    extra = ["--fix"] if mode == "fix" else []
    proc = lintgate(
        repo, "--no-config", "-j", "2", "--file-deadline", "1s", *extra, env=fault("hang:f0007.py")
    )
    verb = "checking" if mode == "check" else "fixing"
    fixed = (
        "lintgate: fixed f0010.py\nlintgate: fixed f0020.py\nlintgate: fixed f0030.py\n"
        "lintgate: 3 file(s) fixed\n"
        if mode == "fix"
        else ""
    )
    findings = "0 findings" if mode == "fix" else "6 findings"
    assert (normalize_stderr(proc.stderr), proc.returncode) == (
        f"{fixed}lintgate: f0007.py: took longer than 1s (FileDeadline) while {verb}\n"
        f"lintgate: 33 files checked, 1 not checked, {findings}, 0 from cache, N.NNs\n",
        2 if mode == "fix" else 3,
    )
    report = lintgate(
        repo,
        "--no-config",
        "-j",
        "2",
        "--file-deadline",
        "1s",
        "--format",
        "junit",
        env=fault("hang:f0007.py"),
    )
    assert 'name="f0006.py"' in report.stdout
    assert "f0007.py" not in report.stdout  # no verdict: not reported as a clean file


def test_file_deadline_is_a_config_key_with_a_generous_default(tmp_path):
    repo = make_tree(tmp_path / "repo", 2)
    shown = lintgate(repo, "--no-config", "--print-config")
    assert '"FileDeadline": "120s"' in shown.stdout
    (repo / "lintgate.json").write_text('{"FileDeadline": "1s"}')
    proc = lintgate(repo, "-j", "1", env=fault("hang:f0001.py"))
    assert "lintgate: f0001.py: took longer than 1s (FileDeadline) while checking\n" in proc.stderr
    (repo / "lintgate.json").write_text('{"FileDeadline": "soon"}')
    bad = lintgate(repo)
    assert (bad.returncode, bad.stderr) == (
        2,
        "lintgate: lintgate.json: FileDeadline: invalid duration 'soon' "
        '(Go syntax, e.g. "90s", "8m", "1h30m")\n',
    )


# --- signals and the parent's death ---------------------------------------------------------


def _start(repo: Path, tmp_path: Path, *args: str, spec: str) -> subprocess.Popen:
    env = dict(os.environ, LINTGATE_CACHE_DIR=str(tmp_path / "cache"), **fault(spec))
    script = Path(sys.executable).parent / "lintgate"
    return subprocess.Popen(
        [str(script), "--no-config", *args],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for_worker(proc: subprocess.Popen) -> None:
    for _ in range(300):
        assert proc.poll() is None, proc.communicate()
        if children(proc.pid):
            time.sleep(0.3)  # it has taken its file by now
            return
        time.sleep(0.05)
    raise AssertionError("no worker started")


@NEEDS_PROC
@pytest.mark.parametrize("spec", ["hang:f0001.py", "stubborn:f0001.py"])
def test_sigterm_stops_a_run_whose_worker_is_stuck(tmp_path, spec):
    # `stubborn`: a worker that ignores SIGTERM (as code that never returns to Python to run a
    # handler would seem); the parent kills it after the grace
    repo = make_tree(tmp_path / "repo", 1)
    proc = _start(repo, tmp_path, "-j", "1", spec=spec)
    try:
        _wait_for_worker(proc)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
        assert time.monotonic() - start < executor.GRACE + 3
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, stdout, stderr) == (143, b"", b"lintgate: terminated\n")
    assert process_group(proc.pid) == []


@NEEDS_PROC
def test_workers_die_with_their_parent(tmp_path):
    repo = make_tree(tmp_path / "repo", 20, dirty_every=1)
    proc = _start(repo, tmp_path, "--fix", "-j", "2", spec="hang:f0001.py")
    try:
        _wait_for_worker(proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        for _ in range(100):
            if not process_group(proc.pid):
                break
            time.sleep(0.05)
        assert process_group(proc.pid) == []
    finally:
        if proc.poll() is None or process_group(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    assert b"Traceback" not in proc.stderr.read()
    assert not [p for p in repo.iterdir() if not p.name.endswith(".py")]


def test_a_huge_concurrency_is_capped(tmp_path):
    repo = make_tree(tmp_path / "repo", 30)
    proc = lintgate(repo, "--no-config", "-j", "100000")
    plain = lintgate(repo, "--no-config", "-j", "1")
    assert (proc.returncode, proc.stdout) == (plain.returncode, plain.stdout)


@pytest.mark.parametrize("mode", [[], ["--fix"]])
def test_a_file_that_crashes_a_native_parser_never_hangs_the_run(tmp_path, mode):
    # 2,000 nested parentheses overflowed libcst's native parser's stack (SIGSEGV): the pool
    # used to wait for that worker forever. Whether the parser crashes or reports it, the run
    # ends and the other files are reported.
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "deep.py").write_text("x = " + "(" * 2000 + "1" + ")" * 2000 + "\n")
    (repo / "b.py").write_bytes(DIRTY)
    proc = lintgate(repo, "--no-config", "-j", "1", *mode, timeout=120)
    assert "Traceback" not in proc.stderr
    died = [line for line in proc.stderr.splitlines() if "worker died" in line]
    verb = "fixing" if mode else "checking"
    assert died in ([], [f"lintgate: deep.py: worker died (signal SIGSEGV) while {verb}"])
    if mode:
        assert (repo / "b.py").read_bytes() == FIXED
    else:
        assert proc.stdout.startswith("b.py:1:1: ⚠️ imports are incorrectly sorted")
