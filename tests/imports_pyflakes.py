"""The differential check of the `imports` linter against pyflakes (test-only helper).

`disagreements(path)` compares, on one file, the unused imports (pyflakes' UnusedImport, our
"imported but unused") and the imports re-imported while the first still holds (pyflakes'
RedefinedWhileUnused between two imports, our "imported again"), without `# noqa` on either
side. Each difference is explained by `explain`, or is a failure.
"""

from __future__ import annotations

import ast
import pathlib
import sysconfig
import warnings

from lintgate.linters.base import ParseError
from lintgate.linters.imports import problems
from lintgate.source import DecodeError, decode


def stdlib_files() -> list[pathlib.Path]:
    """Every .py file of the running Python's standard library (no site-packages), sorted."""
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)


def ours(text: str) -> set:
    return {
        ("unused", p.binding.first_line, p.binding.label) if p.kind == "unused"
        else ("redefined", p.binding.first_line, p.binding.name)
        for p in problems(decode(text.encode()), suppress=False)
        if p.kind != "future"
    }


def theirs(text: str, tree: ast.Module, path: str) -> set:
    from pyflakes import checker, messages

    import_lines = {n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    out = set()
    for m in checker.Checker(tree, filename=path).messages:
        if isinstance(m, messages.UnusedImport):
            out.add(("unused", m.lineno, m.message_args[0]))
        elif isinstance(m, messages.RedefinedWhileUnused):
            if m.lineno in import_lines and m.message_args[1] in import_lines:
                out.add(("redefined", m.lineno, m.message_args[0]))
    return out


def disagreements(path: pathlib.Path) -> list[tuple]:
    """(who, kind, line, name) for each finding only one side has; [] when the file does not
    decode, or the running Python cannot parse it (pyflakes needs its `ast`)."""
    try:
        text = decode(path.read_bytes()).text
    except DecodeError:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return []
    try:
        a = ours(text)
    except ParseError:
        return []
    b = theirs(text, tree, str(path))
    return sorted([("lintgate", *k) for k in a - b] + [("pyflakes", *k) for k in b - a])
