"""Each machine-readable format, read back the way its consumers read it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext, get_renderer
from lintgate.report.github import escape_data, escape_property

FIXTURES = Path(__file__).parent / "fixtures" / "report"
# the shared folder beside the checkout, or beside a directory above it (a worktree's);
# sarif_validator skips when there is none
SARIF_SCHEMA = next(
    (
        parent / "shared/schemas/sarif/sarif-schema-2.1.0.json"
        for parent in Path(__file__).resolve().parents[2:]
        if (parent / "shared/schemas/sarif/sarif-schema-2.1.0.json").is_file()
    ),
    Path(__file__).resolve().parents[2] / "shared/schemas/sarif/sarif-schema-2.1.0.json",
)


def load_findings() -> tuple[list[Diagnostic], ReportContext]:
    data = json.loads((FIXTURES / "findings.json").read_text("utf-8"))
    context = ReportContext(
        files=tuple(data["files"]),
        linters=tuple(data["linters"]),
        lines={(path, line): text for path, line, text in data["lines"]},
    )
    return [Diagnostic(*row) for row in data["diagnostics"]], context


def sarif_validator() -> jsonschema.protocols.Validator:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"the SARIF schema of ../shared is missing: {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    resource = Resource.from_contents(schema, default_specification=DRAFT4)
    registry = Registry().with_resource(schema["id"], resource)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


# --- sarif -------------------------------------------------------------------------------


def test_sarif_validates_against_the_schema():
    diagnostics, context = load_findings()
    log = json.loads(get_renderer("sarif")(diagnostics, context))
    assert [e.message for e in sarif_validator().iter_errors(log)] == []


def test_sarif_validator_rejects_a_broken_log():
    diagnostics, context = load_findings()
    log = json.loads(get_renderer("sarif")(diagnostics, context))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["version"]
    assert len(list(sarif_validator().iter_errors(log))) == 2


def test_sarif_rules_results_and_locations():
    diagnostics, context = load_findings()
    run = json.loads(get_renderer("sarif")(diagnostics, context))["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("lintgate", context.tool_version)
    rules = [rule["id"] for rule in driver["rules"]]
    # the enabled linters first, in order, then the others that reported
    assert rules == [
        "isort",
        "black",
        "imports",
        "flake8",
        "syntax",
        "nolint",
        "encoding",
    ]
    read_back = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        region = location["region"]
        read_back.append(
            Diagnostic(
                unquote(location["artifactLocation"]["uri"]),
                region["startLine"],
                region.get("startColumn", 0),
                result["ruleId"],
                result["message"]["text"],
                result["level"],
                region.get("endLine", 0),
            )
        )
    assert read_back == diagnostics
    # a column of 0 (unknown) leaves startColumn out
    assert run["results"][6]["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}
    assert run["results"][6]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "docs/ex%C3%A4mple%20script.py"
    )


def test_sarif_without_findings_still_lists_the_rules():
    log = json.loads(get_renderer("sarif")([], ReportContext(linters=("isort", "black"))))
    assert list(sarif_validator().iter_errors(log)) == []
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == [
        "isort",
        "black",
    ]
    assert log["runs"][0]["results"] == []


# --- junit -------------------------------------------------------------------------------


def test_junit_is_read_back_by_junitparser(tmp_path):
    diagnostics, context = load_findings()
    report = tmp_path / "junit.xml"
    report.write_text(get_renderer("junit")(diagnostics, context), "utf-8")
    xml = JUnitXml.fromfile(str(report))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6, 8, 0, 0)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (6, 8, 0, 0)
    cases = {case.name: case for case in suite}
    assert list(cases) == list(context.files)
    per_file = {name: len(case.result) for name, case in cases.items()}
    assert per_file == {
        "app/__init__.py": 0,
        "app/cache.py": 4,
        "app/broken.py": 1,
        "app/latin.py": 1,
        "docs/exämple script.py": 1,
        "tools/check.py": 1,
    }
    assert cases["app/__init__.py"].is_passed
    failure = cases["tools/check.py"].result[0]
    assert isinstance(failure, Failure)
    assert (failure.type, failure.message) == ("flake8", diagnostics[-1].message)
    # junitparser's own recount agrees with the counts written
    suite.update_statistics()
    assert (suite.tests, suite.failures) == (6, 8)


def test_junit_adds_a_case_for_a_path_outside_the_checked_files(tmp_path):
    d = Diagnostic("extra.py", 1, 1, "imports", "'re' imported but unused")
    report = tmp_path / "junit.xml"
    report.write_text(get_renderer("junit")([d], ReportContext(files=("a.py",))), "utf-8")
    suite = next(iter(JUnitXml.fromfile(str(report))))
    assert [(case.name, len(case.result)) for case in suite] == [
        ("a.py", 0),
        ("extra.py", 1),
    ]


# --- checkstyle --------------------------------------------------------------------------


def test_checkstyle_is_xml_with_one_error_per_finding():
    diagnostics, context = load_findings()
    root = ET.fromstring(get_renderer("checkstyle")(diagnostics, context).encode("utf-8"))
    assert (root.tag, root.attrib) == ("checkstyle", {"version": "5.0"})
    errors = [
        (file.get("name"), error) for file in root.iter("file") for error in file.iter("error")
    ]
    assert len(errors) == len(diagnostics)
    assert [
        Diagnostic(
            name,
            int(e.get("line")),
            int(e.get("column")),
            e.get("source"),
            e.get("message"),
            e.get("severity"),
        )
        for name, e in errors
    ] == [
        d._replace(end_line=0) for d in diagnostics
    ]  # checkstyle has no end line
    # one file element per path, in order of first appearance
    assert [f.get("name") for f in root.iter("file")] == list(
        dict.fromkeys(d.path for d in diagnostics)
    )


def test_checkstyle_groups_a_path_that_reappears():
    ds = [
        Diagnostic("b.py", 1, 1, "black", "would reformat"),
        Diagnostic("a.py", 1, 1, "black", "would reformat"),
        Diagnostic("b.py", 2, 1, "isort", "imports are incorrectly sorted"),
    ]
    root = ET.fromstring(get_renderer("checkstyle")(ds, ReportContext()))
    assert [(f.get("name"), len(f)) for f in root] == [("b.py", 2), ("a.py", 1)]


def test_checkstyle_replaces_characters_xml_cannot_hold():
    d = Diagnostic("a.py", 1, 1, "flake8", "bell \x07 here")
    root = ET.fromstring(get_renderer("checkstyle")([d], ReportContext()))
    assert root[0][0].get("message") == "bell \ufffd here"


# --- github ------------------------------------------------------------------------------

COMMAND = re.compile(r"::(warning|error) (.*?)::(.*)")


def decode(value: str, is_property: bool = False) -> str:
    """Undo the escaping as the Actions runner (ActionCommand.cs) does: one replacement after
    another, %25 last."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if is_property:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, raw in [*pairs, ("%25", "%")]:
        value = value.replace(escaped, raw)
    return value


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    kind, props, message = COMMAND.fullmatch(line).groups()
    pairs = dict(prop.split("=", 1) for prop in props.split(","))
    return (
        kind,
        {key: decode(value, True) for key, value in pairs.items()},
        decode(message),
    )


def test_github_escaping_decodes_back():
    tricky = "50% done: a, b\r\nnext line %0A literal"
    d = Diagnostic("dir,with:odd %/a.py", 12, 3, "flake8", tricky, "error")
    out = get_renderer("github")([d], ReportContext())
    assert out == (
        "::error file=dir%2Cwith%3Aodd %25/a.py,line=12,col=3,"
        "title=flake8 (dir%2Cwith%3Aodd %25/a.py%3A12)::"
        "50%25 done: a, b%0D%0Anext line %250A literal\n"
    )
    lines = out.split("\n")
    assert lines[1:] == [""]  # one command, one line
    assert parse_command(lines[0]) == (
        "error",
        {
            "file": "dir,with:odd %/a.py",
            "line": "12",
            "col": "3",
            "title": "flake8 (dir,with:odd %/a.py:12)",
        },
        tricky,
    )


def test_github_fixture_decodes_back_to_every_finding():
    diagnostics, context = load_findings()
    lines = get_renderer("github")(diagnostics, context).splitlines()
    assert len(lines) == len(diagnostics)
    for line, d in zip(lines, diagnostics):
        kind, props, message = parse_command(line)
        span = f"{d.line}-{d.end_line}" if d.end_line else str(d.line)
        assert (
            kind,
            props["file"],
            int(props["line"]),
            int(props.get("endLine", 0)),
            int(props.get("col", 0)),
            props["title"],
            message,
        ) == (
            d.severity,
            d.path,
            d.line,
            d.end_line,
            d.col,
            f"{d.linter} ({d.path}:{span})",
            d.message,
        )


@pytest.mark.parametrize(
    "raw, data, prop",
    [
        ("100%", "100%25", "100%25"),
        ("a\rb\nc", "a%0Db%0Ac", "a%0Db%0Ac"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
    ],
)
def test_github_escape_functions(raw, data, prop):
    assert (escape_data(raw), escape_property(raw)) == (data, prop)
