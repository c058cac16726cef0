"""A new in-process linter is one module and one registry entry (lintgate.linters.register),
loaded here through LINTGATE_PLUGINS (docs/linters.md): without touching any other file it is
checked, cached, silenced by `nolint`, described in SARIF, off by default when its
Capabilities say so, and fixed by --fix (per file and per finding).
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import lintgate, summary

# A whole-file fixer: `# TODO` comments become `# DONE`. Each check appends a line to
# $PLUGIN_LOG, so that a test can tell a run that linted from one answered by the cache.
TODO_PLUGIN = '''
"""Test plugin: TODO comments."""

from __future__ import annotations

import os
from pathlib import Path

from lintgate import linters
from lintgate.diagnostic import Finding
from lintgate.linters.base import Capabilities, LinterBase, Outcome, Project
from lintgate.source import Source


class Todo(LinterBase[None]):
    capabilities = Capabilities(
        name="todo",
        description="No TODO comment is left.",
        help_uri="https://example.org/todo",
        fix="file",
        enabled_by_default=False,
    )

    def version(self) -> str:
        return "1"

    def settings(self, project: Project, directory: Path) -> None:
        return None

    def settings_digest(self, settings: None) -> str:
        return "none"

    def check(self, path: Path, source: Source, settings: None) -> Outcome:
        with open(os.environ["PLUGIN_LOG"], "a") as log:
            log.write("todo\\n")
        return Outcome([
            Finding(n, line.index("TODO") + 1, "TODO left")
            for n, line in enumerate(source.text.split("\\n"), 1)
            if "# TODO" in line
        ])

    def fix_file(self, path: Path, source: Source, settings: None) -> str:
        return source.text.replace("# TODO", "# DONE")


linters.register(Todo())
'''

# A per-finding fixer: a `print(...)` statement line is removed, only where reported.
PRINTS_PLUGIN = '''
"""Test plugin: print statements."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from lintgate import linters
from lintgate.diagnostic import Finding
from lintgate.linters.base import Capabilities, LinterBase, Outcome, Project
from lintgate.source import Source


class Prints(LinterBase[None]):
    capabilities = Capabilities(name="prints", description="No print call.", fix="finding")

    def version(self) -> str:
        return "1"

    def settings(self, project: Project, directory: Path) -> None:
        return None

    def settings_digest(self, settings: None) -> str:
        return "none"

    def check(self, path: Path, source: Source, settings: None) -> Outcome:
        lines = source.text.split("\\n")
        return Outcome([Finding(n, 1, "print call") for n, l in enumerate(lines, 1) if l.startswith("print(")])

    def fix_file(self, path: Path, source: Source, settings: None) -> str:
        return self.fix_findings(path, source, settings, self.check(path, source, settings).findings)

    def fix_findings(self, path: Path, source: Source, settings: None, only: Sequence[Finding]) -> str:
        doomed = {f.line for f in only}
        lines = source.text.split("\\n")
        return "\\n".join(l for n, l in enumerate(lines, 1) if n not in doomed)


linters.register(Prints())
'''


def _setup(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "todo_lint.py").write_text(TODO_PLUGIN)
    (plugins / "prints_lint.py").write_text(PRINTS_PLUGIN)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".git").mkdir()
    (repo / "a.py").write_text("x = 1  # TODO later\ny = 2  # TODO: also  # nolint: todo\n")
    env = {
        "PYTHONPATH": str(plugins),
        "LINTGATE_PLUGINS": "todo_lint,prints_lint",
        "LINTGATE_CACHE_DIR": str(tmp_path / "cache"),
        "PLUGIN_LOG": str(tmp_path / "log"),
    }
    return repo, env


def _checks(tmp_path: Path) -> int:
    log = tmp_path / "log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_plugin_is_checked_cached_silenced_and_off_by_default(tmp_path):
    repo, env = _setup(tmp_path)
    # off by default (Capabilities.enabled_by_default=False): the built-ins find nothing
    proc = lintgate(repo, env=env)
    assert (proc.stdout, proc.returncode, _checks(tmp_path)) == ("", 0, 0), proc.stderr
    # enabled: the first TODO is found; the second is silenced by its `nolint: todo`
    expected = "a.py:1:10: \u26a0\ufe0f TODO left (todo)\n"
    cold = lintgate(repo, "-E", "todo", env=env)
    assert (cold.stdout, cold.returncode, _checks(tmp_path)) == (expected, 1, 1), cold.stderr
    assert summary(cold.stderr) == (1, 1, 0)
    # warm: answered by the cache, the plugin's check is not called again
    warm = lintgate(repo, "-E", "todo", env=env)
    assert (warm.stdout, warm.returncode, _checks(tmp_path)) == (expected, 1, 1), warm.stderr
    assert summary(warm.stderr) == (1, 1, 1)
    # WarnUnmatchedDirective: `nolint: todo` names a known linter and silenced a finding
    config = tmp_path / "lintgate.json"
    config.write_text('{"Enable": ["todo"], "WarnUnmatchedDirective": true}')
    proc = lintgate(repo, "--config", str(config), env=env)
    assert (proc.stdout, proc.returncode) == (expected, 1), proc.stderr


def test_a_plugin_has_a_sarif_rule_with_its_description(tmp_path):
    repo, env = _setup(tmp_path)
    proc = lintgate(repo, "-E", "todo", "--format", "sarif", env=env)
    assert proc.returncode == 1, proc.stderr
    rules = json.loads(proc.stdout)["runs"][0]["tool"]["driver"]["rules"]
    # the rule data is the plugin's Capabilities: description, fixer, help URI (none: no link)
    assert rules[-2:] == [
        {
            "id": "todo",
            "shortDescription": {"text": "No TODO comment is left."},
            "fullDescription": {"text": "No TODO comment is left."},
            "help": {
                "text": "No TODO comment is left. lintgate --fix repairs it. See https://example.org/todo",
                "markdown": "No TODO comment is left. `lintgate --fix` repairs it. "
                "See [todo](https://example.org/todo).",
            },
            "helpUri": "https://example.org/todo",
        },
        {
            "id": "prints",
            "shortDescription": {"text": "No print call."},
            "fullDescription": {"text": "No print call."},
            "help": {
                "text": "No print call. lintgate --fix repairs it.",
                "markdown": "No print call. `lintgate --fix` repairs it.",
            },
        },
    ]


def test_a_plugin_name_is_a_linter_name_for_the_config(tmp_path):
    repo, env = _setup(tmp_path)
    proc = lintgate(repo, "-E", "tdo", env=env)
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert "unknown linter 'tdo' (did you mean 'todo'?)" in proc.stderr


def test_a_broken_plugin_is_one_line(tmp_path):
    repo, env = _setup(tmp_path)
    env["LINTGATE_PLUGINS"] = "no_such_plugin"
    proc = lintgate(repo, env=env)
    assert (proc.stdout, proc.returncode) == ("", 2)
    assert proc.stderr == (
        "lintgate: LINTGATE_PLUGINS: cannot import 'no_such_plugin': "
        "ModuleNotFoundError: No module named 'no_such_plugin'\n"
    )


def test_a_plugin_is_fixed_per_file_and_per_finding(tmp_path):
    repo, env = _setup(tmp_path)
    (repo / "a.py").write_text("x = 1  # TODO later\n")
    (repo / "b.py").write_text('print("a")\nprint("b")  # nolint: prints\nz = 3\n')
    proc = lintgate(repo, "-E", "todo", "-E", "prints", "--fix", env=env)
    assert "lintgate: 2 file(s) fixed" in proc.stderr.splitlines(), proc.stderr
    # the whole-file fixer rewrites the file
    assert (repo / "a.py").read_text() == "x = 1  # DONE later\n"
    # the per-finding fixer removes only what the run reports
    assert (repo / "b.py").read_text() == 'print("b")  # nolint: prints\nz = 3\n'
    assert (proc.stdout, proc.returncode) == ("", 0)


# The modules that still spell linter names (none now): a new one fails the test.
STILL_NAMING: set[str] = set()
# Modules whose strings equal linter names but name something else, and what.
SAME_SPELLING = {
    # --version names the installed distributions isort, black and libcst (pip's names), read
    # without importing the linters (lintgate --version within 0.1 s)
    "lintgate.versions": "distribution names",
}


def test_nothing_outside_linters_names_a_linter():
    import ast

    from lintgate import linters

    package = Path(linters.__file__).resolve().parent.parent
    names = {*linters.names(), linters.SYNTAX}
    naming = set()
    for path in sorted(package.rglob("*.py")):
        if "linters" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Constant) and n.value in names for n in ast.walk(tree)):
            module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
            naming.add(module.removesuffix(".__init__"))
    assert naming - set(SAME_SPELLING) == STILL_NAMING


def test_a_run_with_plugins_leaves_no_replay_record(tmp_path):
    """A plugin's settings may come from files the replay does not witness (lintgate.replay):
    runs with LINTGATE_PLUGINS always go the normal way."""
    import os
    import time

    repo, env = _setup(tmp_path)
    past = time.time_ns() - 60 * 10**9
    for path in [*repo.rglob("*"), repo]:
        os.utime(path, ns=(past, past))
    for _ in range(3):
        proc = lintgate(repo, "-E", "todo", env=env)
    assert proc.returncode == 1 and "(todo)" in proc.stdout, proc.stderr
    assert ", 1 from cache, " in proc.stderr  # answered by the whole-run answer
    assert not (tmp_path / "cache" / "replay").exists()
