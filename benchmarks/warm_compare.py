"""A warm no-change run, before and after a change: two lintgate builds in the same run.

Usage: python benchmarks/warm_compare.py DIR --before LINTGATE --after LINTGATE
           [--runs 30] [--callgrind] [--args "--disable-all -E isort -E black -E imports"]
           [--work WORK] [--out benchmarks/results/warm-before-after/latest.md]

DIR is the project to check (a git repository, e.g. Django's sdist committed to git);
LINTGATE the `lintgate` console script of each build's virtual environment (e.g.
../before/.venv/bin/lintgate for main before the engine rebuild). Each build gets its own
`--cache-dir` under WORK (default: a temporary directory), filled by one untimed run; then the
timed runs alternate before/after (the machine's other load falls on both alike). Prints and
writes the minimum and median wall and CPU seconds of each, and with --callgrind the
instructions of one run of each under `valgrind --tool=callgrind` (the lintgate process only,
not git's: a count that other load on the machine does not change). The outputs of both builds
are compared: the exit statuses must be equal; whether the bytes are (the summary line's time
aside) is reported (a later build may word a message differently).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def once(command: list[str], cwd: str) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds (user + system of the children) of one run, and its result."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def instructions(command: list[str], cwd: str) -> int:
    """The instructions callgrind counts for one run of `command` (its own process only)."""
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if found is None:
        raise SystemExit(f"warm_compare: no callgrind count in: {proc.stderr[-400:]}")
    return int(found.group(1))


def _same(a: subprocess.CompletedProcess[str], b: subprocess.CompletedProcess[str]) -> bool:
    timing = re.compile(r", \d+\.\d+s$", re.M)
    return (a.returncode, a.stdout, timing.sub("", a.stderr)) == (
        b.returncode,
        b.stdout,
        timing.sub("", b.stderr),
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--args", default="--disable-all -E isort -E black -E imports")
    ap.add_argument("--work")
    ap.add_argument("--out", default="benchmarks/results/warm-before-after/latest.md")
    ns = ap.parse_args()
    work = Path(ns.work or tempfile.mkdtemp(prefix="warm_compare."))
    builds = {"before": ns.before, "after": ns.after}
    commands = {
        name: [exe, "--cache-dir", str(work / f"cache-{name}"), *shlex.split(ns.args)]
        for name, exe in builds.items()
    }
    results = {name: once(cmd, ns.dir)[2] for name, cmd in commands.items()}  # fill
    results = {name: once(cmd, ns.dir)[2] for name, cmd in commands.items()}  # warm
    same = _same(results["before"], results["after"])
    if results["before"].returncode != results["after"].returncode:
        raise SystemExit("warm_compare: the two builds' exit statuses differ")
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
    for i in range(ns.runs):
        order = list(builds) if i % 2 == 0 else list(reversed(builds))
        for name in order:
            wall, cpu, _ = once(commands[name], ns.dir)
            samples[name].append((wall, cpu))
    counts = (
        {name: instructions(cmd, ns.dir) for name, cmd in commands.items()} if ns.callgrind else {}
    )
    lines = [
        f"# Warm no-change run, before and after ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`{shlex.join(['lintgate', *shlex.split(ns.args)])}` in `{os.path.basename(ns.dir)}`, "
        f"{ns.runs} runs of each, alternating; 1-minute load average at the end: "
        f"{os.getloadavg()[0]:.2f}. Outputs "
        + ("identical." if same else "differ (the builds' messages differ), exit statuses equal."),
        "",
        "| build | wall min | wall median | CPU min | CPU median | instructions (callgrind) |",
        "|---|---|---|---|---|---|",
    ]
    for name in builds:
        walls = [w for w, _ in samples[name]]
        cpus = [c for _, c in samples[name]]
        count = f"{counts[name] / 1e6:,.0f} M" if name in counts else "-"
        lines.append(
            f"| {name} | {min(walls):.3f} s | {statistics.median(walls):.3f} s |"
            f" {min(cpus):.3f} s | {statistics.median(cpus):.3f} s | {count} |"
        )
    if counts:
        lines += ["", f"after / before instructions: {counts['after'] / counts['before']:.2f}x"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
    Path(ns.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
