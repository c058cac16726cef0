"""The shape of the code (../shared/DESIGN.md, "The shape of the code"): every module imports
alone, and the import graph has no circle.

The graph is built from the source with ast: an edge A -> B for every `import B` and
`from B import name` in A, at module level or inside a function (a lazy import still ties the
two modules together), with `from P import m` resolved to the submodule P.m when there is
one. Importing P.m also runs P/__init__.py, but that edge is the interpreter's, not the
code's, and is left out (else every package that re-exports its submodules would be a circle).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lintgate"
# The packages that must import alone and be mypy --strict clean; the rest joins as it is cleaned.
ACYCLIC = (
    "lintgate.cache",
    "lintgate.util",
    "lintgate.linters",
    "lintgate.report",
    "lintgate.config",
    "lintgate.nolint",
    "lintgate.newcode",
    "lintgate.filters",
    "lintgate.discovery",
    "lintgate.gitignore",
    "lintgate.filesets",
    "lintgate.diagnostic",
    "lintgate.source",
    # the engine and the command line (issue 13)
    "lintgate.cli",
    "lintgate.commands",
    "lintgate.engine",
    "lintgate.context",
    "lintgate.fix",
    "lintgate.runner",
    "lintgate.executor",
    "lintgate.atomic",
    "lintgate.console",
    "lintgate.bounds",
    "lintgate.linediff",
    "lintgate.__main__",
)
# The circles lintgate still has (outside ACYCLIC), to be broken by their modules' owners: a
# new circle fails the test, and so does one of these once it is gone (delete it here).
KNOWN_CYCLES: list[list[str]] = []


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """`{dotted module name: path}` of every module under `root` (a package's is its
    __init__.py)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The modules of `known` that the import statement `node` in `module` names."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    out = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        if sub in known:
            out.append(sub)
        elif target in known:
            out.append(target)
    return out


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """`{module: {modules it imports}}` for every module under `root`, lintgate's own only."""
    modules = module_names(root)
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        edges = set()
        for node in ast.walk(tree):
            edges.update(_imported(node, name, is_package, known))
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative), each
    sorted; a module importing itself is not counted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_cycle_finder_finds_a_circle_and_only_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_graph_resolves_from_imports_to_submodules():
    graph = import_graph()
    assert "lintgate.cache.oci.media" in graph["lintgate.cache.oci.spec"]
    # a lazy import (inside a function) is an edge too
    assert "lintgate.cache.oci.registry" in graph["lintgate.cache.oci.transfer"]


def test_no_import_cycle_in_lintgate_but_the_known_ones():
    found = cycles(import_graph())
    assert [c for c in found if any(_under(m, ACYCLIC) for m in c)] == []
    assert found == KNOWN_CYCLES


CLEAN_MODULES = sorted(m for m in module_names() if _under(m, ACYCLIC))
MAX_LINES = 400  # the project's rule: a new module is better than growing a big one


@pytest.mark.parametrize("module", CLEAN_MODULES)
def test_each_module_is_small(module):
    lines = module_names()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


@pytest.mark.parametrize("module", CLEAN_MODULES)
def test_each_module_imports_alone_in_a_fresh_interpreter(module):
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stderr) == (0, "")


def test_mypy_strict_passes_as_configured():
    # pyproject.toml's [tool.mypy]: strict over lintgate, the modules not clean yet listed
    # with ignore_errors, never one of ACYCLIC's. `make typecheck` runs the same.
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert (mypy["strict"], mypy["files"]) == (True, ["lintgate"])
    ignored = [m for o in mypy.get("overrides", []) if o.get("ignore_errors") for m in o["module"]]
    assert [m for m in ignored if _under(m, ACYCLIC)] == []
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
