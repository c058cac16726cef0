"""CPU cost and findings of the `imports` check over the standard library.

    python benchmarks/imports_stdlib.py [--black-sample N]

Prints: files, findings, files needing the fallback parser or not parsing, and the CPU seconds
(time.process_time) of `imports.check` over every file; with --black-sample N, also the CPU
seconds of black.format_file_contents(fast=True) over every k-th file (a fixed sample of about
N files: sorted paths, stride len/N) and its extrapolation to the whole library
(sample seconds x total lines / sample lines).
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sysconfig
import time

from lintgate.linters import imports
from lintgate.linters.base import ParseError
from lintgate.source import DecodeError, decode


def stdlib_files() -> list[pathlib.Path]:
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--black-sample", type=int, default=0)
    ap.add_argument("--list", action="store_true", help="print every finding")
    args = ap.parse_args()
    files = stdlib_files()
    sources = []
    for p in files:
        try:
            sources.append((p, decode(p.read_bytes())))
        except DecodeError:
            pass
    kinds = collections.Counter()
    errors = 0
    t = time.process_time()
    for p, s in sources:
        try:
            found = imports.check(s, imports.SETTINGS)
        except ParseError:
            errors += 1
            continue
        for f in found:
            kinds[
                (
                    "unused"
                    if "unused" in f.message
                    else "duplicate" if "again" in f.message else "__future__"
                )
            ] += 1
            if args.list:
                print(f"{p}:{f.line}:{f.col}: {f.message}")
    cpu = time.process_time() - t
    lines = sum(s.text.count("\n") for _, s in sources)
    print(
        f"files {len(sources)} lines {lines} parse-errors {errors} findings {sum(kinds.values())} {dict(kinds)}"
    )
    print(f"imports.check CPU seconds: {cpu:.1f}")
    if args.black_sample:
        import black

        stride = max(1, len(sources) // args.black_sample)
        sample = sources[::stride]
        sample_lines = sum(s.text.count("\n") for _, s in sample)
        t = time.process_time()
        for _, s in sample:
            try:
                black.format_file_contents(s.text, fast=True, mode=black.Mode())
            except Exception:  # NothingChanged, InvalidInput
                pass
        bcpu = time.process_time() - t
        t = time.process_time()
        for _, s in sample:
            try:
                imports.check(s, imports.SETTINGS)
            except ParseError:
                pass
        icpu = time.process_time() - t
        print(
            f"sample {len(sample)} files {sample_lines} lines: black {bcpu:.1f} s, imports {icpu:.1f} s "
            f"({100 * icpu / bcpu:.1f}% of black); black extrapolated to the library: {bcpu * lines / sample_lines:.0f} s"
        )


if __name__ == "__main__":
    main()
