"""`lintgate --fix` and `--diff` on copies of the running Python's standard library (with
`[tool.isort] profile = "black"`).

- Round trip and agreement: `--diff` writes nothing, and its output applied with `git apply`
  to the original copy gives exactly the bytes `--fix` wrote to another copy; `lintgate` after
  `--fix` reports exactly what `--fix` left (its output without the `fix` lines);
  `isort --check-only` and `black --check` pass on every file `--fix` changed; every file that
  does not parse or decode is byte-identical. Default run: a fixed sample of ~40 files;
  LINTGATE_FIX_FULL=1 (`make fix-stdlib`): every file, with the numbers printed (run with -s).
- Crash safety: `lintgate --fix` on a copy of ~150 files is killed (SIGKILL, its whole process
  group) at 10 random moments, restarted each time; every file is then either its original
  bytes or exactly what an uninterrupted `--fix` wrote, and a last run completes the job.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import copy_stdlib, lintgate
from helpers import stdlib_sample as stdlib_files
from test_fix import SCRIPT, run_bytes, tree

from lintgate.fix import TEMP_SUFFIX

FULL = bool(os.environ.get("LINTGATE_FIX_FULL"))
BIN = Path(sys.executable).parent
TIMEOUT = 7200 if FULL else 600  # seconds for one lintgate run
LINE = re.compile(r"^(.*?):\d+:\d*:(?:warning|error): .* \(([\w, ]+)\)$")


def by_linter(stdout: str) -> dict[str, set[str]]:
    """gometalinter lines -> {linter: paths}."""
    found: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        m = LINE.match(line)
        assert m, line
        found.setdefault(m.group(2), set()).add(m.group(1))
    return found


@pytest.mark.slow
def test_fix_and_diff_on_the_standard_library(tmp_path):
    files = stdlib_files(None if FULL else 40, 30_000)
    a = copy_stdlib(files, tmp_path / "a")
    b = copy_stdlib(files, tmp_path / "b")
    original = tree(a)
    start = time.monotonic()

    diff = run_bytes(a, "--diff", "--format", "gometalinter", timeout=TIMEOUT)
    assert b"Traceback" not in diff.stderr
    assert tree(a) == original
    fix = lintgate(b, "--fix", "--format", "gometalinter", timeout=TIMEOUT)
    assert "Traceback" not in fix.stderr
    assert fix.returncode in (0, 1), fix.stderr[-2000:]
    fixed = tree(b)
    changed = sorted(p for p in fixed if fixed[p] != original[p])
    assert changed
    assert diff.returncode == 1
    assert not [p for p in fixed if p.endswith(TEMP_SUFFIX)]

    subprocess.run(
        ["git", "apply", "--whitespace=nowarn", "-"], cwd=a, input=diff.stdout, check=True
    )
    assert tree(a) == fixed  # the patch gives exactly what --fix wrote

    after = lintgate(b, "--format", "gometalinter", timeout=TIMEOUT)
    left = [line for line in fix.stdout.splitlines() if not line.endswith(" (fix)")]
    assert after.stdout.splitlines() == left  # nothing left but what --fix reported

    found = by_linter(fix.stdout)
    broken = found.get("syntax", set()) | found.get("encoding", set())
    assert all(fixed[p] == original[p] for p in broken)
    not_fixed = found.get("fix", set())
    assert all(fixed[p] == original[p] for p in not_fixed)
    assert not set(changed) & (broken | not_fixed)

    env = dict(os.environ, BLACK_CACHE_DIR=str(tmp_path / "black-cache"))
    isort = subprocess.run(
        [str(BIN / "isort"), "--check-only", *changed],
        cwd=b,
        env=env,
        capture_output=True,
        text=True,
    )
    assert isort.returncode == 0, isort.stderr[-2000:]
    black = subprocess.run(
        [str(BIN / "black"), "--check", *changed], cwd=b, env=env, capture_output=True, text=True
    )
    assert black.returncode == 0, black.stderr[-2000:]
    print(
        f"\n{len(files)} files, {len(changed)} fixed, {len(broken)} did not parse or decode "
        f"(untouched), {len(not_fixed)} not fixed (fix errors), "
        f"{len(left)} findings left, {time.monotonic() - start:.0f}s"
    )
    for line in fix.stdout.splitlines():
        if line.endswith(" (fix)"):
            print(line)


@pytest.mark.slow
def test_killed_fix_leaves_each_file_original_or_fixed(tmp_path):
    files = stdlib_files(150, 3_000)
    reference = copy_stdlib(files, tmp_path / "reference")
    victim = copy_stdlib(files, tmp_path / "victim")
    original = tree(victim)
    start = time.monotonic()
    done = lintgate(reference, "--fix")
    duration = time.monotonic() - start
    assert done.returncode in (0, 1), done.stderr[-2000:]
    fixed = tree(reference)
    assert sum(fixed[p] != original[p] for p in fixed) > 100

    seed = int(os.environ.get("LINTGATE_CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    env = dict(os.environ)
    env.pop("LINTGATE_CACHE_DIR", None)
    for _ in range(10):
        proc = subprocess.Popen(
            [str(SCRIPT), "--fix"],
            cwd=victim,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.0, duration))
        os.killpg(proc.pid, signal.SIGKILL)  # lintgate and its workers, mid-write or not
        proc.wait()
        now = tree(victim)
        leftovers = [p for p in now if p not in original]
        assert all(p.endswith(TEMP_SUFFIX) for p in leftovers), (seed, leftovers)
        bad = [p for p in original if now[p] not in (original[p], fixed[p])]
        assert not bad, (seed, bad)

    final = lintgate(victim, "--fix")
    assert final.returncode == done.returncode, final.stderr[-2000:]
    now = tree(victim)
    assert {p: now[p] for p in original} == fixed, seed
