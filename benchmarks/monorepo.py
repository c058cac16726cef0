"""A synthetic monorepo for the scale benchmarks (issue 15 item 5), committed to git.

Usage: python benchmarks/monorepo.py [--files 100000] [--seed 15] [--dirty 0.03] DIR

Writes DIR (which must not exist or be empty) as a git repository with one commit:
`pyproject.toml` (`[tool.isort] profile = "black"`), and packages `pkgNNNN/` of about 50
modules each (`modMMMM.py`, some in a `sub/` package), with `__init__.py` files. Module sizes
follow a log-normal distribution (median about 1.3 KB, a tail past 40 KB, as in large Python
code bases); each module imports one to three modules of other packages and calls them, and the
standard-library modules it uses. About `--dirty` of the modules (default 3%) are made dirty,
in equal shares: imports out of order (isort), a line black would reformat, an unused import
(`imports`). The generator is deterministic for a seed. Prints the counts and where the dirty
files are.
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
from pathlib import Path

PER_PACKAGE = 50
STDLIB = ("os", "re", "sys", "json", "math", "time")


def _module(rng: random.Random, index: int, total: int, dirt: str) -> str:
    """The text of module `index` of `total` (black- and isort-clean unless `dirt` says)."""
    functions = max(1, min(400, int(math.exp(rng.gauss(math.log(4), 1.0)))))
    stdlib = sorted(rng.sample(STDLIB, 2))
    peers = sorted({rng.randrange(total) for _ in range(rng.randint(1, 3))} - {index})
    lines = [f'"""Generated module {index}."""', "", "from __future__ import annotations", ""]
    straight = [f"import {m}" for m in stdlib]
    if dirt == "unused":
        straight = sorted({*straight, "import textwrap"})
    lines += straight
    lines.append("")
    by_package: dict[str, list[str]] = {}
    for p in peers:
        by_package.setdefault(_package(p), []).append(f"mod{p:06d}")
    froms = [f"from {k} import {', '.join(sorted(v))}" for k, v in by_package.items()]
    if dirt == "isort" and len(froms) < 2:
        froms.append(f"from {_package(index)} import mod{index:06d} as this")
    lines += sorted(froms)
    if dirt == "isort":
        lines[-len(froms) :] = sorted(froms, reverse=True)
    lines += ["", ""]
    uses = {
        "os": "len(os.sep)",
        "re": "len(re.escape(str(value)))",
        "sys": "len(sys.argv)",
        "json": "len(json.dumps(value))",
        "math": "int(math.sqrt(abs(value)))",
        "time": "int(time.monotonic() > 0)",
    }
    for f in range(functions):
        body = [
            f"def function_{f}(value: int) -> int:",
            f'    """Return a number made from `value` ({f})."""',
            f"    total = value + {f}",
            "    if total > 10:",
            "        total -= 1",
        ]
        if f == 0:
            body.append(f"    total += {uses[stdlib[0]]} + {uses[stdlib[1]]}")
            if peers:
                body.append("    if value < 0:")
                body += [f"        total += mod{p:06d}.function_0(value)" for p in peers]
            if dirt == "isort" and "this" in froms[-1]:
                body.append("    total += this.function_0(1) if value < -1 else 0")
        body.append("    return total")
        lines += body + ["", ""]
    if dirt == "black":
        lines.insert(-2, "TABLE = [1,2,3]")
    return "\n".join(lines[:-2]) + "\n"


def _package(index: int) -> str:
    """The package of module `index`: pkgNNNN, every fifth module in its `sub` package."""
    package = f"pkg{index // PER_PACKAGE:04d}"
    return f"{package}.sub" if index % 5 == 4 else package


def generate(directory: Path, files: int, seed: int, dirty: float) -> dict[str, list[str]]:
    """Write the tree; returns the dirty modules by kind (paths relative to `directory`)."""
    rng = random.Random(seed)
    modules = max(1, files - 2 * (files // PER_PACKAGE + 1))  # room for __init__.py files
    kinds: dict[str, list[str]] = {"isort": [], "black": [], "unused": []}
    (directory / "pyproject.toml").write_text('[tool.isort]\nprofile = "black"\n')
    made: set[Path] = set()
    for i in range(modules):
        package = directory / _package(i).replace(".", "/")
        if package not in made:
            package.mkdir(parents=True, exist_ok=True)
            (package / "__init__.py").write_text("")
            if package.name == "sub" and package.parent not in made:
                (package.parent / "__init__.py").write_text("")
                made.add(package.parent)
            made.add(package)
        roll = rng.random()
        dirt = ""
        if roll < dirty:
            dirt = ("isort", "black", "unused")[int(roll / dirty * 3)]
        path = package / f"mod{i:06d}.py"
        path.write_text(_module(rng, i, modules, dirt))
        if dirt:
            kinds[dirt].append(str(path.relative_to(directory)))
    return kinds


def commit(directory: Path) -> None:
    """`git init`, add everything, one commit (an identity of its own, no hooks, no signing)."""
    git = ["git", "-C", str(directory), "-c", "user.name=bench", "-c", "user.email=bench@example"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run(
        [*git, "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "monorepo"],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dirty", type=float, default=0.03)
    ap.add_argument("--no-git", action="store_true", help="leave the tree out of git")
    ns = ap.parse_args(argv)
    directory = Path(ns.dir).absolute()
    if directory.exists() and any(directory.iterdir()):
        print(f"monorepo: {directory}: not empty", file=sys.stderr)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    kinds = generate(directory, ns.files, ns.seed, ns.dirty)
    if not ns.no_git:
        commit(directory)
    count = sum(1 for _ in directory.rglob("*.py"))
    size = sum(p.stat().st_size for p in directory.rglob("*.py"))
    print(f"{directory}: {count} Python files, {size / 2**20:.1f} MiB")
    for kind, paths in kinds.items():
        print(f"  dirty ({kind}): {len(paths)}, e.g. {', '.join(paths[:2])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
