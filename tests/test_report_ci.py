"""The CI formats (issue 16): gitlab against GitLab's schema, fingerprints, sarif's rules and
invocations, the paths of a job run in a subdirectory (--path-mode, --path-prefix) and
`--output NAME=stderr`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from helpers import lintgate
from test_report_consumers import load_findings, sarif_validator

from lintgate.diagnostic import Diagnostic
from lintgate.report import ReportContext, get_renderer
from lintgate.report.fingerprint import fingerprints, line_key

GITLAB_SCHEMA = Path(__file__).parent / "schemas" / "gitlab" / "codeclimate.json"
# the severities GitLab's Code Quality documentation lists
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def gitlab_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(GITLAB_SCHEMA.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def gitlab_problems(report: object) -> list[str]:
    """What GitLab would refuse in `report`: not an array, an entry failing its schema, a
    severity it does not know, a repeated fingerprint (it keeps only the last)."""
    if not isinstance(report, list):
        return ["not an array"]
    validator = gitlab_validator()
    problems = [e.message for entry in report for e in validator.iter_errors(entry)]
    problems += [
        f"severity {entry['severity']!r}"
        for entry in report
        if entry.get("severity") not in GITLAB_SEVERITIES
    ]
    prints = [entry.get("fingerprint") for entry in report]
    if len(set(prints)) != len(prints):
        problems.append("repeated fingerprint")
    return problems


# --- gitlab ------------------------------------------------------------------------------


def test_gitlab_report_passes_gitlabs_schema_and_reads_back():
    diagnostics, context = load_findings()
    report = json.loads(get_renderer("gitlab")(diagnostics, context))
    assert gitlab_problems(report) == []
    assert [
        (
            e["location"]["path"],
            e["location"]["lines"]["begin"],
            e["location"]["lines"].get("end", 0),
            e["check_name"],
            e["description"],
            e["severity"],
        )
        for e in report
    ] == [
        (
            d.path,
            d.line,
            d.end_line,
            d.linter,
            f"{d.message} ({d.linter})",
            "major" if d.severity == "error" else "minor",
        )
        for d in diagnostics
    ]
    assert [len(e["fingerprint"]) for e in report] == [32] * len(diagnostics)


def test_gitlab_validator_rejects_what_gitlab_refuses():
    d = Diagnostic("a.py", 1, 1, "imports", "'os' imported but unused")
    entry = json.loads(get_renderer("gitlab")([d], ReportContext()))[0]
    broken = [
        dict(entry, severity="warning"),
        {k: v for k, v in entry.items() if k != "fingerprint"},
    ]
    assert gitlab_problems(broken) == ["'fingerprint' is a required property", "severity 'warning'"]
    assert gitlab_problems([entry, entry]) == ["repeated fingerprint"]
    assert gitlab_problems({"issues": [entry]}) == ["not an array"]


def test_gitlab_without_findings_is_an_empty_array():
    assert get_renderer("gitlab")([], ReportContext()) == "[]\n"


def test_gitlab_identical_findings_get_distinct_fingerprints():
    same = Diagnostic("a.py", 1, 1, "imports", "'os' imported twice")
    ds = [same, same._replace(line=5)]
    context = ReportContext(lines={("a.py", 1): "import os", ("a.py", 5): "import os"})
    report = json.loads(get_renderer("gitlab")(ds, context))
    first = line_key("a.py", "imports", "'os' imported twice", "import os")
    assert report[0]["fingerprint"] == first
    assert report[1]["fingerprint"] not in (first, "")
    assert gitlab_problems(report) == []


# --- fingerprints ------------------------------------------------------------------------


def _prints(ds, lines):
    return fingerprints(ds, [d.path for d in ds], lines)


def test_fingerprint_survives_moved_and_reindented_lines():
    d = Diagnostic("app/a.py", 3, 5, "imports", "'os' imported but unused")
    before = _prints([d], {("app/a.py", 3): "    import os"})
    moved = _prints([d._replace(line=40, col=1)], {("app/a.py", 40): "import  os\t"})
    assert before == moved == [(line_key("app/a.py", "imports", d.message, "import os"), 1)]
    # another line text, path, linter or message is another finding
    others = [
        _prints([d], {("app/a.py", 3): "import sys"}),
        _prints([d._replace(path="app/b.py")], {("app/b.py", 3): "import os"}),
        _prints([d._replace(linter="isort")], {("app/a.py", 3): "import os"}),
        _prints([d._replace(message="other")], {("app/a.py", 3): "import os"}),
    ]
    assert len({p[0][0] for p in others} | {before[0][0]}) == 5


def test_fingerprint_occurrences_count_in_line_order_whatever_the_sort():
    d = Diagnostic("a.py", 2, 1, "black", "would reformat")
    lines = {("a.py", 2): "x=1", ("a.py", 9): "x=1"}
    later = d._replace(line=9)
    digest = line_key("a.py", "black", "would reformat", "x=1")
    assert _prints([d, later], lines) == [(digest, 1), (digest, 2)]
    assert _prints([later, d], lines) == [(digest, 2), (digest, 1)]


# --- sarif -------------------------------------------------------------------------------


def test_sarif_result_fingerprint_rule_help_and_end_line():
    d = Diagnostic("app/a.py", 1, 1, "isort", "imports are incorrectly sorted", "warning", 4)
    context = ReportContext(linters=("isort",), lines={("app/a.py", 1): "import sys"})
    run = json.loads(get_renderer("sarif")([d], context))["runs"][0]
    result = run["results"][0]
    digest = line_key("app/a.py", "isort", d.message, "import sys")
    assert result["partialFingerprints"] == {"lintgate/v1": f"{digest}:1"}
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
        "endLine": 4,
    }
    uri = "https://github.com/lintgate/lintgate/blob/main/docs/linters.md#isort"
    assert run["tool"]["driver"]["rules"] == [
        {
            "id": "isort",
            "shortDescription": {"text": "Imports are sorted and grouped as isort would."},
            "fullDescription": {"text": "Imports are sorted and grouped as isort would."},
            "help": {
                "text": f"Imports are sorted and grouped as isort would. lintgate --fix repairs it. See {uri}",
                "markdown": f"Imports are sorted and grouped as isort would. `lintgate --fix` repairs it. See [isort]({uri}).",
            },
            "helpUri": uri,
        }
    ]
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_run_errors_are_tool_execution_notifications():
    errors = (
        "app/x.py: cannot read: Permission denied",
        "deadline passed after 1.00s; 2 file(s) not checked:",
    )
    log = json.loads(get_renderer("sarif")([], ReportContext(linters=("black",), errors=errors)))
    assert list(sarif_validator().iter_errors(log)) == []
    assert log["runs"][0]["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": errors[0]}},
                {"level": "error", "message": {"text": errors[1]}},
            ],
        }
    ]


def test_sarif_stays_within_github_code_scanning_limits():
    # GitHub: at most 20 runs per file, 25,000 rules per run, 10 locations per result shown
    diagnostics, context = load_findings()
    log = json.loads(get_renderer("sarif")(diagnostics, context))
    assert len(log["runs"]) == 1
    assert all(len(r["locations"]) == 1 for r in log["runs"][0]["results"])
    assert all(
        "primaryLocationLineHash" not in r["partialFingerprints"] for r in log["runs"][0]["results"]
    )


# --- a job in a subdirectory: --path-mode, --path-prefix ---------------------------------


@pytest.fixture
def subdir_job(tmp_path) -> Path:
    """A git repository with a project in services/api holding one finding; returns the
    project directory (where a CI job would `cd`)."""
    repo = tmp_path / "repo"
    api = repo / "services" / "api"
    (api / "app").mkdir(parents=True)
    (api / "app" / "__init__.py").write_text("")
    (api / "app" / "unused.py").write_text("import os\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return api


def _github_files(stdout: str) -> list[str]:
    return [line.split("file=", 1)[1].split(",", 1)[0] for line in stdout.splitlines()]


def test_a_job_in_a_subdirectory_reports_paths_from_the_repository_top(subdir_job):
    proc = lintgate(
        subdir_job,
        "--format",
        "github",
        "--output",
        "sarif=out.sarif",
        "--output",
        "gitlab=gl-code-quality-report.json",
        "--output",
        "checkstyle=out.xml",
        "--output",
        "text=stderr",
    )
    assert proc.returncode == 1, proc.stderr
    path = "services/api/app/unused.py"
    assert proc.stdout == (
        f"::warning file={path},line=1,col=8,title=imports ({path}%3A1)::'os' imported but unused\n"
    )
    # the text lines stay relative to the working directory, on stderr before the summary
    assert proc.stderr.splitlines()[0] == "app/unused.py:1:8: ⚠️ 'os' imported but unused (imports)"
    sarif = json.loads((subdir_job / "out.sarif").read_text("utf-8"))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": path, "uriBaseId": "%SRCROOT%"}
    gitlab = json.loads((subdir_job / "gl-code-quality-report.json").read_text("utf-8"))
    assert gitlab_problems(gitlab) == []
    assert gitlab[0]["location"] == {"path": path, "lines": {"begin": 1}}
    assert gitlab[0]["fingerprint"] == line_key(
        path, "imports", "'os' imported but unused", "import os"
    )
    assert f'<file name="{path}">' in (subdir_job / "out.xml").read_text("utf-8")


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--path-mode", "wd"], ["app/unused.py"]),
        (["--path-mode", "root"], ["services/api/app/unused.py"]),  # no config: the git top
        (["--path-prefix", "mono"], ["mono/services/api/app/unused.py"]),
        (["--path-mode", "wd", "--path-prefix", "services/api/"], ["services/api/app/unused.py"]),
    ],
)
def test_path_mode_and_prefix(subdir_job, args, expected):
    proc = lintgate(subdir_job, "--format", "github", *args)
    assert (proc.returncode, _github_files(proc.stdout)) == (1, expected), proc.stderr


def test_path_mode_root_is_the_config_files_directory(subdir_job):
    (subdir_job / "lintgate.json").write_text('{"PathMode": "root", "PathPrefix": "api"}')
    (subdir_job / "app" / "sub").mkdir()
    (subdir_job / "app" / "sub" / "m.py").write_text("import re\n")
    proc = lintgate(subdir_job / "app", "--format", "junit", "sub")
    assert proc.returncode == 1, proc.stderr
    assert 'name="api/app/sub/m.py" file="api/app/sub/m.py"' in proc.stdout


def test_path_mode_gitroot_outside_git_is_the_working_directory(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "--format", "github", "--path-mode", "gitroot")
    assert (proc.returncode, _github_files(proc.stdout)) == (1, ["a.py"])


@pytest.mark.parametrize(
    "args, config, line",
    [
        (
            ["--path-mode", "git"],
            None,
            "lintgate: --path-mode: expected one of gitroot, root, wd, got 'git' (did you mean 'gitroot'?)",
        ),
        (
            [],
            '{"PathMode": 1}',
            "lintgate: lintgate.json: PathMode: expected one of gitroot, root, wd, got 1",
        ),
        (
            [],
            '{"PathPrefix": ["a"]}',
            'lintgate: lintgate.json: PathPrefix: expected a path string such as "services/api"',
        ),
    ],
)
def test_bad_path_mode_or_prefix_is_a_one_line_error(tmp_path, args, config, line):
    (tmp_path / "a.py").write_text("import os\n")
    if config:
        (tmp_path / "lintgate.json").write_text(config)
    proc = lintgate(tmp_path, *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", line + "\n")


# --- --output NAME=stderr ----------------------------------------------------------------


def test_output_to_stderr_and_a_file_named_stderr(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "--output", "json=stderr", "--output", "gometalinter=./stderr")
    assert proc.returncode == 1
    assert proc.stdout == "a.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
    assert proc.stderr.startswith(
        '[\n  {"linter":"imports","severity":"warning","path":"a.py","line":1,"col":8,'
        '"message":"\'os\' imported but unused"}\n]\nlintgate: 1 file checked'
    )
    assert (
        tmp_path / "stderr"
    ).read_text() == "a.py:1:8:warning: 'os' imported but unused (imports)\n"


def test_two_reports_to_stderr_are_a_usage_error(tmp_path):
    proc = lintgate(tmp_path, "--output", "text=stderr", "--output", "json=stderr")
    assert (proc.returncode, proc.stderr) == (
        2,
        "lintgate: --output: text and json both write to stderr; give each report its own place (NAME=PATH)\n",
    )


# --- --output NAME=stdout ----------------------------------------------------------------


def test_output_to_stdout_takes_the_place_of_the_format_and_a_file_named_stdout(tmp_path):
    # `stdout` is the stream, as golangci-lint's output paths and as `-`; the --format report
    # gives way to it, as to any --output without a file
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "--format", "text", "--output", "gometalinter=stdout")
    assert proc.returncode == 1
    assert proc.stdout == "a.py:1:8:warning: 'os' imported but unused (imports)\n"
    assert proc.stderr.startswith("lintgate: 1 file checked")
    assert not (tmp_path / "stdout").exists()
    proc = lintgate(tmp_path, "--output", "json=stdout", "--output", "gometalinter=./stdout")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)[0]["message"] == "'os' imported but unused"
    assert (
        tmp_path / "stdout"
    ).read_text() == "a.py:1:8:warning: 'os' imported but unused (imports)\n"


@pytest.mark.parametrize("other", ["text", "text=-", "text=stdout"])
def test_two_reports_to_stdout_are_a_usage_error(tmp_path, other):
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "--output", "json=stdout", "--output", other)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2,
        "",
        "lintgate: --output: json and text both write to stdout; give each report its own place (NAME=PATH)\n",
    )
    assert not (tmp_path / "stdout").exists()


def test_sarif_of_a_run_with_an_error_says_it_did_not_succeed(tmp_path):
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "a.py", "missing.py", "--output", "sarif=out.sarif")
    assert proc.returncode == 3  # findings and an error
    log = json.loads((tmp_path / "out.sarif").read_text("utf-8"))
    assert list(sarif_validator().iter_errors(log)) == []
    assert log["runs"][0]["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": "missing.py: no such file or directory"}}
            ],
        }
    ]
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["imports"]


def test_sarif_keeps_within_githubs_result_limit_errors_first(monkeypatch):
    from lintgate.report import sarif

    assert sarif.MAX_RESULTS == 25_000  # GitHub rejects a run of more results
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    many = [Diagnostic(f"m{i}.py", 1, 1, "black", "would reformat") for i in range(4)]
    error = Diagnostic("z.py", 1, 1, "syntax", "invalid syntax", "error")
    log = json.loads(get_renderer("sarif")([*many, error], ReportContext(linters=("black",))))
    run = log["runs"][0]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in run["results"]
    ] == [("syntax", "z.py"), ("black", "m0.py"), ("black", "m1.py")]
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [
                {
                    "level": "warning",
                    "message": {
                        "text": "2 of 5 findings left out: GitHub code scanning rejects a run "
                        "of more than 3 results (the other reports hold them all)"
                    },
                }
            ],
        }
    ]
