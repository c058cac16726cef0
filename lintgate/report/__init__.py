"""Output formats: one module per format, each with `render(diagnostics, context) -> str`.

A renderer is pure: the diagnostics (already filtered and in their final order) and a
`ReportContext` in, the whole report out as one string (ending in a newline when not empty).
`get_renderer` maps a `--format`/`--output` name or a template to its renderer.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from lintgate import __version__
from lintgate.diagnostic import Diagnostic

__all__ = ["FORMATS", "ReportContext", "Renderer", "get_renderer", "is_template"]

# Where SARIF's tool.driver.informationUri points: the package's page on PyPI.
INFORMATION_URI = "https://pypi.org/project/lintgate/"


@dataclass(frozen=True)
class ReportContext:
    """What a report needs beyond the diagnostics.

    files: every checked file, relative to the run directory and `/`-separated, in a stable
        order (junit writes one test case per file, files without findings included);
    linters: the enabled linter names (sarif writes one rule per linter);
    tool_name, tool_version, information_uri: how the tool names itself (sarif's tool.driver,
        junit's suite name);
    encoding: the encoding of the stream the report goes to, None for UTF-8 (a file): the
        text format prints plain words for the signs it cannot encode (report.terminal).
    """

    files: tuple[str, ...] = ()
    linters: tuple[str, ...] = ()
    tool_name: str = "lintgate"
    tool_version: str = __version__
    information_uri: str = INFORMATION_URI
    encoding: str | None = None


Renderer = Callable[[list[Diagnostic], ReportContext], str]

# format name -> module under lintgate.report with a `render` function.
FORMATS: dict[str, str] = {
    "text": "text",
    "gometalinter": "gometalinter",
    "json": "json",
    "checkstyle": "checkstyle",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}


def is_template(name_or_template: str) -> bool:
    """True when `name_or_template` is a template rather than a format name: it has a `{`."""
    return "{" in name_or_template


def get_renderer(name_or_template: str) -> Renderer:
    """The renderer of a format name (one of FORMATS) or of a line template.

    A template has gometalinter's Go-template syntax when it contains `{{`
    (`{{.Path}}:{{.Line}}:{{if .Col}}{{.Col}}{{end}}: {{.Message}}`), else Python's format
    syntax (`{path}:{line}: {message}`); see `lintgate.report.template`.
    Raises ValueError with a one-line message for an unknown name or a bad template.
    """
    if is_template(name_or_template):
        from lintgate.report.template import compile_template, render_lines

        line = compile_template(name_or_template)
        return lambda diagnostics, context: render_lines(diagnostics, line)
    module = FORMATS.get(name_or_template)
    if module is None:
        import difflib

        near = difflib.get_close_matches(name_or_template, FORMATS, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise ValueError(
            f"unknown format {name_or_template!r}: {hint}valid formats are "
            f"{', '.join(FORMATS)}, or a template such as '{{path}}:{{line}}: {{message}}'"
        )
    render: Renderer = importlib.import_module(f"lintgate.report.{module}").render
    return render
