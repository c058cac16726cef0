"""The Linter protocol's adapters (lintgate.linters.REGISTRY) against the modules behind them,
and the capabilities the engine, the fixer and the reports read instead of linter names."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintgate import filesets, linters
from lintgate.diagnostic import ERROR, Finding
from lintgate.linters import black, imports, isort
from lintgate.linters.base import NotFixable, Outcome, Project
from lintgate.source import decode

UNSORTED = "import sys\nimport os\n\nprint(os, sys)\n"


def _project(tmp_path: Path, **kw) -> Project:
    (tmp_path / ".git").mkdir(exist_ok=True)
    return Project(tmp_path, tmp_path, **kw)


def test_the_registry_in_pipeline_order_and_what_it_says():
    assert linters.names() == ["imports", "isort", "black"]
    assert linters.enabled_by_default() == ["imports", "isort", "black"]
    assert linters.fixers() == ["imports", "isort", "black"]
    assert linters.fixers(["black", "imports"]) == ["imports", "black"]
    assert linters.parsers() == ["imports", "black"]
    assert linters.syntax_judge() == "black"
    assert [n for n in linters.names() if linters.REGISTRY[n].capabilities.fix == "finding"] == [
        "imports"
    ]
    assert linters.reads_config_file(["isort"], "pyproject.toml")
    assert not linters.reads_config_file(["imports"], "pyproject.toml")
    assert linters.description("syntax") == "The file parses as Python."
    assert linters.description("nope") is None
    assert filesets.follows("imports") == "isort" and filesets.follows("black") == "black"


def test_register_refuses_a_taken_name_and_a_second_syntax_judge():
    with pytest.raises(ValueError, match="'isort' is registered already"):
        linters.register(linters.REGISTRY["isort"])
    with pytest.raises(ValueError, match="'syntax' is registered already"):
        linters.register(linters.lookup("syntax"))


def test_the_adapters_give_the_modules_findings(tmp_path):
    project = _project(tmp_path)
    path = tmp_path / "m.py"
    source = decode(UNSORTED.encode())
    for name, module in (("isort", isort), ("black", black), ("imports", imports)):
        linter = linters.REGISTRY[name]
        settings = linter.settings(project, tmp_path)
        expected = module.check(source, settings)
        assert linter.check(path, source, settings) == Outcome(expected), name
    assert linters.REGISTRY["isort"].check(path, source, settings_of(project, "isort")).findings
    fixed = linters.REGISTRY["isort"].fix_file(path, source, settings_of(project, "isort"))
    assert fixed == "import os\nimport sys\n\nprint(os, sys)\n"


def settings_of(project: Project, name: str):
    return linters.REGISTRY[name].settings(project, project.root)


def test_a_parse_error_is_data_and_the_syntax_pseudo_linter_is_the_judges_parser(tmp_path):
    project = _project(tmp_path)
    source = decode(b"def f(:\n    pass\n")
    path = tmp_path / "m.py"
    error = Outcome([], Finding(1, 7, "cannot parse: bad input", ERROR))
    assert linters.REGISTRY["black"].check(path, source, settings_of(project, "black")) == error
    syntax = linters.lookup("syntax")
    assert syntax.capabilities.name == "syntax"
    parsed = syntax.check(path, source, syntax.settings(project, tmp_path))
    assert parsed == error
    assert syntax.config_digest(project, tmp_path) == black.parse_digest(tmp_path, project)


def test_fixers_per_capability(tmp_path):
    project = _project(tmp_path)
    text = "import os\nimport sys\nimport json\n"
    source = decode(text.encode())
    path = tmp_path / "m.py"
    imp = linters.REGISTRY["imports"]
    settings = settings_of(project, "imports")
    found = imp.check(path, source, settings).findings
    assert [f.line for f in found] == [1, 2, 3]
    assert imp.fix_findings(path, source, settings, found[1:2]) == "import os\nimport json\n"
    assert imp.fix_file(path, source, settings) == ""
    # a package's __init__.py: unused imports are re-exports, left alone
    assert imp.fix_file(tmp_path / "__init__.py", source, settings) == text
    with pytest.raises(NotFixable):
        linters.REGISTRY["black"].fix_findings(path, source, settings_of(project, "black"), [])


def test_exclusion_inputs_are_the_engines_memo_key_tails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    named = tmp_path / "m.py"
    project = _project(tmp_path, named=frozenset({str(named)}))
    assert linters.REGISTRY["black"].exclusion_inputs(named, project) == b"\0named"
    assert linters.REGISTRY["black"].exclusion_inputs(tmp_path / "n.py", project) == b"\0"
    isort_tail = linters.REGISTRY["isort"].exclusion_inputs(named, project)
    cd = isort.config_digest(tmp_path, project)
    assert isort_tail == f"\0{tmp_path}\0()\0{cd}\0True".encode()
    assert filesets.exclusion_inputs("imports", named, project) == isort_tail
