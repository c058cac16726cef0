"""Issue 16, terminal: the exit statuses of --exit-zero and --issues-exit-code, colour under a
pseudo-terminal (NO_COLOR, FORCE_COLOR, --color), --statistics and the fixable count, -v, and
signs a stream cannot encode."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import copy_repo, lintgate, normalize_stderr

SCRIPT = Path(sys.executable).parent / "lintgate"
BOTH = [
    "app.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)",
    "app.py:2:1: \u26a0\ufe0f would reformat line 2 (black)",
]


def on_pty(cwd: Path, *args: str, env: dict | None = None, stderr_pty: bool = True):
    """Run `lintgate ARGS` in `cwd` with stdout (and stderr, with `stderr_pty`, else a pipe) on
    the slave of a new pseudo-terminal; returns (exit status, what the master read: the bytes
    of the terminal, `\\r\\n` line ends, the stderr pipe's bytes)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update({"TERM": "xterm"}, **(env or {}))
    master, slave = pty.openpty()
    with tempfile.TemporaryDirectory(prefix="lintgate-cache-") as cache:
        full_env.setdefault("LINTGATE_CACHE_DIR", cache)
        proc = subprocess.Popen(
            [str(SCRIPT), *args],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=slave if stderr_pty else subprocess.PIPE,
        )
        os.close(slave)
        out = bytearray()
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the slave's last holder went away
                break
            if not chunk:
                break
            out += chunk
        err = proc.stderr.read() if proc.stderr else b""
        status = proc.wait(timeout=60)
    os.close(master)
    return status, bytes(out), err


@pytest.fixture
def both(tmp_path):
    return copy_repo("both", tmp_path / "repo")


# --exit-zero and --issues-exit-code


@pytest.mark.parametrize(
    "flags, status",
    [([], 1), (["--exit-zero"], 0), (["--issues-exit-code", "4"], 4)],
)
def test_findings_exit_status(both, flags, status):
    proc = lintgate(both, *flags)
    assert proc.stdout.splitlines() == BOTH
    assert proc.returncode == status


@pytest.mark.parametrize(
    "flags, status",
    [
        ([], 3),
        (["--exit-zero"], 2),
        (["--issues-exit-code", "4"], 6),
        (["--issues-exit-code", "0"], 2),
    ],
)
def test_failure_keeps_bit_2(both, flags, status):
    proc = lintgate(both, "app.py", "missing.py", *flags)
    assert proc.stdout.splitlines() == BOTH
    assert "lintgate: missing.py: no such file or directory\n" in proc.stderr
    assert proc.returncode == status


def test_clean_run_exits_0_whatever_the_issues_code(tmp_path):
    repo = copy_repo("clean", tmp_path / "repo")
    assert lintgate(repo, "--issues-exit-code", "4").returncode == 0


@pytest.mark.parametrize(
    "flags, message",
    [
        (
            ["--issues-exit-code", "126"],
            "lintgate: --issues-exit-code: 126 is not from 0 to 125 "
            "(higher statuses are the shell's and the signals')\n",
        ),
        (
            ["--exit-zero", "--issues-exit-code", "3"],
            "lintgate: --exit-zero and --issues-exit-code cannot be used together\n",
        ),
    ],
)
def test_bad_exit_options_are_one_line(both, flags, message):
    proc = lintgate(both, *flags)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message)


# colour

ESC = "\033"
COLOURED = [
    f"{ESC}[1mapp.py{ESC}[0m:1:1: {ESC}[33m\u26a0\ufe0f{ESC}[0m imports are incorrectly sorted "
    f"and/or formatted ({ESC}[36misort{ESC}[0m)",
    f"{ESC}[1mapp.py{ESC}[0m:2:1: {ESC}[33m\u26a0\ufe0f{ESC}[0m would reformat line 2 "
    f"({ESC}[36mblack{ESC}[0m)",
]


def terminal_lines(out: bytes) -> list[str]:
    """The finding lines a terminal got (its `\\r\\n` ends undone, lintgate's stderr lines
    left out)."""
    text = out.decode("utf-8").replace("\r\n", "\n")
    return [line for line in text.splitlines() if not line.startswith("lintgate: ")]


@pytest.mark.parametrize(
    "env, flags, coloured",
    [
        ({}, [], True),
        ({"NO_COLOR": "1"}, [], False),
        ({"NO_COLOR": ""}, [], True),  # no-color.org: an empty value does not count
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),
        ({"TERM": "dumb"}, [], False),
        ({}, ["--color", "never"], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),
    ],
)
def test_colour_on_a_terminal(both, env, flags, coloured):
    status, out, _ = on_pty(both, *flags, env=env)
    assert status == 1
    assert terminal_lines(out) == (COLOURED if coloured else BOTH)


@pytest.mark.parametrize(
    "env, flags, coloured",
    [
        ({}, [], False),
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": ""}, [], False),
        ({}, ["--color", "always"], True),
    ],
)
def test_colour_in_a_pipe(both, env, flags, coloured):
    proc = lintgate(both, *flags, env={"NO_COLOR": "", "FORCE_COLOR": "", **env})
    assert proc.stdout.splitlines() == (COLOURED if coloured else BOTH)
    assert ESC not in proc.stderr


def test_no_colour_in_report_files_or_other_formats(both):
    status, out, _ = on_pty(both, "--format", "gometalinter", "--output", "text=report.txt")
    assert status == 1
    assert ESC not in out.decode()
    assert (both / "report.txt").read_text().splitlines() == BOTH


# --statistics


def mixed_repo(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text("import sys\nimport os\n\nprint(os, sys)\nx = ( 1)\n")
    (root / "b.py").write_text("def f(:\n")
    (root / "c.py").write_text("import sys\nimport os\nx=[1,\n2]\nz=1\nq=( 3)\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_statistics(tmp_path):
    repo = mixed_repo(tmp_path / "repo")
    plain = lintgate(repo)
    proc = lintgate(repo, "--statistics")
    assert proc.stdout == plain.stdout  # stdout stays the report
    assert proc.returncode == plain.returncode == 1
    assert normalize_stderr(proc.stderr) == (
        "2  isort    [*] imports are incorrectly sorted and/or formatted\n"
        "1  black    [*] would reformat line N\n"
        "1  black    [*] would reformat lines N-N\n"
        "1  imports  [*] 'os' imported but unused\n"
        "1  imports  [*] 'sys' imported but unused\n"
        "1  syntax       cannot parse: bad input\n"
        "lintgate: 6 of 7 findings fixable with --fix ([*]), 1 not\n"
        "lintgate: 3 files checked, 7 findings, 0 from cache, N.NNs\n"
    )


def test_statistics_with_a_linter_disabled_and_none_found(tmp_path):
    repo = mixed_repo(tmp_path / "repo")
    proc = lintgate(repo, "-D", "imports", "--statistics", "--format", "json")
    assert normalize_stderr(proc.stderr).splitlines()[-2:] == [
        "lintgate: 4 of 5 findings fixable with --fix ([*]), 1 not",
        "lintgate: 3 files checked, 5 findings, 0 from cache, N.NNs",
    ]
    clean = copy_repo("clean", tmp_path / "clean")
    proc = lintgate(clean, "--statistics")
    assert (
        normalize_stderr(proc.stderr)
        == "lintgate: 2 files checked, 0 findings, 0 from cache, N.NNs\n"
    )


# -v


def test_verbose_names_config_root_settings_versions_hits_and_timings(tmp_path):
    from importlib.metadata import version

    repo = copy_repo("both", tmp_path / "repo")
    (repo / "pyproject.toml").write_text(
        '[tool.isort]\nprofile = "black"\n\n[tool.black]\nline-length = 100\n'
    )
    (repo / "lintgate.json").write_text('{"Enable": ["isort", "black"]}')
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    quiet = lintgate(repo)
    runs = [lintgate(repo, "-v", env=env), lintgate(repo, "--verbose", env=env)]
    root = os.path.realpath(repo)
    for proc, hits in zip(runs, ("0/1", "1/1")):
        assert proc.stdout == quiet.stdout  # -v never changes stdout
        assert proc.returncode == quiet.returncode == 1
        lines = proc.stderr.splitlines()
        assert lines[:3] == [
            f"lintgate: config: {root}/lintgate.json",
            f"lintgate: project root: {root}",
            f"lintgate: versions: lintgate {version('lintgate')}, isort {version('isort')}, "
            f"black {version('black')}, libcst {version('libcst')}",
        ]
        assert lines[3].startswith("lintgate: isort: from black profile: ")
        assert lines[4:9] == [
            f"lintgate: isort: from {root}/pyproject.toml: profile='black'",
            "lintgate: isort: effective: ensure_newline_before_comments=True, "
            "include_trailing_comma=True, line_length=88, multi_line_output=3, "
            "profile='black', split_on_trailing_comma=True, use_parentheses=True",
            f"lintgate: black: project root: {root}",
            f"lintgate: black: from {root}/pyproject.toml: line-length=100",
            "lintgate: black: effective: line_length=100",
        ]
        assert normalize_stderr(lines[9]) == (
            "lintgate: 1 file checked, 2 findings, " + hits[0] + " from cache, N.NNs"
        )
        assert lines[10] == f"lintgate: cache hits: isort {hits}, black {hits}"
        assert re.fullmatch(
            r"lintgate: timings: discovery \d+\.\d{3}s, cache import \d+\.\d{3}s, planning and "
            r"cache \d+\.\d{3}s, linting \d+\.\d{3}s, cache export \d+\.\d{3}s, "
            r"reporting \d+\.\d{3}s",
            lines[11],
        )
        assert len(lines) == 12


def test_verbose_without_config_and_with_fix(tmp_path):
    repo = copy_repo("both", tmp_path / "repo")
    (repo / "pyproject.toml").unlink()
    proc = lintgate(repo, "-v", "--fix")
    lines = proc.stderr.splitlines()
    assert lines[0] == "lintgate: config: none (defaults)"
    assert "lintgate: isort: from isort's defaults (no config file)" in lines
    assert "lintgate: black: from black's defaults (no pyproject.toml)" in lines
    assert lines[-1].startswith("lintgate: timings: discovery ")
    assert " fixing " in lines[-1]


def test_verbose_spells_black_target_versions_as_black_does(tmp_path):
    # as pyproject.toml and `black --verbose` spell them (py38), oldest first; not enum reprs
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.black]\ntarget-version = ["py310", "py38"]\npreview = true\n'
        'enable-unstable-feature = ["hug_parens_with_braces_and_square_brackets"]\n'
    )
    proc = lintgate(tmp_path, "-v", "-E", "black", "--no-config")
    root = os.path.realpath(tmp_path)
    black = [line for line in proc.stderr.splitlines() if line.startswith("lintgate: black: ")]
    assert black == [
        f"lintgate: black: project root: {root}",
        f"lintgate: black: from {root}/pyproject.toml: "
        "enable-unstable-feature=['hug_parens_with_braces_and_square_brackets'], "
        "preview=True, target-version=['py310', 'py38']",
        "lintgate: black: effective: "
        "enabled_features=['hug_parens_with_braces_and_square_brackets'], preview=True, "
        "target_versions=['py38', 'py310']",
    ]
    assert proc.returncode == 0, proc.stderr


# streams that cannot encode the signs

FORMATS = [
    "text",
    "gometalinter",
    "json",
    "checkstyle",
    "sarif",
    "github",
    "junit",
    "{path}: {message}",
]


def encoding_repo(root: Path) -> Path:
    """café.py (isort and black findings) and alpha.py (an unused import named α)."""
    root.mkdir()
    (root / "caf\u00e9.py").write_text("import sys\nimport os\nprint(os, sys)\nx = ( 1)\n")
    (root / "alpha.py").write_text("from m import \u03b1\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_stderr_survive_a_narrow_encoding(tmp_path, encoding, fmt):
    import json
    import xml.etree.ElementTree as ET

    repo = encoding_repo(tmp_path / "repo")
    script = Path(sys.executable).parent / "lintgate"
    proc = subprocess.run(
        [str(script), "--format", fmt, "--statistics", "-v", ".", "na\u00efve.py"],
        cwd=repo,
        env={
            **os.environ,
            "PYTHONIOENCODING": encoding,
            "FORCE_COLOR": "",
            "LINTGATE_CACHE_DIR": str(tmp_path / "c"),
        },
        capture_output=True,
    )
    assert proc.returncode == 3
    out, err = proc.stdout.decode(encoding), proc.stderr.decode(encoding)
    assert "Traceback" not in err and "internal error" not in err
    missing = "na\\xefve.py" if encoding == "ascii" else "na\u00efve.py"
    assert f"lintgate: {missing}: no such file or directory\n" in err
    assert "1  imports  [*] 'm.\\u03b1' imported but unused\n" in err
    cafe = "caf\\xe9.py" if encoding == "ascii" else "caf\u00e9.py"
    if fmt == "text":
        assert out.splitlines() == [
            "alpha.py:1:15: warning: 'm.\\u03b1' imported but unused (imports)",
            f"{cafe}:1:1: warning: imports are incorrectly sorted and/or formatted (isort)",
            f"{cafe}:3:1: warning: would reformat lines 3-4 (black)",
        ]
    elif fmt in ("json", "sarif"):  # \u escapes: the document is still the same JSON
        assert "'m.\u03b1' imported" in json.dumps(json.loads(out), ensure_ascii=False)
    elif fmt in ("checkstyle", "junit"):  # character references: the same XML
        assert "'m.\u03b1' imported" in ET.tostring(ET.fromstring(proc.stdout), encoding="unicode")
    else:
        assert f"{cafe}" in out and "\\u03b1" in out
    assert "\u26a0" not in out and "\u274c" not in out


def test_plain_signs_on_a_narrow_terminal_in_colour(both):
    status, out, _ = on_pty(both, env={"PYTHONIOENCODING": "cp1252"})
    assert status == 1
    assert terminal_lines(out) == [line.replace("\u26a0\ufe0f", "warning:") for line in COLOURED]


# --help and completion


def test_help_lists_linters_formats_sort_keys_exit_statuses_and_commands(tmp_path):
    from lintgate import linters
    from lintgate.filters import SORT_KEYS
    from lintgate.report import FORMATS

    proc = lintgate(tmp_path, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    epilog = proc.stdout[proc.stdout.index("linters (-E/-D NAME):") :].splitlines()
    names = linters.names()
    assert [line.split()[0] for line in epilog[1 : 1 + len(names)]] == names
    assert (
        f"  {'isort':<{len('pycodestyle')}}  {linters.description('isort')} (--fix repairs)"
        in epilog
    )
    assert (
        f"  {', '.join(FORMATS)}, or a template such as '{{path}}:{{line}}: {{message}}'" in epilog
    )
    assert f"sort keys (--sort): {', '.join(SORT_KEYS)}, none" in epilog
    assert "exit status (a bitmask): 0 clean; 1 findings (0 with --exit-zero, N with" in epilog
    assert any(line.startswith("  lintgate cache status|prune|clean|keygen") for line in epilog)
    assert any(line.startswith("  lintgate completion bash|zsh|fish") for line in epilog)
    for flag in ("--verbose", "--color", "--statistics", "--exit-zero", "--issues-exit-code"):
        assert flag in proc.stdout


def completion_script(tmp_path: Path, shell: str) -> Path:
    proc = lintgate(tmp_path, "completion", shell)
    assert proc.returncode == 0 and proc.stderr == ""
    path = tmp_path / f"lintgate.{shell}"
    path.write_text(proc.stdout)
    return path


_BASH_COMPLETE = r"""
source "$1"
spec=$(complete -p lintgate) || exit 9
fn=${spec#*-F }; fn=${fn%% *}
shift
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
COMPREPLY=()
"$fn" lintgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"""


def bash_complete(script: Path, *words: str, cwd: Path | None = None) -> list[str]:
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", _BASH_COMPLETE, "bash", str(script), *words],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.split()


def test_bash_completion_parses_and_completes_options(tmp_path):
    script = completion_script(tmp_path, "bash")
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert bash_complete(script, "lintgate", "--for") == ["--format"]
    assert bash_complete(script, "lintgate", "--color", "") == ["auto", "always", "never"]
    assert "--statistics" in bash_complete(script, "lintgate", "--st")


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_completion_parse(tmp_path, shell):
    script = completion_script(tmp_path, shell)
    assert "--issues-exit-code" in script.read_text()
    import shutil

    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed: the script is not parsed")
    assert subprocess.run([shell, "-n", str(script)]).returncode == 0


def test_completion_of_an_unknown_shell_is_one_line(tmp_path):
    proc = lintgate(tmp_path, "completion", "tcsh")
    assert proc.returncode == 2 and proc.stdout == ""
    # the quoting of argparse's choices differs between Python versions
    assert re.fullmatch(
        r"lintgate completion: error: argument shell: invalid choice: '?tcsh'? \(choose from "
        r"'?bash'?, '?zsh'?, '?fish'?\) \(see lintgate completion --help\)\n",
        proc.stderr,
    )


# --stdin-filename

UNSORTED = "import sys, os\nprint(os.sep,sys.argv)\n"
FIXED = "import os\nimport sys\n\nprint(os.sep, sys.argv)\n"


def from_stdin(cwd: Path, source: str | bytes, *args: str) -> subprocess.CompletedProcess:
    data = source.encode() if isinstance(source, str) else source
    with tempfile.TemporaryDirectory(prefix="lintgate-cache-") as cache:
        return subprocess.run(
            [str(SCRIPT), *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            env={**os.environ, "LINTGATE_CACHE_DIR": cache, "FORCE_COLOR": ""},
        )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_stdin_filename_reports_as_the_file_would(both):
    before = tree(both)
    proc = from_stdin(both, UNSORTED, "--stdin-filename", "new/pkg/mod.py")
    assert proc.stdout.decode().splitlines() == [
        "new/pkg/mod.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)",
        "new/pkg/mod.py:2:1: \u26a0\ufe0f would reformat line 2 (black)",
    ]
    assert normalize_stderr(proc.stderr.decode()) == (
        "lintgate: 1 file checked, 2 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 1
    assert tree(both) == before  # nothing written, the path need not exist
    (both / "same.py").write_text(UNSORTED)
    on_disk = lintgate(both, "same.py")
    assert (
        from_stdin(both, UNSORTED, "--stdin-filename", "same.py").stdout.decode() == on_disk.stdout
    )


def test_stdin_filename_takes_the_settings_of_its_directory(tmp_path):
    repo = tmp_path / "repo"
    (repo / "narrow").mkdir(parents=True)
    (repo / "narrow" / "pyproject.toml").write_text("[tool.black]\nline-length = 20\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    source = "value = compute(first, second)\n"
    wide = from_stdin(repo, source, "--stdin-filename", "wide.py")
    narrow = from_stdin(repo, source, "--stdin-filename", "narrow/mod.py")
    assert (wide.returncode, wide.stdout) == (0, b"")
    assert (
        narrow.stdout.decode() == "narrow/mod.py:1:1: \u26a0\ufe0f would reformat line 1 (black)\n"
    )


def test_stdin_filename_skip_and_exclude_apply_to_the_path(both):
    (both / "lintgate.json").write_text('{"Skip": ["generated/"], "Exclude": ["\\\\(black\\\\)$"]}')
    skipped = from_stdin(both, UNSORTED, "--stdin-filename", "generated/x.py")
    assert (skipped.returncode, skipped.stdout) == (0, b"")
    kept = from_stdin(both, UNSORTED, "--stdin-filename", "src/x.py")
    assert kept.stdout.decode() == (
        "src/x.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)\n"
    )
    fixed_skip = from_stdin(both, UNSORTED, "--stdin-filename", "generated/x.py", "--fix")
    assert (fixed_skip.returncode, fixed_skip.stdout) == (0, UNSORTED.encode())


def test_stdin_filename_fix_prints_the_fixed_source_and_writes_nothing(both):
    before = tree(both)
    proc = from_stdin(both, UNSORTED.replace("\n", "\r\n"), "--stdin-filename", "app.py", "--fix")
    assert proc.stdout == FIXED.replace("\n", "\r\n").encode()  # its line endings kept
    assert normalize_stderr(proc.stderr.decode()) == (
        "lintgate: 1 file checked, 0 findings, 0 from cache, N.NNs\n"
    )
    assert proc.returncode == 0
    assert tree(both) == before
    broken = from_stdin(both, "def f(:\n", "--stdin-filename", "app.py", "--fix")
    assert broken.stdout == b"def f(:\n"  # what cannot be fixed comes back as it was
    assert broken.stderr.decode().startswith(
        "app.py:1:7: \u274c cannot parse: bad input (syntax)\n"
    )
    assert broken.returncode == 1


def test_stdin_filename_diff(both):
    proc = from_stdin(both, UNSORTED, "--stdin-filename", "x.py", "--diff")
    assert proc.stdout.decode() == (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,4 @@\n"
        "-import sys, os\n-print(os.sep,sys.argv)\n+import os\n+import sys\n+\n"
        "+print(os.sep, sys.argv)\n"
    )
    assert proc.returncode == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--stdin-filename", "x.py", "app.py"],
            "lintgate: --stdin-filename: no paths may be given (the source is read from stdin)\n",
        ),
        (["--stdin-filename", ""], "lintgate: --stdin-filename: the path is empty\n"),
        (["--stdin-filename", "."], "lintgate: --stdin-filename: .: is a directory\n"),
        (
            ["--stdin-filename", "x.py", "--shard", "1/2"],
            "lintgate: --stdin-filename: not with --shard or --output result=PATH\n",
        ),
        (
            ["--stdin-filename", "x.py", "--output", "result=r.json"],
            "lintgate: --stdin-filename: not with --shard or --output result=PATH\n",
        ),
    ],
)
def test_stdin_filename_usage_errors(both, args, message):
    proc = from_stdin(both, UNSORTED, *args)
    assert (proc.returncode, proc.stdout, proc.stderr.decode()) == (2, b"", message)


# --new-from-merge-base and --whole-files


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
    }
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@pytest.fixture
def branched(tmp_path):
    """main: a.py (an isort finding on line 1), b.py (a black finding); then `feature` from
    it adds a black finding to a.py (line 8), and main goes on to fix b.py. HEAD: feature."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("import sys, os\n\nprint(os, sys)\n\n\ndef f():\n    return 1\n")
    (repo / "b.py").write_text("y = ( 1)\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    with open(repo / "a.py", "a") as f:
        f.write("x = ( 1)\n")
    git(repo, "commit", "-qam", "feature")
    git(repo, "checkout", "-q", "main")
    (repo / "b.py").write_text("y = 1\n")
    git(repo, "commit", "-qam", "main fixes b")
    git(repo, "checkout", "-q", "feature")
    return repo


A1 = "a.py:1:1: \u26a0\ufe0f imports are incorrectly sorted and/or formatted (isort)"
A7 = "a.py:8:1: \u26a0\ufe0f would reformat line 8 (black)"
B1 = "b.py:1:1: \u26a0\ufe0f would reformat line 1 (black)"


@pytest.mark.parametrize(
    "flags, lines",
    [
        ([], [A1, A7, B1]),
        (["--new-from-rev", "main"], [A7, B1]),  # main's own fix of b.py reads as a change
        (["--new-from-merge-base", "main"], [A7]),
        (["--new-from-merge-base", "main", "--whole-files"], [A1, A7]),
        (["--new-from-rev", "main", "--whole-files"], [A1, A7, B1]),
    ],
)
def test_new_from_merge_base_and_whole_files(branched, flags, lines):
    proc = lintgate(branched, "-E", "black,isort", *flags)
    assert proc.stdout.splitlines() == lines
    assert proc.returncode == 1


def test_whole_files_with_a_patch(branched):
    (branched / "a.patch").write_text(git(branched, "diff", "main~1", "feature", "--", "a.py"))
    new = lintgate(branched, "--new-from-patch", "a.patch").stdout.splitlines()
    whole = lintgate(branched, "--new-from-patch", "a.patch", "--whole-files").stdout.splitlines()
    assert (new, whole) == ([A7], [A1, A7])


@pytest.mark.parametrize(
    "flags, message",
    [
        (
            ["--new-from-merge-base", "nope"],
            "lintgate: --new-from-merge-base: unknown revision 'nope'\n",
        ),
        (
            ["--new-from-merge-base", "orphan"],
            "lintgate: --new-from-merge-base: orphan and HEAD have no common ancestor\n",
        ),
        (
            ["--whole-files"],
            "lintgate: --whole-files needs --new-from-rev, --new-from-patch or --new-from-merge-base\n",
        ),
        (
            ["--new-from-merge-base", "main", "--new-from-rev", "main"],
            "lintgate: --new-from-merge-base cannot be used with --new-from-rev or --new-from-patch\n",
        ),
        (
            ["--new-from-merge-base", "main", "--fix"],
            "lintgate: --fix and --diff fix whole files: not with --new-from-merge-base\n",
        ),
    ],
)
def test_new_from_merge_base_errors(branched, flags, message):
    git(branched, "checkout", "-q", "--orphan", "orphan")
    git(branched, "commit", "-qm", "orphan")
    git(branched, "checkout", "-q", "feature")
    proc = lintgate(branched, *flags)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message)


def test_terminal_items_together_on_a_pseudo_terminal(both):
    status, out, err = on_pty(both, "-v", "--statistics", "--exit-zero", stderr_pty=False)
    assert status == 0
    assert terminal_lines(out) == COLOURED  # stdout: the report only, in colour
    lines = err.decode().splitlines()  # stderr (a pipe here): no colour, -v and statistics
    assert ESC not in err.decode()
    assert lines[0] == "lintgate: config: none (defaults)"
    assert "1  black  [*] would reformat line N" in lines
    assert "lintgate: 2 of 2 findings fixable with --fix ([*]), 0 not" in lines
    assert lines[-1].startswith("lintgate: timings: ")
    status, out, _ = on_pty(both, "-v", "--statistics", "--exit-zero")
    text = out.decode().replace("\r\n", "\n")
    assert status == 0 and ESC + "[" in text
    assert "\nlintgate: 2 of 2 findings fixable with --fix ([*]), 0 not\n" in text


def test_fish_completion_completes_options(tmp_path):
    import shutil

    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    script = completion_script(tmp_path, "fish")
    code = f'source {script}; complete -C "lintgate --for"; complete -C "lintgate --color "'
    done = subprocess.run(["fish", "-c", code], capture_output=True, text=True, check=True)
    words = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert words == ["--format", "auto", "always", "never"]
