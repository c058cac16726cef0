"""`--fast`: only the fast linters of the enabled set (golangci-lint's `--fast`, gometalinter's
`--fast`: "only run fast linters").

lintgate's in-process linters (isort, black, imports) count as fast: each reads one file at a
time with no import resolution, as gofmt and goimports, which golangci-lint marks fast. An
external linter is fast when its definition says `IsFast` (lintgate/external/builtin.py: flake8,
pyflakes, pycodestyle, ruff and bandit; a `Linters` entry may set it for any linter).
"""

from __future__ import annotations

from lintgate.external import registry


def fast_only(enabled: list[str]) -> list[str]:
    """The names of `enabled` (in their order) that are fast: every in-process linter, and the
    external ones whose definition of this run has `is_fast`."""
    kept = []
    for name in enabled:
        definition = registry.get(name)
        if definition is None or definition.is_fast:
            kept.append(name)
    return kept
