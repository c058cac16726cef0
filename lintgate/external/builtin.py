"""The external linters lintgate ships (flake8, pyflakes, pycodestyle, pylint, mypy, ruff, bandit).

Each is off unless enabled (`Enable`/`--enable`); a user's `Linters` entry of the same name
overlays the definition here field by field. Every command asks its tool for one line per
finding (path, line, column where the tool prints a 1-based one, message with the tool's code
first) and the patterns take that line apart; docs/external-builtin.md lists them with the config
files and exit statuses, and tests/test_external_tools.py checks each against the real tool.

What is decided here, and why:

- `is_fast`: a tool that reads one file at a time and resolves no import (golangci-lint's
  sense of `fast`: no type information, no whole-program load): flake8, pyflakes, pycodestyle,
  ruff and bandit. pylint (astroid inference) and mypy are not.
- `file_local`: False for mypy (a type error depends on the modules a file imports) and for
  pylint: its inference reads the imported modules (`no-member`, `import-error`, inconsistent
  MRO) and `duplicate-code` compares the files of one run with each other, so a per-file cache
  entry would go stale when another file changes. Both get one entry keyed on every input, and
  run as one batch of every file (`project`), so that each run sees the whole program once.
- Columns: lintgate's are 1-based (lintgate.diagnostic). pylint and bandit print 0-based ones
  (astroid's and the ast's `col_offset`), so their patterns take no column (0: unknown) rather
  than a wrong one; flake8, pyflakes, pycodestyle, ruff and mypy print 1-based columns.
- mypy's `note:` lines are dropped: they elaborate the error printed before them (a link, "did
  you mean"), or are `reveal_type` output, which mypy itself counts as no finding (exit 0).
  The pattern matches `error:` lines only; the notes are counted among the unmatched lines.
- pylint's `************* Module NAME` headers and the extra lines of a multi-line message
  (`duplicate-code`) are unmatched lines too: pylint's text reporter always prints them.
- Exit statuses: 0 is clean for all; 1 means findings for all but pylint, whose status is a bit
  mask (1 fatal, 2 error, 4 warning, 8 refactor, 16 convention, 32 usage error): any mix of
  2-16 without the fatal bit means findings; a fatal message (a file it could not read or
  parse, an astroid crash) or a usage error is a failure. mypy's 2 (a crash, a bad config, or
  a blocking error such as a syntax error that stops the whole check) is a failure, as for ruff
  and bandit; flake8 exits 1 on a crash too (the traceback on stderr with no finding parsed
  makes that a tool error).
- bandit reads no config file when it is given files (it looks for `.bandit` only while walking
  a directory target, and reads `pyproject.toml` only with `-c`): overlay its Command with
  `-c pyproject.toml` and ConfigFiles `["pyproject.toml"]` to use a `[tool.bandit]` table.
- ruff runs with `--no-fix` (a `fix = true` in its config would otherwise write files on a
  check) and `--force-exclude` (its own `exclude` applies to the files lintgate names, as
  ruff's pre-commit hook does).
"""

from __future__ import annotations

from lintgate.external.definition import ExternalDefinition

# `path:line:col: CODE message`: flake8's and pycodestyle's default `--format`
# (`%(path)s:%(row)d:%(col)d: %(code)s %(text)s`).
_PATH_LINE_COL_CODE = (
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>(?P<code>[A-Z]+[0-9]+) .*)$"
)

_PYLINT_TEMPLATE = "{path}:{line}: {msg_id}: {msg} ({symbol})"
_BANDIT_TEMPLATE = "{relpath}:{line}: {test_id} [{severity}/{confidence}] {msg}"

_EXIT_1 = frozenset({1})
# pylint's bit-encoded exit status: any mix of error (2), warning (4), refactor (8) and
# convention (16), without fatal (1) or usage error (32).
_PYLINT_FINDINGS = frozenset(range(2, 32, 2))

_DEFINITIONS = (
    ExternalDefinition(
        name="flake8",
        command="flake8",
        pattern=_PATH_LINE_COL_CODE,
        is_fast=True,
        config_files=("setup.cfg", "tox.ini", ".flake8"),
        findings_exit_codes=_EXIT_1,
        install_hint="pip install flake8",
        jobs_flag="--jobs={n}",
        description="flake8: pyflakes, pycodestyle and mccabe (and its plugins) in one run.",
        help_uri="https://flake8.pycqa.org/en/latest/user/error-codes.html",
    ),
    ExternalDefinition(
        name="pyflakes",
        command="pyflakes",
        pattern=r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$",
        is_fast=True,
        findings_exit_codes=_EXIT_1,
        install_hint="pip install pyflakes",
        description="pyflakes: names undefined, unused or redefined, and other logical errors.",
        help_uri="https://github.com/PyCQA/pyflakes",
    ),
    ExternalDefinition(
        name="pycodestyle",
        command="pycodestyle",
        pattern=_PATH_LINE_COL_CODE,
        is_fast=True,
        config_files=("setup.cfg", "tox.ini"),
        findings_exit_codes=_EXIT_1,
        install_hint="pip install pycodestyle",
        description="pycodestyle: the style conventions of PEP 8.",
        help_uri="https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes",
    ),
    ExternalDefinition(
        name="pylint",
        command=(
            "pylint --output-format=text --score=n --reports=n --persistent=n"
            f" '--msg-template={_PYLINT_TEMPLATE}'"
        ),
        pattern=(
            r"^(?P<path>.+?):(?P<line>\d+): "
            # a multi-line message (duplicate-code) ends with its symbol on its last line
            r"(?P<message>(?P<code>[A-Z][0-9]{4}): .*?(?: \((?P<symbol>[a-z0-9-]+)\))?)$"
        ),
        config_files=(
            "pylintrc",
            "pylintrc.toml",
            ".pylintrc",
            ".pylintrc.toml",
            "pyproject.toml",
            "setup.cfg",
            "tox.ini",
        ),
        partition="project",
        file_local=False,
        findings_exit_codes=_PYLINT_FINDINGS,
        install_hint="pip install pylint",
        # no JobsFlag: pylint's findings depend on its --jobs (duplicate-code, cyclic-import
        # see only one worker's share of the files), and the cache does not key lintgate's -j
        description="pylint: errors, code smells and conventions, with astroid's inference.",
        help_uri="https://pylint.readthedocs.io/en/stable/user_guide/messages/messages_overview.html",
    ),
    ExternalDefinition(
        name="mypy",
        command="mypy --show-column-numbers --no-error-summary --no-pretty --no-color-output",
        pattern=r"^(?P<path>.+?):(?P<line>\d+):(?:(?P<col>\d+):)? error: (?P<message>.*)$",
        config_files=("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg"),
        partition="project",
        severity="error",
        file_local=False,
        findings_exit_codes=_EXIT_1,
        install_hint="pip install mypy",
        description="mypy: static type checking of the whole program.",
        help_uri="https://mypy.readthedocs.io/en/stable/error_code_list.html",
    ),
    ExternalDefinition(
        name="ruff",
        command="ruff check --output-format=concise --quiet --no-fix --force-exclude",
        # `CODE [*] message` for a fixable finding; `invalid-syntax: ...` has no code.
        pattern=r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$",
        is_fast=True,
        config_files=("pyproject.toml", "ruff.toml", ".ruff.toml"),
        findings_exit_codes=_EXIT_1,
        install_hint="pip install ruff",
        fix_command="ruff check --fix-only --quiet --force-exclude",
        description="ruff check: flake8, pyflakes, isort and more rules, in native code.",
        help_uri="https://docs.astral.sh/ruff/rules/",
    ),
    ExternalDefinition(
        name="bandit",
        command=f"bandit --quiet --format custom '--msg-template={_BANDIT_TEMPLATE}'",
        pattern=(
            r"^(?P<path>.+?):(?P<line>\d+): (?P<message>(?P<code>B[0-9]+) "
            r"\[(?P<level>[A-Z]+)/(?P<confidence>[A-Z]+)\] .*)$"
        ),
        is_fast=True,
        findings_exit_codes=_EXIT_1,
        install_hint="pip install bandit",
        description="bandit: common security issues in Python code.",
        help_uri="https://bandit.readthedocs.io/en/latest/plugins/index.html",
    ),
)

BUILTIN: dict[str, ExternalDefinition] = {d.name: d for d in _DEFINITIONS}
"""The shipped definitions by name, in the order `lintgate linters` lists them."""
