"""The monorepo rows (issue 15 item 5): cold, warm no-change, one file changed, peak memory.

Usage: python benchmarks/monorepo_bench.py [--files 100000] [--runs 5] [--work DIR]
           [--lintgate-args "..."] [--out benchmarks/results/monorepo/latest.md]

Generates the synthetic monorepo of benchmarks/monorepo.py under WORK (default
`.downloads/bench/monorepo-N`, kept between invocations), its files dated an hour back (a tree
checked out a while ago), committed to git. Then, with a cache of its own under WORK:
- cold: one run with an empty cache (`--cold-runs`, default 1);
- warm no-change: `--runs` runs, nothing changed;
- one file changed: before each of `--runs` runs one line is appended to the median-sized
  module (a new line each time), as an editor would save it: now (the whole-run answer cannot
  take a file modified within 2 s; the per-file path answers);
and prints and writes a Markdown table of wall seconds (min, median), CPU seconds and peak
memory of the process tree (psutil, as benchmarks/bench.py measures it), with the targets of
issue 15 (warm < 1 s, one changed < 1.5 s, memory < 300 MiB).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Run, measure  # noqa: E402

HERE = Path(__file__).resolve().parent
MIB = 2**20


def build(tree: Path, files: int) -> None:
    """The generated tree at `tree`, committed, files dated an hour back (once)."""
    if (tree / ".git").is_dir():
        return
    if tree.exists():
        shutil.rmtree(tree)
    subprocess.run(
        [sys.executable, str(HERE / "monorepo.py"), "--files", str(files), "--no-git", str(tree)],
        check=True,
    )
    old = time.time_ns() - 3600 * 10**9
    for dirpath, _, names in os.walk(tree):
        for n in names:
            os.utime(os.path.join(dirpath, n), ns=(old, old))
    git = ["git", "-C", str(tree), "-c", "user.name=b", "-c", "user.email=b@example"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run(
        [*git, "-c", "commit.gpgsign=false", "commit", "-qm", "m", "--no-verify"], check=True
    )


def median_module(tree: Path) -> Path:
    mods = sorted(tree.glob("pkg*/mod*.py"), key=lambda p: (p.stat().st_size, str(p)))
    return mods[len(mods) // 2]


def row(name: str, runs: list[Run], target: float | None = None) -> str:
    walls = [r.wall for r in runs]
    cpus = [r.cpu for r in runs]
    peak = max(r.peak_rss for r in runs) / MIB
    met = "" if target is None else (" met" if statistics.median(walls) < target else " missed")
    goal = "" if target is None else f"< {target} s:{met}"
    return (
        f"| {name} | {len(runs)} | {min(walls):.2f} | {statistics.median(walls):.2f} |"
        f" {statistics.median(cpus):.2f} | {peak:.0f} | {goal} |"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=1, help="0: keep the cache of a run before")
    ap.add_argument("--work", default=".downloads/bench")
    ap.add_argument("--lintgate-args", default="")
    ap.add_argument("--lintgate", default=str(Path(sys.executable).parent / "lintgate"))
    ap.add_argument("--out", default=str(HERE / "results" / "monorepo" / "latest.md"))
    ns = ap.parse_args()
    work = Path(ns.work).absolute()
    tree = work / f"monorepo-{ns.files}"
    build(tree, ns.files)
    cache = work / f"monorepo-{ns.files}-cache"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [ns.lintgate, "--cache-dir", str(cache), *shlex.split(ns.lintgate_args)]
    cold = []
    for _ in range(ns.cold_runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(measure([cmd], tree, env, logs / "monorepo-cold.log"))
    measure([cmd], tree, env, logs / "monorepo-fill.log")  # the first warm run stores the run
    warm = [measure([cmd], tree, env, logs / "monorepo-warm.log") for _ in range(ns.runs)]
    target = median_module(tree)
    original = target.read_bytes()
    changed = []
    try:
        for i in range(ns.runs):
            target.write_bytes(original + f"# bench edit {i}\n".encode())
            changed.append(measure([cmd], tree, env, logs / "monorepo-changed.log"))
    finally:
        target.write_bytes(original)
    count = sum(1 for _ in tree.rglob("*.py"))
    lines = [
        f"# Monorepo rows ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"`{shlex.join(['lintgate', *shlex.split(ns.lintgate_args)])}` on benchmarks/monorepo.py's"
        f" tree of {count} Python files, {os.cpu_count()} CPUs, 1-minute load average"
        f" {os.getloadavg()[0]:.2f} at the end. Changed file: `{target.relative_to(tree)}`.",
        "",
        "| scenario | runs | wall min (s) | wall median (s) | CPU median (s) | peak MiB | target |",
        "|---|---|---|---|---|---|---|",
        *([row("cold", cold)] if cold else []),
        row("warm, no change", warm, 1.0),
        row("one file changed", changed, 1.5),
        "",
        f"Peak memory over all rows: {max(r.peak_rss for r in cold + warm + changed) / MIB:.0f} MiB"
        " (target < 300 MiB).",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
    Path(ns.out).write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
