"""Syntax helpers of the `imports` analysis: node fields, import labels, `__all__` strings,
assignment targets and `# type:` comments."""

from __future__ import annotations

import ast
import re
from typing import Any

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
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_TYPE_COMMENT = re.compile(r"#\s*type:\s*(?!ignore\b)(.+)$", re.M)


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


def _fields(t: type[ast.AST]) -> tuple[str, ...]:
    f = _FIELDS.get(t)
    if f is None:
        f = _FIELDS[t] = tuple(n for n in t._fields if n not in _SKIP_FIELDS)
    return f


def _is_future(s: ast.stmt) -> bool:
    return type(s) is ast.ImportFrom and s.module == "__future__" and not s.level


def _strings(node: ast.expr) -> list[str]:
    """The string constants of a list/tuple literal, or of `[...] + (...)` sums of them."""
    out: list[str] = []
    stack: list[Any] = [node]  # nodes of any kind, told apart by their type
    while stack:  # iterative: a long sum is a deep tree
        n = stack.pop()
        if type(n) is ast.BinOp and type(n.op) is ast.Add:
            stack += (n.right, n.left)
        elif type(n) in (ast.List, ast.Tuple):
            out += [e.value for e in n.elts if type(e) is ast.Constant and isinstance(e.value, str)]
    return out


def _target_names(node: Any, out: set[str]) -> None:
    t = type(node)
    if t is ast.Name:
        out.add(node.id)
    elif t is ast.Tuple or t is ast.List:
        for e in node.elts:
            _target_names(e, out)
    elif t is ast.Starred:
        _target_names(node.value, out)


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
