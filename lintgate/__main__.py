"""The `lintgate` console script and `python -m lintgate`.

`lintgate --version` is answered here, before argparse, the config and discovery are imported
(issue 8: at most 0.1 s), naming the versions of isort, black and libcst (issue 16);
a warm run whose inputs are all unchanged is answered from its replay record
(lintgate.replay), before argparse, the config and the engine are imported; everything else
goes to lintgate.cli.main.
"""

import sys


def main(argv: list[str] | None = None) -> int:
    """Run lintgate with `argv` (default: sys.argv[1:]); returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from lintgate.versions import version_line

        sys.stdout.write(version_line() + "\n")
        return 0
    if argv is None:  # the console script (a caller's argument list: no replay)
        import os

        from lintgate.replay.fast import answer

        try:
            replayed = answer(args, os.environ)
        except KeyboardInterrupt:  # as lintgate.cli ends an interrupted run
            sys.stderr.write("lintgate: interrupted\n")
            return 130
        if replayed is not None:
            return replayed
    from lintgate.cli import main as cli_main

    return cli_main(args, record=argv is None)


if __name__ == "__main__":
    sys.exit(main())
