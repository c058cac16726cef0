"""`--statistics` with external linters: one row per rule code (the numbers inside a code are
never folded), and a fixable count that says what `--fix` repairs (FixCommand linters count;
the imports linter's unused imports in a package `__init__.py` do not)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import lintgate, normalize_stderr

BIN = Path(sys.executable).parent
LONG = "x" * 90


def _tool(name: str) -> None:
    if not (BIN / name).exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")


def _env() -> dict[str, str]:
    return {"PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}


def _repo(root: Path) -> Path:
    root.mkdir()
    (root / "app.py").write_text(
        "import os\nimport sys\ndef f():\n    pass\n\n\n\ndef g():\n    pass\n"
        f'def h():\n    return "{LONG}"\n'
    )
    (root / "b.py").write_text(f'import json\nx = 1\ny = "{LONG}1234567"\n')
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_statistics_keep_rule_codes_and_fold_numbers_that_are_words(tmp_path: Path) -> None:
    _tool("flake8")
    repo = _repo(tmp_path / "repo")
    proc = lintgate(repo, "-E", "flake8", "-D", "isort,black,imports", "--statistics", env=_env())
    assert proc.returncode == 1, proc.stderr
    assert normalize_stderr(proc.stderr) == (
        "2  flake8      E302 expected N blank lines, found N\n"
        "2  flake8      E501 line too long (N > N characters)\n"
        "1  flake8      E303 too many blank lines (N)\n"
        "1  flake8      F401 'json' imported but unused\n"
        "1  flake8      F401 'os' imported but unused\n"
        "1  flake8      F401 'sys' imported but unused\n"
        "lintgate: 0 of 8 findings fixable with --fix ([*]), 8 not\n"
        "lintgate: 2 files checked, 8 findings, 0 from cache, N.NNs\n"
    )


def test_statistics_fold_no_digit_inside_a_word() -> None:
    from lintgate.diagnostic import Diagnostic
    from lintgate.report.statistics import statistics_lines

    messages = [
        "C0114: Missing module docstring (missing-module-docstring)",
        "W0611: Unused import os (unused-import)",
        "W0611: Unused import os (unused-import)",
        "B101 [LOW/HIGH] Use of assert detected.",
        "E305 expected 2 blank lines after class or function definition, found 1",
        "E301 expected 1 blank line, found 0",
        "line 320 of py3k_compat: x_1 is 1.5",
    ]
    diagnostics = [Diagnostic("a.py", 1, 1, "ext", m) for m in messages]
    assert statistics_lines(diagnostics, []) == [
        "2  ext      W0611: Unused import os (unused-import)",
        "1  ext      B101 [LOW/HIGH] Use of assert detected.",
        "1  ext      C0114: Missing module docstring (missing-module-docstring)",
        "1  ext      E301 expected N blank line, found N",
        "1  ext      E305 expected N blank lines after class or function definition, found N",
        "1  ext      line N of py3k_compat: x_1 is N.N",
    ]


def test_fixable_count_says_what_fix_repairs(tmp_path: Path) -> None:
    _tool("ruff")
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "__init__.py").write_text("import os\nimport json\nimport json\n")
    (repo / "app.py").write_text(
        "import os\nimport sys\n\ntry:\n    import readline\nexcept ImportError:\n"
        "    pass\nprint(sys)\n"
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    proc = lintgate(repo, "-E", "ruff", "-D", "isort,black", "--statistics", env=_env())
    assert proc.returncode == 1, proc.stderr
    assert normalize_stderr(proc.stderr) == (
        # `__init__.py`'s unused imports are left by --fix (re-exports), its duplicates not;
        # the probe in try/except ImportError is left too, but counted: the diagnostic
        # cannot tell
        "1  imports  [*] 'json' imported again (first at line N)\n"
        "1  imports      'json' imported but unused\n"
        "1  imports      'os' imported but unused\n"
        "1  imports  [*] 'os' imported but unused\n"
        "1  imports  [*] 'readline' imported but unused\n"
        # ruff has a FixCommand; its own `[*]` says which rules its --fix repairs
        "1  ruff     [*] F401 [*] `os` imported but unused\n"
        "1  ruff         F401 `json` imported but unused\n"
        "1  ruff         F401 `os` imported but unused\n"
        "1  ruff         F401 `readline` imported but unused; consider using "
        "`importlib.util.find_spec` to test for availability\n"
        "1  ruff     [*] F811 [*] Redefinition of unused `json` from line N: `json` redefined "
        "here\n"
        "1  ruff     [*] I001 [*] Import block is un-sorted or un-formatted\n"
        "lintgate: 6 of 11 findings fixable with --fix ([*]), 5 not\n"
        "lintgate: 2 files checked, 11 findings, 0 from cache, N.NNs\n"
    )
