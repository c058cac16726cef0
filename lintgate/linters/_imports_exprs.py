"""The expression side of the `imports` walker: expressions in evaluation order, assignment
targets, comprehensions, lambdas and function parameters."""

from __future__ import annotations

import ast
from typing import Any

from lintgate.linters._imports_ast import _COMPS, _fields, _target_names
from lintgate.linters._imports_model import FUNCTION, Scope
from lintgate.linters._imports_typing import TYPE_ARGS, TypingWalk, last_name


class ExprWalk(TypingWalk):
    """Walks expressions (a base of the walker; statements come on top)."""

    def arguments(self, args: ast.arguments, scope: Scope) -> None:
        """Defaults are evaluated now, annotations maybe later."""
        for d in args.defaults:
            self.expr(d, scope)
        for kd in args.kw_defaults:
            if kd is not None:
                self.expr(kd, scope)
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

    def any(self, v: object, scope: Scope) -> None:
        if isinstance(v, list):
            for x in v:
                if isinstance(x, ast.AST):
                    self.expr(x, scope)
        elif isinstance(v, ast.AST):
            self.expr(v, scope)

    def expr(self, root: ast.AST, scope: Scope) -> None:
        """Walk an expression (or a keyword, slice, f-string part...) in evaluation order.

        Iterative over the nodes that keep the walker's context (operators, attributes,
        containers, plain calls and subscripts): a 6 KB `1+1+...+1` or a long call chain is
        thousands of levels deep, past Python's recursion limit (issue 11). Only the nodes that
        change the context (lambdas, comprehensions, typing constructs) recurse."""
        stack: list[Any] = [root]  # nodes of any kind, told apart by their type
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
                children: list[ast.AST] = []
                for f in _fields(t):
                    v = getattr(node, f)
                    if isinstance(v, list):
                        children.extend(x for x in v if isinstance(x, ast.AST))
                    elif isinstance(v, ast.AST):
                        children.append(v)
                push(reversed(children))

    def target(self, node: Any, scope: Scope) -> None:
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

    def comprehension(self, node: Any, scope: Scope) -> None:
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
