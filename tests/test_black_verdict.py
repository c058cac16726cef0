"""lintgate's black verdict against the real `black --check` run in the same repository, with
the same paths: the same files would be reformatted (exit 1) or left alone (exit 0)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import lintgate, lintgate_traced

LONG_DEF = (
    "def handler(request, context, settings, logger, metrics, tracer, cache, session, extra1,"
    " extra2):\n    return request\n"
)


def black_check(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`black --check ARGS` in `cwd` (the venv's black), without its cache."""
    black = Path(sys.executable).parent / "black"
    return subprocess.run(
        [str(black), "--check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True
    )


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git work tree holding `files` (relative path -> text)."""
    root = tmp_path / "r"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def gate(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """lintgate with black alone, with one result cache per test (the repository's parent
    holds it): later runs are answered from what earlier runs with other paths stored."""
    root = next(p for p in (cwd, *cwd.parents) if p.name == "r")
    env = {"LINTGATE_CACHE_DIR": str(root.parent / "cache"), "XDG_CONFIG_HOME": str(root)}
    return lintgate(cwd, "--disable-all", "-E", "black", *args, env=env)


def test_subproject_config_from_its_directory(tmp_path):
    root = repo(
        tmp_path,
        {
            "services/api/pyproject.toml": "[tool.black]\nline-length = 120\n",
            "services/api/h.py": LONG_DEF,
        },
    )
    api = root / "services" / "api"
    assert black_check(api, ".").returncode == 0
    proc = gate(api)
    assert (proc.stdout, proc.returncode) == ("", 0)
    # from the repository root, given the subproject as a path or a file of it
    assert black_check(root, "services/api").returncode == 0
    for args in (["services/api"], ["services/api/h.py"]):
        proc = gate(root, *args)
        assert (proc.stdout, proc.returncode) == ("", 0)
    # from the root without paths, black's root is the repository's: line-length 88
    assert black_check(root, ".").returncode == 1
    proc = gate(root)
    assert proc.stdout == "services/api/h.py:1:1: ⚠️ would reformat line 1 (black)\n"
    assert proc.returncode == 1


def test_subproject_config_cache_keyed_by_start(tmp_path):
    """Runs from the subproject and from the root share one cache: each gets its own verdict."""
    root = repo(
        tmp_path,
        {
            "services/api/pyproject.toml": "[tool.black]\nline-length = 120\n",
            "services/api/h.py": LONG_DEF,
        },
    )
    runs = [(root / "services" / "api", []), (root, []), (root, ["services/api"]), (root, [])]
    outputs = [gate(cwd, *args) for cwd, args in runs]
    assert [(p.stdout, p.returncode) for p in outputs] == [
        ("", 0),
        ("services/api/h.py:1:1: ⚠️ would reformat line 1 (black)\n", 1),
        ("", 0),
        ("services/api/h.py:1:1: ⚠️ would reformat line 1 (black)\n", 1),
    ]
    assert ", 1 finding, 1 from cache, " in outputs[-1].stderr


def test_named_file_checked_whatever_its_suffix(tmp_path):
    root = repo(tmp_path, {"script": "#!/usr/bin/env python3\nimport sys,os\nprint(sys,os)\n"})
    assert black_check(root, "script").returncode == 1
    proc = gate(root, "script")
    assert proc.stdout == "script:2:1: ⚠️ would reformat lines 2-3 (black)\n"
    assert proc.returncode == 1
    # found in a directory, it is not black's (include: .py, .pyi, .ipynb)
    assert black_check(root, ".").returncode == 0
    proc = gate(root, ".")
    assert (proc.stdout, proc.returncode) == ("", 0)


def test_named_file_exclude_only_force_exclude(tmp_path):
    files = {"gen/a.py": "x=1\n", "skip/b.py": "y=2\n"}
    files["pyproject.toml"] = '[tool.black]\nextend-exclude = "^/gen/"\nforce-exclude = "^/skip/"\n'
    root = repo(tmp_path, files)
    # named: extend-exclude does not apply, force-exclude does
    assert black_check(root, "gen/a.py", "skip/b.py").returncode == 1
    proc = gate(root, "gen/a.py", "skip/b.py")
    assert proc.stdout == "gen/a.py:1:1: ⚠️ would reformat line 1 (black)\n"
    assert proc.returncode == 1
    # walked: both apply
    assert black_check(root, ".").returncode == 0
    proc = gate(root, ".")
    assert (proc.stdout, proc.returncode) == ("", 0)


NEWER = {
    # nested same quotes in an f-string (3.12), and PEP 695 type parameters (3.12)
    "fstr.py": 'x=1\nprint(f"{"a" if x else "b"}")\n',
    "pep695.py": "type Point  = tuple[float, float]\ndef first[T](xs: list[T]) -> T:\n"
    "    return xs[0]\n",
    "pep695_clean.py": "type Point = tuple[float, float]\n",  # unchanged: black is content
}
SAFE = "cannot use --safe with this file; failed to parse source file AST"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses 3.12 syntax")
def test_syntax_newer_than_the_running_python(tmp_path):
    root = repo(tmp_path, NEWER)
    black = black_check(root, ".")
    assert black.returncode == 123
    assert black.stderr.count("error: cannot format") == 2 and "pep695_clean" not in black.stderr
    proc = gate(root)
    assert proc.stdout == (
        f"fstr.py:2:1: ❌ {SAFE}: f-string: expecting '}}' (<unknown>, line 2) (syntax)\n"
        f"pep695.py:1:1: ❌ {SAFE}: invalid syntax (<unknown>, line 1) (syntax)\n"
    )
    assert proc.returncode == 1
    assert gate(root).stdout == proc.stdout  # from the cache


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="the running Python parses 3.14 syntax")
def test_target_versions_newer_than_the_running_python(tmp_path):
    # black's py314 output drops the parentheses of `except (A, B):`, which 3.11 cannot parse
    exc = "try:\n    pass\nexcept (ValueError, TypeError):\n    pass\n"
    config = '[tool.black]\ntarget-version = ["py314"]\n'
    root = repo(tmp_path, {"exc.py": exc, "ok.py": "x = 1\n", "pyproject.toml": config})
    black = black_check(root, ".")
    assert black.returncode == 123
    assert "error: cannot format exc.py: failed to verify equivalence" in black.stderr.replace(
        str(root) + "/", ""
    )
    proc = gate(root)
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert proc.stdout == (
        "exc.py:1:1: ❌ failed to verify equivalence of the formatted output: Python"
        f" {running} cannot parse code formatted for Python 3.14. To fix this: run Black with"
        f" Python 3.14, set --target-version to py3{sys.version_info[1]}, or use --fast to skip"
        " the safety check. (syntax)\n"
    )
    assert proc.returncode == 1


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python parses 3.12 syntax")
def test_fast_skips_the_safety_parse(tmp_path):
    root = repo(
        tmp_path, {"fstr.py": NEWER["fstr.py"], "pyproject.toml": "[tool.black]\nfast = true\n"}
    )
    assert black_check(root, ".").returncode == 1
    proc = gate(root)
    assert (proc.stdout, proc.returncode) == ("fstr.py:1:1: ⚠️ would reformat line 1 (black)\n", 1)


@pytest.mark.parametrize(
    "line, message",
    [
        (
            'required-version = "22"',
            "The required version `22` does not match the running version `{black}`!",
        ),
        (
            'target-version = ["PY311"]',
            "Invalid value for '-t' / '--target-version': 'PY311' is not one of 'py33', 'py34',"
            " 'py35', 'py36', 'py37', 'py38', 'py39', 'py310', 'py311', 'py312', 'py313',"
            " 'py314', 'py315'.",
        ),
        ('target-version = "py311"', "Config key target-version must be a list"),
        (
            "line-length = 100.5",
            "Invalid value for '-l' / '--line-length': '100.5' is not a valid integer.",
        ),
        (
            'python-cell-magics = "x"',
            "Invalid value for '--python-cell-magics': Value must be an iterable.",
        ),
        ('preview = "maybe"', "Invalid value for '--preview': 'maybe' is not a valid boolean."),
        (
            'enable-unstable-feature = ["string_processing"]',
            "'--enable-unstable-feature' requires '--preview'.",
        ),
    ],
)
def test_config_black_refuses(tmp_path, line, message):
    root = repo(tmp_path, {"a.py": "x = 1\n", "pyproject.toml": f"[tool.black]\n{line}\n"})
    black = black_check(root, ".")
    assert black.returncode in (1, 2)
    from black import __version__

    message = message.format(black=__version__)
    assert message in black.stderr
    proc = gate(root)
    assert proc.stdout == ""
    error = proc.stderr.splitlines()[0]
    assert error.startswith(f"lintgate: black: {root / 'pyproject.toml'}: {message}")
    assert proc.returncode == 2


REFORMAT = "a.py:1:1: ⚠️ would reformat line 1 (black)\n"


@pytest.mark.parametrize(
    "line, output",
    [
        ('required-version = "{major}"', REFORMAT),
        ("required-version = {major}", REFORMAT),
        ("preview = 1", REFORMAT),
        ('skip-string-normalization = "yes"', ""),  # the quotes stay, the line fits
        ('line-length = "40"', REFORMAT),
        ('target-version = ["py311"]', REFORMAT),
        ("unknown-key = 1", REFORMAT),
    ],
)
def test_config_black_accepts(tmp_path, line, output):
    from black import __version__

    text = "x = {'first': 1, 'second': 2, 'third': 3}\n"
    config = "[tool.black]\n" + line.format(major=__version__.split(".")[0]) + "\n"
    root = repo(tmp_path, {"a.py": text, "pyproject.toml": config})
    black = black_check(root, ".")
    proc = gate(root)
    assert (proc.stdout, proc.returncode) == (output, black.returncode)
    assert "lintgate: black" not in proc.stderr


def test_named_files_in_several_directories(tmp_path):
    """pre-commit names files: black starts its search from their common directory."""
    root = repo(
        tmp_path,
        {
            "services/api/pyproject.toml": "[tool.black]\nline-length = 120\n",
            "services/api/h.py": LONG_DEF,
            "services/api/sub/g.py": LONG_DEF,
            "tools/t.py": "x = 1\n",
        },
    )
    # common directory services/api: its config, line-length 120
    names = ["services/api/h.py", "services/api/sub/g.py"]
    assert black_check(root, *names).returncode == 0
    proc = gate(root, *names)
    assert (proc.stdout, proc.returncode) == ("", 0)
    # common directory the root: the root's (none), line-length 88
    assert black_check(root, *names, "tools/t.py").returncode == 1
    proc = gate(root, *names, "tools/t.py")
    assert proc.stdout == (
        "services/api/h.py:1:1: ⚠️ would reformat line 1 (black)\n"
        "services/api/sub/g.py:1:1: ⚠️ would reformat line 1 (black)\n"
    )
    assert proc.returncode == 1


def test_warm_run_from_a_subproject_imports_no_engine(tmp_path):
    root = repo(
        tmp_path,
        {
            "services/api/pyproject.toml": "[tool.black]\nline-length = 120\n",
            "services/api/h.py": LONG_DEF,
        },
    )
    api = root / "services" / "api"
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache"), "XDG_CONFIG_HOME": str(root)}
    cold = lintgate(api, "--disable-all", "-E", "black", env=env)
    warm = lintgate_traced(api, "--disable-all", "-E", "black", env=env)
    assert (warm.stdout, warm.returncode) == (cold.stdout, cold.returncode) == ("", 0)
    assert warm.stderr.splitlines()[-1] == "heavy: []"


def test_fix_named_script_as_black_writes_it(tmp_path):
    text = "#!/usr/bin/env python3\nimport sys,os\nprint(sys,os)\n"
    root = repo(tmp_path, {"script": text, "by_black": text})
    black = Path(sys.executable).parent / "black"
    subprocess.run([str(black), "-q", "--no-cache", "by_black"], cwd=root, check=True)
    proc = gate(root, "--fix", "script")
    assert (proc.stdout, proc.returncode) == ("", 0)
    assert (root / "script").read_bytes() == (root / "by_black").read_bytes() != text.encode()


BROKEN_BLACK = {
    "bad-regex": (
        'extend-exclude = "[z-a]"',
        "Invalid value for '--extend-exclude': Not a"
        " valid regular expression: bad character range z-a at position 1",
    ),
    "required-version": (
        'required-version = "24"',
        "The required version `24` does not match" " the running version `{version}`!",
    ),
}


@pytest.mark.parametrize("enable", [["isort"], ["isort", "black"]])
@pytest.mark.parametrize("kind", sorted(BROKEN_BLACK))
def test_syntax_check_with_a_config_black_refuses_is_an_error_and_still_guards_fix(
    tmp_path, kind, enable
):
    """Black disabled, or enabled but refusing its [tool.black]: its parse (the `syntax`
    check) runs on black's defaults, and the refusal is one error (bit 2) on every run, cold
    and warm; --fix leaves the unparsable file alone (fuzz reproducer
    fix-unparsable-black-config-broken)."""
    import json

    import black

    setting, problem = BROKEN_BLACK[kind]
    broken = "for b in c:\nimport os, sys\n    x = 1\n"
    config = {
        "pyproject.toml": f"[tool.black]\n{setting}\n",
        "lintgate.json": json.dumps({"Enable": enable}),
    }
    root = repo(tmp_path, {"a.py": broken, **config})
    env = {"LINTGATE_CACHE_DIR": str(tmp_path / "cache")}
    error = f"lintgate: black: {root / 'pyproject.toml'}: {problem}\n".format(
        version=black.__version__
    )
    for args in ((), (), ("--fix",)):
        proc = lintgate(root, *args, env=env)
        assert proc.stdout == "a.py:2:1: ❌ cannot parse: bad input (syntax)\n"
        assert proc.stderr.startswith(("lintgate: 0 file(s) fixed\n" if args else "") + error)
        assert proc.returncode == 3
    assert (root / "a.py").read_text() == broken
