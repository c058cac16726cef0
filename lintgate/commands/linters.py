"""`lintgate linters [--json] [FLAGS]`: every linter the configuration knows (the in-process
ones, the built-in external definitions, the user's `Linters` and `--linter`), with whether it
is enabled, fast, its kind, command and pattern (golangci-lint's `linters` command)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lintgate.config import Config


def rows(config: Config) -> list[dict[str, Any]]:
    """One row per linter, in-process ones first (pipeline order), then the external ones:
    `name`, `enabled`, `fast`, `kind` ("in-process", "external file-local" or "external
    whole-program"), `command` and `pattern` ("" for an in-process linter)."""
    from lintgate import linters
    from lintgate.external import registry

    out: list[dict[str, Any]] = []
    enabled = set(config.enabled)
    for name in linters.names():
        out.append(_row(name, name in enabled, True, "in-process", "", ""))
    for name, d in registry.definitions().items():
        if name not in linters.REGISTRY:
            kind = registry.kind(d)
            out.append(_row(name, name in enabled, d.is_fast, kind, d.command, d.pattern))
    return out


def _row(
    name: str, enabled: bool, fast: bool, kind: str, command: str, pattern: str
) -> dict[str, Any]:
    return {
        "name": name,
        "enabled": enabled,
        "fast": fast,
        "kind": kind,
        "command": command,
        "pattern": pattern,
    }


def render_text(table: list[dict[str, Any]]) -> str:
    """The rows as aligned columns under a header (yes/no for the flags, `-` for none)."""
    header = ["NAME", "ENABLED", "FAST", "KIND", "COMMAND", "PATTERN"]
    cells = [header] + [
        [
            r["name"],
            "yes" if r["enabled"] else "no",
            "yes" if r["fast"] else "no",
            r["kind"],
            r["command"] or "-",
            r["pattern"] or "-",
        ]
        for r in table
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[-1]]) for row in cells]
    return "".join(line.rstrip() + "\n" for line in lines)


def linters_main(argv: list[str], cwd: Path) -> int:
    """Print the table (or `--json`, a JSON array of the rows) for the configuration that
    `argv` (lintgate's own flags: --config, -E, -D, --linter, ...) makes; returns the exit
    status. Raises ConfigError and UsageError as a run would."""
    from lintgate.cli.options import load_config
    from lintgate.cli.parser import build_parser
    from lintgate.console import stdout_writes

    as_json = "--json" in argv
    args = build_parser().parse_args([a for a in argv if a != "--json"])
    config, _ = load_config(args, cwd)
    table = rows(config)
    text = json.dumps(table, indent=2) + "\n" if as_json else render_text(table)
    with stdout_writes():
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0
