"""The differential check of the `imports` linter against pyflakes (a test-only helper).

`disagreements(path)` compares, on one file and without `# noqa` on either side, the unused
imports (pyflakes' UnusedImport, our "imported but unused") and the re-imports (pyflakes'
RedefinedWhileUnused between two import statements, our "imported again"), keyed by
(kind, line of the import statement, name as pyflakes spells it). Each difference gets the
name of the entry of `ALLOWED` that explains it, or None (a failure).
"""

from __future__ import annotations

import ast
import pathlib
import sysconfig
import warnings

from lintgate.linters.base import ParseError
from lintgate.linters.imports import analyze, problems
from lintgate.source import DecodeError, decode

# The allow-list: every kind of disagreement the test accepts, and why.
ALLOWED = {
    "star": "pyflakes reports an unused `from m import *`; lintgate never does (issue 3: a star "
    "import is never reported as unused).",
    "__all__": "the name is exported by `__all__.extend([...])`, `__all__.append('x')` or an "
    "`__all__` update pyflakes does not follow (pyflakes mistake, issue 3).",
    "# type:": "the name is used in a `# type:` comment; pyflakes >= 3 no longer reads them, "
    "issue 3 requires them.",
    "locals()": "the import is in a function that calls locals(), which may read it by name; "
    "pyflakes spares only variables there (deliberate: no report, and no fix that breaks it).",
    "fallback definition": "a module-level import whose name another branch also defines "
    "(`try: import a as x` / `except ImportError: import b as x`, or `x = None`): the module "
    "defines the name either way, for its importers; pyflakes reports the last of them.",
    "dunder": "a module-level import of a dunder (`from _x import __doc__, __version__`) sets a "
    "module attribute; lintgate never reports it (deliberate).",
    "class scope": "an unused import in a class body; pyflakes never checks class scopes "
    "(class attributes read as `self.x` count as used by lintgate).",
    "last binding": "pyflakes checks only the last binding of a name in a scope: of several "
    "unused imports binding one name (`import a.b` then `import a.c`, or one per branch) it "
    "reports the last only; lintgate reports each.",
    "inherited use": "pyflakes gives an import that rebinds a name the `used` mark of the "
    "binding it replaces; lintgate judges each import by its own uses.",
    "re-import after use": "the same thing imported again where the first import still holds, "
    "after the first was used; pyflakes reports a re-import only while the first is unused.",
    "other kind": "two unused imports of the same thing: pyflakes reports the second as unused "
    "and as a redefinition, lintgate the first as unused and the second as imported again.",
    "forward reference": "a string in a builtin or collections.abc generic "
    '(`list["X"]`, `dict[str, "X"]`, `Callable[["A"], "B"]`) or '
    "the first argument of `Annotated[...]` outside an annotation: a forward reference type "
    "checkers resolve (lintgate's policy, issue 12); pyflakes reads strings only in typing's "
    "own subscripts there.",
    "call in between": "an import rebound before any use, but after a call (which may run code "
    "reading it): pyflakes reports the redefinition, lintgate counts the first as possibly used.",
    "not a duplicate": "pyflakes reports a redefinition where the first import does not surely "
    "hold (another branch, a conditional block), the second does not surely run "
    "(`if __name__ == '__main__':`), is in another scope, or imports another thing after "
    "a function or a string annotation used the first (pyflakes reads those last); for "
    "lintgate that is no duplicate (an unused first import is reported as unused instead).",
    "re-export": "`import x as x` / `from m import x as x` is an explicit re-export (PEP 484), "
    "never reported by lintgate, in .py files too; pyflakes reports it there.",
    "alias use": "pyflakes marks `import m` used when an alias of it (`import m as n`) is "
    "read after it in pyflakes' order (functions and postponed annotations last), whatever "
    "scope that alias is in (pyflakes mistake); lintgate judges `import m` by reads of `m`.",
}


# Real projects with TYPE_CHECKING imports and type aliases, from their PyPI sdists (pinned):
# `make imports-agreement` downloads them into the git-ignored .downloads/ and checks them.
CORPORA = {"httpx": "0.28.1", "rich": "13.9.4", "attrs": "24.3.0", "pydantic": "2.10.4"}
DOWNLOADS = pathlib.Path(__file__).resolve().parent.parent / ".downloads"


def corpus_files(name: str) -> list[pathlib.Path]:
    """Every .py file of the unpacked sdist of CORPORA[name] under DOWNLOADS, sorted; [] when
    it is not there."""
    root = DOWNLOADS / f"{name}-{CORPORA[name]}"
    return sorted(root.rglob("*.py")) if root.is_dir() else []


def stdlib_files() -> list[pathlib.Path]:
    """Every .py file of the running Python's standard library (no site-packages), sorted."""
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts)


def _ours(source) -> set:
    return {
        (
            ("unused", p.binding.first_line, p.binding.label)
            if p.kind == "unused"
            else ("redefined", p.binding.first_line, p.binding.name)
        )
        for p in problems(source, suppress=False)
        if p.kind != "future"
    }


def _theirs(checker, tree: ast.Module) -> set:
    from pyflakes import messages

    import_lines = {n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))}
    out = set()
    for m in checker.messages:
        if isinstance(m, messages.UnusedImport):
            out.add(("unused", m.lineno, m.message_args[0]))
        elif isinstance(m, messages.RedefinedWhileUnused):
            if m.lineno in import_lines and m.message_args[1] in import_lines:
                out.add(("redefined", m.lineno, m.message_args[0]))
    return out


def _bound_before(tree: ast.Module, name: str, line: int) -> bool:
    """True when something binds `name` on a line before `line`."""
    for n in ast.walk(tree):
        if getattr(n, "lineno", line) >= line:
            continue
        if isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.name == name:
            return True
        if isinstance(n, ast.alias) and (n.asname or n.name.split(".")[0]) == name:
            return True
    return False


def _forward_refs(tree: ast.Module) -> set:
    """Names in the strings of builtin generics, collections.abc generics and of
    `Annotated[...]`'s first argument."""
    out: set = set()
    abc_names = {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "collections.abc" and not n.level
        for a in n.names
    }
    for n in ast.walk(tree):
        if not isinstance(n, ast.Subscript):
            continue
        v = n.value
        last = v.id if isinstance(v, ast.Name) else v.attr if isinstance(v, ast.Attribute) else ""
        if last == "Annotated" and isinstance(n.slice, ast.Tuple):
            parts = n.slice.elts[:1]
        elif (
            last in ("list", "dict", "set", "frozenset", "tuple", "type", "Annotated")
            or isinstance(v, ast.Name)
            and v.id in abc_names
            or isinstance(v, ast.Attribute)
            and ast.unparse(v.value) == "collections.abc"
        ):
            parts = [n.slice]
        else:
            continue
        for p in parts:
            for c in ast.walk(p):
                if isinstance(c, ast.Constant) and isinstance(c.value, str):
                    try:
                        ref = ast.parse(c.value.strip(), mode="eval")
                    except SyntaxError:
                        continue
                    out.update(x.id for x in ast.walk(ref) if isinstance(x, ast.Name))
    return out


def _plain(thing: tuple) -> bool | None:
    """True for `import a` (no `as`), False for `import a as b`, None for other imports."""
    return not thing[2] if thing[0] == "import" else None


def _explain(who, kind, line, name, result, checker, tree) -> str | None:
    """The ALLOWED entry explaining one disagreement, or None."""
    mine = [
        b for b in result.bindings if b.first_line == line and (b.label == name or b.name == name)
    ]
    final = [
        b
        for scope in checker.deadScopes
        for b in scope.values()
        if getattr(getattr(b, "source", None), "lineno", None) == line
        and (getattr(b, "imported_name", None) == name or b.name == name)
    ]
    if who == "pyflakes" and kind == "unused":
        if name.endswith(".*"):
            return "star"
        for b in mine:
            if b.dup_of is not None and not b.dup_of.used:
                return "other kind"
            if b.keep == "dunder":
                return "dunder"
            if b.keep == "fallback":
                return "fallback definition"
            if b.used in ("__all__", "# type:", "locals()"):
                return b.used
            if b.keep == "re-export":
                return "re-export"
            if b.name in _forward_refs(tree):
                return "forward reference"
        return None
    if who == "lintgate" and kind == "unused":
        b = mine[0] if mine else None
        if b is not None and b.scope_kind == "class":
            return "class scope"
        if not final:
            return "last binding"
        if b is not None and _plain(b.thing):
            if any(
                _plain(x.thing) is False and x.thing[:2] == ("import", b.thing[1])
                for x in result.bindings
            ):
                return "alias use"
        if all(f.used for f in final) and _bound_before(tree, b.name if b else name, line):
            return "inherited use"
        return None
    if who == "lintgate" and kind == "redefined":
        if any(b.dup_of is not None and b.dup_of.used for b in mine):
            return "re-import after use"
        return None
    if who == "pyflakes" and kind == "redefined":
        for b in mine:
            earlier = [
                x
                for x in result.bindings
                if x.name == b.name and x.line < b.line and x.scope_kind == b.scope_kind
            ]
            first = earlier[-1] if earlier else None
            if (
                first is not None
                and first.blocks[: len(b.blocks)] == b.blocks
                and first.calls != b.calls
                and first.shadowed_by is None
            ):
                return "call in between"
        if mine and all(b.dup_of is None for b in mine):
            return "not a duplicate"
    return None


def disagreements(path: pathlib.Path) -> list[tuple]:
    """(who, kind, line, name, allowed-entry-or-None) for each finding only one side has;
    [] when the file does not decode, or the running Python cannot parse it (pyflakes needs
    its `ast`)."""
    from pyflakes.checker import Checker

    try:
        source = decode(path.read_bytes(), is_stub=path.suffix == ".pyi")
    except DecodeError:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source.text)
        except (SyntaxError, ValueError):
            return []
    try:
        result = analyze(source)
        a = _ours(source)
    except ParseError:
        return []
    checker = Checker(tree, filename=str(path))
    b = _theirs(checker, tree)
    diff = sorted([("lintgate", *k) for k in a - b] + [("pyflakes", *k) for k in b - a])
    return [(*d, _explain(*d, result, checker, tree)) for d in diff]


if __name__ == "__main__":  # `python tests/imports_pyflakes.py`: the pins, for the Makefile
    print(" ".join(f"{name}=={version}" for name, version in CORPORA.items()))
