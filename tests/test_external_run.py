"""Issue 14, items 3 and 5: running external linters (batches, paths, failures, Deadline) and
everything else applying to their findings (nolint, Severity, new code is in the filters)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from external_fakes import install_tool, starts, tool_env
from helpers import lintgate, normalize_stderr, process_group


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "pkg" / "a.py").write_text("x = 1  # TODO fix\n")
    (root / "pkg" / "b.py").write_text("y = 2\n")
    (root / "c.py").write_text("z = 3  # TODO later\n")
    return root


def run(repo: Path, tmp_path: Path, definition, *args: str, cache: Path | None = None):
    (repo / "lintgate.json").write_text(
        json.dumps({"DisableAll": True, "Enable": ["todo"], "Linters": {"todo": definition}})
    )
    bin_dir = tmp_path / "bin"
    install_tool(bin_dir)
    env = tool_env(bin_dir, tmp_path / "log", cache)
    slots = () if "-j" in args else ("-j", "1")  # one batch per linter, unless asked
    return lintgate(repo, *slots, *args, env=env)


BOTH = "c.py:1:10: ⚠️ found a TODO (todo)\npkg/a.py:1:10: ⚠️ found a TODO (todo)\n"


def test_warm_run_starts_no_subprocess_and_prints_the_same_bytes(repo, tmp_path):
    cache = tmp_path / "cache"
    cold = run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", cache=cache)
    assert (cold.returncode, cold.stdout) == (1, BOTH), cold.stderr
    assert starts(tmp_path / "log") == ["--version", "c.py pkg/a.py pkg/b.py"]
    warm = run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", cache=cache)
    assert (warm.returncode, warm.stdout) == (1, BOTH)
    assert "3 files checked, 2 findings, 3 from cache" in warm.stderr
    assert starts(tmp_path / "log") == ["--version", "c.py pkg/a.py pkg/b.py"]  # unchanged


def test_a_changed_file_reruns_only_that_file(repo, tmp_path):
    cache = tmp_path / "cache"
    run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", cache=cache)
    (repo / "pkg" / "b.py").write_text("y = 2  # TODO too\n")
    proc = run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", cache=cache)
    assert proc.stdout == BOTH + "pkg/b.py:1:10: ⚠️ found a TODO (todo)\n"
    assert starts(tmp_path / "log")[2:] == ["pkg/b.py"]


def test_a_changed_config_file_reruns_the_tool(repo, tmp_path):
    cache = tmp_path / "cache"
    definition = {
        "Command": "todo",
        "Pattern": "PATH:LINE:COL:MESSAGE",
        "ConfigFiles": ["todo.ini"],
    }
    run(repo, tmp_path, definition, cache=cache)
    run(repo, tmp_path, definition, cache=cache)
    assert len(starts(tmp_path / "log")) == 2
    (repo / "todo.ini").write_text("[todo]\n")
    run(repo, tmp_path, definition, "-j", "1", cache=cache)
    assert starts(tmp_path / "log")[2:] == ["c.py pkg/a.py pkg/b.py"]


def test_whole_program_tool_reruns_on_every_file_when_one_changes(repo, tmp_path):
    cache = tmp_path / "cache"
    definition = {
        "Command": "todo",
        "Pattern": "PATH:LINE:COL:MESSAGE",
        "FileLocal": False,
        "PartitionStrategy": "project",
    }
    assert run(repo, tmp_path, definition, cache=cache).stdout == BOTH
    assert run(repo, tmp_path, definition, cache=cache).stdout == BOTH
    assert starts(tmp_path / "log") == ["--version", "c.py pkg/a.py pkg/b.py"]
    (repo / "pkg" / "b.py").write_text("y = 3\n")
    assert run(repo, tmp_path, definition, cache=cache).stdout == BOTH
    assert starts(tmp_path / "log")[2:] == ["c.py pkg/a.py pkg/b.py"]


def test_directories_partition_gives_each_directory_once(repo, tmp_path):
    definition = {
        "Command": "todo",
        "Pattern": "PATH:LINE:COL:MESSAGE",
        "PartitionStrategy": "directories",
    }
    proc = run(repo, tmp_path, definition, "-j", "1")
    assert proc.stdout == BOTH, proc.stderr
    assert starts(tmp_path / "log") == ["--version", ".", "pkg"]


@pytest.mark.parametrize("flag", ["--abs", "--dot"])
def test_absolute_and_dot_paths_map_back_to_the_files(repo, tmp_path, flag):
    proc = run(repo, tmp_path, f"todo {flag}:PATH:LINE:COL:MESSAGE")
    assert (proc.returncode, proc.stdout) == (1, BOTH), proc.stderr


def test_findings_on_files_not_asked_about_are_dropped(repo, tmp_path):
    (repo / "elsewhere.py").write_text("# TODO\n")
    proc = run(repo, tmp_path, "todo --extra:PATH:LINE:COL:MESSAGE", "c.py", "pkg")
    assert proc.stdout == BOTH, proc.stderr


def test_the_paths_go_where_the_placeholder_is(repo, tmp_path):
    proc = run(repo, tmp_path, "todo {path} --abs:PATH:LINE:COL:MESSAGE")
    assert proc.stdout == BOTH, proc.stderr
    assert starts(tmp_path / "log") == ["--version", "c.py pkg/a.py pkg/b.py --abs"]


def test_jobs_flag_holds_the_tool_to_its_share(repo, tmp_path):
    definition = {"Command": "todo", "Pattern": "PATH:LINE:COL:MESSAGE", "JobsFlag": "--jobs={n}"}
    proc = run(repo, tmp_path, definition, "-j", "4", "pkg/a.py")
    assert proc.stdout == "pkg/a.py:1:10: ⚠️ found a TODO (todo)\n", proc.stderr
    # one batch, alone in the run (no in-process linter): all 4 slots
    assert starts(tmp_path / "log") == ["--version", "--jobs=4 pkg/a.py"]


def test_missing_executable_is_one_error_naming_the_linter_and_the_install(repo, tmp_path):
    definition = {
        "Command": "nosuchtool --x",
        "Pattern": "PATH:LINE:MESSAGE",
        "InstallHint": "pip install nosuchtool",
    }
    proc = run(repo, tmp_path, definition)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert normalize_stderr(proc.stderr) == (
        "lintgate: todo: cannot run 'nosuchtool': command not found; "
        "install it: pip install nosuchtool\n"
        "lintgate: 3 files checked, 0 findings, 0 from cache, N.NNs\n"
    )


def test_crashing_tool_is_a_tool_error_with_the_last_lines_of_stderr(repo, tmp_path):
    proc = run(repo, tmp_path, "todo --crash:PATH:LINE:COL:MESSAGE")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert normalize_stderr(proc.stderr) == (
        "lintgate: todo: the tool exited with status 2: "
        "Traceback (most recent call last): | File x | ValueError: boom\n"
        "lintgate: 3 files checked, 0 findings, 0 from cache, N.NNs\n"
    )


def test_a_tool_error_is_not_cached(repo, tmp_path):
    cache = tmp_path / "cache"
    run(repo, tmp_path, "todo --crash:PATH:LINE:COL:MESSAGE", "-j", "1", cache=cache)
    proc = run(repo, tmp_path, "todo --crash:PATH:LINE:COL:MESSAGE", "-j", "1", cache=cache)
    assert proc.returncode == 2
    assert starts(tmp_path / "log")[1:] == ["--crash c.py pkg/a.py pkg/b.py"] * 2


def test_stderr_chatter_with_findings_is_not_an_error(repo, tmp_path):
    proc = run(repo, tmp_path, "todo --noisy:PATH:LINE:COL:MESSAGE")
    assert (proc.returncode, proc.stdout) == (1, BOTH), proc.stderr


def test_garbage_output_is_counted_not_lost(repo, tmp_path):
    proc = run(repo, tmp_path, "todo --garbage:PATH:LINE:COL:MESSAGE")
    assert (proc.returncode, proc.stdout) == (1, BOTH)
    assert normalize_stderr(proc.stderr) == (
        "lintgate: warning: todo: 2 output line(s) did not match its pattern\n"
        "lintgate: 3 files checked, 2 findings, 0 from cache, N.NNs\n"
    )
    # -v shows them (after the summary's counts, with the other -v lines)
    verbose = run(repo, tmp_path, "todo --garbage:PATH:LINE:COL:MESSAGE", "-v")
    assert (verbose.returncode, verbose.stdout) == (1, BOTH)
    assert [line for line in verbose.stderr.splitlines() if "unmatched output" in line] == [
        "lintgate: todo: unmatched output: this is not a finding",
        "lintgate: todo: unmatched output: neither:is:this",
    ]


def test_hanging_tool_under_deadline_is_killed_with_its_group(repo, tmp_path):
    started = time.monotonic()
    proc = run(repo, tmp_path, "todo --hang:PATH:LINE:COL:MESSAGE", "--deadline", "2s")
    assert time.monotonic() - started < 20
    # the finding printed before the deadline is kept; the batch's files are named
    assert proc.stdout == "c.py:1:10: ⚠️ found a TODO (todo)\n"
    assert proc.returncode == 3
    lines = normalize_stderr(proc.stderr).splitlines()
    assert lines[0] == "lintgate: deadline passed after N.NNs; 3 file(s) not checked:"
    assert lines[1:4] == ["  c.py", "  pkg/a.py", "  pkg/b.py"]
    # the files not checked are not counted as checked (README)
    assert lines[4:] == ["lintgate: 0 files checked, 3 not checked, 1 finding, 0 from cache, N.NNs"]
    time.sleep(0.5)
    leftovers = [
        pid
        for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
        if _cmdline(pid).endswith("import time; time.sleep(60)")
    ]
    assert leftovers == [] or all(process_group(p) == [] for p in leftovers)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def test_nolint_severity_exclude_and_message_override_apply_to_external_findings(repo, tmp_path):
    (repo / "c.py").write_text("z = 3  # TODO later  # nolint:todo\n")
    (repo / "pkg" / "b.py").write_text("w = 1  # TODO keep\nv = 2  # TODO drop\n")
    config = {
        "DisableAll": True,
        "Enable": ["todo"],
        "Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"},
        "Severity": {"todo": "error"},
        "Exclude": ["b.py:2:"],
        "MessageOverride": {"todo": "{message}!"},
    }
    (repo / "lintgate.json").write_text(json.dumps(config))
    install_tool(tmp_path / "bin")
    proc = lintgate(repo, env=tool_env(tmp_path / "bin", tmp_path / "log"))
    assert proc.stdout == (
        "pkg/a.py:1:10: ❌ found a TODO! (todo)\npkg/b.py:1:10: ❌ found a TODO! (todo)\n"
    ), proc.stderr


@pytest.mark.parametrize("slots", ["1", "2", "4"])  # 1: the batches first, then the pool
def test_in_process_and_external_findings_together_warm_and_cold(repo, tmp_path, slots):
    cache = tmp_path / "cache"
    (repo / "pkg" / "a.py").write_text("import os\nx = 1  # TODO fix\n")
    (repo / "lintgate.json").write_text(
        json.dumps(
            {"Enable": ["imports", "todo"], "Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"}}
        )
    )
    install_tool(tmp_path / "bin")
    env = tool_env(tmp_path / "bin", tmp_path / "log", cache)
    cold = lintgate(repo, "-j", slots, env=env)
    warm = lintgate(repo, "-j", slots, env=env)
    expected = (
        "c.py:1:10: ⚠️ found a TODO (todo)\n"
        "pkg/a.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
        "pkg/a.py:2:10: ⚠️ found a TODO (todo)\n"
    )
    assert (cold.stdout, warm.stdout) == (expected, expected), cold.stderr
    assert "3 files checked, 3 findings, 3 from cache" in warm.stderr
    assert starts(tmp_path / "log")[0] == "--version"
    assert sorted(f for s in starts(tmp_path / "log")[1:] for f in s.split()) == [
        "c.py", "pkg/a.py", "pkg/b.py",
    ]  # fmt: skip


@pytest.mark.parametrize("times", [1, 2])  # 2: a second signal ends lintgate at once
def test_interrupted_run_ends_the_tools_process_group(repo, tmp_path, times):
    import signal
    import subprocess
    import sys

    (repo / "lintgate.json").write_text(
        json.dumps(
            {
                "DisableAll": True,
                "Enable": ["todo"],
                "Linters": {"todo": "todo --hang:PATH:LINE:COL:MESSAGE"},
            }
        )
    )
    install_tool(tmp_path / "bin")
    env = {**os.environ, **tool_env(tmp_path / "bin", tmp_path / "log", tmp_path / "cache")}
    script = Path(sys.executable).parent / "lintgate"
    proc = subprocess.Popen(
        [str(script)], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    for _ in range(200):  # the tool has started (its log names the files)
        if len(starts(tmp_path / "log")) >= 2:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    for _ in range(times):
        proc.send_signal(signal.SIGTERM)  # (SIGINT is ignored in background jobs)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 143, err
    assert err.decode().splitlines()[-1] == "lintgate: terminated"
    time.sleep(0.5)
    hanging = [
        p for p in map(int, filter(str.isdigit, os.listdir("/proc"))) if "--hang" in _cmdline(p)
    ]
    assert hanging == []


def test_a_file_changed_while_the_tool_ran_is_not_cached(repo, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    original = (repo / "c.py").read_text()
    monkeypatch.setenv("FAKE_EDIT", "1")  # the tool appends a TODO line before reading
    edited = run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", "c.py", cache=cache)
    assert edited.stdout == "c.py:1:10: ⚠️ found a TODO (todo)\nc.py:2:3: ⚠️ found a TODO (todo)\n"
    monkeypatch.delenv("FAKE_EDIT")
    (repo / "c.py").write_text(original)  # the bytes the run keyed on, again
    proc = run(repo, tmp_path, "todo:PATH:LINE:COL:MESSAGE", "c.py", cache=cache)
    assert proc.stdout == "c.py:1:10: ⚠️ found a TODO (todo)\n"
    assert starts(tmp_path / "log")[1:] == ["c.py", "c.py"]


def test_new_code_selection_applies_to_external_findings(repo, tmp_path):
    import subprocess

    subprocess.run(["rm", "-rf", str(repo / ".git")], check=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git[:5], "init", "-q", str(repo)], check=True)
    (repo / "lintgate.json").write_text(
        json.dumps(
            {
                "DisableAll": True,
                "Enable": ["todo"],
                "Linters": {"todo": "todo:PATH:LINE:COL:MESSAGE"},
            }
        )
    )
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "c.py").write_text("z = 3  # TODO later\nw = 4  # TODO new\n")
    install_tool(tmp_path / "bin")
    env = tool_env(tmp_path / "bin", tmp_path / "log")
    proc = lintgate(repo, "--new-from-rev", "HEAD", env=env)
    assert proc.stdout == "c.py:2:10: ⚠️ found a TODO (todo)\n", proc.stderr


def test_paths_printed_through_a_link_to_the_root_map_back(repo, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(repo)
    proc = run(repo, tmp_path, f"todo --via={link}:PATH:LINE:COL:MESSAGE")
    assert proc.stdout == BOTH, proc.stderr


def test_a_backtracking_pattern_stops_at_the_deadline_with_one_error(repo, tmp_path):
    line = "a" * 40 + "!\n"  # (a|aa)+ tries ~fib(40) ways to split it before it fails
    definition = {
        "Command": f"todo --say={line.encode().hex()}",
        "Pattern": r"^(?P<path>(a|aa)+):(?P<line>\d+):(?P<message>.*)$",
    }
    started = time.monotonic()
    proc = run(repo, tmp_path, definition, "--deadline", "2s")
    assert time.monotonic() - started < 15
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert normalize_stderr(proc.stderr) == (
        "lintgate: todo: its Pattern took too long to match the tool's output (nested "
        "quantifiers such as (a+)+ backtrack without end: rewrite it); 1 line(s) not read\n"
        "lintgate: 3 files checked, 0 findings, 0 from cache, N.NNs\n"
    )


def test_a_message_with_form_feed_vertical_tab_or_line_separator_stays_whole(repo, tmp_path):
    said = "c.py:2:1: one\x0ctwo\x0bthree\u2028four\r\n"
    definition = {
        "Command": f"todo --say={said.encode().hex()}",
        "Pattern": "PATH:LINE:COL:MESSAGE",
    }
    proc = run(repo, tmp_path, definition, "--format", "json")
    found = json.loads(proc.stdout)
    assert [(d["path"], d["line"], d["message"]) for d in found if d["line"] == 2] == [
        ("c.py", 2, "one\x0ctwo\x0bthree\u2028four")
    ]
    assert proc.returncode == 1
    assert (
        normalize_stderr(proc.stderr)
        == "lintgate: 3 files checked, 3 findings, 0 from cache, N.NNs\n"
    )


def test_a_tool_error_quotes_the_error_line_not_mypys_notes(repo, tmp_path):
    said = (
        'c.pyi: error: Duplicate module named "c" (also at "c.py")\n'
        "c.pyi: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#mapping-file-paths-to-modules\n"
        "c.pyi: note: Common resolutions include: a) using `--exclude` to avoid checking one of them\n"
        "c.pyi: note: b) adding `__init__.py` somewhere\n"
    )
    definition = {
        "Command": f"todo --say={said.encode().hex()} --exit=2",
        "Pattern": "PATH:LINE:COL:MESSAGE",
    }
    proc = run(repo, tmp_path, definition)
    assert (proc.returncode, proc.stdout) == (3, BOTH)
    assert normalize_stderr(proc.stderr) == (
        'lintgate: todo: the tool exited with status 2: c.pyi: error: Duplicate module named "c" '
        '(also at "c.py")\n'
        "lintgate: 3 files checked, 2 findings, 0 from cache, N.NNs\n"
    )


def test_fix_with_a_hanging_tool_names_its_files_not_checked(repo, tmp_path):
    proc = run(repo, tmp_path, "todo --hang:PATH:LINE:COL:MESSAGE", "--fix", "--deadline", "2s")
    assert proc.returncode == 3
    assert proc.stdout == "c.py:1:10: ⚠️ found a TODO (todo)\n"
    assert normalize_stderr(proc.stderr).splitlines() == [
        "lintgate: 0 file(s) fixed",
        "lintgate: deadline passed after N.NNs; 3 file(s) not checked:",
        "  c.py",
        "  pkg/a.py",
        "  pkg/b.py",
        "lintgate: 0 files checked, 3 not checked, 1 finding, 0 from cache, N.NNs",
    ]
