"""The external linters lintgate ships (flake8, pyflakes, pycodestyle, pylint, mypy, ruff, bandit).

Each is off unless enabled (`Enable`/`--enable`); a user's `Linters` entry of the same name
overlays the definition here field by field.
"""

from __future__ import annotations

from lintgate.external.definition import ExternalDefinition

BUILTIN: dict[str, ExternalDefinition] = {}
