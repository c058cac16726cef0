"""The analysis behind the `imports` linter: import bindings and their uses, on an `ast` tree.

One pass over the tree, statement by statement, keeps for each scope the import bindings that
may reach the current point (a small flow analysis: `if`/`else`, `try`/`except`, `match` and
loops merge their branches), so that a module-level read before an import is no use and two
imports on different branches are no duplicate. Reads in functions, lambdas and annotations
are resolved after the walk, against every import of the name in the enclosing scopes (a
function may run at any time; annotations may be postponed, PEP 563/649). The semantics are
those of issue 3, close to pyflakes' (the differential test lists where they differ).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from lintgate.linters._imports_typing import TYPE_ARGS, TypingWalk, last_name

MODULE, CLASS, FUNCTION = "module", "class", "function"

# Fields of expression nodes that never hold a name (contexts and operators).
_SKIP_FIELDS = {
    "ctx",
    "op",
    "ops",
    "conversion",
    "kind",
    "arg",
    "is_async",
    "type_comment",
}
_FIELDS: dict[type, tuple[str, ...]] = {}
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_TYPE_COMMENT = re.compile(r"#\s*type:\s*(?!ignore\b)(.+)$", re.M)


@dataclass(eq=False)
class Binding:
    """One name bound by one import alias.

    `name`: the bound name; `label`: how messages name the import ('os.path', 'm.x',
    'numpy as np', '.x', as pyflakes spells it); `thing`: what it imports (equal things make a
    duplicate); `line`/`col`: 1-based position of the alias (col in UTF-8 bytes, as `ast`
    counts; `imports.problems` turns it into characters); `first_line`: 1-based line of the
    statement; `keep`: why it is never reported unused ("__future__", "re-export", "dunder",
    "global", "fallback"; "" if it may be); `blocks`: ids of the statement lists enclosing the import (the
    first of two imports dominates the second when its blocks are a prefix of the second's);
    `scope_kind`: "module", "class" or "function"; `used`: why it counts as used ("read",
    "__all__", "attribute", "locals()", "submodule", "# type:"; "" if not); `dup_of`: the first
    import when this one is a duplicate; `shadowed_by`: the import that rebinds this one before
    any use (no use can reach this one then); `calls`: how many calls the walk had met when it
    bound this one. A star import is bound as 'm.*', with keep "star".
    """

    name: str
    label: str
    thing: tuple
    line: int
    col: int
    first_line: int
    keep: str
    blocks: tuple
    scope_kind: str = MODULE
    used: str = ""
    dup_of: Binding | None = None
    shadowed_by: Binding | None = None
    calls: int = 0


# The state of a name rebound by something other than an import (assignment, def, del...).
_OTHER = (Binding("", "", ("other",), 0, 0, 0, "other", ()),)


@dataclass(eq=False)
class Scope:
    """A module, class or function (lambda too) scope during the walk."""

    kind: str
    parent: Scope | None
    bindings: dict = field(default_factory=dict)  # name -> [Binding], every import of the scope
    state: dict = field(default_factory=dict)  # name -> (Binding, ...) reaching the current point
    bound: set = field(default_factory=set)  # every name bound in the scope
    declared: dict = field(default_factory=dict)  # name -> "global" | "nonlocal"
    uses_locals: bool = False


@dataclass
class Result:
    """What `scan` found: every import binding (in source order), misplaced `__future__`
    statements (1-based line, 1-based col) and the names listed in `__all__`."""

    bindings: list
    late_futures: list
    all_names: set


def _label(alias: ast.alias, module: str | None, level: int | None, is_from: bool) -> str:
    """How pyflakes names an import in its messages (mirrors its `imported_name`)."""
    if not is_from:
        full = alias.name
        name = alias.asname or full.split(".")[0]
        if alias.asname and full.split(".")[-1] != name:
            return f"{full} as {name}"
        return full
    prefix = "." * (level or 0)
    base = prefix + (module or "")
    full = base + alias.name if base.endswith(".") or not base else f"{base}.{alias.name}"
    if alias.asname and alias.asname != alias.name:
        return f"{full} as {alias.asname}"
    return full


def _fields(t: type) -> tuple[str, ...]:
    f = _FIELDS.get(t)
    if f is None:
        f = _FIELDS[t] = tuple(n for n in t._fields if n not in _SKIP_FIELDS)
    return f


def _merge(a: dict, b: dict) -> dict:
    """The import bindings that may reach a join point from two paths."""
    if a is b:
        return a
    out = dict(a)
    for name, bs in b.items():
        old = out.get(name)
        if old is None:
            out[name] = bs
        elif old != bs:
            out[name] = tuple(dict.fromkeys(old + bs))
    return out


def _is_future(s: ast.stmt) -> bool:
    return type(s) is ast.ImportFrom and s.module == "__future__" and not s.level


def _strings(node: ast.expr) -> list[str]:
    """The string constants of a list/tuple literal, or of `[...] + (...)` sums of them."""
    out: list[str] = []
    stack = [node]
    while stack:  # iterative: a long sum is a deep tree
        n = stack.pop()
        if type(n) is ast.BinOp and type(n.op) is ast.Add:
            stack += (n.right, n.left)
        elif type(n) in (ast.List, ast.Tuple):
            out += [e.value for e in n.elts if type(e) is ast.Constant and isinstance(e.value, str)]
    return out


class _Walker(TypingWalk):
    def __init__(self, is_stub: bool) -> None:
        self.stub = is_stub
        self.bindings: list[Binding] = []
        self.deferred: list[tuple[Scope, str]] = []  # reads resolved after the walk
        self.scopes: list[Scope] = []
        self.comp_names: list[set] = []  # names bound by the comprehensions being walked
        self.loop_reads: list[set] = []  # names read in the loops being walked
        self.module_binds: list[str] = []  # every module-level name bound, in order
        self.blocks: list[int] = []
        self.valid_futures: set[int] = set()
        self.late_futures: list[tuple[int, int]] = []
        self.all_names: set[str] = set()
        self.attrs: set[str] = set()  # every attribute name read (`x.name`)
        # True inside a typing construct outside annotations (`Union[int, "D"]`, the value of
        # `X: TypeAlias = ...`): names are read now, and strings are string annotations.
        self.typing = False
        self.postponed = is_stub  # or `from __future__ import annotations`: see `module`
        self.calls = 0  # calls walked so far: code that may read an import

    # -- names --------------------------------------------------------------------------
    def new_scope(self, kind: str, parent: Scope | None) -> Scope:
        s = Scope(kind, parent)
        self.scopes.append(s)
        return s

    def read(self, name: str, scope: Scope) -> None:
        """A read of `name` executed now in `scope`."""
        for names in self.comp_names:
            if name in names:
                return
        if self.loop_reads:
            self.loop_reads[-1].add(name)
        if self.stub:  # a stub may refer to anything, anywhere (forward references)
            self.deferred.append((scope, name))
            return
        while True:
            bs = scope.state.get(name)
            if bs is not None:
                for b in bs:
                    b.used = b.used or "read"
                return
            if scope.kind == FUNCTION:
                if name == "locals":
                    scope.uses_locals = True
                self.deferred.append((scope, name))
                return
            if scope.kind == MODULE or name in scope.bound:
                return
            scope = scope.parent  # a class body reads the enclosing scope as it is now

    def defer(self, name: str, scope: Scope) -> None:
        """A read of `name` in `scope` that may happen later (annotation, string annotation)."""
        self.deferred.append((scope, name))

    def bind(self, name: str, scope: Scope) -> None:
        """`name` bound by something other than an import (assignment, def, target...)."""
        if scope.declared.get(name):
            if scope.declared[name] == "global":
                self.read(name, self.scopes[0])  # rebinding a module import from inside
            return
        scope.bound.add(name)
        if scope.kind == MODULE:
            self.module_binds.append(name)
        if name in scope.state:
            scope.state[name] = _OTHER

    def fallbacks(self, imported: list, other_branches: list) -> None:
        """Module-level imports whose name another branch also defines (`try: from x import A`
        / `except ImportError: A = None`, or `import B as A`): the module defines the name either
        way, for its importers. `other_branches`: the names each other branch bound."""
        for b in imported:
            if b.scope_kind == MODULE and any(b.name in names for names in other_branches):
                b.keep = b.keep or "fallback"

    def resolve(self) -> None:
        """Mark the imports that the deferred reads reach (every import of the name in the first
        enclosing scope that binds it: the function may run at any time)."""
        module = self.scopes[0]
        for start, name in self.deferred:
            scope = start
            while scope is not None:
                if scope is not start and scope.kind == CLASS:
                    scope = scope.parent
                    continue
                decl = scope.declared.get(name)
                if decl == "global":
                    scope = module
                    decl = None
                if decl is None:
                    bs = scope.bindings.get(name)
                    if bs:
                        for b in bs:
                            if b.shadowed_by is None:
                                b.used = b.used or "read"
                        break
                    if name in scope.bound:
                        break
                scope = scope.parent
        for name in self.all_names:
            for b in module.bindings.get(name, ()):
                if b.shadowed_by is None:
                    b.used = b.used or "__all__"
        for scope in self.scopes:
            if scope.kind == CLASS:
                # A class-level import is a class attribute, read as `self.name` or `C.name`.
                for name, bs in scope.bindings.items():
                    if name in self.attrs:
                        for b in bs:
                            if b.shadowed_by is None:
                                b.used = b.used or "attribute"
            if scope.uses_locals:
                for bs in scope.bindings.values():
                    for b in bs:
                        if b.shadowed_by is None:
                            b.used = b.used or "locals()"

    # -- statements -----------------------------------------------------------------------
    def submodules(self) -> None:
        """`import a.b` loads `a.b` for every user of the package: it is used when another
        import of `a` in the same scope (`import a as x`, `import a.c`) is."""
        for scope in self.scopes:
            imps = [b for bs in scope.bindings.values() for b in bs if b.thing[0] == "import"]
            roots = {b.thing[1].split(".")[0] for b in imps if b.used}
            for b in imps:
                if not b.used and not b.thing[2] and "." in b.thing[1] and not b.shadowed_by:
                    if b.thing[1].split(".")[0] in roots:
                        b.used = "submodule"

    def module(self, tree: ast.Module) -> None:
        scope = self.new_scope(MODULE, None)
        body = tree.body
        i = 0
        first = body[0].value if body and type(body[0]) is ast.Expr else None
        if type(first) is ast.Constant and isinstance(first.value, str):
            i = 1  # the docstring may precede __future__ imports
        while i < len(body) and _is_future(body[i]):
            self.valid_futures.add(id(body[i]))
            if any(a.name == "annotations" for a in body[i].names):
                self.postponed = True
            i += 1
        self.body(body, scope)
        self.resolve()
        self.submodules()

    def body(self, stmts: list, scope: Scope) -> None:
        self.blocks.append(id(stmts))
        for s in stmts:
            h = _STMT.get(type(s))
            if h is None:
                for f in _fields(type(s)):
                    self.any(getattr(s, f), scope)
            else:
                h(self, s, scope)
        self.blocks.pop()

    def branches(self, bodies: list, scope: Scope, start: dict) -> dict:
        """Walk each of `bodies` from the state `start`; the merged state after them."""
        out = None
        for b in bodies:
            scope.state = dict(start)
            self.body(b, scope)
            out = scope.state if out is None else _merge(out, scope.state)
        return out if out is not None else start

    def loop(self, body: list, scope: Scope) -> None:
        start = scope.state
        self.loop_reads.append(set())
        end = self.branches([body], scope, start)
        reads = self.loop_reads.pop()
        if self.loop_reads:
            self.loop_reads[-1] |= reads
        # The next iteration may read what this one imported (walking again instead would
        # cost 2**depth for nested loops): a name read in the body uses its imports there.
        for name, bs in end.items():
            if name in reads:
                for b in bs:
                    if b not in start.get(name, ()):
                        b.used = b.used or "read"
        scope.state = _merge(start, end)

    def s_import(self, s: ast.stmt, scope: Scope) -> None:
        is_from = type(s) is ast.ImportFrom
        module = s.module if is_from else None
        level = s.level if is_from else 0
        future = is_from and module == "__future__" and not level
        if future and id(s) not in self.valid_futures:
            self.late_futures.append((s.lineno, s.col_offset + 1))
        for alias in s.names:
            if alias.name == "*":
                # Bound under pyflakes' name for it ('m.*', never an identifier): only a
                # duplicate of itself, never unused.
                name = "." * level + (module or "") + ".*"
                thing: tuple = ("star", level, module)
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

    def redefines(self, b: Binding, live: tuple) -> None:
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

    def s_def(self, s: ast.stmt, scope: Scope) -> None:
        self.calls += len(s.decorator_list)
        for d in s.decorator_list:
            self.expr(d, scope)
        self.arguments(s.args, scope)
        if s.returns is not None:
            self.annotation(s.returns, scope, now=True)
        self.type_params(s, scope)
        fn = self.new_scope(FUNCTION, scope)
        self.params(s.args, fn)
        self.body(s.body, fn)
        self.bind(s.name, scope)

    def arguments(self, args: ast.arguments, scope: Scope) -> None:
        """Defaults are evaluated now, annotations maybe later."""
        for d in args.defaults:
            self.expr(d, scope)
        for d in args.kw_defaults:
            if d is not None:
                self.expr(d, scope)
        for a in (
            *args.posonlyargs,
            *args.args,
            args.vararg,
            *args.kwonlyargs,
            args.kwarg,
        ):
            if a is not None and a.annotation is not None:
                self.annotation(a.annotation, scope, now=True)

    @staticmethod
    def params(args: ast.arguments, fn: Scope) -> None:
        for a in (
            *args.posonlyargs,
            *args.args,
            args.vararg,
            *args.kwonlyargs,
            args.kwarg,
        ):
            if a is not None:
                fn.bound.add(a.arg)

    def s_class(self, s: ast.ClassDef, scope: Scope) -> None:
        self.calls += len(s.decorator_list)
        for d in s.decorator_list:
            self.expr(d, scope)
        for b in s.bases:
            self.expr(b, scope)
        for k in s.keywords:
            self.expr(k.value, scope)
        self.type_params(s, scope)
        self.body(s.body, self.new_scope(CLASS, scope))
        self.bind(s.name, scope)

    def type_params(self, s: ast.stmt, scope: Scope) -> None:
        """PEP 695/696 bounds, constraints and defaults (Python >= 3.12 trees): evaluated lazily."""
        for tp in getattr(s, "type_params", ()):
            for f in ("bound", "default_value"):
                v = getattr(tp, f, None)
                if v is not None:
                    self.annotation(v, scope)

    def s_typealias(self, s: ast.stmt, scope: Scope) -> None:
        self.type_params(s, scope)
        self.annotation(s.value, scope)  # evaluated lazily, like an annotation
        self.bind(s.name.id, scope)

    def s_assign(self, s: ast.Assign, scope: Scope) -> None:
        self.expr(s.value, scope)
        for t in s.targets:
            self.target(t, scope)
            if type(t) is ast.Name and t.id == "__all__" and scope.kind == MODULE:
                self.all_names.update(_strings(s.value))

    def s_augassign(self, s: ast.AugAssign, scope: Scope) -> None:
        self.expr(s.value, scope)
        t = s.target
        if type(t) is ast.Name:
            self.read(t.id, scope)
            if t.id == "__all__" and scope.kind == MODULE:
                self.all_names.update(_strings(s.value))
        self.target(t, scope)

    def s_annassign(self, s: ast.AnnAssign, scope: Scope) -> None:
        # Evaluated at module and class level; in a function, never.
        self.annotation(s.annotation, scope, now=scope.kind != FUNCTION)
        if s.value is not None:
            a = s.annotation
            last = last_name(a)
            saved, self.typing = self.typing, last == "TypeAlias"  # the value is a type
            self.expr(s.value, scope)
            self.typing = saved
            self.target(s.target, scope)
            if type(s.target) is ast.Name and s.target.id == "__all__" and scope.kind == MODULE:
                self.all_names.update(_strings(s.value))
        elif type(s.target) is not ast.Name:
            self.expr(s.target, scope)

    def s_expr(self, s: ast.Expr, scope: Scope) -> None:
        v = s.value
        if (
            type(v) is ast.Call
            and type(v.func) is ast.Attribute
            and type(v.func.value) is ast.Name
            and v.func.value.id == "__all__"
            and scope.kind == MODULE
            and v.args
        ):
            if v.func.attr == "extend":
                self.all_names.update(_strings(v.args[0]))
            elif v.func.attr == "append":
                self.all_names.update(_strings(ast.List(elts=v.args[:1])))
        self.expr(v, scope)

    def s_for(self, s: ast.For, scope: Scope) -> None:
        self.expr(s.iter, scope)
        start = scope.state
        # The target is bound at the top of each iteration.
        self.target(s.target, scope)
        self.loop(s.body, scope)
        scope.state = self.branches([s.orelse], scope, _merge(start, scope.state))

    def s_while(self, s: ast.While, scope: Scope) -> None:
        self.expr(s.test, scope)
        start = scope.state
        self.loop(s.body, scope)
        scope.state = self.branches([s.orelse], scope, _merge(start, scope.state))

    def s_if(self, s: ast.If, scope: Scope) -> None:
        self.expr(s.test, scope)
        if scope.kind != MODULE:
            scope.state = self.branches([s.body, s.orelse], scope, scope.state)
            return
        start, i0, n0 = scope.state, len(self.bindings), len(self.module_binds)
        after_body = self.branches([s.body], scope, start)
        i1, n1 = len(self.bindings), len(self.module_binds)
        scope.state = _merge(after_body, self.branches([s.orelse], scope, start))
        self.fallbacks(self.bindings[i0:i1], [set(self.module_binds[n1:])])
        self.fallbacks(self.bindings[i1:], [set(self.module_binds[n0:n1])])

    def s_with(self, s: ast.With, scope: Scope) -> None:
        for item in s.items:
            self.expr(item.context_expr, scope)
            if item.optional_vars is not None:
                self.target(item.optional_vars, scope)
        self.body(s.body, scope)

    def s_try(self, s: ast.Try, scope: Scope) -> None:
        start = scope.state
        marks = [(len(self.bindings), len(self.module_binds))]
        after_body = self.branches([s.body], scope, start)
        ends = [self.branches([s.orelse], scope, after_body)]
        marks.append((len(self.bindings), len(self.module_binds)))
        # A handler runs when the body failed, typically before its imports (fallbacks):
        # like pyflakes, the body's bindings do not reach the handlers.
        for h in s.handlers:
            scope.state = dict(start)
            if h.type is not None:
                self.expr(h.type, scope)
            if h.name:
                self.bind(h.name, scope)
            self.body(h.body, scope)
            ends.append(scope.state)
            marks.append((len(self.bindings), len(self.module_binds)))
        # body + else, and each handler, are alternatives: see `fallbacks`.
        alts = [
            (self.bindings[a:c], set(self.module_binds[b:d]))
            for (a, b), (c, d) in zip(marks, marks[1:])
        ]
        for i, (imported, _) in enumerate(alts):
            self.fallbacks(imported, [names for j, (_, names) in enumerate(alts) if j != i])
        state = ends[0]
        for e in ends[1:]:
            state = _merge(state, e)
        scope.state = state
        self.body(s.finalbody, scope)

    def s_match(self, s: ast.Match, scope: Scope) -> None:
        self.expr(s.subject, scope)
        start = scope.state
        out = start
        for case in s.cases:
            scope.state = dict(start)
            self.pattern(case.pattern, scope)
            if case.guard is not None:
                self.expr(case.guard, scope)
            self.body(case.body, scope)
            out = _merge(out, scope.state)
        scope.state = out

    def pattern(self, p: ast.pattern, scope: Scope) -> None:
        t = type(p)
        if t is ast.MatchValue:
            self.expr(p.value, scope)
        elif t is ast.MatchClass:
            self.expr(p.cls, scope)
            for q in (*p.patterns, *p.kwd_patterns):
                self.pattern(q, scope)
        elif t is ast.MatchAs or t is ast.MatchStar:
            if getattr(p, "pattern", None) is not None:
                self.pattern(p.pattern, scope)
            if p.name:
                self.bind(p.name, scope)
        elif t is ast.MatchMapping:
            for k in p.keys:
                self.expr(k, scope)
            for q in p.patterns:
                self.pattern(q, scope)
            if p.rest:
                self.bind(p.rest, scope)
        elif t is ast.MatchSequence or t is ast.MatchOr:
            for q in p.patterns:
                self.pattern(q, scope)

    def s_declare(self, s: ast.stmt, scope: Scope) -> None:
        kind = "global" if type(s) is ast.Global else "nonlocal"
        for n in s.names:
            scope.declared[n] = kind
            if kind == "global":
                self.defer(n, self.scopes[0])

    def s_delete(self, s: ast.Delete, scope: Scope) -> None:
        for t in s.targets:
            if type(t) is ast.Name:
                self.read(t.id, scope)  # `del x` needs x bound: it uses the import
                self.bind(t.id, scope)
            else:
                self.expr(t, scope)

    # -- expressions ----------------------------------------------------------------------
    def any(self, v, scope: Scope) -> None:
        if isinstance(v, list):
            for x in v:
                if isinstance(x, ast.AST):
                    self.expr(x, scope)
        elif isinstance(v, ast.AST):
            self.expr(v, scope)

    def expr(self, node: ast.AST, scope: Scope) -> None:
        """Walk an expression (or a keyword, slice, f-string part...) in evaluation order.

        Iterative over the nodes that keep the walker's context (operators, attributes,
        containers, plain calls and subscripts): a 6 KB `1+1+...+1` or a long call chain is
        thousands of levels deep, past Python's recursion limit (issue 11). Only the nodes that
        change the context (lambdas, comprehensions, typing constructs) recurse."""
        stack = [node]
        pop, push = stack.pop, stack.extend
        while stack:
            node = pop()
            t = type(node)
            if t is ast.Name:
                if type(node.ctx) is ast.Store:
                    self.bind(node.id, scope)
                else:
                    self.read(node.id, scope)
            elif t is ast.Attribute:
                self.attrs.add(node.attr)
                stack.append(node.value)
            elif t is ast.Constant:
                if self.typing and type(node.value) is str:
                    self.string_annotation(node.value, scope)
            elif t is ast.Subscript:
                if self.plain_subscript(node, scope):
                    push((node.slice, node.value))
                else:
                    self.subscript(node, scope)
            elif t is ast.Call:
                self.calls += 1
                f = node.func
                fname = last_name(f)
                if fname in TYPE_ARGS:
                    self.call(node, scope)
                else:
                    push(reversed(node.keywords))
                    push(reversed(node.args))
                    stack.append(f)
            elif t in _COMPS:
                self.comprehension(node, scope)
            elif t is ast.Lambda:
                self.arguments(node.args, scope)
                fn = self.new_scope(FUNCTION, scope)
                self.params(node.args, fn)
                self.expr(node.body, fn)
            elif t is ast.NamedExpr:
                self.expr(node.value, scope)
                # PEP 572: the target belongs to the scope around the comprehensions.
                saved, self.comp_names = self.comp_names, []
                self.bind(node.target.id, scope)
                self.comp_names = saved
            else:
                children = []
                for f in _fields(t):
                    v = getattr(node, f)
                    if isinstance(v, list):
                        children.extend(x for x in v if isinstance(x, ast.AST))
                    elif isinstance(v, ast.AST):
                        children.append(v)
                push(reversed(children))

    def target(self, node: ast.expr, scope: Scope) -> None:
        t = type(node)
        if t is ast.Name:
            self.bind(node.id, scope)
        elif t is ast.Tuple or t is ast.List:
            for e in node.elts:
                self.target(e, scope)
        elif t is ast.Starred:
            self.target(node.value, scope)
        else:
            self.expr(node, scope)

    def comprehension(self, node: ast.AST, scope: Scope) -> None:
        gens = node.generators
        self.expr(gens[0].iter, scope)  # evaluated in the enclosing scope
        names: set[str] = set()
        for g in gens:
            _target_names(g.target, names)
        self.comp_names.append(names)
        for i, g in enumerate(gens):
            if i:
                self.expr(g.iter, scope)
            for c in g.ifs:
                self.expr(c, scope)
        if type(node) is ast.DictComp:
            self.expr(node.key, scope)
            self.expr(node.value, scope)
        else:
            self.expr(node.elt, scope)
        self.comp_names.pop()


def _plain(thing: tuple) -> bool:
    """`import a.b` (no `as`): binds `a`, with every submodule imported so."""
    return thing[0] == "import" and not thing[2]


def _target_names(node: ast.expr, out: set) -> None:
    t = type(node)
    if t is ast.Name:
        out.add(node.id)
    elif t is ast.Tuple or t is ast.List:
        for e in node.elts:
            _target_names(e, out)
    elif t is ast.Starred:
        _target_names(node.value, out)


_STMT = {
    ast.Import: _Walker.s_import,
    ast.ImportFrom: _Walker.s_import,
    ast.FunctionDef: _Walker.s_def,
    ast.AsyncFunctionDef: _Walker.s_def,
    ast.ClassDef: _Walker.s_class,
    ast.Assign: _Walker.s_assign,
    ast.AugAssign: _Walker.s_augassign,
    ast.AnnAssign: _Walker.s_annassign,
    ast.Expr: _Walker.s_expr,
    ast.For: _Walker.s_for,
    ast.AsyncFor: _Walker.s_for,
    ast.While: _Walker.s_while,
    ast.If: _Walker.s_if,
    ast.With: _Walker.s_with,
    ast.AsyncWith: _Walker.s_with,
    ast.Try: _Walker.s_try,
    ast.Match: _Walker.s_match,
    ast.Global: _Walker.s_declare,
    ast.Nonlocal: _Walker.s_declare,
    ast.Delete: _Walker.s_delete,
}
if hasattr(ast, "TryStar"):  # Python >= 3.11
    _STMT[ast.TryStar] = _Walker.s_try
if hasattr(ast, "TypeAlias"):  # Python >= 3.12
    _STMT[ast.TypeAlias] = _Walker.s_typealias


def type_comment_names(text: str) -> set[str]:
    """Names read by `# type:` comments (PEP 484), `# type: ignore` excepted.

    Every import of such a name counts as used, in whichever scope: a cheap approximation of
    pyflakes' per-statement handling, erring on the side of no report.
    """
    names: set[str] = set()
    if "type:" not in text:
        return names
    for m in _TYPE_COMMENT.finditer(text):
        comment = m.group(1).split("#", 1)[0].strip()
        for mode in ("func_type", "eval"):
            try:
                tree = ast.parse(comment, mode=mode)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            for n in ast.walk(tree):
                if type(n) is ast.Name:
                    names.add(n.id)
                elif type(n) is ast.Constant and isinstance(n.value, str):
                    names.update(type_comment_names("# type: " + n.value))
            break
    return names


def scan(tree: ast.Module, text: str, is_stub: bool) -> Result:
    """Every import binding of `tree` with its use and duplicate status, and the misplaced
    `__future__` imports. `text` is the source (for `# type:` comments); `is_stub`: a `.pyi`
    file, where any name may be a forward reference."""
    w = _Walker(is_stub)
    w.module(tree)
    tc = type_comment_names(text)
    if tc:
        for b in w.bindings:
            if b.name in tc and b.shadowed_by is None:
                b.used = b.used or "# type:"
    return Result(w.bindings, w.late_futures, w.all_names)
