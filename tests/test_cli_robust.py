"""Robustness of the command line: bad input is one line naming the flag or file, exit 2, no
traceback, and no file changed or clobbered unless --fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import (
    command_lines,
    copy_repo,
    lintgate,
    normalize_stderr,
    process_group,
    stdlib_modules,
)

# --- --output -------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["app.py", "./app.py", "link.py", "hard.py"])
def test_output_refuses_to_overwrite_a_checked_file(tmp_path, target):
    repo = copy_repo("both", tmp_path / "repo")
    before = (repo / "app.py").read_bytes()
    (repo / "link.py").symlink_to("app.py")
    os.link(repo / "app.py", repo / "hard.py")
    proc = lintgate(repo, "--output", f"json={target}")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"lintgate: --output: {target}: is a file being checked; not overwriting it\n"
    )
    assert (repo / "app.py").read_bytes() == before


def test_output_to_a_named_file_being_checked_is_refused_with_fix_too(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    before = (repo / "app.py").read_bytes()
    proc = lintgate(repo, "--fix", "--output", "json=app.py", "app.py")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert (
        proc.stderr == "lintgate: --output: app.py: is a file being checked; not overwriting it\n"
    )
    assert (repo / "app.py").read_bytes() == before


def test_output_dash_is_stdout(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--output", "gometalinter=-")
    assert proc.returncode == 1
    assert proc.stdout == (
        "app.py:1:1:warning: imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1:warning: would reformat line 2 (black)\n"
    )
    assert not (repo / "-").exists()
    both = lintgate(repo, "--output", "json=-", "--output", "sarif")
    assert both.returncode == 2
    assert both.stderr == (
        "lintgate: --output: json and sarif both write to stdout; "
        "give each report its own place (NAME=PATH)\n"
    )


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "json=/nonexistent/dir/x.json",
            "/nonexistent/dir/x.json: no such directory: /nonexistent/dir",
        ),
        ("json=app.py/x.json", "app.py/x.json: not a directory: app.py"),
        ("json=sub", "sub: is a directory"),
    ],
)
def test_output_to_an_unwritable_place_fails_before_linting(tmp_path, value, message):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "sub").mkdir()
    proc = lintgate(repo, "--output", value)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: --output: {message}\n"


# --- signals ----------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc for the process group")
@pytest.mark.parametrize(
    "signum, group, status, message",
    [
        (signal.SIGTERM, False, 143, "terminated"),  # `kill PID`: the main process only
        (signal.SIGINT, True, 130, "interrupted"),  # Ctrl-C: the whole process group
    ],
)
def test_a_stop_signal_ends_the_workers_and_leaves_every_file_whole(
    tmp_path, signum, group, status, message
):
    work = tmp_path / "work"
    originals = stdlib_modules(work)
    env = dict(os.environ, LINTGATE_CACHE_DIR=str(tmp_path / "cache"))
    script = Path(sys.executable).parent / "lintgate"
    proc = subprocess.Popen(
        [str(script), "--no-config", "--fix", "-j2"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the workers are found by it
    )
    try:
        # mid-run: once the first file is fixed (written by a worker), long before the last
        for _ in range(3000):
            if any((work / name).read_bytes() != data for name, data in originals.items()):
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        if group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == status
    assert command_lines(process_group(proc.pid)) == []
    assert sorted(p.name for p in work.iterdir()) == sorted(originals)  # no temporary file
    changed = [name for name, data in originals.items() if (work / name).read_bytes() != data]
    assert changed and len(changed) < len(originals)
    # the files written so far are named, as a whole run names them (tests/test_fix_interrupt.py)
    named = "".join(f"lintgate: fixed {name}\n" for name in sorted(changed))
    assert stderr.decode() == f"{named}lintgate: {message}\n"
    # each changed file holds exactly what a whole --fix run makes of it
    reference = tmp_path / "reference"
    reference.mkdir()
    for name in changed:
        (reference / name).write_bytes(originals[name])
    fixed = lintgate(reference, "--no-config", "--fix", "-j2")
    assert "Traceback" not in fixed.stderr
    for name in changed:
        assert (work / name).read_bytes() == (reference / name).read_bytes(), name


# --- one-line errors instead of tracebacks ---------------------------------------------------


@pytest.mark.parametrize(
    "args, config, message",
    [
        (
            ["--sort", "none", "--sort", "path"],
            None,
            "--sort: 'none' (keep the order found) cannot be combined with other keys",
        ),
        (
            [],
            '{"Sort": ["none", "path"]}',
            "lintgate.json: Sort: 'none' (keep the order found) cannot be combined with other keys",
        ),
        (["--skip", "[z-a]"], None, "--skip: invalid pattern '[z-a]': bad character range z-a"),
        (["--skip", "\\"], None, "--skip: invalid pattern '\\\\': not a gitignore pattern"),
        (
            [],
            '{"Skip": ["ok", "!"]}',
            "lintgate.json: Skip: invalid pattern '!': not a gitignore pattern",
        ),
        ([], "[" * 100000, "lintgate.json: invalid JSON: nested too deeply"),
        (
            ["--config", "/nonexistent.json"],
            None,
            "/nonexistent.json: cannot read: No such file or directory",
        ),
        (
            ["--config", "../none.json"],
            None,
            "../none.json: cannot read: No such file or directory",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, config, message):
    repo = copy_repo("both", tmp_path / "repo")
    if config is not None:
        (repo / "lintgate.json").write_text(config)
    proc = lintgate(repo, *args)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"lintgate: {message}\n"


def test_sort_none_alone_keeps_the_order_found(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--sort", "none")
    assert proc.returncode == 1
    assert proc.stdout == (
        "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        "app.py:2:1: ⚠️ would reformat line 2 (black)\n"
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [[], ["--print-config"], ["--diff"], ["--format", "json"]])
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path, args):
    repo = copy_repo("both", tmp_path / "repo")
    before = (repo / "app.py").read_bytes()
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "lintgate"), *args],
            cwd=repo,
            env=dict(os.environ, LINTGATE_CACHE_DIR=str(tmp_path / "cache")),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert proc.returncode == 2
    assert proc.stderr == "lintgate: stdout: cannot write: No space left on device\n"
    assert (repo / "app.py").read_bytes() == before


# --- --new-from-patch ------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=str(repo.parent))
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t")
    env.update(GIT_COMMITTER_EMAIL="t@t")
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def test_new_from_patch_in_a_subdirectory_reads_git_paths_from_the_top(tmp_path):
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "pkg" / "mod.py").write_text("import os\n\nos.sep\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "old")
    (repo / "pkg" / "mod.py").write_text("import os\nimport json\n\nos.sep\n")
    (tmp_path / "change.patch").write_text(_git(repo, "diff"))
    expected = (
        "mod.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        "mod.py:2:8: ⚠️ 'json' imported but unused (imports)\n"
    )
    by_rev = lintgate(repo / "pkg", "--new-from-rev", "HEAD")
    assert (by_rev.returncode, by_rev.stdout) == (1, expected)
    by_patch = lintgate(repo / "pkg", "--new-from-patch", "../../change.patch")
    assert (by_patch.returncode, by_patch.stdout) == (1, expected)
    at_top = lintgate(repo, "--new-from-patch", "../change.patch")
    assert (at_top.returncode, at_top.stdout) == (1, expected.replace("mod.py", "pkg/mod.py"))


@pytest.mark.parametrize(
    "text, status, message",
    [
        ("hello\n", 2, "not a patch: p.patch has no diff header (a 'diff', '---' or '+++' line)"),
        ("", 0, None),  # `git diff` with no change: nothing is new
    ],
)
def test_new_from_patch_rejects_a_file_that_is_not_a_patch(tmp_path, text, status, message):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "p.patch").write_text(text)
    proc = lintgate(repo, "--new-from-patch", "p.patch")
    assert (proc.returncode, proc.stdout) == (status, "")
    if message:
        assert proc.stderr == f"lintgate: --new-from-patch: {message}\n"


def test_new_from_patch_missing_file_is_named_as_given(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, "--new-from-patch", "nope.patch")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        "lintgate: --new-from-patch: cannot read patch nope.patch: No such file or directory\n"
    )


# --- config files and linters ----------------------------------------------------------------


def test_two_config_files_in_one_directory_are_warned_about(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "lintgate.json").write_text('{"Enable": ["black"]}')
    (repo / ".lintgate.json").write_text('{"Enable": ["isort"]}')
    (repo / "sub").mkdir()
    for cwd, prefix in ((repo, ""), (repo / "sub", "../")):
        proc = lintgate(cwd, prefix or ".")
        assert proc.returncode == 1
        assert proc.stdout == f"{prefix}app.py:2:1: ⚠️ would reformat line 2 (black)\n"
        assert proc.stderr.splitlines()[0] == (
            f"lintgate: warning: {prefix}lintgate.json and {prefix}.lintgate.json both exist; "
            f"using {prefix}lintgate.json"
        )
    named = lintgate(repo, "--config", ".lintgate.json")  # named: no warning
    assert (
        named.stdout == "app.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    )
    assert "warning" not in named.stderr


@pytest.mark.parametrize(
    "args, config",
    [
        (["--disable-all"], None),
        (["-E", "isort", "--disable-all"], None),
        (["-D", "isort,black,imports"], None),
        ([], '{"DisableAll": true}'),
        ([], '{"Enable": []}'),
        (["--print-config"], '{"Enable": []}'),
    ],
)
def test_no_linter_enabled_is_a_usage_error(tmp_path, args, config):
    repo = copy_repo("both", tmp_path / "repo")
    if config is not None:
        (repo / "lintgate.json").write_text(config)
    proc = lintgate(repo, *args)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "lintgate: no linter enabled (enable one with -E/--enable or Enable)\n"


def test_an_empty_path_argument_is_an_error_not_the_working_directory(tmp_path):
    # black ("Path '' does not exist") and isort ("Broken 1 paths") refuse it too
    (tmp_path / "a.py").write_text("import os\n")
    proc = lintgate(tmp_path, "")
    assert proc.stdout == ""
    assert normalize_stderr(proc.stderr) == (
        "lintgate: '': no such file or directory\n"
        "lintgate: 0 files checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 2
