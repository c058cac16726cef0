"""CLI behaviour beyond the fixture repositories: config errors, --print-config round trip,
--new-from-rev, report files, and the linter flags' order."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from helpers import copy_repo, lintgate, normalize_stderr


def test_print_config_round_trips(tmp_path):
    repo = copy_repo("report-all", tmp_path / "repo")
    flags = ["--disable-all", "-E", "black", "--exclude", "meteo", "--sort", "line", "--errors"]
    flags += ["--deadline", "90s", "-j", "2", "--format", "gometalinter", "--skip", "app/latin.py"]
    printed = lintgate(repo, *flags, "--print-config")
    assert printed.returncode == 0
    config = json.loads(printed.stdout)
    assert config["Enable"] == ["black"]
    assert config["Deadline"] == "90s"
    (tmp_path / "printed.json").write_text(printed.stdout)
    direct = lintgate(repo, *flags)
    again = lintgate(repo, "--config", str(tmp_path / "printed.json"))
    assert again.stdout == direct.stdout
    assert again.returncode == direct.returncode == 1
    assert direct.stdout == "app/broken.py:1:7:error: cannot parse: bad input (syntax)\n"


@pytest.mark.parametrize(
    "config, message",
    [
        (
            '{"Enable": ["isrot"]}',
            "lintgate.json: Enable: unknown linter 'isrot' (did you mean 'isort'?)",
        ),
        ('{"Deadline": "5 minutes"}', "lintgate.json: Deadline: invalid duration '5 minutes'"),
        ('{"Concurrency": "2"}', "lintgate.json: Concurrency: expected a whole number from 0"),
        ('{"Vendor": "yes"}', "lintgate.json: Vendor: expected true or false"),
        ('{"Skip": "build"}', "lintgate.json: Skip: expected a list of strings"),
        ('{"Exclude": ["("]}', "lintgate.json: Exclude: invalid regular expression '('"),
        (
            '{"Sort": ["lines"]}',
            "lintgate.json: Sort: unknown sort key 'lines' (did you mean 'line'?)",
        ),
        (
            '{"Format": "sarf"}',
            "lintgate.json: Format: unknown format 'sarf': did you mean 'sarif'?",
        ),
        ('{"Enable": ["isort"],}', "lintgate.json:1:22: invalid JSON: Expecting property name"),
        ("[]", "lintgate.json: expected a JSON object at the top level"),
    ],
)
def test_config_errors_are_one_line_and_exit_2(tmp_path, config, message):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "lintgate.json").write_text(config)
    proc = lintgate(repo)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"lintgate: {message}")


def test_flags_apply_after_the_file_in_command_line_order(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "lintgate.json").write_text('{"Enable": ["black"]}')
    only_black = lintgate(repo)
    assert only_black.stdout == "app.py:2:1: ⚠️ would reformat line 2 (black)\n"
    both = lintgate(repo, "-E", "isort")
    assert [line.rsplit(" ", 1)[1] for line in both.stdout.splitlines()] == ["(isort)", "(black)"]
    none_then_isort = lintgate(repo, "--disable-all", "-E", "isort")
    assert none_then_isort.stdout.endswith("(isort)\n") and "(black)" not in none_then_isort.stdout
    isort_then_none = lintgate(repo, "-E", "isort", "--disable-all")
    assert (isort_then_none.returncode, isort_then_none.stdout) == (2, "")  # no linter left
    assert isort_then_none.stderr == (
        "lintgate: no linter enabled (enable one with -E/--enable or Enable)\n"
    )


def test_output_writes_several_formats_in_one_run(tmp_path):
    repo = copy_repo("report-all", tmp_path / "repo")
    proc = lintgate(repo, "--output", "json=out/report.json", "--output", "sarif=report.sarif")
    assert (proc.returncode, proc.stdout) == (2, "")  # out/ does not exist: before linting
    assert proc.stderr == "lintgate: --output: out/report.json: no such directory: out\n"
    proc = lintgate(repo, "--output", "json=report.json")
    text = (repo / "report.json").read_text()
    assert [d["linter"] for d in json.loads(text)] == [
        "syntax",
        "isort",
        "black",
        "encoding",
        "imports",
        "nolint",
        "black",
    ]
    assert proc.stdout.splitlines()[0] == "app/broken.py:1:7: ❌ cannot parse: bad input (syntax)"


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_new_from_rev_keeps_new_and_changed_findings_only(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    old = "x = {'a':1}\n" + "".join(f"v{i} = {i}\n" for i in range(8)) + "y = {'b':2}\n"
    (repo / "old.py").write_text(old)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "old")
    # Changed old line (y), two new findings in new code (n1, n2); x stays an old finding.
    new = old.replace("y = {'b':2}\n", "y = {'b':3}\n") + "".join(f"w{i} = {i}\n" for i in range(4))
    new += "n1 = {'c':3}\n" + "".join(f"u{i} = {i}\n" for i in range(4)) + "n2 = {'d':4}\n"
    (repo / "old.py").write_text(new)
    everything = lintgate(repo, "--disable-all", "-E", "black")
    assert [line.split(":")[1] for line in everything.stdout.splitlines()] == [
        "1",
        "10",
        "15",
        "20",
    ]
    proc = lintgate(repo, "--disable-all", "-E", "black", "--new-from-rev", "HEAD")
    assert proc.stdout == (
        "old.py:10:1: ⚠️ would reformat line 10 (black)\n"
        "old.py:15:1: ⚠️ would reformat line 15 (black)\n"
        "old.py:20:1: ⚠️ would reformat line 20 (black)\n"
    )
    assert proc.returncode == 1
    bad = lintgate(repo, "--new-from-rev", "no-such-rev")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("lintgate: --new-from-rev:")


def test_version_is_printed(tmp_path):
    from importlib.metadata import version

    from lintgate import __version__

    # The versions of the tools that decide the verdicts (issue 16), as pip sees them.
    tools = ", ".join(f"{name} {version(name)}" for name in ("isort", "black", "libcst"))
    python = ".".join(map(str, sys.version_info[:3]))
    line = f"lintgate {__version__} ({tools}; Python {python})\n"
    proc = lintgate(tmp_path, "--version")
    assert (proc.stdout, proc.stderr, proc.returncode) == (line, "", 0)
    # among other arguments, argparse answers it: the same line
    proc = lintgate(tmp_path, "--no-config", "--version")
    assert (proc.stdout, proc.stderr, proc.returncode) == (line, "", 0)
    # answered before the CLI's own imports (issue 8: --version within 0.1 s), and without
    # importlib.metadata (the dist-info directories' names give the versions)
    # sys.path[0] as for the console script: its directory, which holds other scripts
    # (isort-identify-imports) whose names start like the distributions'
    code = (
        "import os, sys; sys.path[0] = os.path.dirname(sys.executable); "
        "from lintgate.__main__ import main; main(['--version']); "
        "print([m for m in ('argparse', 'lintgate.cli', 'lintgate.config', 'importlib.metadata')"
        " if m in sys.modules])"
    )
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert probe.stdout == line + "[]\n", probe.stderr


def test_version_says_when_a_tool_is_missing(tmp_path):
    # A distribution that is not installed is named so, never a traceback.
    code = (
        "import lintgate.versions as v; v.TOOLS = ('isort', 'no-such-dist-lintgate'); "
        "print(v.tool_versions())"
    )
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    from importlib.metadata import version

    expected = {"isort": version("isort"), "no-such-dist-lintgate": "not installed"}
    assert probe.stdout == f"{expected}\n", probe.stderr


def test_a_file_name_that_is_not_utf8_is_checked_in_every_format(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    name = repo / os.fsdecode(b"caf\xe9.py")
    name.write_text("x = 1\nimport os\n")
    os.utime(name, (0, 1_000_000))  # old enough for the stat index, which cannot store the name
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    for args in ([], [], ["--format", "sarif"], ["--no-cache"]):
        proc = lintgate(repo, *args, env=env)
        assert "Traceback" not in proc.stderr
        assert proc.returncode == 1
    proc = lintgate(repo, env=env)
    assert proc.stdout.endswith(".py:2:8: ⚠️ 'os' imported but unused (imports)\n")
    assert proc.stderr.endswith("1 file checked, 1 finding, 1 from cache, " + proc.stderr[-6:])


def test_a_link_and_its_target_are_both_checked_each_under_its_own_path(tmp_path):
    repo = tmp_path / "repo"
    (repo / "real").mkdir(parents=True)
    (repo / "real" / "a.py").write_text("x = 1\nimport os\n")
    (repo / "link.py").symlink_to("real/a.py")
    git(repo, "init", "-q")
    proc = lintgate(repo)
    assert proc.stdout == (
        "link.py:2:8: ⚠️ 'os' imported but unused (imports)\n"
        "real/a.py:2:8: ⚠️ 'os' imported but unused (imports)\n"
    )


def test_a_closed_pipe_ends_the_run_quietly(tmp_path):
    script = os.path.join(os.path.dirname(sys.executable), "lintgate")
    proc = subprocess.run(
        f"'{script}' --print-config | head -1", shell=True, cwd=tmp_path, capture_output=True
    )
    assert proc.stdout == b"{\n"
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [(), ("--diff",)])
def test_a_pipe_closed_in_a_large_output_ends_the_run_quietly_with_2(tmp_path, args):
    # ~350 kB on stdout, far over a pipe's buffer: the reader closes it in the middle of a
    # write (CPython's buffered writer lost that partial write without raising: exit 1 and
    # the summary line)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    dirty = "".join(f"import module_{i}\n" for i in reversed(range(10)))
    for n in range(600):
        (repo / f"file_{n:03}.py").write_text(dirty)
    script = os.path.join(os.path.dirname(sys.executable), "lintgate")
    env = {**os.environ, "LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [script, "--no-cache", *args],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert (first, stderr, proc.wait(timeout=120)) == (
        (
            b"diff --git a/file_000.py b/file_000.py\n"
            if args
            else b"file_000.py:1:1: \xe2\x9a\xa0\xef\xb8\x8f imports are incorrectly sorted and/or "
            b"formatted (isort)\n"
        ),
        b"",
        2,
    )


@pytest.mark.parametrize("flag", ["--deadline", "--file-deadline"])
@pytest.mark.parametrize("value", ["-1s", "-.5h"])
@pytest.mark.parametrize("joined", [True, False])
def test_a_negative_duration_is_refused_in_one_line_either_form(tmp_path, flag, value, joined):
    args = [f"{flag}={value}"] if joined else [flag, value]
    proc = lintgate(tmp_path, *args)
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        f"lintgate: {flag}: invalid duration '{value}' " '(Go syntax, e.g. "90s", "8m", "1h30m")\n',
        2,
    )


def test_only_a_negative_duration_is_joined_to_its_flag():
    from lintgate.cli.parser import join_negative_durations

    assert join_negative_durations(["--deadline", "-1s", "--file-deadline", "-2m", "a.py"]) == [
        "--deadline=-1s",
        "--file-deadline=-2m",
        "a.py",
    ]
    assert join_negative_durations(["--deadline", "--fix"]) == ["--deadline", "--fix"]
    assert join_negative_durations(["--deadline", "9s", "--", "--deadline", "-1s"]) == [
        "--deadline",
        "9s",
        "--",
        "--deadline",
        "-1s",
    ]
    assert join_negative_durations(["-j", "-1", "--deadline"]) == ["-j", "-1", "--deadline"]


def test_a_broken_pyproject_toml_is_a_config_error_naming_the_file(tmp_path):
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "a.py").write_text("import os\nx=1\n")
    (repo / "pyproject.toml").write_text("[tool.black\nline-length = 80\n")
    (repo / "pkg" / "pyproject.toml").write_text('[tool.isort]\nprofile = "black\n')
    git(repo, "init", "-q")
    proc = lintgate(repo)  # isort alone would warn and go on with defaults, black would refuse
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        "",
        "lintgate: pkg/pyproject.toml:2:17: invalid TOML: Illegal character '\\n'\n"
        "lintgate: pyproject.toml:1:12: invalid TOML: Expected ']' at the end of a table "
        "declaration\n",
        2,
    )
    proc = lintgate(repo / "pkg", "-D", "black", "--fix")
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr.startswith("lintgate: pyproject.toml:2:17: invalid TOML: ")
    assert (repo / "pkg" / "a.py").read_text() == "import os\nx=1\n"
    (repo / "pyproject.toml").write_text('x = "')  # an error at the end: no position
    proc = lintgate(repo)
    assert (
        proc.stderr.splitlines()[1] == "lintgate: pyproject.toml: invalid TOML: Unterminated string"
    )
    # neither isort nor black runs: nothing reads pyproject.toml
    proc = lintgate(repo, "--disable-all", "-E", "imports")
    assert (proc.stdout, proc.returncode) == (
        "pkg/a.py:1:8: ⚠️ 'os' imported but unused (imports)\n",
        1,
    )


@pytest.mark.parametrize(
    "args, config, message",
    [
        (
            ["-D", "syntax"],
            None,
            "--disable: 'syntax' is not a linter and cannot be enabled or disabled: "
            "a file that does not parse is always reported",
        ),
        (
            ["-E", "isort,encoding"],
            None,
            "--enable: 'encoding' is not a linter and cannot be enabled or disabled: "
            "a file that does not decode is always reported",
        ),
        (
            [],
            '{"Enable": ["black", "syntax"]}',
            "lintgate.json: Enable: 'syntax' is not a linter and cannot be enabled or disabled: "
            "a file that does not parse is always reported",
        ),
        (
            [],
            '{"Disable": ["nolint"]}',
            "lintgate.json: Disable: 'nolint' is not a linter and cannot be enabled or disabled: "
            "unmatched directives are reported with WarnUnmatchedDirective",
        ),
    ],
)
def test_syntax_and_encoding_cannot_be_enabled_or_disabled(tmp_path, args, config, message):
    repo = copy_repo("syntax", tmp_path / "repo")
    if config:
        (repo / "lintgate.json").write_text(config)
    proc = lintgate(repo, *args)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", f"lintgate: {message}\n", 2)


@pytest.mark.parametrize(
    "args, message",
    [
        (["-E", "imprts"], "--enable: unknown linter 'imprts' (did you mean 'imports'?)"),
        (["-D", "isort,Black"], "--disable: unknown linter 'Black' (did you mean 'black'?)"),
        (
            ["-E", "nope"],
            "--enable: unknown linter 'nope' (expected one of: imports, isort, black, flake8, pyflakes, pycodestyle, pylint, mypy, ruff, bandit)",
        ),
    ],
)
def test_an_unknown_linter_flag_names_the_nearest_or_the_valid_names(tmp_path, args, message):
    repo = copy_repo("both", tmp_path / "repo")
    proc = lintgate(repo, *args)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", f"lintgate: {message}\n", 2)
    key = "Enable" if args[0] == "-E" else "Disable"
    (repo / "lintgate.json").write_text(json.dumps({key: args[1].split(",")}))
    proc = lintgate(repo)  # the config file's error has the same wording
    problem = message.split(": ", 1)[1]
    assert (proc.stderr, proc.returncode) == (f"lintgate: lintgate.json: {key}: {problem}\n", 2)


def test_special_files_named_or_walked_are_never_read_and_named_ones_are_errors(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "ok.py").write_text("x = 1\n")
    os.mkfifo(repo / "fifo.py")  # reading it would block
    (repo / "loop.py").symlink_to("loop2.py")
    (repo / "loop2.py").symlink_to("loop.py")
    (repo / "dangling.py").symlink_to("nowhere.py")
    (repo / "to_fifo.py").symlink_to("fifo.py")
    git(repo, "init", "-q")
    named = ["fifo.py", "loop.py", "dangling.py", "to_fifo.py", "missing.py", "ok.py"]
    proc = lintgate(repo, *named, timeout=60)
    assert (proc.stdout, normalize_stderr(proc.stderr), proc.returncode) == (
        "",
        "lintgate: fifo.py: not a regular file\n"
        "lintgate: loop.py: symbolic link loop\n"
        "lintgate: dangling.py: dangling symbolic link\n"
        "lintgate: to_fifo.py: not a regular file\n"
        "lintgate: missing.py: no such file or directory\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n",
        2,
    )
    proc = lintgate(repo, timeout=60)  # walked: noted and skipped (a FIFO itself silently)
    assert (proc.stdout, normalize_stderr(proc.stderr), proc.returncode) == (
        "",
        "lintgate: dangling.py: dangling symbolic link, skipped\n"
        "lintgate: loop.py: symbolic link loop, skipped\n"
        "lintgate: loop2.py: symbolic link loop, skipped\n"
        "lintgate: to_fifo.py: not a regular file, skipped\n"
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n",
        0,
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--output", "text", "--output", "json"],
            "--output: text and json both write to stdout; give each report its own place "
            "(NAME=PATH)",
        ),
        (
            ["--output", "json=out.json", "--output", "sarif=./out.json"],
            "--output: json and sarif both write to out.json; give each report its own place "
            "(NAME=PATH)",
        ),
    ],
)
def test_two_reports_to_one_place_are_a_usage_error(tmp_path, args, message):
    repo = copy_repo("report-all", tmp_path / "repo")
    proc = lintgate(repo, *args)
    assert (proc.stdout, proc.stderr, proc.returncode) == ("", f"lintgate: {message}\n", 2)
    assert not (repo / "out.json").exists()


def test_a_control_character_in_a_file_name_is_quoted_as_git_quotes_it(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ["a\nb.py", "t\tab.py", "e\x1b[31m.py", 'q"x.py', "café.py"]:
        (repo / name).write_text("import os\n")
    git(repo, "init", "-q")
    args = ["--disable-all", "-E", "imports"]
    proc = lintgate(repo, *args)
    assert (proc.stdout, proc.returncode) == (
        "\"a\\nb.py\":1:8: ⚠️ 'os' imported but unused (imports)\n"
        "café.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
        "\"e\\033[31m.py\":1:8: ⚠️ 'os' imported but unused (imports)\n"
        '"q\\"x.py":1:8: ⚠️ \'os\' imported but unused (imports)\n'
        "\"t\\tab.py\":1:8: ⚠️ 'os' imported but unused (imports)\n",
        1,
    )
    git_status = subprocess.run(
        ["git", "-c", "core.quotePath=false", "status", "--short"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert sorted(line[3:] for line in git_status.stdout.splitlines()) == sorted(
        line.rsplit(":1:8:", 1)[0] for line in proc.stdout.splitlines()
    )
    proc = lintgate(repo, *args, "--format", "gometalinter", "--exclude", r'^"[aeq]')
    assert proc.stdout == (
        "café.py:1:8:warning: 'os' imported but unused (imports)\n"
        "\"t\\tab.py\":1:8:warning: 'os' imported but unused (imports)\n"
    )
    proc = lintgate(repo, *args, "--format", "json")  # JSON escapes the name itself
    assert json.loads(proc.stdout)[0]["path"] == "a\nb.py"
    # --fix names the files it wrote quoted the same way: `a\nb.py` (a newline) and a file
    # literally named `a\\nb.py` (a backslash) are told apart
    (repo / "a\nb.py").write_text("import sys, os\n")
    (repo / "a\\nb.py").write_text("import sys, os\n")
    proc = lintgate(repo, "--disable-all", "-E", "isort", "--fix")
    assert proc.stderr.splitlines()[:2] == [  # path order: "\n" before "\\"
        'lintgate: fixed "a\\nb.py"',
        'lintgate: fixed "a\\\\nb.py"',
    ], proc.stderr


def test_a_broken_isort_config_file_is_one_line_without_isort_warnings(tmp_path):
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "a.py").write_text("import sys\nimport os\n")
    (repo / "sub" / "b.py").write_text("import sys\nimport os\n")
    (repo / "sub" / "setup.cfg").write_text("[metadata\nname = x\n")
    git(repo, "init", "-q")
    # from the root, isort's one config search starts at the root: sub/setup.cfg is not read
    proc = lintgate(repo, "--disable-all", "-E", "isort")
    assert (proc.stdout, proc.returncode) == (
        "a.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
        "sub/b.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n",
        1,
    )
    # named first, sub/b.py makes sub/ the settings path: isort itself warns and goes on with
    # its defaults; the gate says so, sets bit 2 and gives no isort verdict
    proc = lintgate(repo, "--disable-all", "-E", "isort", "sub/b.py", "a.py")
    assert (proc.stdout, normalize_stderr(proc.stderr), proc.returncode) == (
        "",
        f"lintgate: isort: {repo / 'sub' / 'setup.cfg'}: cannot read isort's configuration: "
        "File contains no section headers.\n"
        "lintgate: 2 files checked, 0 findings, 0 from cache, N.NNs\n",
        2,
    )


def _isort_check(cwd, *args):
    """`isort --check-only ARGS` (the installed one) in `cwd`: (exit code, files it flags)."""
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "isort"), "--check-only", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    return proc.returncode, re.findall(r"^ERROR: (\S+) Imports are incorrectly", proc.stderr, re.M)


def test_isort_uses_one_config_per_run_found_from_the_first_path_or_the_working_directory(
    tmp_path,
):
    # As isort's command line: the config found from the first path argument (its directory
    # for a file), else from the working directory, for every file; nested configs below it
    # are not read.
    repo = tmp_path / "repo"
    (repo / "sub" / "pkg").mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / ".isort.cfg").write_text("[settings]\nprofile=black\n")
    (repo / "sub" / ".isort.cfg").write_text("[settings]\nforce_single_line=true\n")
    (repo / "sub" / "pkg" / "m.py").write_text("from os import path, sep\n\nprint(path, sep)\n")
    (repo / "top.py").write_text("from os import path\nfrom os import sep\n\nprint(path, sep)\n")
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}  # one cache: keyed per config
    top = "top.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    m = "sub/pkg/m.py:1:1: ⚠️ imports are incorrectly sorted and/or formatted (isort)\n"
    for args, expected, flagged in [
        ((), top, ["top.py"]),
        (("sub/pkg/m.py", "top.py"), m, ["sub/pkg/m.py"]),
        (("top.py", "sub/pkg/m.py"), top, ["top.py"]),
        (("sub", "top.py"), m, ["sub/pkg/m.py"]),
    ]:
        proc = lintgate(repo, "--disable-all", "-E", "isort", *args, env=env)
        assert (proc.stdout, proc.returncode) == (expected, 1), args
        assert _isort_check(repo, *(args or (".",))) == (1, [str(repo / f) for f in flagged])
    proc = lintgate(repo / "sub", "--disable-all", "-E", "isort", env=env)  # sub's config
    assert (proc.stdout, proc.returncode) == ("pkg/m.py:1:1: " + m.split(": ", 1)[1], 1)
    assert _isort_check(repo / "sub", ".") == (1, [str(repo / "sub" / "pkg" / "m.py")])
