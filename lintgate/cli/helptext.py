"""The epilog of `lintgate --help`: the linters (the in-process ones from the registry, then the
built-in external ones of lintgate.external.builtin), the formats, the sort keys, the exit
statuses and the commands (`cache`, `completion`, `config`, `linters`, `merge`), and
`lintgate completion SHELL`.

Completion scripts come from shtab (argparse-based, as pip-tools' and DVC's do): bash, zsh and
fish, generated from the same parser as `--help`, so they know every option; -E/-D complete
the linters' names (shtab's choices), and in bash the first word completes the commands too
(a shtab `complete` function beside the file names).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

__all__ = ["COMMANDS", "SHELLS", "completion_main", "epilog", "linter_names"]

SHELLS = ("bash", "zsh", "fish")
COMMANDS = ("cache", "completion", "config", "linters", "merge")
"""The subcommands `lintgate` dispatches on its first word (lintgate.cli._main)."""

# bash: the commands as the first word, the file names always (shtab's own file function)
_BASH_PATHS = "_shtab_lintgate_commands_or_files"
_BASH_PATHS_FN = (
    f"{_BASH_PATHS}() {{\n"
    '  [ "${COMP_CWORD:-1}" -eq 1 ] && compgen -W "' + " ".join(COMMANDS) + '" -- "$1"\n'
    '  _shtab_compgen_files "$1"\n'
    "}"
)


def linter_names() -> list[str]:
    """The names -E/-D take without a definition of the user's: the in-process linters (in
    pipeline order), then the built-in external ones (lintgate.external.builtin's order)."""
    from lintgate import linters
    from lintgate.external.builtin import BUILTIN

    return [*linters.names(), *(n for n in BUILTIN if n not in linters.names())]


def epilog() -> str:
    """The text after the options in `--help` (kept as written: RawDescriptionHelpFormatter)."""
    from lintgate.filters import SORT_KEYS
    from lintgate.report import FORMATS

    return "\n".join(
        [
            "linters (-E/-D NAME):",
            *_linter_rows(),
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
            "  lintgate config verify|schema              check a config file; its JSON Schema",
            "  lintgate linters [--json] [-E/-D ...]      the linters a run would use",
            "  lintgate merge RESULT...                   report the result files of --shard runs",
            "  (a path named like a command is given as ./NAME: ./cache, ./merge)",
        ]
    )


def _linter_rows() -> list[str]:
    """`  NAME  description (--fix repairs) (off by default)`: the in-process linters, then
    the built-in external ones (all off by default; ruff's FixCommand repairs)."""
    from lintgate import linters
    from lintgate.external.builtin import BUILTIN

    fixers = set(linters.fixers())
    names = linter_names()
    width = max(len(n) for n in names)
    rows = []
    for name in names:
        external = BUILTIN.get(name) if name not in linters.names() else None
        if external is not None:
            text = external.description.split(": ", 1)[-1]  # without "NAME: "
            text = text[:1].upper() + text[1:]
            fixes, default = bool(external.fix_command), False
        else:
            text = linters.description(name) or ""
            fixes, default = name in fixers, name in linters.enabled_by_default()
        mark = " (--fix repairs)" if fixes else ""
        off = "" if default else " (off by default)"
        rows.append(f"  {name:<{width}}  {text}{mark}{off}")
    return rows


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
    `--cache-dir` as a directory; -E/-D the linters' names (`linter_names`: a definition of
    the user's is not known to a script written once); in bash the first word the COMMANDS too.
    Sets choices and `complete` on `parser`'s actions: give it a parser that parses nothing
    else. Raises ImportError when shtab is missing."""
    import shtab

    for action in parser._actions:
        if action.dest == "paths":
            action.complete = {  # type: ignore[attr-defined]
                **shtab.FILE,
                "bash": _BASH_PATHS,
                "preamble": {"bash": _BASH_PATHS_FN},
            }
        elif "--enable" in action.option_strings or "--disable" in action.option_strings:
            action.choices = linter_names()
        elif action.dest in ("config", "new_from_patch", "stdin_filename"):
            action.complete = shtab.FILE  # type: ignore[attr-defined]
        elif action.dest in ("cache_dir",):
            action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    text: str = shtab.complete(parser, shell=shell)
    return text
