"""`--help` names every command and the built-in external linters; bash completion offers the
commands as the first word and the linters' names after -E/-D (shtab's choices)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import lintgate
from test_terminal import bash_complete, completion_script

EXTERNAL = ["flake8", "pyflakes", "pycodestyle", "pylint", "mypy", "ruff", "bandit"]


def test_help_lists_external_linters_and_every_command(tmp_path: Path) -> None:
    from lintgate.external.builtin import BUILTIN

    assert list(BUILTIN) == EXTERNAL
    proc = lintgate(tmp_path, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    epilog = proc.stdout[proc.stdout.index("linters (-E/-D NAME):") :].splitlines()
    assert epilog[4:12] == [
        "  flake8       Pyflakes, pycodestyle and mccabe (and its plugins) in one run."
        " (off by default)",
        "  pyflakes     Names undefined, unused or redefined, and other logical errors."
        " (off by default)",
        "  pycodestyle  The style conventions of PEP 8. (off by default)",
        "  pylint       Errors, code smells and conventions, with astroid's inference."
        " (off by default)",
        "  mypy         Static type checking of the whole program. (off by default)",
        "  ruff         Flake8, pyflakes, isort and more rules, in native code. (--fix repairs)"
        " (off by default)",
        "  bandit       Common security issues in Python code. (off by default)",
        "",
    ]
    commands = epilog[epilog.index("commands:") :]
    assert commands == [
        "commands:",
        "  lintgate cache status|prune|clean|keygen   the result cache (lintgate cache --help)",
        "  lintgate completion bash|zsh|fish          print a shell completion script",
        "  lintgate config verify|schema              check a config file; its JSON Schema",
        "  lintgate linters [--json] [-E/-D ...]      the linters a run would use",
        "  lintgate merge RESULT...                   report the result files of --shard runs",
        "  (a path named like a command is given as ./NAME: ./cache, ./merge)",
    ]


def test_bash_completion_offers_commands_first_and_linter_names(tmp_path: Path) -> None:
    script = completion_script(tmp_path, "bash")
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    work = tmp_path / "work"
    work.mkdir()
    (work / "mod.py").write_text("")

    def complete(*words: str) -> list[str]:
        return bash_complete(script, *words, cwd=work)

    assert complete("lintgate", "") == [
        "cache",
        "completion",
        "config",
        "linters",
        "merge",
        "mod.py",
    ]
    assert complete("lintgate", "m") == ["merge", "mod.py"]
    assert complete("lintgate", "mod.py", "m") == ["mod.py"]  # commands only come first
    assert complete("lintgate", "-E", "") == ["imports", "isort", "black", *EXTERNAL]
    assert complete("lintgate", "--disable", "py") == ["pyflakes", "pycodestyle", "pylint"]
    assert complete("lintgate", "-D", "ru") == ["ruff"]
