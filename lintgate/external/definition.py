"""The record of one external linter (gometalinter's `Linters` entry, plus lintgate's needs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Partition = Literal["files", "directories", "project"]


@dataclass(frozen=True)
class ExternalDefinition:
    """One external linter, gometalinter's `Linters` entry plus what lintgate needs to run and cache it."""

    name: str
    command: str  # e.g. "flake8" or "mypy --no-error-summary"; shlex-split; the files are appended
    pattern: str  # regex with named groups path, line, optional col, message (other groups: MessageOverride variables), or a gometalinter shorthand PATH:LINE:COL:MESSAGE / PATH:LINE:MESSAGE
    partition: Partition = "files"  # gometalinter's PartitionStrategy
    is_fast: bool = False
    config_files: tuple[
        str, ...
    ] = ()  # names of config files the tool reads (see docs/external.md)
    severity: str = "warning"
    message_override: str = ""  # gometalinter MessageOverride template ("" = none)
    file_local: bool = True  # False: whole-program (mypy): one cache entry keyed on every input
    findings_exit_codes: frozenset[int] = frozenset(
        {1}
    )  # exit statuses meaning "ran and found something"; 0 is always clean; any other status is a tool failure
    install_hint: str = ""  # e.g. "pip install flake8"
    version_args: tuple[str, ...] = ("--version",)
    fix_command: str = (
        ""  # a command that fixes the files it is given in place (run on a temporary copy), e.g. "ruff check --fix --exit-zero --quiet"; "" = no fixer
    )
    description: str = ""  # one sentence for SARIF's rule description
    help_uri: str = ""
    jobs_flag: str = (
        ""  # how to hold the tool's own parallelism to its share, e.g. "--jobs={n}" ("" = none)
    )
    env: tuple[tuple[str, str], ...] = ()  # extra environment variables (e.g. NO_COLOR)
