"""The `lintgate` console script and `python -m lintgate`.

`lintgate --version` is answered here, before argparse, the config and discovery are imported
(issue 8: at most 0.1 s); everything else goes to lintgate.cli.main.
"""

import sys


def main(argv: list[str] | None = None) -> int:
    """Run lintgate with `argv` (default: sys.argv[1:]); returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from lintgate import __version__

        sys.stdout.write(f"lintgate {__version__}\n")
        return 0
    from lintgate.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
