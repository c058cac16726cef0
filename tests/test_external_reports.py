"""Issue 14, items 5 and 6: external linters in the reports (SARIF rules, nolint names) and in
`lintgate linters` (text and --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from external_fakes import install_tool, tool_env
from helpers import lintgate


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "a.py").write_text("x = 1  # TODO fix\n")
    config = {
        "Enable": ["imports", "todo"],
        "WarnUnmatchedDirective": True,
        "Linters": {
            "todo": {
                "Command": "todo",
                "Pattern": "PATH:LINE:COL:MESSAGE",
                "Description": "Lines holding TODO.",
                "HelpURI": "https://example.com/todo",
                "IsFast": True,
            },
            "whole": {"Command": "todo", "Pattern": "PATH:LINE:MESSAGE", "FileLocal": False},
        },
    }
    (root / "lintgate.json").write_text(json.dumps(config))
    install_tool(tmp_path / "bin")
    return root


def env(tmp_path: Path) -> dict[str, str]:
    return tool_env(tmp_path / "bin", tmp_path / "log")


def test_sarif_has_a_rule_per_external_linter_with_its_description(repo, tmp_path):
    proc = lintgate(repo, "--format", "sarif", env=env(tmp_path))
    sarif = json.loads(proc.stdout)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert rules == [
        {"id": "imports", "shortDescription": {"text": rules[0]["shortDescription"]["text"]}},
        {
            "id": "todo",
            "shortDescription": {"text": "Lines holding TODO."},
            "helpUri": "https://example.com/todo",
        },
    ]
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["todo"]


def test_nolint_naming_an_external_linter_is_known_and_matched(repo, tmp_path):
    (repo / "a.py").write_text("x = 1  # TODO fix  # nolint:todo\ny = 2  # nolint:tood\n")
    proc = lintgate(repo, env=env(tmp_path))
    assert proc.stdout == (
        "a.py:2:8: ⚠️ nolint directive did not match any issue (nolint)\n"
        "a.py:2:8: ⚠️ nolint directive names an unknown linter 'tood' (did you mean 'todo'?) (nolint)\n"
    ), proc.stderr


def test_linters_lists_every_linter(repo, tmp_path):
    proc = lintgate(repo, "linters", env=env(tmp_path))
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (
        "NAME     ENABLED  FAST  KIND                    COMMAND  PATTERN\n"
        "imports  yes      yes   in-process              -        -\n"
        "isort    no       yes   in-process              -        -\n"
        "black    no       yes   in-process              -        -\n"
        "todo     yes      yes   external file-local     todo     PATH:LINE:COL:MESSAGE\n"
        "whole    no       no    external whole-program  todo     PATH:LINE:MESSAGE\n"
    )


def test_linters_json_and_flags(repo, tmp_path):
    proc = lintgate(repo, "linters", "--json", "--linter", "extra:extra -q:PATH:LINE:MESSAGE", env=env(tmp_path))
    rows = json.loads(proc.stdout)
    assert rows[3] == {
        "name": "extra",
        "enabled": False,
        "fast": False,
        "kind": "external file-local",
        "command": "extra -q",
        "pattern": "PATH:LINE:MESSAGE",
    }
    # the flags' definitions are registered before the file's (the file's Enable may name them)
    assert [r["name"] for r in rows] == ["imports", "isort", "black", "extra", "todo", "whole"]


def test_linters_with_a_bad_config_is_one_line(repo, tmp_path):
    proc = lintgate(repo, "linters", "-E", "tood", env=env(tmp_path))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "lintgate: --enable: unknown linter 'tood' (did you mean 'todo'?)\n"
