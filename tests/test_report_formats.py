"""Every format against its golden file, the template syntaxes, and format-name errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lintgate.diagnostic import Diagnostic, render_gometalinter
from lintgate.report import FORMATS, ReportContext, get_renderer
from lintgate.report.template import compile_template

FIXTURES = Path(__file__).parent / "fixtures" / "report"
GOLDEN = {
    "text": "text.txt",
    "gometalinter": "gometalinter.txt",
    "json": "json.json",
    "checkstyle": "checkstyle.xml",
    "sarif": "sarif.sarif",
    "github": "github.txt",
    "junit": "junit.xml",
    "gitlab": "gitlab.json",
}
GOMETALINTER_TEMPLATE = (
    "{{.Path}}:{{.Line}}:{{if .Col}}{{.Col}}{{end}}:{{.Severity}}: {{.Message}} ({{.Linter}})"
)


def load_findings() -> tuple[list[Diagnostic], ReportContext]:
    data = json.loads((FIXTURES / "findings.json").read_text("utf-8"))
    context = ReportContext(
        files=tuple(data["files"]),
        linters=tuple(data["linters"]),
        lines={(path, line): text for path, line, text in data["lines"]},
    )
    return [Diagnostic(*row) for row in data["diagnostics"]], context


def test_every_format_has_a_golden_file():
    assert set(GOLDEN) == set(FORMATS)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_format_matches_golden_file(name):
    diagnostics, context = load_findings()
    expected = (FIXTURES / "golden" / GOLDEN[name]).read_bytes()
    assert get_renderer(name)(diagnostics, context).encode("utf-8") == expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("text", ""),
        ("gometalinter", ""),
        ("github", ""),
        ("json", "[\n\n]\n"),
        (
            "checkstyle",
            '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="5.0"></checkstyle>\n',
        ),
    ],
)
def test_no_findings(name, expected):
    assert get_renderer(name)([], ReportContext()) == expected


def test_json_round_trips_with_gometalinter_field_names():
    diagnostics, context = load_findings()
    items = json.loads(get_renderer("json")(diagnostics, context))
    assert [list(item) for item in items] == [
        ["linter", "severity", "path", "line", "col", "message"]
    ] * len(diagnostics)
    assert [
        Diagnostic(i["path"], i["line"], i["col"], i["linter"], i["message"], i["severity"])
        for i in items
    ] == [
        d._replace(end_line=0) for d in diagnostics
    ]  # gometalinter's fields have no end


def test_go_template_with_gometalinter_default_is_the_gometalinter_format():
    diagnostics, context = load_findings()
    assert get_renderer(GOMETALINTER_TEMPLATE)(diagnostics, context) == (
        FIXTURES / "golden" / "gometalinter.txt"
    ).read_text("utf-8")
    assert [compile_template(GOMETALINTER_TEMPLATE)(d) for d in diagnostics] == [
        render_gometalinter(d) for d in diagnostics
    ]


D = Diagnostic("pkg/a.py", 3, 0, "isort", "imports are incorrectly sorted", "error")


@pytest.mark.parametrize(
    "template, expected",
    [
        (
            "{{.Path}}|{{.Line}}|{{.Col}}|{{.Severity}}|{{.Message}}|{{.Linter}}",
            "pkg/a.py|3|0|error|imports are incorrectly sorted|isort",
        ),
        ("{{if .Col}}col {{.Col}}{{else}}no col{{end}} at {{.Line}}", "no col at 3"),
        ("{{if .Line}}L{{.Line}}{{if .Col}}:{{.Col}}{{end}}{{end}}", "L3"),
        ("{{.Path}}  {{- /* comment */ -}}  :{{ .Line }}", "pkg/a.py:3"),
        (
            "{path}:{line}:{col}: [{severity}] {message} ({linter})",
            "pkg/a.py:3:0: [error] imports are incorrectly sorted (isort)",
        ),
        ("{line:>4}|{linter!r}", "   3|'isort'"),
    ],
)
def test_template_lines(template, expected):
    assert (
        get_renderer(template)([D, D._replace(col=7)], ReportContext()).split("\n")[0] == expected
    )


def test_go_template_if_true_branch():
    assert (
        compile_template("{{if .Col}}col {{.Col}}{{else}}no col{{end}}")(D._replace(col=7))
        == "col 7"
    )


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "txt",
            "unknown format 'txt': did you mean 'text'? valid formats are text, gometalinter, json, checkstyle, sarif, github, junit, gitlab, or a template such as '{path}:{line}: {message}'",
        ),
        (
            "xml",
            "unknown format 'xml': valid formats are text, gometalinter, json, checkstyle, sarif, github, junit, gitlab, or a template such as '{path}:{line}: {message}'",
        ),
        (
            "{{.File}}",
            "bad template '{{.File}}': unknown field .File (fields: .Path, .Line, .Col, .Severity, .Message, .Linter)",
        ),
        (
            "{{.Path | printf}}",
            "bad template '{{.Path | printf}}': unsupported action {{.Path | printf}}",
        ),
        (
            "{{if .Col}}x",
            "bad template '{{if .Col}}x': unclosed {{if}}: missing {{end}}",
        ),
        ("x{{end}}", "bad template 'x{{end}}': unexpected {{end}}"),
        (
            "{{if .Col}}a{{else}}b{{else}}c{{end}}",
            "bad template '{{if .Col}}a{{else}}b{{else}}c{{end}}': unexpected {{else}}",
        ),
        ("{{.Path}}{{.Line", "bad template '{{.Path}}{{.Line': unclosed action"),
        (
            "{file}:{line}",
            "bad format template '{file}:{line}': unknown field {file} (fields: path, line, col, severity, message, linter)",
        ),
        (
            "{path.upper}",
            "bad format template '{path.upper}': unknown field {path.upper} (fields: path, line, col, severity, message, linter)",
        ),
        (
            "{line:q}",
            "bad format template '{line:q}': Unknown format code 'q' for object of type 'int'",
        ),
        ("{path", "bad format template '{path': expected '}' before end of string"),
    ],
)
def test_bad_format_is_a_one_line_error(name, message):
    with pytest.raises(ValueError) as info:
        get_renderer(name)
    assert str(info.value) == message
