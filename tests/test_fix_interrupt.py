"""An interrupted --fix names the files it already wrote: the `lintgate: fixed PATH` lines a
whole run prints, for exactly the files whose bytes changed, then `lintgate: interrupted`;
also when a second SIGINT follows at once (GNU `timeout -s INT` signals the process and then
its whole process group)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import command_lines, lintgate, process_group

FILES = 300

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for the group")


def unformatted(n: int) -> bytes:
    """A module black and isort both change (unsorted imports, cramped code), distinct per
    `n`, large enough that fixing it takes black a few milliseconds."""
    body = "".join(
        f"def f{n}_{i}(a,b = {i}):\n  x=[a,b,{n}]\n  return {{'k':x ,'n':{i}}}\n\n"
        for i in range(40)
    )
    return f"import sys\nimport os\n{body}y=(os,sys)\n".encode()


def make_tree(root: Path) -> dict[str, bytes]:
    """FILES unformatted modules under `root` (in two packages); returns {relative path:
    bytes}."""
    originals = {}
    for n in range(FILES):
        rel = f"pkg{n % 2}/m{n:03}.py"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        originals[rel] = unformatted(n)
        (root / rel).write_bytes(originals[rel])
    return originals


def changed(root: Path, originals: dict[str, bytes]) -> list[str]:
    return sorted(rel for rel, data in originals.items() if (root / rel).read_bytes() != data)


def start(
    work: Path, tmp_path: Path, wrapper: list[str], fault: str = ""
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LINTGATE_CACHE_DIR=str(tmp_path / "cache"), LINTGATE_TEST_FAULT=fault)
    script = Path(sys.executable).parent / "lintgate"
    return subprocess.Popen(
        [*wrapper, str(script), "--no-config", "--fix", "-j", "2"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's job
    )


def wait_for_a_write(proc: subprocess.Popen[bytes], work: Path, originals: dict) -> None:
    """Return once the workers have written a few files (long before the last)."""
    for _ in range(6000):
        if len(changed(work, originals)) >= 3:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError("no file was written")


def check_named(tmp_path: Path, work: Path, originals: dict, stderr: str) -> None:
    """The `fixed` lines name exactly the files changed on disk, in path order, each holding
    what a whole --fix makes of it; the last line says the run was interrupted."""
    lines = stderr.splitlines()
    assert lines[-1] == "lintgate: interrupted", stderr
    named = [line.removeprefix("lintgate: fixed ") for line in lines[:-1]]
    assert lines[:-1] == [f"lintgate: fixed {rel}" for rel in named], stderr
    written = changed(work, originals)
    assert named == written, stderr
    assert 0 < len(written) < FILES
    assert not [p for p in work.rglob("*") if p.is_file() and p.suffix != ".py"]  # no temp
    reference = tmp_path / "reference"
    for rel in written:
        (reference / rel).parent.mkdir(parents=True, exist_ok=True)
        (reference / rel).write_bytes(originals[rel])
    whole = lintgate(reference, "--no-config", "--fix", "-j", "2")
    assert whole.returncode == 0, whole.stderr
    # the lines a whole run prints for them, before its count
    count = f"lintgate: {len(written)} file(s) fixed"
    assert whole.stderr.splitlines()[: len(written) + 1] == lines[:-1] + [count]
    for rel in written:
        assert (work / rel).read_bytes() == (reference / rel).read_bytes(), rel


def test_sigint_names_the_files_already_fixed(tmp_path):
    work = tmp_path / "work"
    originals = make_tree(work)
    proc = start(work, tmp_path, [])
    try:
        wait_for_a_write(proc, work, originals)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole process group
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, stdout) == (130, b"")
    assert command_lines(process_group(proc.pid)) == []
    check_named(tmp_path, work, originals, stderr.decode())


@pytest.mark.parametrize("pause", [0.0, 0.05])
def test_a_second_sigint_at_once_still_names_the_files(tmp_path, pause):
    # the process, then its group (as GNU timeout -s INT does): the second SIGINT lands while
    # the first is being handled (pause 0) or while the workers are being stopped
    work = tmp_path / "work"
    originals = make_tree(work)
    proc = start(work, tmp_path, [])
    try:
        wait_for_a_write(proc, work, originals)
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(pause)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, stdout) == (130, b"")
    time.sleep(0.5)  # a worker left behind would write after lintgate ended
    assert command_lines(process_group(proc.pid)) == []
    check_named(tmp_path, work, originals, stderr.decode())


def test_a_second_sigint_while_the_workers_stop_names_the_files(tmp_path):
    # a worker deaf to SIGTERM holds the stop for a second (GRACE): the second SIGINT comes
    # meanwhile, and ends lintgate at once once that worker is killed
    work = tmp_path / "work"
    originals = make_tree(work)
    (work / "big.py").write_bytes(unformatted(0) * 4)  # the costliest: taken first
    proc = start(work, tmp_path, [], fault="stubborn:big.py")
    try:
        wait_for_a_write(proc, work, originals)
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, stdout) == (130, b"")
    assert (work / "big.py").read_bytes() == unformatted(0) * 4
    (work / "big.py").unlink()
    time.sleep(0.5)
    assert command_lines(process_group(proc.pid)) == []
    check_named(tmp_path, work, originals, stderr.decode())


@pytest.mark.skipif(shutil.which("timeout") is None, reason="needs GNU timeout")
def test_under_gnu_timeout_s_int_the_files_are_named(tmp_path):
    work = tmp_path / "work"
    originals = make_tree(work)
    # SIGINT to `timeout` makes it send SIGINT to lintgate, then to the process group
    proc = start(work, tmp_path, [shutil.which("timeout") or "timeout", "-s", "INT", "600"])
    try:
        wait_for_a_write(proc, work, originals)
        os.kill(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert (proc.returncode, stdout) == (130, b"")
    time.sleep(0.5)
    assert command_lines(process_group(proc.pid)) == []
    check_named(tmp_path, work, originals, stderr.decode())
