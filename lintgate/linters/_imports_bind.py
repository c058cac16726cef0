"""The import statements of the `imports` walker: the bindings they make, why some are never
reported, and what a new import redefines (duplicates and shadowed imports)."""

from __future__ import annotations

import ast

from lintgate.linters._imports_ast import _label
from lintgate.linters._imports_exprs import ExprWalk
from lintgate.linters._imports_model import _OTHER, MODULE, Binding, Scope, Thing, _plain


class ImportWalk(ExprWalk):
    """Walks `import` and `from ... import` statements."""

    def s_import(self, s: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        is_from = type(s) is ast.ImportFrom
        module = s.module if isinstance(s, ast.ImportFrom) else None
        level = s.level if isinstance(s, ast.ImportFrom) else 0
        future = is_from and module == "__future__" and not level
        if future and id(s) not in self.valid_futures:
            self.late_futures.append((s.lineno, s.col_offset + 1))
        for alias in s.names:
            if alias.name == "*":
                # Bound under pyflakes' name for it ('m.*', never an identifier): only a
                # duplicate of itself, never unused.
                name = "." * level + (module or "") + ".*"
                thing: Thing = ("star", level, module)
                label, keep = name, "star"
            elif is_from:
                name = alias.asname or alias.name
                thing = ("from", level, module, alias.name)
            else:
                name = alias.asname or alias.name.split(".")[0]
                thing = ("import", alias.name, alias.asname is not None)
            if alias.name != "*":
                label = _label(alias, module, level, is_from)
                keep = self.keep(name, alias, future, scope)
            b = Binding(
                name,
                label,
                thing,
                alias.lineno,
                alias.col_offset + 1,
                s.lineno,
                keep,
                tuple(self.blocks),
                scope.kind,
                calls=self.calls,
            )
            self.bindings.append(b)
            scope.bindings.setdefault(name, []).append(b)
            if scope.kind == MODULE and keep != "star":
                self.module_binds.append(name)
            if name in scope.declared:
                continue
            scope.bound.add(name)
            live = scope.state.get(name, ())
            if not future and live and _OTHER[0] not in live:
                self.redefines(b, live)
            if thing[0] == "import" and not thing[2]:
                # `import a.b` after `import a.c` binds the same module `a`: both stay live.
                scope.state[name] = (
                    *(x for x in live if _plain(x.thing) and x is not b and not x.shadowed_by),
                    b,
                )
            else:
                scope.state[name] = (b,)

    @staticmethod
    def keep(name: str, alias: ast.alias, future: bool, scope: Scope) -> str:
        """Why an import is never reported unused ("" when it may be): see `Binding.keep`."""
        if future:
            return "__future__"
        # Module dunders (`from _x import __doc__, __version__`) set module attributes.
        if scope.kind == MODULE and name.startswith("__") and name.endswith("__"):
            return "dunder"
        if alias.asname == alias.name:
            return "re-export"
        return "global" if name in scope.declared else ""

    def redefines(self, b: Binding, live: tuple[Binding, ...]) -> None:
        """Mark what the new import `b` redefines among the `live` imports of its name.

        A duplicate: the same thing imported again where the first import surely still
        holds (it ran before on every path: same or enclosing block; nothing rebound it).
        A shadow (pyflakes' "redefinition of unused"): an import not used yet, that `b`
        rebinds on every path from it (`b` in the same or an enclosing block), with no call
        in between that could have read it (`from a import x` / `from b import x`, or
        `try: import json` / `except Exception: pass` / `import json`)."""
        for first in live:
            if (
                first is not b
                and first.thing == b.thing
                and b.blocks[: len(first.blocks)] == first.blocks
            ):
                b.dup_of = first.dup_of or first
                return
        for first in live:
            if (
                first is b
                or first.used
                or first.keep in ("__future__", "re-export", "dunder", "global")
                or first.shadowed_by is not None
                or first.calls != self.calls
                or first.blocks[: len(b.blocks)] != b.blocks
            ):
                continue
            if _plain(first.thing) and _plain(b.thing) and first.thing != b.thing:
                continue  # `import a.b` then `import a.c`: `a` has both submodules
            first.shadowed_by = b
