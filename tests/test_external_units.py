"""Issue 14: the pure parts of the external-linter machinery (patterns, MessageOverride,
partitions under the argument limit, command lines) and a run at realistic scale."""

from __future__ import annotations

import json

from external_fakes import install_tool, starts, tool_env
from helpers import lintgate

from lintgate.diagnostic import Finding
from lintgate.external.batches import arg_budget, command_line, partition
from lintgate.external.definition import ExternalDefinition
from lintgate.external.pattern import compile_pattern, parse_output, render_override


def test_shorthand_pattern_parses_lines_and_counts_the_rest():
    pattern = compile_pattern("PATH:LINE:COL:MESSAGE")
    text = "a.py:3:5: E1 bad\nnoise\n\nb.pyi:1:1:   spaced  \nc.txt:1:1: not python\n"
    parsed = parse_output(text, pattern, "error")
    assert [(m.path, m.finding) for m in parsed.matches] == [
        ("a.py", Finding(3, 5, "E1 bad", "error")),
        ("b.pyi", Finding(1, 1, "spaced", "error")),
    ]
    assert parsed.unmatched == ["noise", "c.txt:1:1: not python"]


def test_regex_pattern_with_empty_column_and_override_variables():
    pattern = compile_pattern(
        r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d*): (?P<code>\w+) (?P<message>.*)"
    )
    parsed = parse_output(
        "x.py:7:: W605 invalid escape\n", pattern, "warning", "[{code}] {{.Message}} {nope}"
    )
    assert parsed.matches[0].finding == Finding(7, 0, "[W605] invalid escape {nope}", "warning")


def test_override_leaves_unknown_names():
    assert render_override("{message} ({{ .Code }})", {"message": "m", "code": "C1"}) == "m (C1)"


def test_files_partition_keeps_each_command_line_under_the_budget():
    d = ExternalDefinition("t", "tool", "PATH:LINE:MESSAGE")
    files = [f"pkg/module_{i:04d}.py" for i in range(1000)]
    budget = 4096
    batches = partition(d, list(reversed(files)), slots=2, budget=budget)
    assert [f for b in batches for f in b.files] == files  # sorted, each once
    assert all(sum(len(a) + 9 for a in b.args) <= budget for b in batches)
    assert len(batches) > 2
    # a changed file's batch: only the files the cache missed are given
    assert partition(d, ["pkg/module_0007.py"], slots=2, budget=budget)[0].args == (
        "pkg/module_0007.py",
    )


def test_arg_budget_is_below_the_os_limit():
    import os

    assert 4096 <= arg_budget(dict(os.environ)) < os.sysconf("SC_ARG_MAX")


def test_directories_and_project_partitions():
    d = ExternalDefinition("t", "tool", "PATH:LINE:MESSAGE", partition="directories")
    batches = partition(d, ["b/x.py", "a.py", "b/y.py", "-c.py"], slots=8, budget=10**6)
    assert [(b.args, b.files) for b in batches] == [
        ((".",), ("-c.py", "a.py")),
        (("b",), ("b/x.py", "b/y.py")),
    ]
    p = ExternalDefinition("t", "tool", "PATH:LINE:MESSAGE", partition="project")
    assert partition(p, ["b.py", "-c.py"], 8, 10**6)[0].args == ("./-c.py", "b.py")
    assert partition(p, ["b.py"] * 100, 8, 100)[0].args == (".",)


def test_command_line_places_paths_and_the_jobs_flag():
    d = ExternalDefinition("t", "tool -q {path} --end", "PATH:LINE:MESSAGE", jobs_flag="-j {n}")
    assert command_line(d, ["a.py", "b.py"], 3) == [
        "tool", "-q", "a.py", "b.py", "--end", "-j", "3",
    ]  # fmt: skip
    plain = ExternalDefinition("t", "'my tool' -x", "PATH:LINE:MESSAGE")
    assert command_line(plain, ["a.py"], 1) == ["my tool", "-x", "a.py"]


def test_hundreds_of_files_cold_warm_and_the_slots_shared_with_the_pool(tmp_path):
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    for i in range(300):
        note = "  # TODO" if i % 7 == 0 else ""
        (root / "pkg" / f"m{i:03d}.py").write_text(f"x = {i}{note}\n")
    config = {
        "Enable": ["imports", "todo"],
        "Linters": {
            "todo": {
                "Command": "todo",
                "Pattern": "PATH:LINE:COL:MESSAGE",
                "JobsFlag": "--jobs={n}",
            }
        },
    }
    (root / "lintgate.json").write_text(json.dumps(config))
    install_tool(tmp_path / "bin")
    env = tool_env(tmp_path / "bin", tmp_path / "log", tmp_path / "cache")
    cold = lintgate(root, "-j", "4", env=env)
    runs = starts(tmp_path / "log")[1:]
    # 4 slots, in-process work pending: the tool gets 2, in 2 batches of 150 files, 1 job each
    assert [(r.split()[0], len(r.split()) - 1) for r in runs] == [("--jobs=1", 150)] * 2
    assert cold.stdout.count("(todo)") == 43 and cold.returncode == 1
    warm = lintgate(root, "-j", "4", env=env)
    assert warm.stdout == cold.stdout
    assert len(starts(tmp_path / "log")) == 3  # no new start


def test_the_engine_keeps_the_unmatched_lines_for_verbose(tmp_path):
    from lintgate.context import RunContext, run_scope
    from lintgate.engine import run as engine
    from lintgate.external import registry
    from lintgate.linters.base import Project

    tool = install_tool(tmp_path / "bin")
    root = tmp_path / "r"
    root.mkdir()
    (root / "a.py").write_text("x = 1  # TODO\n")
    with run_scope(RunContext()):
        registry.define(ExternalDefinition("todo", f"{tool} --garbage", "PATH:LINE:COL:MESSAGE"))
        result = engine.run([root / "a.py"], Project(root, root), ["todo"], 1)
    assert result.unmatched == {"todo": ["this is not a finding", "neither:is:this"]}
    assert [(d.linter, d.message) for d in result.diagnostics] == [("todo", "found a TODO")]
    with run_scope(RunContext()):  # the definition was the run's only
        assert registry.get("todo") is None


def test_pylint_runs_as_one_process_whatever_the_concurrency():
    # its findings depend on its --jobs (attrs: 1938 with -j1, 1936 with -j2), which the cache
    # does not key: lintgate's -j must not reach it
    from lintgate.external.builtin import BUILTIN

    pylint = BUILTIN["pylint"]
    assert pylint.jobs_flag == ""
    assert not any(a.startswith("--jobs") for a in command_line(pylint, ["a.py"], 4))
