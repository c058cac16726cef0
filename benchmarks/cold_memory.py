"""Where a cold run's memory goes: the peak resident memory of lintgate's parent process, of
its largest worker, and of the whole process tree summed (what benchmarks/bench.py reports).

Usage: python benchmarks/cold_memory.py [--files 10000 20000] [--work DIR]
           [--lintgate PATH] [--lintgate-args "..."] [--out FILE]

For each size, generates benchmarks/monorepo.py's tree under WORK (as monorepo_bench.py does,
kept between invocations) and runs lintgate once on it with an empty cache of its own,
sampling every process of the tree's VmRSS from /proc every SAMPLE seconds (Linux only).
Prints and writes a Markdown table: files, wall seconds, peak MiB of the parent (and the peaks
of its anonymous memory and of its file-backed pages: the cache's SQLite memory map), of the
largest worker, of the tree (summed at one instant; and its Pss summed, which counts a page
the workers share with the parent once), and the processes seen (the workers, and git during
discovery).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from monorepo_bench import build  # noqa: E402

HERE = Path(__file__).resolve().parent
SAMPLE = 0.05  # seconds between samples
KIB = 1024


def status_kib(pid: int, *fields: str) -> list[int]:
    """The `fields` (VmRSS, RssAnon, RssFile...) of process `pid`'s /proc status in KiB, 0
    when it is gone."""
    found = dict.fromkeys(fields, 0)
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in found:
                    found[name] = int(value.split()[0])
    except OSError:
        pass
    return list(found.values())


def rss_kib(pid: int) -> int:
    """VmRSS of process `pid` in KiB, 0 when it is gone."""
    return status_kib(pid, "VmRSS")[0]


def pss_kib(pid: int) -> int:
    """Pss of process `pid` in KiB (its private pages, and its share of the pages it shares
    with the others: forked workers share the parent's), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    """The pids of `pid`'s children (all its threads'), recursively."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *children(kid)]
    return out


class Peaks:
    """The peaks seen by sampling: parent, largest single worker, tree sum (KiB); the parent's
    anonymous memory and its file-backed pages (the cache's SQLite memory map) apart."""

    def __init__(self) -> None:
        self.parent = 0
        self.anon = 0
        self.file = 0
        self.worker = 0
        self.tree = 0
        self.pss = 0
        self.workers: set[int] = set()


def sample(pid: int, done: threading.Event, peaks: Peaks) -> None:
    while not done.is_set():
        parent, anon, file = status_kib(pid, "VmRSS", "RssAnon", "RssFile")
        peaks.anon, peaks.file = max(peaks.anon, anon), max(peaks.file, file)
        kids = children(pid)
        sizes = [rss_kib(k) for k in kids]
        peaks.workers.update(kids)
        peaks.parent = max(peaks.parent, parent)
        peaks.worker = max([peaks.worker, *sizes])
        peaks.tree = max(peaks.tree, parent + sum(sizes))
        peaks.pss = max(peaks.pss, sum(pss_kib(p) for p in [pid, *kids]))
        done.wait(SAMPLE)


def cold(cmd: list[str], tree: Path, cache: Path, env: dict[str, str]) -> tuple[float, Peaks, int]:
    shutil.rmtree(cache, ignore_errors=True)
    peaks = Peaks()
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--cache-dir", str(cache)],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sampler = threading.Thread(target=sample, args=(proc.pid, done, peaks), daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return wall, peaks, code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, nargs="+", default=[10_000, 20_000])
    ap.add_argument("--work", default=".downloads/bench")
    ap.add_argument("--lintgate", default=str(Path(sys.executable).parent / "lintgate"))
    ap.add_argument("--lintgate-args", default="")
    ap.add_argument("--label", default="", help="a name for the build measured (a column)")
    ap.add_argument("--out", default="")
    ns = ap.parse_args()
    work = Path(ns.work).absolute()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [ns.lintgate, *shlex.split(ns.lintgate_args)]
    lines = [
        "| build | files | exit | wall (s) | parent peak MiB (anon, file) | largest worker MiB"
        " | tree peak MiB | tree Pss peak MiB | workers |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print(*lines, sep="\n", flush=True)
    for files in ns.files:
        tree = work / f"monorepo-{files}"
        build(tree, files)
        wall, peaks, code = cold(cmd, tree, work / f"cold-memory-{files}-cache", env)
        line = (
            f"| {ns.label} | {files} | {code} | {wall:.1f} | {peaks.parent / KIB:.0f}"
            f" ({peaks.anon / KIB:.0f}, {peaks.file / KIB:.0f})"
            f" | {peaks.worker / KIB:.0f} | {peaks.tree / KIB:.0f} | {peaks.pss / KIB:.0f}"
            f" | {len(peaks.workers)} |"
        )
        print(line, flush=True)
        lines.append(line)
    if ns.out:
        Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
        Path(ns.out).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
