"""The versions of the tools whose verdicts lintgate gives (isort, black, and libcst, which
parses for the `imports` linter): what `--version` and `-v` name, so that a verdict that
changed can be traced to the tool that changed. Cheap to call: no tool is imported."""

from __future__ import annotations

import os
import re
import sys

__all__ = ["TOOLS", "dist_version", "tool_versions", "version_line"]

# The distributions whose versions decide lintgate's verdicts, in the order they are named.
TOOLS = ("isort", "black", "libcst")


def dist_version(name: str) -> str:
    """The installed version of the distribution `name` (e.g. "black" -> "26.10.1"), as
    `importlib.metadata.version` gives it: read from the name of its `NAME-VERSION.dist-info`
    directory in the first `sys.path` entry that holds one, which spares a warm run (answered
    from the cache, yet keyed by the linters' versions) the import of importlib.metadata and
    the email package. Anything less plain (several candidates in one entry, an `.egg-info`)
    is left to importlib.metadata. Raises importlib.metadata.PackageNotFoundError.
    """
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        # only metadata directories: the console scripts' directory, first on sys.path when
        # a script runs, holds `isort-identify-imports`
        found = [
            n
            for n in names
            if n.lower().startswith(prefix) and n.endswith((".dist-info", ".egg-info"))
        ]
        if not found:
            continue
        if len(found) == 1 and found[0].endswith(".dist-info"):
            return found[0][len(prefix) : -len(".dist-info")]
        break
    from importlib.metadata import version

    return version(name)


def tool_versions() -> dict[str, str]:
    """{"isort": "9.0.2", "black": "26.10.1", "libcst": "1.9.0"}: the installed version of
    each of TOOLS, in that order; "not installed" for one that is missing."""
    versions = {}
    for name in TOOLS:
        try:
            versions[name] = dist_version(name)
        except ModuleNotFoundError:  # importlib.metadata.PackageNotFoundError, not imported here
            versions[name] = "not installed"
    return versions


def version_line() -> str:
    """What `lintgate --version` prints (without the newline), one line as mypy's and
    black's first line: `lintgate 0.2.0 (isort 9.0.2, black 26.10.1, libcst 1.9.0; Python
    3.12.1)`. The Python version counts too: black's and the `imports` linter's verdicts
    depend on its parser."""
    from lintgate import __version__

    tools = ", ".join(f"{name} {v}" for name, v in tool_versions().items())
    python = ".".join(map(str, sys.version_info[:3]))
    return f"lintgate {__version__} ({tools}; Python {python})"
