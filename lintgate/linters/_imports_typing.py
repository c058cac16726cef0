"""The typing side of the `imports` analysis: annotations, string annotations, and the typing
constructs that make a string a type outside annotations (`Union[int, "D"]`, `cast("A", v)`,
`X: TypeAlias = "A"`), with pyflakes' rules (its `_is_typing`, `SUBSCRIPT` and `CALL`) and
builtin generics added (`list["X"]`).

`TypingWalk` is a layer of the walker on `_imports_names.NameWalk` (`defer`, `read`, `calls`
and `typing`, True while strings are types); `expr` comes from the layer above
(`_imports_exprs`).
"""

from __future__ import annotations

import ast
from typing import Any

from lintgate.linters._imports_model import Scope, Thing
from lintgate.linters._imports_names import NameWalk

# Modules whose subscripted members hold types: typing's (pyflakes' rule) and collections.abc
# (`Callable[["Request"], "Response"]`, PEP 585; lintgate's policy).
_TYPING_MODULES = ("typing", "typing_extensions", "collections.abc")
# Builtin classes subscripted as generics (PEP 585): `list["X"]` holds a forward reference.
_BUILTIN_GENERICS = {"list", "dict", "set", "frozenset", "tuple", "type"}
# Calls whose arguments typing reads as types (pyflakes' list), by parameter: positions from
# the first, keywords. `cast` and friends are matched by name, wherever they come from.
TYPE_ARGS: dict[str, tuple[slice, tuple[str, ...]]] = {
    "cast": (slice(0, 1), ("typ",)),
    "assert_type": (slice(1, None), ()),
    "TypeVar": (slice(1, None), ("bound", "default")),
    "ParamSpec": (slice(0, 0), ("bound", "default")),
    "TypeVarTuple": (slice(0, 0), ("bound", "default")),
    "NewType": (slice(1, 2), ("tp",)),
    # The field types: the values of the dict, or of the (name, type) pairs; keywords.
    "TypedDict": (slice(0, 0), ("*",)),
    "NamedTuple": (slice(0, 0), ("*",)),
}


def last_name(node: ast.expr) -> str:
    """`X` of `X` or `a.b.X`; "" for anything else."""
    return node.id if type(node) is ast.Name else node.attr if type(node) is ast.Attribute else ""


def _dotted(node: ast.expr) -> str:
    """`a.b.c` of a chain of attributes on a name; "" for anything else."""
    parts = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def _typing_import(thing: Thing, kind: str, dotted: str = "") -> bool:
    """True when `thing` (a Binding's) is `import typing` read as `dotted` (`typing`,
    `t` after `import typing as t`, `collections.abc`; kind "import") or
    `from typing import X` (kind "from"), for each of _TYPING_MODULES."""
    if kind == "import":
        if thing[0] != "import" or thing[1] not in _TYPING_MODULES:
            return False
        return "." not in dotted if thing[2] else dotted == thing[1]
    return thing[0] == "from" and not thing[1] and thing[2] in _TYPING_MODULES


class TypingWalk(NameWalk):
    """The walker's methods for calls, subscripts and annotations."""

    def expr(self, root: ast.AST, scope: Scope) -> None:  # pragma: no cover - ExprWalk's
        raise NotImplementedError

    def call(self, node: ast.Call, scope: Scope) -> None:
        """A call of one of TYPE_ARGS (by name, wherever it comes from): its type arguments
        are walked with strings as types, the others as plain code."""
        self.calls += 1
        f = node.func
        self.expr(f, scope)
        fname = last_name(f)
        # Strings that typing evaluates as types: cast("T", v), TypeVar("T", "A", bound="B").
        spec = TYPE_ARGS.get(fname)
        typed = range(len(node.args))[spec[0]] if spec else ()
        saved = self.typing
        for i, a in enumerate(node.args):
            self.typing = i in typed or saved and spec is None
            if i == 1 and fname in ("TypedDict", "NamedTuple"):
                self.fields(a, scope)
            else:
                self.expr(a, scope)
        for k in node.keywords:
            self.typing = (k.arg in spec[1] or "*" in spec[1]) if spec else saved
            self.expr(k.value, scope)
        self.typing = saved

    def fields(self, node: ast.expr, scope: Scope) -> None:
        """The fields of `TypedDict("A", {"x": "T"})` or `NamedTuple("A", [("x", "T")])`:
        names are values, types are types."""
        pairs: list[tuple[Any, Any]]  # (a name or None, its type or types)
        if type(node) is ast.Dict:
            pairs = [(k, v) for k, v in zip(node.keys, node.values)]
        elif type(node) in (ast.List, ast.Tuple):
            elts: list[Any] = node.elts  # type: ignore[attr-defined]  # a List or a Tuple
            pairs = [
                (e.elts[0], e.elts[1:]) if type(e) in (ast.List, ast.Tuple) and e.elts else (e, [])
                for e in elts
            ]
        else:
            self.expr(node, scope)
            return
        saved = self.typing
        for k, v in pairs:
            self.typing = False
            if k is not None:
                self.expr(k, scope)
            self.typing = True
            for x in v if isinstance(v, list) else [v]:
                self.expr(x, scope)
        self.typing = saved

    def plain_subscript(self, node: ast.Subscript, scope: Scope) -> bool:
        """True when the slice of `node` is walked in the current context (not `Literal` or
        `Annotated`, and no typing construct starting one)."""
        v = node.value
        last = last_name(v)
        if last == "Literal" or last == "Annotated":
            return False
        return self.typing or not self.is_typing(v, scope)

    def subscript(self, node: ast.Subscript, scope: Scope) -> None:
        """`X[...]` in code: the slice of a typing construct (`Union[int, "D"]`, `typing.List`,
        `t.Optional`, a builtin generic `list["X"]`) is read as a type, its strings as
        string annotations (pyflakes' rule, builtins added); `Literal[...]` holds values and
        so do `Annotated`'s arguments after the first."""
        v, saved = node.value, self.typing
        self.expr(v, scope)
        last = last_name(v)
        sl = node.slice
        if last == "Literal":
            self.typing = False
            self.expr(sl, scope)
        elif last == "Annotated" and type(sl) is ast.Tuple and sl.elts:
            self.typing = True
            self.expr(sl.elts[0], scope)
            self.typing = False
            for e in sl.elts[1:]:
                self.expr(e, scope)
        else:
            self.typing = saved or last == "Annotated" or self.is_typing(v, scope)
            self.expr(sl, scope)
        self.typing = saved

    def is_typing(self, node: ast.expr, scope: Scope) -> bool:
        """True when `node` names a member of one of _TYPING_MODULES (imported from it, or an
        attribute of an import of it) or an unshadowed builtin generic class."""
        dotted = ""
        if type(node) is ast.Attribute:
            dotted = _dotted(node.value)  # typing.List, t.Optional, collections.abc.Callable
            name, want = dotted.split(".")[0], "import"
            if not name:
                return False
        elif type(node) is ast.Name:
            name, want = node.id, "from"  # List, from typing
        else:
            return False
        s: Scope | None = scope
        while s is not None:
            bs = s.state.get(name) or s.bindings.get(name)
            if bs:
                return any(_typing_import(b.thing, want, dotted) for b in bs)
            if name in s.bound:
                return False
            s = s.parent
        return want == "from" and name in _BUILTIN_GENERICS

    def annotation(self, root: ast.expr, scope: Scope, now: bool = False) -> None:
        """An annotation: its names may be read later (PEP 563/649), strings are code.
        `now`: Python evaluates it here too (a parameter or module-level annotation without
        `from __future__ import annotations`): its names are also read here, so that the
        import they read is not taken for one shadowed before any use. Iterative, as `expr`."""
        now = now and not self.postponed
        stack: list[Any] = [root]  # nodes of any kind, told apart by their type
        while stack:
            node = stack.pop()
            t = type(node)
            if t is ast.Name:
                self.defer(node.id, scope)
                if now:
                    self.read(node.id, scope)
            elif t is ast.Constant:
                if isinstance(node.value, str):
                    self.string_annotation(node.value, scope)
            elif t is ast.Subscript:
                v, sl = node.value, node.slice
                stack.append(v)
                last = last_name(v)
                if last == "Annotated" and type(sl) is ast.Tuple and sl.elts:
                    stack.append(sl.elts[0])
                    for e in sl.elts[1:]:  # metadata: values, not types
                        for n in ast.walk(e):
                            if type(n) is ast.Name:
                                self.defer(n.id, scope)
                elif last != "Literal":  # Literal["x"] holds values, not types
                    stack.append(sl)
            elif t is ast.Attribute:
                stack.append(node.value)
            else:
                stack.extend(x for x in ast.iter_child_nodes(node) if isinstance(x, ast.expr))

    def string_annotation(self, text: str, scope: Scope) -> None:
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
        self.annotation(tree.body, scope)
