"""The `lintgate` console script and `python -m lintgate`.

`lintgate --version` is answered here, before argparse, the config and discovery are imported
(issue 8: at most 0.1 s), naming the versions of isort, black and libcst (issue 16);
everything else goes to lintgate.cli.main.
"""

import sys


def main(argv: list[str] | None = None) -> int:
    """Run lintgate with `argv` (default: sys.argv[1:]); returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from lintgate.versions import version_line

        sys.stdout.write(version_line() + "\n")
        return 0
    from lintgate.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
