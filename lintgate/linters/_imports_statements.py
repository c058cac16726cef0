"""The statements of the `imports` walker: the module, blocks, branches and loops (the flow
analysis), definitions, assignments and compound statements."""

from __future__ import annotations

import ast
from typing import Any, Callable

from lintgate.linters._imports_ast import _fields, _is_future, _strings
from lintgate.linters._imports_bind import ImportWalk
from lintgate.linters._imports_model import CLASS, FUNCTION, MODULE, Scope, State, _merge
from lintgate.linters._imports_typing import last_name


class StatementWalk(ImportWalk):
    """The whole walker: statements on top of imports, expressions, typing and names."""

    def module(self, tree: ast.Module) -> None:
        scope = self.new_scope(MODULE, None)
        body: list[Any] = tree.body  # statements of any kind, told apart by their type
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

    def body(self, stmts: list[ast.stmt], scope: Scope) -> None:
        self.blocks.append(id(stmts))
        for s in stmts:
            h = _STMT.get(type(s))
            if h is None:
                for f in _fields(type(s)):
                    self.any(getattr(s, f), scope)
            else:
                h(self, s, scope)
        self.blocks.pop()

    def branches(self, bodies: list[list[ast.stmt]], scope: Scope, start: State) -> State:
        """Walk each of `bodies` from the state `start`; the merged state after them."""
        out: State | None = None
        for b in bodies:
            scope.state = dict(start)
            self.body(b, scope)
            out = scope.state if out is None else _merge(out, scope.state)
        return out if out is not None else start

    def loop(self, body: list[ast.stmt], scope: Scope) -> None:
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

    def s_def(self, s: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
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

    def s_typealias(self, s: Any, scope: Scope) -> None:  # ast.TypeAlias (Python >= 3.12)
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

    def pattern(self, p: Any, scope: Scope) -> None:  # an ast.pattern of any kind
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

    def s_declare(self, s: ast.Global | ast.Nonlocal, scope: Scope) -> None:
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


# statement type -> its handler; the others are walked field by field (`body`)
_STMT: dict[type[ast.stmt], Callable[[StatementWalk, Any, Scope], None]] = {
    ast.Import: StatementWalk.s_import,
    ast.ImportFrom: StatementWalk.s_import,
    ast.FunctionDef: StatementWalk.s_def,
    ast.AsyncFunctionDef: StatementWalk.s_def,
    ast.ClassDef: StatementWalk.s_class,
    ast.Assign: StatementWalk.s_assign,
    ast.AugAssign: StatementWalk.s_augassign,
    ast.AnnAssign: StatementWalk.s_annassign,
    ast.Expr: StatementWalk.s_expr,
    ast.For: StatementWalk.s_for,
    ast.AsyncFor: StatementWalk.s_for,
    ast.While: StatementWalk.s_while,
    ast.If: StatementWalk.s_if,
    ast.With: StatementWalk.s_with,
    ast.AsyncWith: StatementWalk.s_with,
    ast.Try: StatementWalk.s_try,
    ast.Match: StatementWalk.s_match,
    ast.Global: StatementWalk.s_declare,
    ast.Nonlocal: StatementWalk.s_declare,
    ast.Delete: StatementWalk.s_delete,
}
if hasattr(ast, "TryStar"):  # Python >= 3.11
    _STMT[ast.TryStar] = StatementWalk.s_try
if hasattr(ast, "TypeAlias"):  # Python >= 3.12
    _STMT[ast.TypeAlias] = StatementWalk.s_typealias
