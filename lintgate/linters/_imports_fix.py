"""Removing import aliases with libcst, leaving every other byte of the file as it was.

libcst finds the statements and rebuilds only the lines that change; they are spliced into the
original text (libcst's own output of a whole module is not always byte-exact):

- an alias goes with its comma and the comment after it; the other aliases, the parentheses,
  the comments on their lines and the statement's layout stay;
- a statement left with no alias goes, its whole line with it; comment and blank lines around
  it stay; a block left empty gets `pass`;
- `x = 1; import os` becomes `x = 1`, `if c: import os` becomes `if c: pass`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from lintgate.linters._imports_model import Binding


def remove(text: str, bindings: Sequence[Binding]) -> str:
    """`text` without the import aliases of `bindings` (`_imports_scan.Binding`s whose 1-based
    `line` and character `col` locate the alias). Aliases not found are left alone.

    Raises libcst.ParserSyntaxError when libcst cannot parse `text`.
    """
    import libcst as cst
    from libcst.metadata import (
        MetadataWrapper,
        PositionProvider,
        WhitespaceInclusivePositionProvider,
    )

    wanted = {(b.line, b.col) for b in bindings}
    wrapper = MetadataWrapper(cst.parse_module(text))
    module = wrapper.module
    pos = wrapper.resolve(PositionProvider)
    wpos = wrapper.resolve(WhitespaceInclusivePositionProvider)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []

    def offset(p: Any) -> int:  # a libcst CodePosition
        line: int = p.line
        column: int = p.column
        return starts[line - 1] + column

    def doomed(alias: cst.CSTNode) -> bool:
        start = pos[alias].start
        return (start.line, start.column + 1) in wanted

    def prune(node: Any) -> Any:
        """The import statement `node` without its doomed aliases; None when none is left."""
        if isinstance(node.names, cst.ImportStar):  # a duplicate star import goes whole
            return None if doomed(node.names) else node
        gone = [doomed(a) for a in node.names]
        if not any(gone):
            return node
        if all(gone):
            return None
        names = list(node.names)
        keep = [a for a, g in zip(names, gone) if not g]
        if not gone[-1]:
            return node.with_changes(names=keep)
        # The last alias goes: the new last one takes its ending.
        prev, removed = keep[-1], names[-1]
        changes: dict[str, Any] = {}
        parens = getattr(node, "lpar", None) is not None
        ws = prev.comma.whitespace_after if isinstance(prev.comma, cst.Comma) else None
        if parens and isinstance(ws, cst.ParenthesizedWhitespace):
            # One alias a line: keep this alias's comma and comment, end where the removed did.
            tail = cst.SimpleWhitespace("")
            if isinstance(removed.comma, cst.Comma):
                rws = removed.comma.whitespace_after
                tail = rws.last_line if isinstance(rws, cst.ParenthesizedWhitespace) else tail
            else:
                changes["rpar"] = node.rpar.with_changes(whitespace_before=cst.SimpleWhitespace(""))
            comma = prev.comma.with_changes(whitespace_after=ws.with_changes(last_line=tail))
        else:
            comma = removed.comma if parens else cst.MaybeSentinel.DEFAULT
        keep[-1] = prev.with_changes(comma=comma)
        return node.with_changes(names=keep, **changes)

    def prune_line(smalls: Sequence[Any]) -> list[Any] | None:
        """The small statements of a line after pruning; None when nothing changes."""
        out: list[Any] = []
        changed, new = False, None
        for s in smalls:
            new = prune(s) if isinstance(s, (cst.Import, cst.ImportFrom)) else s
            changed = changed or new is not s
            if new is not None:
                out.append(new)
        if not changed:
            return None
        if out and new is None:  # the last statement went: no `x = 1; `
            out[-1] = out[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return out

    def replace(node: cst.CSTNode, code: str, whole_lines: bool = False) -> None:
        """Replace the text of `node` (from its first line's start when `whole_lines`: leading
        comment lines are not part of it) to the end of its line."""
        a = starts[pos[node].start.line - 1] if whole_lines else offset(wpos[node].start)
        b = offset(wpos[node].end)
        if not text[a:b].endswith("\n"):  # the last line of a file without a final newline
            code = code.removesuffix("\n")
        edits.append((a, b, code))

    class Finder(cst.CSTVisitor):
        def visit_Module(self, node: cst.Module) -> None:
            self.block(node.body, need_pass=False)

        def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
            self.block(node.body, need_pass=True)

        def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
            new = prune_line(node.body)
            if new is not None:
                replace(
                    node,
                    module.code_for_node(node.with_changes(body=new or [cst.Pass()])),
                )

        @staticmethod
        def block(body: Sequence[Any], need_pass: bool) -> None:
            changed: list[tuple[Any, list[Any]]] = []
            for stmt in body:
                if isinstance(stmt, cst.SimpleStatementLine):
                    new = prune_line(stmt.body)
                    if new is not None:
                        changed.append((stmt, new))
            emptied = [s for s, new in changed if not new]
            for stmt, new in changed:
                indent = text[starts[pos[stmt].start.line - 1] : offset(pos[stmt].start)]
                if new:
                    code = indent + module.code_for_node(
                        stmt.with_changes(body=new, leading_lines=())
                    )
                elif need_pass and len(emptied) == len(body) and stmt is emptied[0]:
                    code = indent + "pass\n"  # the block keeps one statement
                else:
                    code = ""
                replace(stmt, code, whole_lines=True)

    module.visit(Finder())
    for a, b, code in sorted(edits, reverse=True):
        text = text[:a] + code + text[b:]
    return text
