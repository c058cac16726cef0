"""Issue 14, items 5 and 6: external linters in the reports (SARIF rules, nolint names) and in
`lintgate linters` (text and --json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from external_fakes import install_tool, tool_env
from helpers import lintgate

from lintgate.commands.linters import render_text
from lintgate.external.builtin import BUILTIN


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
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ENABLED", "FAST", "KIND", "COMMAND", "PATTERN"]
    ours = [line.split() for line in lines[1:] if line.split()[0] not in BUILTIN]
    assert ours == [
        ["imports", "yes", "yes", "in-process", "-", "-"],
        ["isort", "no", "yes", "in-process", "-", "-"],
        ["black", "no", "yes", "in-process", "-", "-"],
        ["todo", "yes", "yes", "external", "file-local", "todo", "PATH:LINE:COL:MESSAGE"],
        ["whole", "no", "no", "external", "whole-program", "todo", "PATH:LINE:MESSAGE"],
    ]
    # the built-in external definitions are listed too, off unless enabled
    assert [line.split()[:2] for line in lines[1:] if line.split()[0] in BUILTIN] == [
        [name, "no"] for name in BUILTIN
    ]


def test_linters_text_is_aligned_columns():
    rows = [
        {"name": "a", "enabled": True, "fast": False, "kind": "in-process", "command": "", "pattern": ""},
        {"name": "long-name", "enabled": False, "fast": True, "kind": "external file-local",
         "command": "tool -x", "pattern": "PATH:LINE:MESSAGE"},
    ]  # fmt: skip
    assert render_text(rows) == (
        "NAME       ENABLED  FAST  KIND                 COMMAND  PATTERN\n"
        "a          yes      no    in-process           -        -\n"
        "long-name  no       yes   external file-local  tool -x  PATH:LINE:MESSAGE\n"
    )


def test_linters_json_and_flags(repo, tmp_path):
    proc = lintgate(
        repo, "linters", "--json", "--linter", "extra:extra -q:PATH:LINE:MESSAGE", env=env(tmp_path)
    )
    rows = [r for r in json.loads(proc.stdout) if r["name"] not in BUILTIN]
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
