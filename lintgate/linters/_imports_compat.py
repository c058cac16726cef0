"""Newer syntax for an older interpreter: the `imports` check's fallback parser.

When the running Python's `ast` cannot parse a file (a 3.12 f-string or PEP 695 generic under
3.11, a 3.14 t-string or unparenthesised `except A, B:`), libcst's native parser (grammar
3.0-3.14) reads it and this module rewrites the few constructs the running `ast` lacks into
code that reads the same names, keeping every line where it was:

- f-strings and t-strings -> a parenthesised tuple of their replacement fields;
- `def f[T: B]` / `class C[T = D]` -> the bounds and defaults join the return annotation or a
  lambda among the bases (both read lazily, as type parameters are);
- `type X[T] = v` -> `X = lambda: (v,)` (read lazily, PEP 695);
- `except A, B:` (PEP 758) -> `except (A, B):`;
- `except* E:` (3.11, for Python 3.10) -> `except E:`.

Only import statements need exact positions (findings and fixes point at them); the
rewritten expressions keep their newlines, so lines never move.
"""

from __future__ import annotations

import ast
from typing import Any


def downgrade(text: str) -> str:
    """`text` rewritten for the running `ast`. Raises libcst.ParserSyntaxError when libcst
    cannot parse it either."""
    import libcst as cst

    class Down(cst.CSTTransformer):
        def __init__(self) -> None:
            super().__init__()
            self.empty = cst.Module([])
            self.in_concat: set[int] = set()  # ids of the parts of concatenations

        def code(self, node: cst.CSTNode) -> str:
            return self.empty.code_for_node(node)

        def tuple_of(
            self, exprs: list[Any], newlines: int, lazy: bool = False
        ) -> cst.BaseExpression:
            """`(e1, e2,)` (or `lambda: (...)`) padded to `newlines` line breaks."""
            body = "".join(self.code(e) + ", " for e in exprs)
            pad = "\n" * max(0, newlines - body.count("\n"))
            text = f"({body}{pad})"
            return cst.parse_expression(f"lambda: {text}" if lazy else text)

        def fields(self, parts: Any) -> list[Any]:
            out: list[Any] = []
            for p in parts:
                if isinstance(p, (cst.FormattedStringExpression, cst.TemplatedStringExpression)):
                    out.append(p.expression)
                    if p.format_spec:
                        out.extend(self.fields(p.format_spec))
            return out

        # A string inside a concatenation stays (libcst accepts only strings there); the
        # outermost concatenation becomes the tuple of every field of its parts.
        def visit_ConcatenatedString(self, node: Any) -> None:
            self.in_concat.update((id(node.left), id(node.right)))

        def leave_FormattedString(self, orig: Any, new: Any) -> Any:
            if id(orig) in self.in_concat:
                return new
            return self.tuple_of(self.fields(new.parts), self.code(orig).count("\n"))

        def leave_TemplatedString(self, orig: Any, new: Any) -> Any:
            return self.leave_FormattedString(orig, new)

        def leave_ConcatenatedString(self, orig: Any, new: Any) -> Any:
            if id(orig) in self.in_concat:
                return new
            exprs = self.concat_fields(new)
            if exprs is None:  # plain strings only
                return new
            return self.tuple_of(exprs, self.code(orig).count("\n"))

        def concat_fields(self, node: Any) -> list[Any] | None:
            if isinstance(node, cst.ConcatenatedString):
                left, right = self.concat_fields(node.left), self.concat_fields(node.right)
                return None if left is None and right is None else (left or []) + (right or [])
            if isinstance(node, (cst.FormattedString, cst.TemplatedString)):
                return self.fields(node.parts)
            return None

        def type_param_exprs(self, tps: Any) -> tuple[list[Any], int]:
            exprs: list[Any] = []
            for tp in tps.params:
                if getattr(tp.param, "bound", None) is not None:
                    exprs.append(tp.param.bound)
                if tp.default is not None:
                    exprs.append(tp.default)
            return exprs, self.code(tps).count("\n")

        def leave_FunctionDef(self, orig: Any, new: Any) -> Any:
            if new.type_parameters is None:
                return new
            exprs, lines = self.type_param_exprs(new.type_parameters)
            if new.returns is not None:
                exprs.append(new.returns.annotation)
                lines += self.code(new.returns.annotation).count("\n")
            return new.with_changes(
                type_parameters=None,
                whitespace_after_type_parameters=cst.SimpleWhitespace(""),
                returns=cst.Annotation(self.tuple_of(exprs, lines)),
            )

        def leave_ClassDef(self, orig: Any, new: Any) -> Any:
            if new.type_parameters is None:
                return new
            exprs, lines = self.type_param_exprs(new.type_parameters)
            extra = cst.Arg(self.tuple_of(exprs, lines, lazy=True))
            bases = list(new.bases)
            if bases and bases[-1].comma is cst.MaybeSentinel.DEFAULT:
                bases[-1] = bases[-1].with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
            return new.with_changes(
                type_parameters=None,
                whitespace_after_type_parameters=cst.SimpleWhitespace(""),
                bases=[*bases, extra],
                lpar=cst.LeftParen(),
                rpar=cst.RightParen(),
            )

        def leave_TypeAlias(self, orig: Any, new: Any) -> Any:
            exprs, lines = (
                ([], 0)
                if new.type_parameters is None
                else self.type_param_exprs(new.type_parameters)
            )
            exprs.append(new.value)
            lines += self.code(new.value).count("\n")
            return cst.Assign(
                targets=[cst.AssignTarget(new.name)],
                value=self.tuple_of(exprs, lines, lazy=True),
            )

        def leave_ExceptHandler(self, orig: Any, new: Any) -> Any:
            return self.parenthesize(new)

        def leave_ExceptStarHandler(self, orig: Any, new: Any) -> Any:
            return self.parenthesize(new)

        def leave_TryStar(self, orig: Any, new: Any) -> Any:
            # `try: ... except* E:` (3.11) for an older `ast`: the same names, plain handlers.
            handlers = [
                cst.ExceptHandler(
                    body=h.body,
                    type=h.type,
                    name=h.name,
                    leading_lines=h.leading_lines,
                    whitespace_after_except=cst.SimpleWhitespace(" "),
                    whitespace_before_colon=h.whitespace_before_colon,
                )
                for h in new.handlers
            ]
            return cst.Try(
                body=new.body,
                handlers=handlers,
                orelse=new.orelse,
                finalbody=new.finalbody,
                leading_lines=new.leading_lines,
                whitespace_before_colon=new.whitespace_before_colon,
            )

        @staticmethod
        def parenthesize(h: Any) -> Any:
            if isinstance(h.type, cst.Tuple) and not h.type.lpar:
                return h.with_changes(
                    type=h.type.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]),
                    whitespace_after_except=cst.SimpleWhitespace(" "),
                )
            return h

    module = cst.parse_module(text)
    return module.visit(Down()).code


def rename_async_names(text: str) -> str:
    """`text` with `async` and `await` used as names (Python 3.0-3.6) renamed `_sync` and
    `_wait` (same length: positions stay), for an `ast` that no longer takes
    `feature_version=(3, 6)` (3.13+). Raises SyntaxError or tokenize.TokenError when `text`
    does not tokenize."""
    import io
    import tokenize

    lines = text.split("\n")
    toks = [
        t
        for t in tokenize.generate_tokens(io.StringIO(text).readline)
        if t.type not in (tokenize.NL, tokenize.COMMENT)
    ]
    for t, nxt in zip(toks, toks[1:]):
        if t.type != tokenize.NAME or t.string not in ("async", "await"):
            continue
        if t.string == "async" and nxt.string in ("def", "for", "with"):
            continue
        if t.string == "await" and nxt.type in (
            tokenize.NAME,
            tokenize.NUMBER,
            tokenize.STRING,
        ):
            continue
        if t.string == "await" and nxt.string in ("(", "[", "{", "-", "+", "~"):
            continue
        row, col = t.start
        line = lines[row - 1]
        lines[row - 1] = (
            line[:col] + ("_sync" if t.string == "async" else "_wait") + line[col + 5 :]
        )
    return "\n".join(lines)


def parse(text: str) -> ast.Module:
    """Parse `text` with libcst and return the running `ast`'s tree of its downgraded form.

    Raises SyntaxError (or libcst.ParserSyntaxError) when the file does not parse.
    """
    return ast.parse(downgrade(text))
