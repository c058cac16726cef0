"""`lintgate config verify [FILE]` and `lintgate config schema`: check a configuration file
without running, as golangci-lint's `config verify`, and print the JSON Schema that editors
use.

verify reads the file named, else the one a run would use (lintgate.config.find_config_file),
and checks it with lintgate's own loader (every check a run makes of the file, with its
messages), then against the JSON Schema shipped in the package (lintgate.schema.json) when
the jsonschema package is installed. The schema checks less than the loader (tests prove that
what the loader accepts, the schema accepts), so a file that passes here is one a run accepts.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from lintgate.config import (
    ConfigError,
    find_config_file,
    read_raw,
    shadowed_config_files,
    validate_keys,
)
from lintgate.config.pyproject import label
from lintgate.console import say, warn

__all__ = ["SCHEMA_PATH", "config_main", "load_schema", "schema_errors"]

SCHEMA_PATH = Path(__file__).with_name("lintgate.schema.json")


def load_schema() -> dict[str, Any]:
    """The JSON Schema of lintgate.json, as shipped in the package (package data)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def schema_errors(data: dict[str, Any]) -> list[str] | None:
    """The JSON Schema's complaints about the config keys `data`, each one line
    (`KEY: MESSAGE`, or `MESSAGE` for the object itself), in the order of their place in the
    file; None when jsonschema is not installed."""
    try:
        import jsonschema  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path])
    lines = []
    for error in errors:
        where = "/".join(str(p) for p in error.path)
        lines.append(f"{where}: {error.message}" if where else error.message)
    return lines


def _parser() -> Any:
    from lintgate.config.usage import OneLineParser  # usage errors: one line (cli.main)

    p = OneLineParser(
        prog="lintgate config",
        description="Check a configuration file; print the JSON Schema of lintgate.json.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="verify|schema")
    verify = sub.add_parser(
        "verify", help="check the config file (default: the one a run here would use)"
    )
    verify.add_argument("file", metavar="FILE", nargs="?", help="the file to check")
    sub.add_parser("schema", help="print the JSON Schema of lintgate.json")
    return p


def config_main(argv: Sequence[str]) -> int:
    """`lintgate config ...` (argv without "config"); returns the exit status: 0, or 2 with
    one line on stderr (the loader's message, naming the file and the key)."""
    args = _parser().parse_args(list(argv))
    if args.command == "schema":
        sys.stdout.write(SCHEMA_PATH.read_text(encoding="utf-8"))
        return 0
    return _verify(args.file)


def _verify(named: str | None) -> int:
    cwd = Path(os.getcwd())
    if named is not None:
        path, shown = cwd / named, named
    else:
        found = find_config_file(cwd)
        if found is None:
            say(
                "config verify: no config file found (lintgate.json, .lintgate.json, or "
                "pyproject.toml with [tool.lintgate]) here or above, up to the repository root"
            )
            return 2
        path, shown = found, os.path.relpath(found, cwd)
        for other in shadowed_config_files(found):
            warn(
                f"{shown} and {label(other, os.path.relpath(other, cwd))} both exist; "
                f"using {shown}"
            )
    try:
        data, where = read_raw(path, shown)
        validate_keys(data, where)
    except ConfigError as e:
        say(str(e))
        return 2
    errors = schema_errors(data)
    if errors:  # the loader accepted it: a disagreement between the two is a lintgate bug
        say(f"{where}: {errors[0]} (lintgate.schema.json)")
        return 2
    if errors is None:
        warn("jsonschema is not installed: checked by lintgate's loader only")
    print(f"{label(path, shown)}: valid")
    return 0
