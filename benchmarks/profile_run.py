"""CPU profile of one in-process lintgate run (`-j1`), for finding where a missed target's
time goes.

Usage: python benchmarks/profile_run.py DIR [lintgate arguments...] [--top N]
Runs `lintgate -j1 ARGS` with DIR as the working directory under cProfile timed by
time.process_time (CPU seconds, so other processes on the machine do not inflate it), then
prints the functions with the most cumulative and the most own time, and writes the raw
profile to DIR/../lintgate.prof (readable by pstats or snakeviz).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path


def main() -> int:
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i : i + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    directory = Path(args[0]).resolve()
    os.chdir(directory)
    from lintgate.cli import main as lintgate_main

    profiler = cProfile.Profile(time.process_time)
    start = time.process_time()
    status = profiler.runcall(lintgate_main, ["-j1", *args[1:]])
    total = time.process_time() - start
    out = directory.parent / "lintgate.prof"
    profiler.dump_stats(out)
    print(f"exit {status}, {total:.2f} CPU s; profile in {out}", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
