"""Running an external tool: one batch as its own process group (so a deadline ends the tool and
everything it started: `start_new_session`, `killpg`), its version, its failure as one line."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from typing import NamedTuple, Sequence

# Seconds the version command may take, and the remaining output may take to drain after a kill.
VERSION_SECONDS = 30.0
DRAIN_SECONDS = 5.0
STDERR_LINES = 3  # the last lines of stderr a tool error quotes


class Ran(NamedTuple):
    """One batch's process: its exit `status` (None when it did not end by itself: `killed` at
    the deadline, or never `started`), what it printed, and whether it was `killed`."""

    status: int | None
    stdout: str
    stderr: str
    killed: bool = False
    started: bool = True


def tool_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment an external tool runs in: lintgate's, with a definition's `extra`
    variables, and PATH followed by the directory of lintgate's own interpreter, so that a
    tool installed in lintgate's virtual environment is found when the environment is not
    activated (`.venv/bin/lintgate -E mypy`), as a venv's own scripts find each other."""
    env = {**os.environ, **extra}
    scripts = os.path.dirname(os.path.abspath(sys.executable))
    path = env.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        env["PATH"] = f"{path}{os.pathsep}{scripts}" if path else scripts
    return env


def executable(word: str, env: dict[str, str] | None = None) -> str | None:
    """The absolute path of the program `word` (a command's first word) names: looked up on
    PATH (of `env` when given) unless it holds a `/`; None when there is none."""
    path = (env or os.environ).get("PATH")
    found = shutil.which(word, path=path)
    return os.path.abspath(found) if found else None


def run_batch(
    argv: Sequence[str],
    cwd: str,
    env: dict[str, str],
    limit: float | None,
    live: set[int] | None = None,
) -> Ran:
    """Run `argv` in `cwd` with `env`, its stdin /dev/null, until it ends or until `limit` (a
    time.monotonic() instant, None for no limit): then its whole process group is killed
    (SIGKILL) and what it printed so far is kept. A batch whose turn comes after `limit` is not
    started. `live`: the pids of the groups still running (this one is in it while it runs).
    Raises OSError when the program cannot be started (FileNotFoundError: missing)."""
    if limit is not None and time.monotonic() >= limit:
        return Ran(None, "", "", started=False)
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: killpg ends what it started too
    )
    timeout = None if limit is None else max(limit - time.monotonic(), 0.0)
    if live is not None:
        live.add(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
        return Ran(proc.returncode, _text(out), _text(err))
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        try:
            out, err = proc.communicate(timeout=DRAIN_SECONDS)
        except subprocess.TimeoutExpired:  # a descendant left the group and holds the pipes
            proc.kill()
            out, err = b"", b""
        return Ran(None, _text(out), _text(err), killed=True)
    except BaseException:  # interrupted (SIGINT, SIGTERM): the tool must not outlive lintgate
        kill_group(proc.pid)
        raise
    finally:
        if live is not None:
            live.discard(proc.pid)


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by `pid` (gone already: nothing)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def ask_version(
    argv: Sequence[str], cwd: str, env: dict[str, str], limit: float | None = None
) -> str:
    """What `argv` (the tool and its version arguments) prints first: the first non-empty line
    of its stdout, else of its stderr, at most 200 characters; "" when it prints nothing,
    fails to start, or takes over VERSION_SECONDS or past `limit` (time.monotonic() seconds,
    the run's Deadline; None: none): then its whole process group is killed (run_batch)."""
    until = time.monotonic() + VERSION_SECONDS
    try:
        ran = run_batch(argv, cwd, env, until if limit is None else min(limit, until))
    except OSError:
        return ""
    if ran.status is None:  # killed, or its turn came after the deadline
        return ""
    for stream in (ran.stdout, ran.stderr):
        for line in stream.splitlines():
            if line.strip():
                return line.strip()[:200]
    return ""


def failure(
    name: str, ran: Ran, parsed: int, codes: frozenset[int], unmatched: list[str] | None = None
) -> str | None:
    """The one-line tool error of a batch that ended by itself, or None when it did its job: an
    exit status outside {0} and `codes` (what the tool's findings exit with), or a non-zero
    status with no finding parsed (`parsed`) and text on stderr or stdout (a findings status
    with output the pattern cannot read: a wrong pattern must not pass the gate). The line quotes the last
    STDERR_LINES of `quoted` lines (`unmatched`: see there), joined by ` | `."""
    status = ran.status
    if status is None or status == 0:
        return None
    if status in codes and (parsed or not (ran.stderr.strip() or ran.stdout.strip())):
        return None
    said = " | ".join(quoted(ran, unmatched)[-STDERR_LINES:])
    if len(said) > 500:
        said = "..." + said[-497:]
    how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
    if status in codes and not ran.stderr.strip():  # its findings status, nothing readable
        how += " (findings) but no line of its output matched its pattern"
    return f"{name}: the tool {how}" + (f": {said}" if said else " and printed nothing")


def quoted(ran: Ran, unmatched: list[str] | None = None) -> list[str]:
    """The lines a tool error quotes (the caller keeps the last few): of stderr, unless only
    stdout has a line saying "error" (mypy prints its errors on stdout); the non-empty lines,
    stripped, without mypy's `note:` lines when others are left (a note explains the error
    before it: "See https://...", "Common resolutions include: ..."). `unmatched`: the
    lines of stdout the pattern did not match, when known (its findings are not quoted)."""
    out = lines(ran.stdout)
    if unmatched is not None:
        left = {x.strip() for x in unmatched}
        out = [x for x in out if x in left] or out
    streams = [lines(ran.stderr), out]
    said = next((s for s in streams if any("error" in x.lower() for x in s)), None)
    if said is None:
        said = streams[0] or streams[1]
    plain = [x for x in said if not _NOTE.search(x)]
    return plain or said


def lines(text: str) -> list[str]:
    """The non-empty lines of a tool's `text`, stripped (split on "\\n" only)."""
    return [x.strip() for x in text.split("\n") if x.strip()]


_NOTE = re.compile(r"(?:^|: )note: ")  # mypy's `PATH:LINE: note: ...`, `PATH: note: ...`


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "replace")
