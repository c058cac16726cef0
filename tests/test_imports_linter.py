"""The `imports` linter: fixture files with their exact findings, exact fixes, the module
interface, and the differential test against pyflakes.

Fixture convention: tests/fixtures/imports/NAME.py (or .pyi) is checked; NAME.py.expected
beside it holds one line per finding, `line:col: severity: message`, or the single line
`line:col: syntax: message` when the file must not parse; an empty file means nothing is
reported. tests/fixtures/imports/fix/NAME.py fixed must equal NAME.fixed.py byte for byte.
"""

from __future__ import annotations

import ast
import os
import pathlib
import re
import subprocess
import sys

import pytest
from helpers import lintgate

from lintgate import __version__
from lintgate.diagnostic import WARNING, Finding
from lintgate.linters import BUILTIN, imports
from lintgate.linters.base import ParseError, Project
from lintgate.source import decode

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "imports"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".py", ".pyi"))
FIXES = sorted(p for p in (FIXTURES / "fix").glob("*.py") if not p.name.endswith(".fixed.py"))


def _source(path: pathlib.Path):
    return decode(path.read_bytes(), is_stub=path.suffix == ".pyi")


def _report(path: pathlib.Path) -> str:
    try:
        found = imports.check(
            _source(path),
            imports.settings_for(path.parent, Project(FIXTURES, FIXTURES)),
        )
    except ParseError as e:
        return f"{e.line}:{e.col}: syntax: {e.message}\n"
    return "".join(f"{f.line}:{f.col}: {f.severity}: {f.message}\n" for f in found)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_fixture_findings(path):
    expected = path.with_name(path.name + ".expected").read_text()
    assert _report(path) == expected


def test_every_rule_has_a_fixture():
    names = {p.name for p in CASES}
    for needed in (
        "unused.py",
        "unused_scopes.py",
        "duplicates.py",
        "late_future.py",
        "uses.py",
        "plain_string.py",
        "dunder_all.py",
        "reexport.py",
        "reexport_stub.pyi",
        "type_checking.py",
        "future_never_unused.py",
        "star.py",
        "noqa.py",
        "py312_syntax.py",
        "py314_syntax.py",
        "py36_async_names.py",
        "syntax_error.py",
        "typing_strings.py",
        "redefined.py",
    ):
        assert needed in names


@pytest.mark.parametrize("path", FIXES, ids=lambda p: p.name)
def test_fix_exact_bytes(path):
    source = _source(path)
    fixed = imports.fix(source.text, source, imports.SETTINGS)
    assert fixed == path.with_name(path.stem + ".fixed.py").read_text()
    # Fixing is idempotent.
    assert imports.fix(fixed, decode(fixed.encode()), imports.SETTINGS) == fixed


def test_fix_of_a_shadowed_import_removes_the_first_even_when_only_the_finding_is_given():
    text = "from a import x\nfrom b import x\nimport os\ndef f():\n    return x\n"
    source = decode(text.encode())
    found = imports.check(source, imports.SETTINGS)
    assert found == [
        Finding(2, 15, "'x' imported again (first at line 1)", WARNING),
        Finding(3, 8, "'os' imported but unused", WARNING),
    ]
    fixed = imports.fix(text, source, imports.SETTINGS, only=found[:1])
    assert fixed == "from b import x\nimport os\ndef f():\n    return x\n"


def test_noqa_f811_on_the_second_import_keeps_the_shadowed_one():
    text = "from a import x\nfrom b import x  # noqa: F811\ndef f():\n    return x\n"
    source = decode(text.encode())
    assert imports.check(source, imports.SETTINGS) == []
    assert imports.fix(text, source, imports.SETTINGS) == text


@pytest.mark.parametrize("comment", ["# noqa: F401", "# noqa", "# nolint: imports"])
def test_a_directive_on_the_shadowed_import_keeps_it(comment):
    # An import kept for its side effects, then rebound: removing it would lose them.
    text = f"import patches  {comment}\nfrom real import patches\nprint(patches)\n"
    source = decode(text.encode())
    expected = (
        []
        if "noqa" in comment
        else [Finding(2, 18, "'patches' imported again (first at line 1)", WARNING)]
    )
    assert imports.check(source, imports.SETTINGS) == expected
    assert imports.fix(text, source, imports.SETTINGS) == text


def test_fix_uses_the_given_text_not_the_source():
    source = decode(b"import os\nimport sys\nprint(os)\n")
    text = "import os\nimport sys\nprint(sys)\n"  # as an earlier fixer left it
    assert imports.fix(text, source, imports.SETTINGS) == "import sys\nprint(sys)\n"


def test_fix_leaves_unparsable_text_alone():
    source = _source(FIXTURES / "syntax_error.py")
    assert imports.fix(source.text, source, imports.SETTINGS) == source.text


def test_parse_error_position_and_message():
    with pytest.raises(ParseError) as e:
        imports.check(decode(b"import os\nx = (\n"), imports.SETTINGS)
    assert (e.value.line, e.value.col, e.value.message) == (
        2,
        5,
        "cannot parse: '(' was never closed",
    )


def test_null_byte_is_a_parse_error():
    with pytest.raises(ParseError) as e:
        imports.check(decode(b"import os\x00\n"), imports.SETTINGS)
    assert (e.value.line, e.value.col, e.value.message) == (
        1,
        1,
        "cannot parse: source code string cannot contain null bytes",
    )


def test_null_bytes_in_a_string_or_comment_are_checked_as_any_text():
    # The interpreter's parser refuses a NUL anywhere; black, isort and libcst take it in a
    # string or a comment, and so does the check (positions after it unchanged).
    text = b'x = "a\x00b"  # c\x00\nimport os, sys\nprint(sys, x)\n'
    found = imports.check(decode(text), imports.SETTINGS)
    assert found == [Finding(2, 8, "'os' imported but unused", WARNING)]
    fixed = imports.fix(decode(text).text, decode(text), imports.SETTINGS)
    assert fixed == 'x = "a\x00b"  # c\x00\nimport sys\nprint(sys, x)\n'


def test_fix_of_a_package_init_keeps_unused_imports_and_removes_duplicates():
    text = "from .core import main\nfrom . import util\nimport os\nimport os\n"
    source = decode(text.encode())
    assert [f.message for f in imports.check(source, imports.SETTINGS)] == [
        "'.core.main' imported but unused",
        "'.util' imported but unused",
        "'os' imported but unused",
        "'os' imported again (first at line 3)",
    ]
    kept = "from .core import main\nfrom . import util\nimport os\n"
    assert imports.fix(text, source, imports.SETTINGS, package_init=True) == kept
    assert imports.fix(text, source, imports.SETTINGS) == ""


def test_a_null_byte_in_a_string_is_no_syntax_finding_as_black_and_isort_pass_it(tmp_path):
    (tmp_path / "m.py").write_bytes(b'x = "a\x00b"\n')
    bin_dir = os.path.dirname(sys.executable)
    proc = lintgate(tmp_path)
    assert (proc.stdout, proc.returncode) == ("", 0)
    for tool in (["black", "--check"], ["isort", "--check-only"]):
        tool[0] = os.path.join(bin_dir, tool[0])
        assert subprocess.run([*tool, "m.py"], cwd=tmp_path, capture_output=True).returncode == 0


def test_module_interface(tmp_path):
    project = Project(tmp_path, tmp_path)
    settings = imports.settings_for(tmp_path, project)
    assert imports.NAME == "imports"
    assert settings is imports.settings_for(tmp_path / "sub", project)
    with pytest.raises(Exception):
        settings.x = 1  # frozen
    digest = imports.settings_digest(settings)
    assert re.fullmatch(r"[0-9a-f]{64}", digest) and digest == imports.settings_digest(
        imports.Settings()
    )
    assert imports.is_excluded(tmp_path / "a.py", settings, project) is False
    assert imports.version().startswith(f"lintgate {__version__}; python ")
    assert list(BUILTIN)[:3] == ["imports", "isort", "black"]


# --- differential test against pyflakes --------------------------------------------------

SAMPLE = 200  # files; LINTGATE_FULL=1 checks the whole standard library


def _stdlib_sample():
    from imports_pyflakes import stdlib_files

    files = stdlib_files()
    if os.environ.get("LINTGATE_FULL") == "1":
        return files
    return files[:: max(1, len(files) // SAMPLE)]


# Fixtures checked against the real pyflakes: every difference, with the allow-list entry
# that explains it (issue 12).
PYFLAKES_FIXTURES = {
    "typing_strings.py": [
        ("pyflakes", "unused", 19, "generics.InDict", "forward reference"),
        ("pyflakes", "unused", 19, "generics.InList", "forward reference"),
        ("pyflakes", "unused", 19, "generics.InOr", "forward reference"),
        ("pyflakes", "unused", 20, "meta.Meant", "forward reference"),
        ("pyflakes", "unused", 25, "web.Request", "forward reference"),
        ("pyflakes", "unused", 25, "web.Response", "forward reference"),
        ("pyflakes", "unused", 25, "web.Response2", "forward reference"),
    ],
    "redefined.py": [("pyflakes", "redefined", 26, "z", "call in between")],
    "redefined_annotations.py": [],
}


@pytest.mark.parametrize("name", sorted(PYFLAKES_FIXTURES))
def test_fixture_against_pyflakes(name):
    pytest.importorskip("pyflakes")
    from imports_pyflakes import disagreements

    assert disagreements(FIXTURES / name) == PYFLAKES_FIXTURES[name]


def _check_against_pyflakes(paths) -> None:
    from imports_pyflakes import ALLOWED, disagreements

    unexplained, listed = [], []
    for path in paths:
        for who, kind, line, name, why in disagreements(path):
            row = f"{path}:{line}: only {who}: {kind} {name!r} [{why}]"
            listed.append(row)
            if why not in ALLOWED:
                unexplained.append(row)
    print("\n".join(listed))  # every disagreement, shown with -s or on failure
    assert not unexplained, "disagreements with pyflakes outside the allow-list:\n" + "\n".join(
        unexplained
    )


@pytest.mark.slow
def test_differential_against_pyflakes():
    pytest.importorskip("pyflakes")
    _check_against_pyflakes(_stdlib_sample())


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("LINTGATE_IMPORTS_CORPORA") != "1",
    reason="real projects from PyPI: `make imports-agreement` downloads and checks them",
)
@pytest.mark.parametrize("name", ["httpx", "rich", "attrs", "pydantic"])
def test_corpus_against_pyflakes(name):
    pytest.importorskip("pyflakes")
    from imports_pyflakes import CORPORA, corpus_files

    files = corpus_files(name)
    assert files, f"{name} {CORPORA[name]} is not unpacked in .downloads/ (make imports-agreement)"
    _check_against_pyflakes(files)


# --- deep expressions (issue 11): the scan is iterative, libcst is not tried on them --------

DEEP = {
    "sum": "x = " + "+".join(["1"] * 2000) + "\n",
    "call chain": "x = a" + ".b()" * 900 + "\n",
    "subscripts": "x = a" + "[0]" * 900 + "\n",
    "string sum in __all__": "__all__ = " + " + ".join(["['os']"] * 1500) + "\n",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_expression_is_checked(name):
    text = "import os\nimport sys\n" + DEEP[name]
    found = imports.check(decode(text.encode()), imports.SETTINGS)
    unused_os = [] if "__all__" in name else [Finding(1, 8, "'os' imported but unused", WARNING)]
    assert found == [*unused_os, Finding(2, 8, "'sys' imported but unused", WARNING)]


@pytest.mark.parametrize("depth", [1000, 2000])
def test_nested_scopes_deeper_than_the_recursion_limit_are_checked(depth):
    """A valid file of nested lambdas (ast parses it, black formats it): the scan of its
    scopes recurses past the recursion limit, and is run again where it may (util/deep.py)."""
    text = "import os\nimport sys\nf = " + "lambda: " * depth + "os\n"
    found = imports.check(decode(text.encode()), imports.SETTINGS)
    assert found == [Finding(2, 8, "'sys' imported but unused", WARNING)]


def test_deep_string_annotation_is_checked():
    text = 'import os\nimport sys\nx: "' + "+".join(["os"] * 2000) + '" = 1\n'
    found = imports.check(decode(text.encode()), imports.SETTINGS)
    assert found == [Finding(2, 8, "'sys' imported but unused", WARNING)]


def test_a_6kb_sum_line_is_checked_in_seconds(tmp_path):
    # 37 s before (issue 11): the running `ast` refused the nesting (3.11) and libcst's parser
    # was tried on it, or `ast` took it and the scan recursed past Python's limit.
    text = "import os\nx = " + "+".join(["1"] * 3000) + "\n"
    (tmp_path / "m.py").write_text(text)
    try:
        ast.parse(text)
        expected = "m.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
    except RecursionError as e:
        # black is disabled, so the message names the parser that refused the file (issue 12)
        rejected = "rejected by Python's ast parser, for the imports linter"
        expected = f"m.py:1:1: ❌ cannot parse: {e} ({rejected}) (syntax)\n"
    proc = lintgate(tmp_path, "-D", "isort", "-D", "black", timeout=60)
    assert (proc.stdout, proc.returncode) == (expected, 1)
    assert "Traceback" not in proc.stderr


def test_fix_of_a_file_too_deep_for_libcst_leaves_it(tmp_path):
    text = "import os\nx = " + "+".join(["1"] * 2000) + "\n"
    (tmp_path / "m.py").write_text(text)
    proc = lintgate(tmp_path, "-D", "isort", "-D", "black", "--fix", timeout=60)
    assert proc.stdout == "m.py:1:8: ⚠️ 'os' imported but unused (imports)\n"
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (tmp_path / "m.py").read_text() == text


def test_nesting_too_deep_for_ast_is_not_given_to_libcst(monkeypatch):
    # libcst's parser took 96 s on a 20 KB `1+1+...+1` and then crashed the process.
    from lintgate.linters import _imports_compat

    tried = []
    monkeypatch.setattr(_imports_compat, "parse", tried.append)
    text = "import os\nx = " + "+".join(["1"] * 10000) + "\n"
    with pytest.raises(ParseError) as e:
        imports.check(decode(text.encode()), imports.SETTINGS)
    assert (e.value.line, e.value.col) == (1, 1)
    assert e.value.message.startswith("cannot parse: ") and "recursion" in e.value.message
    assert tried == []
