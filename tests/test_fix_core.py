"""The pure core of lintgate.fix (pipeline, encoding back, diffs) and the file-system edge
(atomic writes, a fixer that raises or breaks the file), in process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lintgate import fix
from lintgate.diagnostic import Diagnostic
from lintgate.filters import FilterOptions
from lintgate.linters import black as black_linter
from lintgate.linters import isort as isort_linter
from lintgate.linters.base import ParseError, Project
from lintgate.source import decode


@pytest.mark.parametrize(
    "raw",
    [
        b"x = 1\n",
        b"x = 1\r\ny = 2\r\n",
        b"x = 1\ry = 2\r",
        b"\xef\xbb\xbfx = 1\n",
        b"\xef\xbb\xbfx = 1\r\n",
        b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
        b"x = 1",
        b"",
    ],
)
def test_encode_gives_back_the_bytes_of_unchanged_text(raw):
    source = decode(raw)
    assert fix.encode(source.text, source) == raw


def test_encode_uses_the_first_line_ending_everywhere_as_black_does():
    source = decode(b"a = 1\r\nb = 2\nc = 3\r\n")
    assert fix.encode(source.text, source) == b"a = 1\r\nb = 2\r\nc = 3\r\n"


def test_encode_refuses_what_the_encoding_cannot_hold():
    source = decode(b"# -*- coding: latin-1 -*-\nx = 1\n")
    with pytest.raises(UnicodeEncodeError):
        fix.encode(source.text + "y = '\u20ac'\n", source)


def test_unified_diff_keeps_crlf_and_marks_a_missing_final_newline():
    old = b"import sys\r\nimport os"
    new = b"import os\r\nimport sys\r\n"
    assert fix.unified_diff(old, new, "pkg/a b.py") == (
        b"diff --git a/pkg/a b.py b/pkg/a b.py\n"
        b"--- a/pkg/a b.py\n"
        b"+++ b/pkg/a b.py\n"
        b"@@ -1,2 +1,2 @@\n"
        b"+import os\r\n"
        b" import sys\r\n"
        b"-import os\n"
        b"\\ No newline at end of file\n"
    )
    assert fix.unified_diff(old, old, "a.py") == b""


def test_unified_diff_applies_with_git_apply(tmp_path):
    old = b"x=1\r\n" + b"".join(b"line%d = %d\r\n" % (i, i) for i in range(10)) + b"y=2"
    new = b"x = 1\r\n" + old.split(b"\r\n", 1)[1].replace(b"y=2", b"y = 2\r\n")
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / "m.py").write_bytes(old)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    patch = fix.unified_diff(old, new, "sub dir/m.py")
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=patch, check=True)
    assert (tmp_path / "sub dir" / "m.py").read_bytes() == new


def test_pipeline_runs_wanted_steps_in_order_on_the_previous_output():
    steps = [
        fix.Step("a", lambda t: t + "a", lambda t: True),
        fix.Step("b", lambda t: t + "b", lambda t: t.endswith("b")),  # not wanted: skipped
        fix.Step("c", lambda t: t, lambda t: True),  # wanted, changes nothing
        fix.Step("d", lambda t: t.upper(), lambda t: "a" in t),
    ]
    assert fix.run_pipeline("x", steps) == ("XA", ["a", "d"])


def test_pipeline_names_the_step_that_raised():
    def boom(text):
        raise RuntimeError("boom\nsecond line")

    steps = [fix.Step("a", str.upper, lambda t: True), fix.Step("b", boom, lambda t: True)]
    with pytest.raises(fix.StepFailed) as e:
        fix.run_pipeline("x", steps)
    assert (e.value.step, str(e.value)) == ("b", "RuntimeError: boom")


def test_pipeline_blames_the_step_whose_output_does_not_parse():
    def parse(text):
        raise ParseError("cannot parse: bad input", 1, 5)

    steps = [fix.Step("a", lambda t: "def (", lambda t: True), fix.Step("b", parse, lambda t: True)]
    with pytest.raises(fix.StepFailed) as e:
        fix.run_pipeline("x", steps)
    assert (e.value.step, str(e.value)) == (
        "a",
        "its result does not parse: cannot parse: bad input",
    )


def test_write_atomic_keeps_the_mode_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    os.chmod(path, 0o750)
    fix.write_atomic(path, b"new\r\n", b"old\n")
    assert path.read_bytes() == b"new\r\n"
    assert os.stat(path).st_mode & 0o7777 == 0o750
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


def test_write_atomic_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"edited by someone\n")
    with pytest.raises(fix.ChangedMeanwhile):
        fix.write_atomic(path, b"new\n", b"old\n")
    assert path.read_bytes() == b"edited by someone\n"
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


UNSORTED = b"import sys\nimport os\nx=(os,sys)\n"


def fixer_on(tmp_path: Path, data: bytes = UNSORTED) -> tuple[fix.Fixer, Path]:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.py").write_bytes(data)
    project = Project(tmp_path, tmp_path)
    return fix.Fixer(project, ("isort", "black"), False, FilterOptions(), True), tmp_path / "a.py"


def test_a_fixer_that_raises_leaves_the_file_and_says_which(tmp_path, monkeypatch):
    def broken(text, source, settings):
        raise RuntimeError("INTERNAL ERROR: Black produced code that is not equivalent")

    monkeypatch.setattr(black_linter, "fix", broken)
    fixer, path = fixer_on(tmp_path)
    result = fixer.fix(path, "a.py")
    assert path.read_bytes() == UNSORTED
    message = (
        "not fixed: black failed: RuntimeError: INTERNAL ERROR: "
        "Black produced code that is not equivalent"
    )
    assert result.errors == [f"a.py: {message}"]
    assert sorted(result.diagnostics) == [
        Diagnostic("a.py", 1, 1, "fix", message, "error"),
        Diagnostic(
            "a.py", 1, 1, "isort", "imports are incorrectly sorted and/or formatted", "warning", 2
        ),
        Diagnostic("a.py", 3, 1, "black", "would reformat line 3", "warning", 3),
    ]
    assert not result.changed


def test_a_fixer_that_breaks_the_file_is_blamed(tmp_path, monkeypatch):
    monkeypatch.setattr(isort_linter, "fix", lambda text, source, config, path="": "def f(:\n")
    fixer, path = fixer_on(tmp_path)
    result = fixer.fix(path, "a.py")
    assert path.read_bytes() == UNSORTED
    assert result.errors == [
        "a.py: not fixed: isort failed: its result does not parse: cannot parse: bad input"
    ]


def test_a_file_without_findings_is_not_rewritten(tmp_path):
    fixer, path = fixer_on(tmp_path, b"import os\r\nimport sys\r\n\r\nx = (os, sys)\r\n")
    before = os.stat(path).st_mtime_ns
    result = fixer.fix(path, "a.py")
    assert (result.changed, result.diagnostics, result.errors) == (False, [], [])
    assert os.stat(path).st_mtime_ns == before


def test_mixed_line_endings_isort_reports_are_fixed_as_the_first_line_ends(tmp_path):
    # `isort --check-only` fails on them (tests/test_isort_fidelity.py); nothing else to fix
    fixer, path = fixer_on(tmp_path, b"import os\r\nimport sys\n\nx = (os, sys)\n")
    result = fixer.fix(path, "a.py")
    assert (result.changed, result.diagnostics, result.errors) == (True, [], [])
    assert path.read_bytes() == b"import os\r\nimport sys\r\n\r\nx = (os, sys)\r\n"


def test_the_imports_fixer_removes_only_the_findings_the_run_keeps(tmp_path):
    # an import whose finding Exclude drops stays, as one a `nolint` directive silences;
    # the file's other unused imports still go
    data = b"import json\nimport os\nimport sys  # nolint: imports\nimport re\n"
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    path = tmp_path / "a.py"
    path.write_bytes(data)
    options = FilterOptions(exclude=("'os' imported",))
    fixer = fix.Fixer(Project(tmp_path, tmp_path), ("imports",), False, options, True)
    result = fixer.fix(path, "a.py")
    assert path.read_bytes() == b"import os\nimport sys  # nolint: imports\n"
    assert (result.changed, result.errors) == (True, [])
    assert result.diagnostics == [
        Diagnostic("a.py", 1, 8, "imports", "'os' imported but unused", "warning")
    ]
