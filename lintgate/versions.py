"""The versions of the tools lintgate runs (isort, black, libcst), for `-v` and `--version`."""

from __future__ import annotations

from lintgate.linters.base import dist_version

__all__ = ["TOOLS", "tool_versions"]

TOOLS = ("isort", "black", "libcst")


def tool_versions() -> dict[str, str]:
    """{"isort": ..., "black": ..., "libcst": ...}: the installed version of each (as
    lintgate.linters.base.dist_version reads it), "not installed" when one is missing."""
    from importlib.metadata import PackageNotFoundError

    versions = {}
    for name in TOOLS:
        try:
            versions[name] = dist_version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions
