"""Where a warm run's wall time goes, phase by phase, without a profiler's distortion.

Usage: python benchmarks/warm_phases.py DIR [RUNS]
Runs `lintgate` (no arguments, default concurrency) in DIR, RUNS times (default 5) in fresh
interpreters, after one run to fill the cache, and prints the median wall seconds of each
phase: interpreter start and lintgate's imports, discovery (git and stat), the planner's
exclusion verdicts (memo keys and their lookup), the result lookup (stat index, entry keys,
sqlite), the rest of the run (diagnose, filter, report, close), and the whole process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

# Runs inside the child: wraps the phases with perf_counter and prints them as JSON on stderr.
CHILD = r"""
import functools, json, sys, time
t0 = time.perf_counter()
from lintgate import cli, discovery
from lintgate.engine import plan, run as engine_run
imports = time.perf_counter() - t0
phases = {"imports": imports}
def wrap(owner, name, label):
    f = getattr(owner, name)
    @functools.wraps(f)
    def timed(*a, **k):
        s = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            phases[label] = phases.get(label, 0.0) + time.perf_counter() - s
    setattr(owner, name, timed)
wrap(discovery, "discover", "discovery")
wrap(engine_run, "run", "run")
wrap(plan.Planner, "exclusions", "exclusion verdicts")
wrap(engine_run, "answer", "result lookup")
s = time.perf_counter()
status = cli.main([])
phases["main"] = time.perf_counter() - s
sys.stdout.flush()
print("PHASES " + json.dumps(phases), file=sys.stderr)
sys.exit(status)
"""


def one(directory: str) -> dict[str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=directory, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    line = next(x for x in proc.stderr.splitlines() if x.startswith("PHASES "))
    phases = json.loads(line[len("PHASES ") :])
    run = phases.pop("run")
    main = phases.pop("main")
    phases["rest of the run"] = run - phases["exclusion verdicts"] - phases["result lookup"]
    phases["outside run (config, report, cache close)"] = main - run - phases["discovery"]
    phases["interpreter start and exit"] = wall - main - phases["imports"]
    phases["whole process"] = wall
    return phases


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    directory = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    one(directory)  # fill the cache
    samples = [one(directory) for _ in range(runs)]
    for name in samples[0]:
        value = statistics.median(s[name] for s in samples)
        print(f"{name:45s} {value:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
