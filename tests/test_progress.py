"""The progress line: on a terminal (stderr on a pseudo-terminal), one self-updating line,
throttled, erased before the summary, never on stdout; nothing when stderr is a pipe."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from helpers import copy_stdlib, lintgate, stdlib_sample

from lintgate.progress import DELAY, UPDATES_PER_SECOND, Progress

LINE = re.compile(r"lintgate: (\d+)/(\d+) files, (\d+) findings, (\d+\.\d)s")
ERASE = "\r\x1b[K"


def _on_a_terminal(cwd: Path, *args: str, env: dict) -> tuple[int, str, str]:
    """Run lintgate with stderr on a pseudo-terminal's slave and stdout on a pipe; returns
    (exit status, stdout, everything the terminal got)."""
    master, slave = pty.openpty()
    full_env = {**os.environ, "TERM": "xterm", **env}
    script = Path(sys.executable).parent / "lintgate"
    proc = subprocess.Popen(
        [str(script), *args], cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=slave
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the slave side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    stdout = proc.stdout.read()
    status = proc.wait(timeout=600)
    reader.join(timeout=60)
    os.close(master)
    return status, stdout.decode(), b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """100 files of the standard library, and a cold run of them with stderr on a pipe."""
    root = copy_stdlib(stdlib_sample(100, 40_000), tmp_path_factory.mktemp("progress") / "repo")
    cache = tmp_path_factory.mktemp("cache")
    return root, lintgate(root, "-j", "2", env={"LINTGATE_CACHE_DIR": str(cache)})


def test_progress_line_on_a_terminal(sample, tmp_path):
    root, piped = sample
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    status, stdout, terminal = _on_a_terminal(root, "-j", "2", env=env)
    assert status == piped.returncode == 1
    assert stdout == piped.stdout  # nothing of it on stdout
    total = int(re.match(r"lintgate: (\d+) files checked", piped.stderr).group(1))
    assert terminal.endswith("\n") and terminal.count("\n") == 1  # the summary's only
    *updates, summary = terminal[:-1].split(ERASE)
    assert re.fullmatch(
        rf"lintgate: {total} files checked, \d+ findings?, 0 from cache, \d+\.\d\ds", summary
    )
    assert updates[0] == ""  # each update erases the line first; the summary too
    shown = [LINE.fullmatch(u) for u in updates[1:]]
    assert shown and all(shown), updates
    files = [int(m.group(1)) for m in shown]
    findings = [int(m.group(3)) for m in shown]
    seconds = [float(m.group(4)) for m in shown]
    assert {int(m.group(2)) for m in shown} == {total}
    assert files == sorted(files) and findings == sorted(findings) and seconds == sorted(seconds)
    assert files[-1] < total  # the last file's line is not drawn: the summary follows
    # throttled: at most UPDATES_PER_SECOND a second, the first after DELAY (rounded: the
    # shown seconds have one decimal, and 10 * (1.2 - 1.0) is 1.9999999999999996 in floats)
    assert len(shown) <= round(UPDATES_PER_SECOND * (seconds[-1] - DELAY), 6) + 1
    assert seconds[0] >= DELAY


def test_no_progress_when_stderr_is_a_pipe(sample):
    root, piped = sample
    assert piped.returncode == 1
    assert re.fullmatch(
        r"lintgate: \d+ files checked, \d+ findings?, 0 from cache, \d+\.\d\ds\n", piped.stderr
    )
    assert "\x1b" not in piped.stdout + piped.stderr and "\r" not in piped.stdout + piped.stderr


def test_no_progress_on_a_dumb_terminal(fixture_repo, tmp_path):
    repo = fixture_repo("report-all")
    status, stdout, terminal = _on_a_terminal(
        repo, env={"TERM": "dumb", "LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    )
    assert "\x1b" not in terminal and "\r" not in terminal


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0  # steps of 1/16 s: exact in binary

    def __call__(self) -> float:
        return self.now


def test_progress_throttles_and_erases():
    stream, clock = io.StringIO(), _Clock()
    line = Progress(stream, 10, clock)
    clock.now += 0.9375
    line.add(1, 2)  # before DELAY: not yet
    assert stream.getvalue() == ""
    clock.now += 0.0625
    line.add(1, 0)  # at DELAY
    clock.now += 0.0625
    line.add(1, 1)  # within 1/10 s of the last draw: not drawn
    clock.now += 0.0625
    line.add(1, 0)
    clock.now += 1
    line.add(6, 0)  # every file done: not drawn, the summary follows
    line.erase()
    line.erase()  # once
    assert stream.getvalue() == (
        f"{ERASE}lintgate: 2/10 files, 2 findings, 1.0s"
        f"{ERASE}lintgate: 4/10 files, 3 findings, 1.1s{ERASE}"
    )


def test_a_one_file_run_never_draws():
    stream, clock = io.StringIO(), _Clock()
    line = Progress(stream, 1, clock)
    clock.now += 5
    line.add(1, 3)
    line.erase()
    assert stream.getvalue() == ""
