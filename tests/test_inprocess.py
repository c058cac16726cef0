"""The engine and the config in this process: `lintgate.config` and `lintgate.runner.run` called
directly, with the exact outcomes the subprocess tests expect (tests/test_fixture_repos.py's
golden files, tests/test_cli.py's messages). They run in milliseconds each, so a change that
breaks the engine fails here first, with a traceback into the code rather than a process's
output; the subprocess tests stay, for what only the console script shows.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import REPOS

from lintgate import discovery, filters, runner
from lintgate.cli import build_parser, load_config
from lintgate.config import Config, ConfigError, apply_file, find_config_file, read_config_file
from lintgate.linters import DEFAULT_ENABLED
from lintgate.linters.base import Project
from lintgate.report import ReportContext, get_renderer

# --- config ---------------------------------------------------------------------------------


def _load(directory: Path, *argv: str) -> tuple[Config, Path]:
    return load_config(build_parser().parse_args(list(argv)), directory)


def test_a_config_file_is_found_read_and_applied(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "lintgate.json").write_text(
        json.dumps(
            {
                "Disable": ["imports"],
                "Skip": ["gen/"],
                "Deadline": "1m30s",
                "Concurrency": 3,
                "Severity": {"black": "error"},
                "Format": "json",
            }
        )
    )
    sub = tmp_path / "pkg" / "sub"
    sub.mkdir(parents=True)
    assert find_config_file(sub) == tmp_path / "lintgate.json"
    config, root = _load(sub, "--skip", "vendor/", "-E", "imports", "-j", "2")
    assert root == tmp_path.resolve()
    assert config.path == tmp_path / "lintgate.json"
    assert config.enabled == list(DEFAULT_ENABLED)  # the file's Disable, then the flag's -E
    assert config.skip == ["gen/", "vendor/"]  # list flags add to the file's list
    assert config.deadline == 90.0
    assert config.concurrency == 2  # scalar flags replace the file's value
    assert config.severity == {"black": "error"}
    assert config.format == "json"


def test_without_a_config_file_the_defaults_apply_at_the_git_top(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "pkg").mkdir()
    config, root = _load(tmp_path / "pkg")
    assert root == tmp_path.resolve()
    assert config == Config()


def test_the_file_enable_list_replaces_the_default_set():
    config = Config()
    apply_file(config, {"Enable": ["black"]})
    assert config.enabled == ["black"]
    config = Config()
    apply_file(config, {"DisableAll": True, "Enable": ["isort", "black"]})
    assert config.enabled == ["isort", "black"]


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '{"Enable": ["isrot"]}',
            "lintgate.json: Enable: unknown linter 'isrot' (did you mean 'isort'?)",
        ),
        (
            '{"Sort": ["lines"]}',
            "lintgate.json: Sort: unknown sort key 'lines' (did you mean 'line'?); "
            "expected some of path, line, column, severity, message, linter, none",
        ),
        (
            '{"Format": "sarf"}',
            "lintgate.json: Format: unknown format 'sarf': did you mean 'sarif'? valid formats "
            "are text, gometalinter, json, checkstyle, sarif, github, junit, gitlab, or a template "
            "such as '{path}:{line}: {message}'",
        ),
        ('{"Enabel": []}', "lintgate.json: unknown key 'Enabel' (did you mean 'Enable'?)"),
        ('{"Vendor": 1}', "lintgate.json: Vendor: expected true or false"),
        ("[]", "lintgate.json: expected a JSON object at the top level"),
        ('{"Skip": [1]}', "lintgate.json: Skip: expected a list of strings"),
        (
            '{"Concurrency": 1000001}',
            "lintgate.json: Concurrency: expected a whole number from 0 to 1000000 (0: one per CPU)",
        ),
        (
            '{"Enable": ["syntax"]}',
            "lintgate.json: Enable: 'syntax' is not a linter and cannot be enabled or disabled: "
            "a file that does not parse is always reported",
        ),
        ('{"Enable": ', "lintgate.json:1:12: invalid JSON: Expecting value"),
    ],
)
def test_a_bad_config_file_is_one_config_error_naming_file_and_key(tmp_path, text, message):
    (tmp_path / "lintgate.json").write_text(text)
    with pytest.raises(ConfigError) as raised:
        read_config_file(tmp_path / "lintgate.json", "lintgate.json")
    assert str(raised.value) == message
    with pytest.raises(ConfigError) as raised:  # as the command finds it
        _load(tmp_path)
    assert str(raised.value) == message


def test_a_bad_flag_is_a_config_error_too(tmp_path):
    (tmp_path / ".git").mkdir()
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, "-E", "imprts")
    assert str(raised.value) == "--enable: unknown linter 'imprts' (did you mean 'imports'?)"
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, "--config", "x.json", "--no-config")
    assert str(raised.value) == "--config and --no-config cannot be used together"


# --- the runner -----------------------------------------------------------------------------


def _case(name: str) -> dict:
    return json.loads((REPOS / name / "case.json").read_text())


def _in_process(name: str) -> bool:
    """Cases the engine alone decides: no arguments, findings or none, a summary line only."""
    case = _case(name)
    stderr = (REPOS / name / "expected.stderr").read_text(encoding="utf-8")
    return "args" not in case and case["exit"] in (0, 1) and stderr.count("\n") == 1


CASES = sorted(
    p.name for p in REPOS.iterdir() if (p / "case.json").is_file() and _in_process(p.name)
)


def run_in_process(repo: Path) -> tuple[str, str, runner.RunResult]:
    """What `lintgate` in `repo` prints (stdout, and the summary line with `N.NNs`), made by
    the same steps as lintgate.cli, without a cache, on one worker."""
    config, root = _load(repo)
    found = discovery.discover([], root, repo, config.skip, config.vendor)
    assert not found.errors and not found.notes
    project = Project(root, repo, None, repo, frozenset(found.named))
    result = runner.run(
        found.files,
        project,
        config.enabled,
        1,
        config.deadline,
        warn_unmatched=config.warn_unmatched_directive,
    )
    assert not result.errors and not result.unchecked
    diagnostics = filters.apply(result.diagnostics, config.filter_options())
    context = ReportContext(files=tuple(sorted(result.paths)), linters=tuple(config.enabled))
    stdout = get_renderer(config.format)(diagnostics, context)
    summary = (
        f"lintgate: {result.files} file{'' if result.files == 1 else 's'} checked,"
        f" {len(diagnostics)} finding{'' if len(diagnostics) == 1 else 's'}, "
        f"{result.cached} from cache, N.NNs\n"
    )
    return stdout, summary, result


def test_the_in_process_cases_are_most_of_the_fixture_repositories():
    assert len(CASES) >= 20
    assert {"both", "clean", "syntax", "undecodable", "filter-sort", "nolint"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_runner_in_process_prints_the_golden_output(name, fixture_repo):
    case = _case(name)
    repo = fixture_repo(case.get("repo", name), git=case.get("git", True))
    if "config" in case:
        (repo / "lintgate.json").write_text(json.dumps(case["config"]))
    stdout, summary, result = run_in_process(repo)
    assert stdout == (REPOS / name / "expected.stdout").read_text(encoding="utf-8")
    assert summary == (REPOS / name / "expected.stderr").read_text(encoding="utf-8")
    assert result.cached == 0


def test_runner_result_of_one_repository_field_by_field(fixture_repo):
    repo = fixture_repo("both")
    _, _, result = run_in_process(repo)
    assert result.files == 1 and result.paths == ["app.py"]
    assert [(d.path, d.line, d.col, d.linter, d.message) for d in result.diagnostics] == [
        ("app.py", 1, 1, "isort", "imports are incorrectly sorted and/or formatted"),
        ("app.py", 2, 1, "black", "would reformat line 2"),
    ]
    assert result.errors == [] and result.unchecked == [] and result.seconds > 0
