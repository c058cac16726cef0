"""Where the configuration lives (issue 16): pyproject.toml's `[tool.lintgate]` table beside
lintgate.json, found the same way, validated by the same code with the same messages."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import lintgate

from lintgate.config import ConfigError, find_config_file, read_config_file


def _git_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


# The same configuration, as lintgate.json and as [tool.lintgate]: TOML strings, integers,
# booleans, arrays and tables stand for their JSON kinds (a duration is a string in both).
JSON_CONFIG = {
    "Enable": ["imports", "isort"],
    "Skip": ["generated"],
    "Vendor": True,
    "Deadline": "5m",
    "Concurrency": 2,
    "Severity": {"imports": "error"},
    "MessageOverride": {"isort": "{message} [isort]"},
    "Sort": ["linter", "path"],
}
TOML_CONFIG = """\
[project]
name = "demo"

[tool.lintgate]
Enable = ["imports", "isort"]
Skip = ["generated"]
Vendor = true
Deadline = "5m"
Concurrency = 2
Sort = ["linter", "path"]

[tool.lintgate.Severity]
imports = "error"

[tool.lintgate.MessageOverride]
isort = "{message} [isort]"

[tool.black]
line-length = 100
"""


def test_pyproject_table_is_the_same_configuration_as_lintgate_json(tmp_path):
    as_json = _git_repo(tmp_path / "json")
    (as_json / "lintgate.json").write_text(json.dumps(JSON_CONFIG))
    as_toml = _git_repo(tmp_path / "toml")
    (as_toml / "pyproject.toml").write_text(TOML_CONFIG)
    for root in (as_json, as_toml):
        (root / "pkg" / "sub").mkdir(parents=True)
        (root / "generated").mkdir()
        (root / "generated" / "skipped.py").write_text("import os\n")
        (root / "pkg" / "a.py").write_text("import sys\nimport os\n")
    printed = [lintgate(root / "pkg" / "sub", "--print-config") for root in (as_json, as_toml)]
    assert printed[0].stdout == printed[1].stdout
    assert json.loads(printed[1].stdout)["Deadline"] == "300s"
    # found from a subdirectory; its directory is the project root (Skip is relative to it)
    runs = [lintgate(root / "pkg" / "sub", "..") for root in (as_json, as_toml)]
    for proc in runs:
        assert proc.returncode == 1, proc.stderr
        assert proc.stdout == (  # Sort: linter, then path; generated/ skipped
            "../a.py:1:8: ❌ 'sys' imported but unused (imports)\n"
            "../a.py:2:8: ❌ 'os' imported but unused (imports)\n"
            "../a.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted [isort] (isort)\n"
        )


def test_json_files_come_before_pyproject_in_one_directory_with_a_warning(tmp_path):
    repo = _git_repo(tmp_path / "repo")
    (repo / "a.py").write_text("import os\n")
    (repo / "pyproject.toml").write_text('[tool.lintgate]\nEnable = ["isort"]\n')
    alone = lintgate(repo)
    assert (alone.stdout, alone.returncode) == ("", 0)  # isort alone: nothing to say
    for name in ("lintgate.json", ".lintgate.json"):
        (repo / name).write_text('{"Enable": ["imports"]}')
        proc = lintgate(repo)
        assert proc.stdout == "a.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
        assert proc.stderr.splitlines()[0] == (
            f"lintgate: warning: {name} and pyproject.toml [tool.lintgate] both exist; "
            f"using {name}"
        )
        (repo / name).unlink()
    # named with --config, no warning: the file named is the one used
    (repo / "lintgate.json").write_text('{"Enable": ["imports"]}')
    proc = lintgate(repo, "--config", "pyproject.toml")
    assert (proc.stdout, proc.returncode) == ("", 0)
    assert "warning" not in proc.stderr


def test_pyproject_without_the_table_is_passed_over(tmp_path):
    repo = _git_repo(tmp_path / "repo")
    sub = repo / "sub"
    sub.mkdir()
    (repo / "lintgate.json").write_text("{}")
    (sub / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n# not lintgate's\n")
    assert find_config_file(sub) == repo / "lintgate.json"
    (sub / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert find_config_file(sub) == repo / "lintgate.json"
    (sub / "pyproject.toml").write_text("[tool.lintgate]\n")  # an empty table counts
    assert find_config_file(sub) == sub / "pyproject.toml"
    # `tool.lintgate` as a dotted key is the same table
    (sub / "pyproject.toml").write_text('tool.lintgate.Enable = ["black"]\n')
    assert find_config_file(sub) == sub / "pyproject.toml"
    assert read_config_file(sub / "pyproject.toml", "pyproject.toml") == {"Enable": ["black"]}
    # a pyproject.toml that mentions lintgate but does not parse is found, and its error shown
    (sub / "pyproject.toml").write_text("[tool.lintgate\n")
    assert find_config_file(sub) == sub / "pyproject.toml"
    # the search stops at the repository root, as for lintgate.json
    (repo / "lintgate.json").unlink()
    (sub / "pyproject.toml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.lintgate]\n")
    assert find_config_file(sub) is None


# (lintgate.json text, the same in [tool.lintgate], the message after the file's name)
SAME_ERRORS = [
    ('{"Skipp": []}', "Skipp = []", "unknown key 'Skipp' (did you mean 'Skip'?)"),
    (
        '{"Deadline": 5}',
        "Deadline = 5",
        'Deadline: expected a duration string such as "90s" or "8m"',
    ),
    ('{"Deadline": "5x"}', 'Deadline = "5x"', None),
    ('{"Concurrency": 2.0}', "Concurrency = 2.0", None),
    ('{"Concurrency": "2"}', 'Concurrency = "2"', None),
    ('{"Vendor": 1}', "Vendor = 1", "Vendor: expected true or false"),
    ('{"Enable": ["nope"]}', 'Enable = ["nope"]', None),
    ('{"Enable": "isort"}', 'Enable = "isort"', "Enable: expected a list of linter names"),
    ('{"Severity": {"black": "fatal"}}', 'Severity = {black = "fatal"}', None),
    ('{"Severity": ["black"]}', 'Severity = ["black"]', None),
    ('{"Sort": ["none", "path"]}', 'Sort = ["none", "path"]', None),
    ('{"Exclude": ["("]}', "Exclude = ['(']", None),
    ('{"MaxFileSize": -1}', "MaxFileSize = -1", None),
    # more than 18 digits: text for the JSON reader, and so for TOML's
    (
        '{"MaxFileSize": 1000000000000000000}',
        "MaxFileSize = 1000000000000000000",
        "MaxFileSize: expected a whole number of bytes >= 0 (0: no limit)",
    ),
]


@pytest.mark.parametrize("json_text,toml_text,message", SAME_ERRORS)
def test_pyproject_errors_are_lintgate_json_errors_naming_the_table(
    tmp_path, json_text, toml_text, message
):
    (tmp_path / "lintgate.json").write_text(json_text)
    (tmp_path / "pyproject.toml").write_text(f"[tool.lintgate]\n{toml_text}\n")
    with pytest.raises(ConfigError) as from_json:
        read_config_file(tmp_path / "lintgate.json", "lintgate.json")
    with pytest.raises(ConfigError) as from_toml:
        read_config_file(tmp_path / "pyproject.toml", "pyproject.toml")
    assert str(from_json.value).startswith("lintgate.json: ")
    tail = str(from_json.value)[len("lintgate.json: ") :]
    assert str(from_toml.value) == f"pyproject.toml [tool.lintgate]: {tail}"
    if message is not None:
        assert tail == message


@pytest.mark.parametrize(
    "text,line",
    [
        (
            "[tool.lintgate\n",
            "lintgate: pyproject.toml: invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 15)",
        ),
        (
            "[tool]\nlintgate = 3\n",
            "lintgate: pyproject.toml: tool.lintgate: expected a table ([tool.lintgate])",
        ),
        (
            "[tool.lintgate]\nMaxFileSize = 9223372036854775808\n",
            "lintgate: pyproject.toml [tool.lintgate]: invalid TOML: an integer out of the 64-bit range",
        ),
        (
            "[tool.lintgate]\nDeadline = 1979-05-27\n",
            'lintgate: pyproject.toml [tool.lintgate]: Deadline: expected a duration string such as "90s" or "8m"',
        ),
        ("[tool.lintgate]\nSkip = [" * 1 + "[" * 3000 + "\n", None),
    ],
    ids=["invalid-toml", "not-a-table", "int-range", "datetime", "deep"],
)
def test_pyproject_errors_on_the_command_line(tmp_path, text, line):
    repo = _git_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(text)
    proc = lintgate(repo)
    assert (proc.stdout, proc.returncode) == ("", 2)
    if line is None:  # only one line, no traceback
        assert proc.stderr.startswith("lintgate: pyproject.toml") and proc.stderr.count("\n") == 1
    else:
        assert proc.stderr == line + "\n"


def test_config_naming_a_pyproject_without_the_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.black]\n")
    proc = lintgate(tmp_path, "--config", "pyproject.toml")
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        "lintgate: pyproject.toml: no [tool.lintgate] table\n",
        2,
    )
