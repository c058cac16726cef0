"""Output formats: one module per format, each with `render(diagnostics, context) -> str`.

A renderer is pure: the diagnostics (already filtered and in their final order) and a
`ReportContext` in, the whole report out as one string (ending in a newline when not empty).
`get_renderer` maps a `--format`/`--output` name or a template to its renderer.
"""

from __future__ import annotations

import importlib
import posixpath
from dataclasses import dataclass, field
from typing import Callable, Mapping

from lintgate import HOME, __version__
from lintgate.diagnostic import Diagnostic

__all__ = [
    "ANCHORED",
    "FORMATS",
    "STDERR",
    "ReportContext",
    "Renderer",
    "get_renderer",
    "is_template",
]

# The report place (`--output NAME=stderr`) that is standard error: no file can have this name.
STDERR = "\0stderr"

# Where SARIF's tool.driver.informationUri points: the project's home (lintgate.HOME), as the
# rules' helpUri do. Never PyPI: the name `lintgate` there is not this project's (README).
INFORMATION_URI = HOME


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
    path_prefix: what the CI formats (ANCHORED) put before every path (`place`): `--path-prefix`
        joined with the working directory relative to the `--path-mode` directory
        (lintgate.report.paths), "" for none;
    lines: (path, line) -> the text of that line, for the fingerprints of sarif and gitlab
        (lintgate.report.fingerprint); a missing line counts as empty;
    errors: the one-line errors of the run (exit bit 2: a file not checked, a linter that
        failed, the deadline), which sarif reports as tool execution notifications.
    """

    files: tuple[str, ...] = ()
    linters: tuple[str, ...] = ()
    tool_name: str = "lintgate"
    tool_version: str = __version__
    information_uri: str = INFORMATION_URI
    encoding: str | None = None
    path_prefix: str = ""
    lines: Mapping[tuple[str, int], str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    def place(self, path: str) -> str:
        """`path` (relative to the working directory, `/`-separated) as the CI formats print
        it: after `path_prefix`, normalised (`sub/../a.py` is `a.py`), as golangci-lint's
        `filepath.Join(prefix, path)`."""
        if not self.path_prefix:
            return path
        return posixpath.normpath(posixpath.join(self.path_prefix, path))


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
    "gitlab": "gitlab",
}
# The formats CI systems read against the repository: their paths go through
# ReportContext.place (--path-prefix, --path-mode); the others stay relative to the
# working directory, where a terminal and an editor resolve them.
ANCHORED = frozenset({"checkstyle", "sarif", "github", "junit", "gitlab"})


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
