"""Where a cold run's CPU time goes, per tool step, on one core.

Usage: python benchmarks/costs.py DIR [--limit N]

For every .py file under DIR (git-tracked if DIR is a git work tree, at most N), times in CPU
seconds (time.process_time) what each check costs when done as a library call, the way
lintgate's workers do it: black's formatting alone (`format_file_contents(fast=True)`, what
`lintgate` runs), black's safety checks (`fast=False` minus `fast=True`: the AST equivalence
and second-pass stability checks `black --check` adds for files it would change), and isort
(`sort_stream` with the directory's settings). Settings come from DIR as black and isort find
them. Prints the totals and the shares, to explain a ratio in the benchmark report.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import time
from pathlib import Path


def files_of(root: Path, limit: int | None) -> list[Path]:
    """The .py files of `root` (git ls-files if it is a work tree), sorted, at most `limit`."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "*.py"], cwd=root, capture_output=True, text=True, check=True
        )
        files = sorted(root / p for p in out.stdout.splitlines())
    except (OSError, subprocess.CalledProcessError):
        files = []
    files = files or sorted(root.rglob("*.py"))
    if limit and len(files) > limit:
        files = files[:: len(files) // limit][:limit]
    return files


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("root", type=Path)
    p.add_argument("--limit", type=int)
    args = p.parse_args()
    import black
    import isort
    from black.files import find_pyproject_toml, parse_pyproject_toml

    root = args.root.resolve()
    config = find_pyproject_toml((str(root),))
    black_config = parse_pyproject_toml(config) if config else {}
    mode = black.Mode(
        line_length=black_config.get("line_length", black.DEFAULT_LINE_LENGTH),
        target_versions={
            black.TargetVersion[v.upper()] for v in black_config.get("target_version", [])
        },
    )
    isort_config = isort.Config(settings_path=str(root))
    totals = {"read": 0.0, "black format": 0.0, "black safety checks": 0.0, "isort": 0.0}
    changed = unparsable = 0
    files = files_of(root, args.limit)
    for path in files:
        t0 = time.process_time()
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        t1 = time.process_time()
        totals["read"] += t1 - t0
        try:
            black.format_file_contents(text, fast=True, mode=mode)
        except black.NothingChanged:
            pass
        except Exception:
            unparsable += 1
            continue
        t2 = time.process_time()
        totals["black format"] += t2 - t1
        try:
            black.format_file_contents(text, fast=False, mode=mode)
            changed += 1
        except black.NothingChanged:
            pass
        except Exception:
            changed += 1  # black's own safety check failed: it would report an error
        t3 = time.process_time()
        totals["black safety checks"] += (t3 - t2) - (t2 - t1)  # noise cancels: no clamp
        try:
            isort.api.sort_stream(io.StringIO(text), io.StringIO(), config=isort_config)
        except Exception:
            pass
        totals["isort"] += time.process_time() - t3
    whole = sum(totals.values())
    if not whole:
        print(f"costs: no Python file under {root}")
        return 2
    print(
        f"{len(files)} files ({changed} black would change, {unparsable} unparsable), "
        f"{whole:.1f} CPU s in all"
    )
    for name, seconds in totals.items():
        print(f"  {name:20} {seconds:7.2f} s  {100 * seconds / whole:5.1f}%")
    bc = totals["black format"] + totals["black safety checks"]
    lg = totals["read"] + totals["black format"] + totals["isort"]
    print(f"black --check's share: {bc:.2f} s; lintgate's (read + format + isort): {lg:.2f} s")
    print(f"lintgate / black --check, this work only: {lg / bc:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
