"""The epilog of `lintgate --help`: the linters (from the registry), the formats, the sort keys,
the exit statuses and the commands (`cache`, `completion`), and `lintgate completion SHELL`.

Completion scripts come from shtab (argparse-based, as pip-tools' and DVC's do): bash, zsh and
fish, generated from the same parser as `--help`, so they know every option.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

__all__ = ["SHELLS", "completion_main", "epilog"]

SHELLS = ("bash", "zsh", "fish")


def epilog() -> str:
    """The text after the options in `--help` (kept as written: RawDescriptionHelpFormatter)."""
    from lintgate import linters
    from lintgate.filters import SORT_KEYS
    from lintgate.report import FORMATS

    fixers = set(linters.fixers())
    names = linters.names()
    width = max(len(n) for n in names)
    rows = []
    for name in names:
        mark = " (--fix repairs)" if name in fixers else ""
        default = "" if name in linters.enabled_by_default() else " (off by default)"
        rows.append(f"  {name:<{width}}  {linters.description(name) or ''}{mark}{default}")
    return "\n".join(
        [
            "linters (-E/-D NAME):",
            *rows,
            "",
            "formats (--format, --output):",
            f"  {', '.join(FORMATS)}, or a template such as '{{path}}:{{line}}: {{message}}'",
            f"sort keys (--sort): {', '.join(SORT_KEYS)}, none",
            "",
            "exit status (a bitmask): 0 clean; 1 findings (0 with --exit-zero, N with",
            "  --issues-exit-code N); ORed with 2 when lintgate or a linter could not do its job;",
            "  2 for a usage or config error; 130 interrupted, 143 terminated",
            "",
            "commands:",
            "  lintgate cache status|prune|clean|keygen   the result cache (lintgate cache --help)",
            "  lintgate completion bash|zsh|fish          print a shell completion script",
            "  (a path named `cache` or `completion` is given as ./cache, ./completion)",
        ]
    )


def completion_main(argv: Sequence[str], parser: argparse.ArgumentParser) -> int:
    """`lintgate completion SHELL` (argv without "completion"): print the completion script of
    SHELL (bash, zsh or fish) for `parser` (lintgate's) on stdout; exit status 0, or 2 with a
    one-line error."""
    from lintgate.config.usage import OneLineParser

    p = OneLineParser(
        prog="lintgate completion",
        description="Print a shell completion script for lintgate.",
        epilog="bash: lintgate completion bash > ~/.local/share/bash-completion/completions/"
        "lintgate; zsh: into a directory of $fpath as _lintgate; fish: "
        "> ~/.config/fish/completions/lintgate.fish",
    )
    p.add_argument("shell", choices=SHELLS)
    args = p.parse_args(list(argv))
    try:
        text = script(parser, args.shell)
    except ImportError:
        print("lintgate completion: shtab is not installed (pip install shtab)", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of `lintgate` for `shell`, from shtab and the command's parser;
    the paths, `--config`, `--new-from-patch` and `--stdin-filename` complete as files,
    `--cache-dir` as a directory. Raises ImportError when shtab is missing."""
    import shtab

    for action in parser._actions:
        if action.dest in ("config", "new_from_patch", "stdin_filename", "paths"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]
        elif action.dest in ("cache_dir",):
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    text: str = shtab.complete(parser, shell=shell)
    return text
