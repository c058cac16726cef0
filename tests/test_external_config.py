"""Issue 14, item 1: external linters in lintgate.json (`Linters`, gometalinter's forms) and
`--linter NAME:COMMAND:PATTERN`; their errors are one line naming the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from external_fakes import install_tool, starts, tool_env
from helpers import lintgate


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "pkg" / "a.py").write_text("x = 1  # TODO fix\n")
    (root / "b.py").write_text("y = 2\n")
    return root


def run(repo: Path, tmp_path: Path, config: dict | None, *args: str):
    if config is not None:
        (repo / "lintgate.json").write_text(json.dumps(config))
    bin_dir = tmp_path / "bin"
    install_tool(bin_dir)
    env = tool_env(bin_dir, tmp_path / "log")
    return lintgate(repo, "-D", "imports,isort,black", "-j", "1", *args, env=env)


TODO = "pkg/a.py:1:10: ⚠️ found a TODO (todo)\n"


def test_string_form_copied_from_gometalinter_style_works(repo, tmp_path):
    # gometalinter's README style: "NAME": "COMMAND:PATTERN", the pattern a shorthand
    proc = run(repo, tmp_path, {"Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"}}, "-E", "todo")
    assert (proc.returncode, proc.stdout) == (1, TODO), proc.stderr
    assert starts(tmp_path / "log") == ["--version", "b.py pkg/a.py"]


def test_object_form_with_a_regex_and_an_enable_before_its_definition(repo, tmp_path):
    config = {
        "Enable": ["todo"],  # named before `Linters` defines it, in the same file
        "Linters": {
            "todo": {
                "Command": "todo",
                "Pattern": r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)",
                "Severity": "error",
                "MessageOverride": "TODO left: {message}",
            }
        },
    }
    proc = run(repo, tmp_path, config)
    assert proc.stdout == "pkg/a.py:1:10: ❌ TODO left: found a TODO (todo)\n", proc.stderr
    assert proc.returncode == 1


def test_path_line_message_shorthand_drops_the_column_into_the_message(repo, tmp_path):
    proc = run(repo, tmp_path, None, "--linter", "todo:todo:PATH:LINE:MESSAGE", "-E", "todo")
    assert proc.stdout == "pkg/a.py:1:0: ⚠️ 10: found a TODO (todo)\n", proc.stderr


def test_linter_flag_defines_and_enable_flag_enables(repo, tmp_path):
    proc = run(repo, tmp_path, None, "--linter", "todo:todo:PATH:LINE:COL:MESSAGE", "-E", "todo")
    assert (proc.returncode, proc.stdout) == (1, TODO), proc.stderr


def test_external_linters_are_off_unless_enabled(repo, tmp_path):
    proc = run(repo, tmp_path, {"Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"}}, "-E", "imports")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert starts(tmp_path / "log") == []


@pytest.mark.parametrize(
    "linters, error",
    [
        (
            {"isort": "isort:PATH:LINE:MESSAGE"},
            "lintgate.json: Linters: 'isort' is a built-in in-process linter; "
            "give the external one another name",
        ),
        (
            {"todo": {"Command": "todo", "Patern": "PATH:LINE:MESSAGE"}},
            "lintgate.json: Linters: todo: unknown key 'Patern' (did you mean 'Pattern'?)",
        ),
        (
            {"todo": "todo"},
            'lintgate.json: Linters: todo: expected "COMMAND:PATTERN" (split at the first ":")',
        ),
        (
            {"todo": "todo:(?P<path>.*):(?P<line>\\d+)"},
            "lintgate.json: Linters: todo: Pattern: pattern '(?P<path>.*):(?P<line>\\\\d+)' "
            "lacks the named group(s) message (expected (?P<path>...), (?P<line>...), "
            "(?P<message>...), optional (?P<col>...), or PATH:LINE:COL:MESSAGE / "
            "PATH:LINE:MESSAGE)",
        ),
        (
            {
                "todo": {
                    "Command": "todo",
                    "Pattern": "PATH:LINE:MESSAGE",
                    "PartitionStrategy": "file",
                }
            },
            "lintgate.json: Linters: todo: PartitionStrategy: unknown strategy 'file' "
            "(did you mean 'files'?); expected one of files, directories, project",
        ),
        (
            {"todo": {"Pattern": "PATH:LINE:MESSAGE"}},
            "lintgate.json: Linters: todo: Command is missing (no built-in definition to overlay)",
        ),
    ],
)
def test_bad_definitions_are_one_line_naming_the_key(repo, tmp_path, linters, error):
    proc = run(repo, tmp_path, {"Linters": linters})
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"lintgate: {error}\n")


def test_enabling_an_undefined_linter_suggests_the_nearest_defined_one(repo, tmp_path):
    proc = run(repo, tmp_path, {"Linters": {"todo": "todo:PATH:LINE:MESSAGE"}, "Enable": ["tood"]})
    assert (
        proc.stderr
        == "lintgate: lintgate.json: Enable: unknown linter 'tood' (did you mean 'todo'?)\n"
    )
    assert proc.returncode == 2


def test_bad_linter_flag_is_one_line(repo, tmp_path):
    proc = run(repo, tmp_path, None, "--linter", "todo")
    assert proc.stderr == "lintgate: --linter: expected NAME:COMMAND:PATTERN, got 'todo'\n"
    assert proc.returncode == 2


def test_a_flag_overlays_the_files_definition_field_by_field(repo, tmp_path):
    config = {
        "Linters": {
            "todo": {"Command": "nothere", "Pattern": "PATH:LINE:MESSAGE", "Severity": "error"}
        }
    }
    proc = run(repo, tmp_path, config, "--linter", "todo:todo:PATH:LINE:COL:MESSAGE", "-E", "todo")
    assert proc.stdout == "pkg/a.py:1:10: ❌ found a TODO (todo)\n", proc.stderr


def test_print_config_gives_the_definitions_back(repo, tmp_path):
    printed = run(
        repo,
        tmp_path,
        None,
        "--linter",
        "todo:todo:PATH:LINE:COL:MESSAGE",
        "-E",
        "todo",
        "--print-config",
    )
    config = json.loads(printed.stdout)
    assert config["Linters"]["todo"]["Command"] == "todo"
    assert config["Enable"] == ["todo"]
    (tmp_path / "printed.json").write_text(printed.stdout)
    proc = run(repo, tmp_path, None, "--config", str(tmp_path / "printed.json"))
    assert (proc.returncode, proc.stdout) == (1, TODO), proc.stderr
