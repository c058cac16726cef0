"""Line templates for `--format` and `MessageOverride`, in two syntaxes.

- gometalinter's (Go `text/template`), chosen when the template contains `{{`: the fields
  `{{.Path}}`, `{{.Line}}`, `{{.Col}}`, `{{.Severity}}`, `{{.Message}}`, `{{.Linter}}`,
  conditionals `{{if .Col}}...{{else}}...{{end}}` (a field is false when 0 or empty, as in
  Go), comments `{{/* ... */}}` and the trim markers `{{- ` / ` -}}`. Other Go template
  actions (pipelines, functions, range) are refused.
- Python's `str.format` otherwise: `{path}:{line}:{col}: {message} ({linter})`, with
  conversions and format specs (`{line:>4}`); only the six field names, no attribute or index
  access.
"""

from __future__ import annotations

import re
import string
from typing import Callable, Union

from lintgate.diagnostic import Diagnostic

__all__ = ["FIELDS", "compile_template", "render_lines"]

FIELDS = ("path", "line", "col", "severity", "message", "linter")
_GO_FIELDS = {name.capitalize(): name for name in FIELDS}  # Path -> path, ...

LineTemplate = Callable[[Diagnostic], str]

# A parsed Go template: text, a field, or (field, then-nodes, else-nodes) for an `if`.
_Node = Union[str, "_Field", "_If"]


# Bounds of a template (a line of a report; each bound is far above any real use).
MAX_LENGTH = 4096
MAX_WIDTH = 1000
MAX_NESTING = 50
_NUMBER = re.compile(r"\d+")


def _shorten(template: str) -> str:
    return repr(template if len(template) <= 60 else template[:57] + "...")


class _Field(str):
    """A `{{.Field}}` action; the string is the Diagnostic attribute name."""


class _If(tuple):  # type: ignore[type-arg]  # (str, list[_Node], list[_Node])
    """`{{if .Field}}then{{else}}otherwise{{end}}`: (attribute name, then nodes, else nodes)."""


_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.DOTALL)
_FIELD = re.compile(r"\.([A-Za-z_]\w*)")


def compile_template(template: str) -> LineTemplate:
    """Compile `template` into a function from a Diagnostic to its line (no newline added).

    Raises ValueError with a one-line message for a syntax error, an unknown field, or a
    template over the bounds that keep rendering cheap: MAX_LENGTH characters, MAX_WIDTH for
    a width or precision, MAX_NESTING nested `{{if}}`s, no replacement field inside a format
    spec (`{line:{col}}`).
    """
    if len(template) > MAX_LENGTH:
        raise ValueError(f"bad template {_shorten(template)}: longer than {MAX_LENGTH} characters")
    if "{{" in template:
        return _compile_go(template)
    return _compile_python(template)


def render_lines(diagnostics: list[Diagnostic], line: LineTemplate) -> str:
    """One line per diagnostic, each ended by a newline (gometalinter prints them so); the
    control characters of each path, message and linter are escaped (report.terminal), so
    that a finding cannot forge another line."""
    from lintgate.report.terminal import escape_controls, printable

    return "".join(
        line(printable(d._replace(path=escape_controls(d.path)))) + "\n" for d in diagnostics
    )


def _compile_python(template: str) -> LineTemplate:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise ValueError(f"bad format template {_shorten(template)}: {e}") from None
    for _, name, spec, _ in parsed:
        if spec and "{" in spec:
            raise ValueError(
                f"bad format template {_shorten(template)}: a replacement field inside the "
                f"format spec of {{{name}}} is not supported"
            )
        if spec and any(len(n) > 4 or int(n) > MAX_WIDTH for n in _NUMBER.findall(spec)):
            raise ValueError(
                f"bad format template {_shorten(template)}: width or precision over {MAX_WIDTH} "
                f"for {{{name}}}"
            )
        if name is not None and name not in FIELDS:
            raise ValueError(
                f"bad format template {_shorten(template)}: unknown field {{{name}}} "
                f"(fields: {', '.join(FIELDS)})"
            )

    def render(d: Diagnostic) -> str:
        return template.format_map(d._asdict())

    try:  # a bad format spec only shows when formatting
        render(Diagnostic("a.py", 1, 1, "linter", "message"))
    except (ValueError, TypeError) as e:
        raise ValueError(f"bad format template {_shorten(template)}: {e}") from None
    return render


def _compile_go(template: str) -> LineTemplate:
    # Tokenize into text and actions, applying the trim markers to the neighbouring text.
    tokens: list[tuple[bool, str]] = []  # (is_action, text)
    pos = 0
    trim_next = False
    for m in _ACTION.finditer(template):
        text = template[pos : m.start()]
        if trim_next:
            text = text.lstrip()
        if m.group(1):
            text = text.rstrip()
        tokens.append((False, text))
        tokens.append((True, m.group(2).strip()))
        trim_next = bool(m.group(3))
        pos = m.end()
    rest = template[pos:]
    tokens.append((False, rest.lstrip() if trim_next else rest))
    if "{{" in rest:
        raise ValueError(f"bad template {_shorten(template)}: unclosed action")

    def bad(why: str) -> ValueError:
        return ValueError(f"bad template {_shorten(template)}: {why}")

    def field(expr: str) -> str:
        m = _FIELD.fullmatch(expr)
        if not m:
            raise bad(f"unsupported action {{{{{expr}}}}}")
        if m.group(1) not in _GO_FIELDS:
            raise bad(
                f"unknown field .{m.group(1)} (fields: {', '.join('.' + f for f in _GO_FIELDS)})"
            )
        return _GO_FIELDS[m.group(1)]

    # Parse into nested node lists; `stack` holds the open `if`s.
    root: list[_Node] = []
    stack: list[tuple[str, list[_Node], list[_Node], bool]] = []  # (field, then, else, in_else)
    current = root
    for is_action, text in tokens:
        if not is_action:
            if text:
                current.append(text)
        elif text.startswith("/*") and text.endswith("*/"):
            continue
        elif text.startswith("if ") or text.startswith("if\t"):
            if len(stack) >= MAX_NESTING:
                raise bad(f"more than {MAX_NESTING} nested {{{{if}}}}s")
            stack.append((field(text[2:].strip()), [], [], False))
            current = stack[-1][1]
        elif text == "else":
            if not stack or stack[-1][3]:
                raise bad("unexpected {{else}}")
            name, then, otherwise, _ = stack[-1]
            stack[-1] = (name, then, otherwise, True)
            current = otherwise
        elif text == "end":
            if not stack:
                raise bad("unexpected {{end}}")
            name, then, otherwise, _ = stack.pop()
            current = (stack[-1][2] if stack[-1][3] else stack[-1][1]) if stack else root
            current.append(_If((name, then, otherwise)))
        else:
            current.append(_Field(field(text)))
    if stack:
        raise bad("unclosed {{if}}: missing {{end}}")

    def run(nodes: list[_Node], d: Diagnostic, out: list[str]) -> None:
        for node in nodes:
            if isinstance(node, _Field):
                out.append(str(getattr(d, node)))
            elif isinstance(node, _If):
                name, then, otherwise = node
                run(then if getattr(d, name) else otherwise, d, out)
            else:
                out.append(node)

    def render(d: Diagnostic) -> str:
        out: list[str] = []
        run(root, d, out)
        return "".join(out)

    return render
