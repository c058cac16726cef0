"""Command-line usage errors as one line (`lintgate: error: ...`), not argparse's usage block."""

from __future__ import annotations

import argparse
from typing import NoReturn

__all__ = ["OneLineParser", "UsageError"]


class UsageError(Exception):
    """A command-line usage error. `prog`: the command (`lintgate`, `lintgate cache`);
    `str(error)`: argparse's one-line message."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog

    def line(self) -> str:
        """The line to print on stderr (no newline): `PROG: error: MESSAGE (see PROG --help)`."""
        return f"{self.prog}: error: {self} (see {self.prog} --help)"


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error raises UsageError instead of printing the usage block and
    exiting; the caller prints `error.line()` and exits 2. Its subparsers are of this class
    too (argparse gives subparsers the class of their parent)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, message)
