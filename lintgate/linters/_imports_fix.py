"""Removing import aliases with libcst, keeping everything else as it was written.

- An alias goes with its comma and the comment after it; the other aliases, the parentheses,
  the comments on their lines and the statement's layout stay.
- A statement left with no alias goes; the comment lines above it stay (they move onto the
  next statement, or to the end of the block); a block left empty gets `pass`.
- `x = 1; import os` loses the `import os` and its `;`.
"""

from __future__ import annotations


def remove(text: str, bindings: list) -> str:
    """`text` without the import aliases of `bindings` (`_imports_scan.Binding`s whose 1-based
    `line` and character `col` locate the alias). Aliases not found are left alone."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wanted = {(b.line, b.col) for b in bindings}
    wrapper = MetadataWrapper(cst.parse_module(text))
    positions = wrapper.resolve(PositionProvider)
    placeholders: set[int] = set()  # `pass` lines standing for removed lines
    gone_whole: set[int] = set()  # import statements removed whole

    def doomed(alias) -> bool:
        start = positions[alias].start
        return (start.line, start.column + 1) in wanted

    def has_comment(lines) -> bool:
        return any(line.comment is not None for line in lines)

    class Remover(cst.CSTTransformer):
        def leave_Import(self, orig, new):
            return self.prune(orig, new)

        def leave_ImportFrom(self, orig, new):
            return self.prune(orig, new)

        def prune(self, orig, new):
            if isinstance(orig.names, cst.ImportStar):
                return new
            gone = [doomed(a) for a in orig.names]
            if not any(gone):
                return new
            if all(gone):
                gone_whole.add(id(orig))
                return cst.RemoveFromParent()
            names = list(new.names)
            keep = [a for a, g in zip(names, gone) if not g]
            if gone[-1]:  # the last alias goes: the new last one takes its ending
                last_kept = max(i for i, g in enumerate(gone) if not g)
                prev, removed = names[last_kept], names[-1]
                changes = {}
                parens = getattr(new, "lpar", None) is not None
                ws = prev.comma.whitespace_after if isinstance(prev.comma, cst.Comma) else None
                if parens and isinstance(ws, cst.ParenthesizedWhitespace):
                    # Multi-line: keep this alias's comma and comment, end where the removed did.
                    tail = cst.SimpleWhitespace("")
                    if isinstance(removed.comma, cst.Comma):
                        rws = removed.comma.whitespace_after
                        tail = (
                            rws.last_line if isinstance(rws, cst.ParenthesizedWhitespace) else tail
                        )
                    else:
                        changes["rpar"] = new.rpar.with_changes(
                            whitespace_before=cst.SimpleWhitespace("")
                        )
                    comma = prev.comma.with_changes(
                        whitespace_after=ws.with_changes(last_line=tail)
                    )
                else:
                    comma = removed.comma
                    if isinstance(comma, cst.Comma) and not parens:
                        comma = cst.MaybeSentinel.DEFAULT
                keep[-1] = prev.with_changes(comma=comma)
                return new.with_changes(names=keep, **changes)
            return new.with_changes(names=keep)

        def leave_SimpleStatementLine(self, orig, new):
            if not new.body:
                line = cst.SimpleStatementLine([cst.Pass()], leading_lines=new.leading_lines)
                placeholders.add(id(line))
                return line
            if len(new.body) < len(orig.body) and id(orig.body[-1]) in gone_whole:
                # `x = 1; import os` -> `x = 1`, not `x = 1; `.
                last = new.body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                new = new.with_changes(body=[*new.body[:-1], last])
            return new

        def leave_IndentedBlock(self, orig, new):
            body, footer = self.settle(new.body, need_pass=True)
            return new.with_changes(body=body, footer=[*footer, *new.footer])

        def leave_Module(self, orig, new):
            body, footer = self.settle(new.body, need_pass=False)
            return new.with_changes(body=body, footer=[*footer, *new.footer])

        @staticmethod
        def settle(stmts, need_pass: bool):
            """Drop the placeholders of removed lines, moving their comment lines on; a block
            left empty keeps one `pass` (a module may be empty)."""
            out, carried = [], []
            for s in stmts:
                if id(s) in placeholders:
                    if has_comment(s.leading_lines):
                        carried.extend(s.leading_lines)
                    continue
                if carried:
                    s = s.with_changes(leading_lines=[*carried, *s.leading_lines])
                    carried = []
                out.append(s)
            if not out and stmts and need_pass:
                return [cst.SimpleStatementLine([cst.Pass()], leading_lines=carried)], []
            return out, carried

    return wrapper.module.visit(Remover()).code
