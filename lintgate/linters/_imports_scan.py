"""The analysis behind the `imports` linter: import bindings and their uses, on an `ast` tree.

One pass over the tree, statement by statement, keeps for each scope the import bindings that
may reach the current point (a small flow analysis: `if`/`else`, `try`/`except`, `match` and
loops merge their branches), so that a module-level read before an import is no use and two
imports on different branches are no duplicate. Reads in functions, lambdas and annotations
are resolved after the walk, against every import of the name in the enclosing scopes (a
function may run at any time; annotations may be postponed, PEP 563/649). The semantics are
those of issue 3, close to pyflakes' (the differential test lists where they differ).

The walker is built in layers, each a class on the one below: names (`_imports_names`),
typing (`_imports_typing`), expressions (`_imports_exprs`), imports (`_imports_bind`) and
statements (`_imports_statements`); the records are in `_imports_model`.
"""

from __future__ import annotations

import ast

from lintgate.linters._imports_ast import type_comment_names
from lintgate.linters._imports_model import Binding, Result, Scope
from lintgate.linters._imports_statements import StatementWalk

__all__ = ["Binding", "Result", "Scope", "scan", "type_comment_names"]


def scan(tree: ast.Module, text: str, is_stub: bool) -> Result:
    """Every import binding of `tree` with its use and duplicate status, and the misplaced
    `__future__` imports. `text` is the source (for `# type:` comments); `is_stub`: a `.pyi`
    file, where any name may be a forward reference."""
    w = StatementWalk(is_stub)
    w.module(tree)
    tc = type_comment_names(text)
    if tc:
        for b in w.bindings:
            if b.name in tc and b.shadowed_by is None:
                b.used = b.used or "# type:"
    return Result(w.bindings, w.late_futures, w.all_names)
