"""The record of one external linter (gometalinter's `Linters` entry, plus lintgate's needs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Partition = Literal["files", "directories", "project"]


@dataclass(frozen=True)
class ExternalDefinition:
    """One external linter, gometalinter's `Linters` entry plus what lintgate needs to run and cache it.

    name: the linter's name (config, flags, `nolint`, output).
    command: e.g. "flake8" or "mypy --no-error-summary"; shlex-split; the files are appended
        (or put in place of a word `{path}`/`{paths}`, gometalinter's placeholder).
    pattern: a regex with named groups path, line, optional col, message (other groups:
        MessageOverride variables), or a gometalinter shorthand PATH:LINE:COL:MESSAGE /
        PATH:LINE:MESSAGE (lintgate.external.pattern).
    partition: gometalinter's PartitionStrategy: "files", "directories" or "project"
        (lintgate.external.batches).
    is_fast: the tool is fast (`--fast` runs only fast linters).
    config_files: names of config files the tool reads, looked for in each checked file's
        directory and every directory above it (their contents key the cache).
    severity: "warning" or "error", of every finding.
    message_override: gometalinter's MessageOverride template over the pattern's groups
        (`{message}`, `{code}`, or `{{.Message}}`); "" for none.
    file_local: False for a whole-program tool (mypy): one cache entry keyed on every input.
    findings_exit_codes: exit statuses meaning "ran and found something"; 0 is always clean;
        any other status is a tool failure.
    install_hint: what to install when the program is missing, e.g. "pip install flake8".
    version_args: the arguments that make it print its version (asked once per program).
    fix_command: a command that fixes the files it is given in place (run on a temporary
        copy), e.g. "ruff check --fix --exit-zero --quiet"; "" = no fixer.
    description: one sentence for SARIF's rule description.
    help_uri: SARIF's rule helpUri ("" for none).
    jobs_flag: how to hold the tool's own parallelism to its share, e.g. "--jobs={n}" ("" = none).
    env: extra environment variables, (name, value) pairs (e.g. NO_COLOR).
    """

    name: str
    command: str
    pattern: str
    partition: Partition = "files"
    is_fast: bool = False
    config_files: tuple[str, ...] = ()
    severity: str = "warning"
    message_override: str = ""
    file_local: bool = True
    findings_exit_codes: frozenset[int] = frozenset({1})
    install_hint: str = ""
    version_args: tuple[str, ...] = ("--version",)
    fix_command: str = ""
    description: str = ""
    help_uri: str = ""
    jobs_flag: str = ""
    env: tuple[tuple[str, str], ...] = ()
